"""The offline gazetteer: one indexed SQLite file, opened once per process.

``Gazetteer.open()`` finds the file (``$SITREP_GAZETTEER`` or
``~/.cache/sitrep/gazetteer-v<schema>.sqlite``), builds it when it is missing or was built
from other data, and returns a shared, picklable handle (a pickle carries only the path).
"""
from __future__ import annotations

import os
import sqlite3
import sys
import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from sitrep.geo import build, lexicon
from sitrep.geo.variants import fold, skeleton

_OPENED: dict[str, Gazetteer] = {}
_OPEN_LOCK = threading.Lock()
_CACHE_LIMIT = 200_000
_MMAP_BYTES = 256 * 1024 * 1024
_PREFIX_CACHE = 16  # prefixes whose names ``fuzzy`` keeps (a few thousand names each)
_COLUMNS = ("p.id, p.kind, p.name, p.country, p.admin1, p.lat, p.lon, p.population, "
            "p.geonames_id, p.subtype, p.capital")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry a name may stand for, and how the name met it."""

    id: int
    kind: str  # "country" | "admin1" | "place" | "area"
    name: str  # the entry's own name, not the text's
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int
    geonames_id: int | None
    # admin1: the ISO type ("region", "city"...); place: "codifier" when Ukraine's codifier
    # lists it too, "approximate" when only the codifier has it (at its hromada's point)
    subtype: str
    capital: bool  # a country's capital city
    source: str  # name | alt | alias | news | base | demonym | variant | fuzzy
    score: float = 100.0  # similarity of the written name to the entry's form, 0-100

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Candidate:
        """From a query row: the place columns, then the source (and the score)."""
        return cls(*row)

    @property
    def is_city_admin1(self) -> bool:
        """An admin1 that is a city (Kyiv city UA-30, Moscow RU-MOW, Minsk BY-HM)."""
        return self.kind == "admin1" and "city" in self.subtype


def default_path() -> Path:
    env = os.environ.get("SITREP_GAZETTEER")
    if env:
        return Path(env).expanduser()
    name = f"gazetteer-v{build.SCHEMA_VERSION}.sqlite"
    return Path.home() / ".cache" / "sitrep" / name


def _is_current(path: Path) -> bool:
    """True when ``path`` holds a gazetteer of this schema built from the current data."""
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False  # a foreign or damaged file: rebuild it
    return (meta.get("schema") == str(build.SCHEMA_VERSION)
            and meta.get("data") == build.expected_data_version())


class _KeySet:
    """The hashes of a table's keys (see ``build.hashes_blob``): "no" for a key not there is
    certain, "maybe" costs a query (a few microseconds against tens for the query)."""

    def __init__(self, blob: bytes) -> None:
        self._hashes = array("I", blob)
        if sys.byteorder != "little":
            self._hashes.byteswap()

    def __contains__(self, key: str) -> bool:
        wanted = build.key_hash(key)
        at = bisect_left(self._hashes, wanted)
        return at < len(self._hashes) and self._hashes[at] == wanted


class Gazetteer:
    """Name lookups against the gazetteer file. Use ``Gazetteer.open()``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._exact_cache: dict[str, tuple[Candidate, ...]] = {}
        self._variant_cache: dict[str, list[Candidate]] = {}
        self._place_cache: dict[int, tuple[Any, ...]] = {}
        self._prefix_cache: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        # entries by code: a few hundred codes, and the capital query scans a country's towns
        self._code_cache: dict[tuple[str, tuple[object, ...]], Candidate | None] = {}
        self._keysets: dict[str, _KeySet] = {}

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Gazetteer:
        """The process's gazetteer at ``path`` (default: ``default_path()``), built if needed."""
        target = Path(path).expanduser() if path is not None else default_path()
        key = str(target.resolve())
        with _OPEN_LOCK:
            opened = _OPENED.get(key)
            if opened is None:
                if not _is_current(target):
                    build.build(target)
                opened = _OPENED[key] = cls(target)
        return opened

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Gazetteer.open, (str(self.path),))

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            # lookups read the file's pages in memory rather than through read calls (about a
            # quarter faster; the pages are the OS's cache, shared by every process)
            conn.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
            self._local.conn = conn
        return conn

    def _keyset(self, kind: str) -> _KeySet:
        """The key hashes of table ``kind`` ("name" or "skel"), read once (a few MB)."""
        keys = self._keysets.get(kind)
        if keys is None:
            row = self._conn().execute(
                "SELECT hashes FROM keyset WHERE kind = ?", (kind,)).fetchone()
            keys = self._keysets[kind] = _KeySet(row[0])
        return keys

    def meta(self) -> dict[str, str]:
        return dict(self._conn().execute("SELECT key, value FROM meta").fetchall())

    # ---- lookups ----------------------------------------------------------------

    def lookup(self, name: str, countries: Iterable[str] | None = None,
               fuzzy: bool = True) -> list[Candidate]:
        """Entries ``name`` may stand for: exact forms first, then spelling variants, then
        (with ``fuzzy``, when neither found anything) close spellings among names starting
        alike, in ``countries`` if given."""
        found = list(self.exact(name))
        seen = {c.id for c in found}
        found += [c for c in self.variants(name) if c.id not in seen]
        if not found and fuzzy:
            found = self.fuzzy(name, countries)
        return found

    def exact(self, name: str) -> tuple[Candidate, ...]:
        """Entries one of whose forms folds to the same key as ``name``."""
        key = fold(name)
        cached = self._exact_cache.get(key)
        if cached is None:
            rows = self._conn().execute(
                f"SELECT {_COLUMNS}, n.source FROM name n JOIN place p ON p.id = n.place "
                "WHERE n.key = ?", (key,)).fetchall() if key in self._keyset("name") else ()
            cached = tuple(Candidate(*row) for row in rows)
            if len(self._exact_cache) > _CACHE_LIMIT:
                self._exact_cache.clear()
            self._exact_cache[key] = cached
        return cached

    def variants(self, name: str) -> list[Candidate]:
        """Entries written differently but romanised alike ("Petrykaw" -> Petrikov)."""
        # kept by the fold: the entries depend on nothing else ("KYIV" and "Kyiv" alike)
        key = fold(name)
        cached = self._variant_cache.get(key)
        if cached is None:
            cached = self._variants(name)
            if len(self._variant_cache) > _CACHE_LIMIT:
                self._variant_cache.clear()
            self._variant_cache[key] = cached
        return list(cached)

    def _variants(self, name: str) -> list[Candidate]:
        skey = skeleton(name)
        if not skey or skey not in self._keyset("skel"):
            return []
        minimum = float(lexicon.load("variants")["min_similarity"])
        # forms first, places only for the forms alike enough: a short skeleton is shared by
        # hundreds of forms, and reading their places cost more than scoring them
        rows = self._conn().execute(
            "SELECT s.key, s.place FROM skel s WHERE s.skey = ?", (skey,)).fetchall()
        scores: dict[int, float] = {}
        # ``similar``, scored in C (the build stored the forms folded); the cutoff a point
        # low (rapidfuzz takes 0-100), so that only the test below decides, as a per-form
        # ``fuzz.ratio`` did
        cutoff = min(max(minimum - 1.0, 0.0), 100.0)
        hits = process.extract_iter(fold(name), [key for key, _ in rows], scorer=fuzz.ratio,
                                    score_cutoff=cutoff)
        for _, score, at in hits:
            place = rows[at][1]
            if score >= minimum and (place not in scores or scores[place] < score):
                scores[place] = score
        places = self._places(list(scores))
        best = [Candidate.from_row((*places[place], "variant", score))
                for place, score in scores.items()]
        return sorted(best, key=lambda c: -c.score)

    def _places(self, ids: list[int]) -> dict[int, tuple[Any, ...]]:
        """The place columns of entries ``ids`` (cached: the same towns come up again)."""
        missing = [i for i in ids if i not in self._place_cache]
        if missing:
            if len(self._place_cache) > _CACHE_LIMIT:
                self._place_cache.clear()
            marks = ",".join("?" * len(missing))
            for row in self._conn().execute(
                    f"SELECT {_COLUMNS} FROM place p WHERE p.id IN ({marks})", missing):
                self._place_cache[row[0]] = tuple(row)
        return {i: self._place_cache[i] for i in ids}

    def fuzzy(self, name: str, countries: Iterable[str] | None = None) -> list[Candidate]:
        """Close spellings among names sharing the first two letters (rapidfuzz ratio)."""
        settings = lexicon.load("variants")
        key = fold(name)
        if len(key) < int(settings["min_fuzzy_length"]):
            return []
        keys = self._keys_with_prefix(key[:2], tuple(sorted(countries or ())))
        hits = process.extract(key, keys, scorer=fuzz.ratio, limit=5,
                               score_cutoff=float(settings["fuzzy_cutoff"]))
        allowed = set(countries or ())
        out = []
        for form, score, _ in hits:
            for cand in self.exact(form):
                if not allowed or cand.country in allowed:
                    out.append(replace(cand, source="fuzzy", score=float(score)))
        return out

    def _keys_with_prefix(self, prefix: str, countries: tuple[str, ...]) -> list[str]:
        """Names starting with ``prefix`` (kept for a few prefixes: the same misspelt words,
        "Ukranian", "Rusian", come back text after text, and each query reads thousands)."""
        key = (prefix, countries)
        keys = self._prefix_cache.get(key)
        if keys is None:
            if len(self._prefix_cache) >= _PREFIX_CACHE:
                del self._prefix_cache[next(iter(self._prefix_cache))]  # the oldest
            keys = self._prefix_cache[key] = self._read_keys_with_prefix(prefix, countries)
        return keys

    def _read_keys_with_prefix(self, prefix: str, countries: Sequence[str]) -> list[str]:
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        sql = "SELECT DISTINCT n.key FROM name n"
        args: list[str] = [prefix, upper]
        where = " WHERE n.key >= ? AND n.key < ? AND n.source != 'demonym'"
        if countries:
            sql += " JOIN place p ON p.id = n.place"
            where += f" AND p.country IN ({','.join('?' * len(countries))})"
            args.extend(countries)
        return [row[0] for row in self._conn().execute(sql + where, args)]

    # ---- entries by code ----------------------------------------------------------

    def _one(self, where: str, args: tuple[object, ...]) -> Candidate | None:
        key = (where, args)
        if key in self._code_cache:
            return self._code_cache[key]
        row = self._conn().execute(
            f"SELECT {_COLUMNS}, 'name' FROM place p WHERE {where} "
            "ORDER BY p.population DESC LIMIT 1", args).fetchone()
        found = self._code_cache[key] = Candidate(*row) if row else None
        return found

    def country(self, code: str) -> Candidate | None:
        return self._one("p.kind = 'country' AND p.country = ?", (code,))

    def admin1(self, code: str) -> Candidate | None:
        return self._one("p.kind = 'admin1' AND p.admin1 = ?", (code,))

    def capital(self, country: str) -> Candidate | None:
        """The capital city of ``country`` (ISO alpha-2)."""
        return self._one("p.kind = 'place' AND p.capital = 1 AND p.country = ?", (country,))

    def capital_region(self, country: str) -> Candidate | None:
        """The region around the capital: the non-city admin1 named like the capital city
        (Kyiv oblast for Kyiv, Minsk region for Minsk), else the capital's own admin1."""
        city = self.capital(country)
        if city is None:
            return None
        for cand in self.exact(city.name):
            if cand.kind == "admin1" and cand.country == country and not cand.is_city_admin1:
                return cand
        return self.admin1(city.admin1) if city.admin1 else None
