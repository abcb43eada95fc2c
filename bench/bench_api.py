"""REST API latency on a store of 100k events made from real ones, on SQLite or PostgreSQL.

    .venv/bin/python bench/bench_api.py [--db PATH_OR_URL] [--events N] [--base PATH] [--requests N] [--repeat N]

1. The base: a store of real events, ``--base`` (default /tmp/sitrep-bench-api-base.db); when
   empty, the seeds and the r2nery news file are ingested into it (``sitrep ingest``, ~2 min).
2. The store measured, ``--db``: reused when it holds ``--events`` events already; otherwise
   (it must then be empty) filled with copies of the base until it does. Copy k gets new ids
   (article, mention, event: a hash of the old id and k), every date moved k x 35 days later
   (months by whole months), seqs after those of copy k-1; mentions, places, figures, merge
   reasons and claimant words follow their copied article and event. The word index fills as
   articles are written, as in an ingest; the daily totals, the events' listed records and (PostgreSQL) the
   events' words are then computed once. On PostgreSQL the tables are then VACUUMed and
   ANALYZEd, as autovacuum does to tables that grew (its visibility map lets index-only scans
   skip the rows).
   Ingest-only tables (sources, MinHash) are not copied.
3. Opens the app (``sitrep.web.app.create_app``) in process, and per kind of request sends
   ``--requests`` requests one at a time through httpx's ASGITransport, parameters drawn from
   what the store holds (countries, months, claimant words, evidence words, boxes round places,
   event ids). ``--repeat`` runs of all kinds; prints p50/p95/max per kind for each run, then
   the median over the runs of each p50 and p95, and PASS/FAIL against p95 < 50 ms.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sitrep.store import Store, daily, event_words, listing
from sitrep.store.schema import (articles, claimant_words, events, figures, mention_weapons, merges, mentions,
                                 places)
from sitrep.web.app import create_app

SHARED = Path(os.environ.get("SITREP_SHARED", ROOT.parent / "shared"))
CORPUS = [SHARED / "corpus" / "seeds", SHARED / "corpus" / "news" / "r2nery-ukraine-media.jsonl"]
TMP = Path(os.environ.get("TMPDIR", "/tmp"))
TARGET_P95_MS = 50.0
SHIFT_DAYS = 35  # copy k is dated k x 35 days after the base: ~10 copies overlap on any day
CHUNK = 2000

Params = dict[str, str | int]


# ---- the stores ------------------------------------------------------------------------------


def count_events(db: str) -> int:
    store = Store(db)
    try:
        with store.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()
    finally:
        store.close()


def ensure_base(base: str, corpus: list[Path]) -> None:
    if count_events(base):
        print(f"base: reusing {base}")
        return
    missing = [str(p) for p in corpus if not p.exists()]
    if missing:
        sys.exit(f"corpus not found: {', '.join(missing)} (set SITREP_SHARED)")
    print(f"base: ingesting {', '.join(p.name for p in corpus)} into {base} ...", flush=True)
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-m", "sitrep", "--db", base, "ingest", "-q", *map(str, corpus)],
                   check=True, env=env)
    print(f"base: ingested in {time.perf_counter() - started:.0f} s")


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")


def shift(value: str | None, days: int) -> str | None:
    """A stored date moved ``days`` later: every YYYY-MM-DD in it (days, ranges, date-times),
    or a bare YYYY-MM by the nearest whole number of months."""
    if not value or not days:
        return value
    if _MONTH.fullmatch(value):
        months = int(value[:4]) * 12 + int(value[5:7]) - 1 + round(days / 30.44)
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    return _DAY.sub(lambda m: (date.fromisoformat(m[0]) + timedelta(days=days)).isoformat(), value)


class Copier:
    """Copy k of the base rows: new ids, shifted dates, seqs after the copies before it."""

    def __init__(self, k: int, seq_step: tuple[int, int]) -> None:
        self.k, self.days = k, k * SHIFT_DAYS
        self.article_seq, self.event_seq = seq_step[0] * k, seq_step[1] * k

    def id(self, old: str | None) -> str | None:
        if old is None or self.k == 0:
            return old
        return hashlib.sha1(f"{old}:{self.k}".encode()).hexdigest()[:len(old)]

    def article(self, r: dict) -> dict:
        return r | {"id": self.id(r["id"]), "source": f"{r['source']}#copy{self.k}", "duplicate_of":
                    self.id(r["duplicate_of"]), "published": shift(r["published"], self.days),
                    "seq": r["seq"] + self.article_seq}

    def mention(self, r: dict) -> dict:
        return r | {"id": self.id(r["id"]), "article_id": self.id(r["article_id"]),
                    "event_id": self.id(r["event_id"]), "date": shift(r["date"], self.days)}

    def event(self, r: dict) -> dict:
        return r | {"id": self.id(r["id"]), "date": shift(r["date"], self.days), "seq": r["seq"] + self.event_seq}

    def of_event(self, r: dict) -> dict:  # places, figures, weapons, merge reasons, claimant words
        return r | {"mention_id": self.id(r["mention_id"]), "event_id": self.id(r["event_id"])}


COPIED = ((articles, Copier.article), (events, Copier.event), (mentions, Copier.mention),
          (places, Copier.of_event), (mention_weapons, Copier.of_event), (figures, Copier.of_event),
          (merges, Copier.of_event), (claimant_words, Copier.of_event))


def read_base(base: str) -> dict[str, list[dict]]:
    store = Store(base)
    try:
        with store.engine.connect() as conn:
            return {t.name: [dict(r._mapping) for r in conn.execute(sa.select(t))] for t, _ in COPIED}
    finally:
        store.close()


def chunks(rows: list[dict]) -> Iterator[list[dict]]:
    for i in range(0, len(rows), CHUNK):
        yield rows[i:i + CHUNK]


def replicate(base: str, db: str, wanted: int) -> None:
    rows = read_base(base)
    copies = -(-wanted // len(rows["events"]))
    step = (max(r["seq"] for r in rows["articles"]), max(r["seq"] for r in rows["events"]))
    print(f"store: {copies} copies of {len(rows['events'])} events, {len(rows['articles'])} articles, "
          f"{len(rows['mentions'])} mentions into {db} ...", flush=True)
    started = time.perf_counter()
    store = Store(db)
    try:
        for k in range(copies):
            copier = Copier(k, step)
            with store.engine.begin() as conn:
                for table, copy in COPIED:
                    for part in chunks(rows[table.name]):
                        conn.execute(table.insert(), [copy(copier, r) for r in part])
            print(f"  copy {k + 1}/{copies}  {time.perf_counter() - started:.0f} s", flush=True)
        with store.engine.begin() as conn:  # what the store keeps as it writes, made once for the copies
            daily.rebuild(conn)
            event_words.rebuild(conn)
            listing.rebuild(conn)
        if store.dialect == "postgresql":  # VACUUM cannot run inside a transaction
            with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
    finally:
        store.close()
    print(f"store: filled in {time.perf_counter() - started:.0f} s")


def ensure_store(db: str, base: str, wanted: int) -> None:
    have = count_events(db)
    if have >= wanted:
        print(f"store: reusing {db} ({have:,} events)")
        return
    if have:
        sys.exit(f"{db} holds {have:,} events, fewer than {wanted:,}: give an empty store or a full one")
    ensure_base(base, CORPUS)
    replicate(base, db, wanted)


def describe(db: str) -> str:
    store = Store(db)
    try:
        with store.engine.connect() as conn:
            n = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                 for t in (events, mentions, articles, places)}
    finally:
        store.close()
    return ", ".join(f"{v:,} {k}" for k, v in n.items())


# ---- the requests ----------------------------------------------------------------------------


class Pools:
    """Values to filter on, drawn from the store so that the filters find something."""

    def __init__(self, db: str) -> None:
        store = Store(db)
        with store.engine.connect() as conn:
            sql = conn.exec_driver_sql
            self.events = [r[0] for r in sql("SELECT id FROM events")]
            self.countries = self._common(sql("SELECT country, count(*) FROM places GROUP BY 1"), 10)
            self.points = list(sql("SELECT lon, lat FROM places WHERE precision = 'place' LIMIT 2000"))
            self.months = [r[0] for r in sql("SELECT DISTINCT substr(date, 1, 7) FROM events "
                                              "WHERE length(date) >= 10")]
            self.claimants = [r[0] for r in sql("SELECT claimant FROM mentions WHERE claimant IS NOT NULL LIMIT 2000")]
            evidence = conn.execute(sa.select(mentions.c.evidence).limit(2000))
            self.sentences = [quote["text"] for r in evidence for quote in r[0]]
        store.close()

    @staticmethod
    def _common(rows, n: int) -> list[str]:
        ranked = sorted((r for r in rows if r[0]), key=lambda r: -r[1])
        return [r[0] for r in ranked[:n]]

    def word(self, rng: random.Random) -> str:
        words = re.findall(r"[A-Za-z]{6,}", rng.choice(self.sentences))
        return rng.choice(words) if words else "missile"

    def claimant(self, rng: random.Random) -> str:
        words = re.findall(r"[A-Za-z]{4,}", rng.choice(self.claimants))
        return rng.choice(words) if words else "ministry"

    def bbox(self, rng: random.Random) -> str:
        lon, lat = rng.choice(self.points)
        return f"{lon - 0.5:.3f},{lat - 0.5:.3f},{lon + 0.5:.3f},{lat + 0.5:.3f}"


Request = Callable[[random.Random], tuple[str, Params]]
TYPES = ["attack", "diplomacy", "battle", "posture", "incursion"]
WEAPONS = ["drone", "missile", "cruise_missile", "artillery", "rocket"]


def requests_by_kind(p: Pools) -> dict[str, Request]:
    """What an analyst's screen asks for: the first page of events under one filter (sorted
    latest first, as the API's default), other sorts, a deep page, one event, the daily counts."""
    ev = "/api/events"
    return {
        "events (default page)": lambda r: (ev, {}),
        "events since+until (month)": lambda r: (ev, {"since": (m := r.choice(p.months)), "until": m}),
        "events type+country": lambda r: (ev, {"type": r.choice(TYPES), "country": r.choice(p.countries)}),
        "events weapon": lambda r: (ev, {"weapon": r.choice(WEAPONS)}),
        "events claimant": lambda r: (ev, {"claimant": p.claimant(r)}),
        "events q (words)": lambda r: (ev, {"q": p.word(r)}),
        "events bbox": lambda r: (ev, {"bbox": p.bbox(r)}),
        "events sort=-sources": lambda r: (ev, {"sort": "-sources"}),
        "events sort=date": lambda r: (ev, {"sort": "date"}),
        "events type, sort=-sources": lambda r: (ev, {"type": r.choice(TYPES), "sort": "-sources"}),
        "events offset 10000": lambda r: (ev, {"offset": r.randrange(5000, 15000)}),
        "event by id": lambda r: (f"{ev}/{r.choice(p.events)}", {}),
        "stats (no filter)": lambda r: ("/api/stats", {}),
        "stats type / country / month": lambda r: ("/api/stats", r.choice(
            [{"type": r.choice(TYPES)}, {"country": r.choice(p.countries)}, {"since": (m := r.choice(p.months)),
                                                                              "until": m}])),
    }


CPU: dict[str, list[float]] = {}  # request kind -> CPU ms of this process per request


async def timed(client: httpx.AsyncClient, path: str, params: Params, kind: str = "") -> float:
    """Wall ms of one request; its CPU ms (this process: app and SQLite, not PostgreSQL's
    server) go to CPU[kind], which a busy machine inflates less than the wall time."""
    started, cpu = time.perf_counter(), time.process_time()
    response = await client.get(path, params=params)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path} {params}: {response.status_code} {response.text[:300]}")
    if kind:
        CPU.setdefault(kind, []).append((time.process_time() - cpu) * 1000)
    return elapsed


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


async def one_run(client: httpx.AsyncClient, kinds: dict[str, Request], rng: random.Random,
                  n: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for name, make in kinds.items():
        await timed(client, *make(rng))  # one unmeasured request per kind: page cache, plan cache
        out[name] = [await timed(client, *make(rng), kind=name) for _ in range(n)]
    return out


async def measure(db: str, n: int, repeat: int, seed: int) -> list[dict[str, list[float]]]:
    started = time.perf_counter()
    app = create_app(db)
    print(f"app opened in {(time.perf_counter() - started) * 1000:.0f} ms")
    kinds, runs = requests_by_kind(Pools(db)), []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for i in range(repeat):
            runs.append(await one_run(client, kinds, random.Random(seed + i), n))
            print(f"\nrun {i + 1}/{repeat}")
            table(runs[-1])
    return runs


def table(run: dict[str, list[float]]) -> None:
    print(f"{'request':<32}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, times in run.items():
        print(f"{name:<32}{len(times):>5}{percentile(times, 50):>9.1f}{percentile(times, 95):>9.1f}"
              f"{max(times):>9.1f}")


def summary(runs: list[dict[str, list[float]]]) -> bool:
    """The median over the runs of each kind's p50 and p95."""
    print(f"\nmedian of {len(runs)} runs (wall time; CPU p95 of this process over all runs)\n"
          f"{'request':<32}{'p50 ms':>9}{'p95 ms':>9}{'CPU p95':>9}")
    worst = 0.0
    for name in runs[0]:
        p50 = statistics.median(percentile(run[name], 50) for run in runs)
        p95 = statistics.median(percentile(run[name], 95) for run in runs)
        worst = max(worst, p95)
        print(f"{name:<32}{p50:>9.1f}{p95:>9.1f}{percentile(CPU[name], 95):>9.1f}"
              f"{'' if p95 <= TARGET_P95_MS else '  over target'}")
    ok = worst <= TARGET_P95_MS
    print(f"\nworst p95 {worst:.1f} ms, target {TARGET_P95_MS:.0f} ms: {'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=str(TMP / "sitrep-bench-api.db"),
                    help="store to measure: a SQLite path or PostgreSQL URL, reused when full, filled when empty")
    ap.add_argument("--base", default=str(TMP / "sitrep-bench-api-base.db"),
                    help="store of real events to copy (filled from the corpus when empty)")
    ap.add_argument("--events", type=int, default=100_000, help="events the store must hold (default 100000)")
    ap.add_argument("--requests", type=int, default=40, help="requests per kind and run (default 40)")
    ap.add_argument("--repeat", type=int, default=3, help="runs; the median run is reported (default 3)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    ensure_store(args.db, args.base, args.events)
    print(f"store: {describe(args.db)}")
    runs = asyncio.run(measure(args.db, args.requests, args.repeat, args.seed))
    return 0 if summary(runs) else 1


if __name__ == "__main__":
    sys.exit(main())
