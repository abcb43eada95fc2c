"""REST API latency on a store of the news corpus, requests fired in process through httpx.

    .venv/bin/python bench/bench_api.py [--db PATH_OR_URL] [--requests N] [--seed N] [--corpus FILE.jsonl]

1. Reuses the store at ``--db`` when it holds articles; otherwise ingests the news file into
   it with ``sitrep --db PATH ingest`` (about 90 s).
2. Opens the app (``sitrep.web.app.create_app``), times the first word search on its own
   (it builds the full-text index of a store that has none), then sends ``--requests`` requests
   per kind, one at a time, with filters drawn from what the store holds: countries, regions,
   weapons, claimants, words of evidence sentences, boxes around places, months, sorts, pages.
3. Prints p50/p95/max per kind and overall, and PASS/FAIL against the p95 target; then
   p50/p95/max of a second draw of event searches, per filter.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sitrep.store import Store
from sitrep.store.schema import mentions
from sitrep.web.app import create_app

SHARED = Path(os.environ.get("SITREP_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "news" / "r2nery-ukraine-media.jsonl"
DEFAULT_DB = Path(os.environ.get("TMPDIR", "/tmp")) / "sitrep-bench-api.db"
TARGET_P95_MS = 50.0

Params = dict[str, str | int]


def ensure_store(db: str, corpus: Path) -> None:
    if Store(db).count_articles():
        print(f"reusing {db}")
        return
    if not corpus.exists():
        sys.exit(f"corpus not found at {corpus} (set SITREP_SHARED or pass --corpus)")
    print(f"ingesting {corpus.name} into {db} ...", flush=True)
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-m", "sitrep", "--db", db, "ingest", "-q", str(corpus)], check=True, env=env)
    print(f"ingested in {time.perf_counter() - started:.0f} s")


class Pools:
    """Values to filter on, drawn from the store so that the filters find something."""

    def __init__(self, store: Store) -> None:
        with store.engine.connect() as conn:
            sql = conn.exec_driver_sql
            self.events = [r[0] for r in sql("SELECT id FROM events")]
            self.articles = [r[0] for r in sql("SELECT id FROM articles")]
            self.countries = self._common(sql("SELECT country, count(*) FROM places GROUP BY 1"))
            self.admin1s = self._common(sql("SELECT admin1, count(*) FROM places GROUP BY 1"))
            self.points = list(sql("SELECT lon, lat FROM places WHERE precision = 'place' LIMIT 2000"))
            self.months = [r[0] for r in sql("SELECT DISTINCT substr(date, 1, 7) FROM events WHERE date IS NOT NULL")]
            self.claimants = [r[0] for r in sql("SELECT claimant FROM mentions WHERE claimant IS NOT NULL LIMIT 2000")]
            evidence = conn.execute(sa.select(mentions.c.evidence).limit(2000))
            self.sentences = [quote["text"] for r in evidence for quote in r[0]]

    @staticmethod
    def _common(rows) -> list[str]:
        ranked = sorted((r for r in rows if r[0]), key=lambda r: -r[1])
        return [r[0] for r in ranked[:20]]

    def word(self, rng: random.Random) -> str:
        words = re.findall(r"[A-Za-z]{6,}", rng.choice(self.sentences))
        return rng.choice(words) if words else "missile"

    def claimant(self, rng: random.Random) -> str:
        words = re.findall(r"[A-Za-z]{4,}", rng.choice(self.claimants))
        return rng.choice(words) if words else "ministry"


def event_filters(p: Pools, rng: random.Random) -> Params:
    """One of the filters an analyst would typically set, with a sort and a page."""
    lon, lat = rng.choice(p.points)
    choices: list[Params] = [
        {}, {"type": rng.choice(["attack", "diplomacy", "battle", "posture", "incursion"])},
        {"country": rng.choice(p.countries)}, {"admin1": rng.choice(p.admin1s)},
        {"type": "attack", "country": rng.choice(p.countries)},
        {"weapon": rng.choice(["drone", "missile", "cruise_missile", "artillery", "rocket"])},
        {"claimant": p.claimant(rng)}, {"q": p.word(rng)},
        {"bbox": f"{lon - 0.5:.3f},{lat - 0.5:.3f},{lon + 0.5:.3f},{lat + 0.5:.3f}"},
        {"since": (m := rng.choice(p.months)), "until": m}, {"since": rng.choice(p.months), "type": "attack"},
    ]
    page: Params = {"sort": rng.choice(["-date", "date", "-sources", "sources"]), "limit": 50,
                    "offset": rng.choice([0, 0, 0, 50, 100])}
    return rng.choice(choices) | page


def kinds(p: Pools) -> dict[str, Callable[[random.Random], tuple[str, Params]]]:
    return {
        "GET /api/events": lambda rng: ("/api/events", event_filters(p, rng)),
        "GET /api/events/{id}": lambda rng: (f"/api/events/{rng.choice(p.events)}", {}),
        "GET /api/articles/{id}": lambda rng: (f"/api/articles/{rng.choice(p.articles)}", {}),
        "GET /api/stats": lambda rng: ("/api/stats", rng.choice(
            [{}, {"type": "attack"}, {"country": rng.choice(p.countries)}, {"since": rng.choice(p.months)}])),
    }


async def timed(client: httpx.AsyncClient, path: str, params: Params) -> float:
    started = time.perf_counter()
    response = await client.get(path, params=params)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path} {params}: {response.status_code} {response.text[:300]}")
    return elapsed


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


async def run(db: str, per_kind: int, seed: int) -> bool:
    started = time.perf_counter()
    app = create_app(db)
    print(f"app opened in {(time.perf_counter() - started) * 1000:.0f} ms (adds the reading indexes the first time)")
    pools, rng = Pools(Store(db)), random.Random(seed)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        first = await timed(client, "/api/events", {"q": "missile"})
        print(f"first word search: {first:.0f} ms (brings the full-text index up to date)\n")
        results = {name: [await timed(client, *make(rng)) for _ in range(per_kind)]
                   for name, make in kinds(pools).items()}
        by_filter = await events_by_filter(client, pools, rng, per_kind)
    ok = report(results)
    print("\n/api/events by filter (a second draw of requests):")
    report(by_filter, verdict=False)
    return ok


async def events_by_filter(client: httpx.AsyncClient, pools: Pools, rng: random.Random,
                           n: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for _ in range(n):
        params = event_filters(pools, rng)
        name = "+".join(k for k in params if k not in ("sort", "limit", "offset")) or "no filter"
        out.setdefault(f"  events {name}", []).append(await timed(client, "/api/events", params))
    return dict(sorted(out.items()))


def report(results: dict[str, list[float]], verdict: bool = True) -> bool:
    every = [t for times in results.values() for t in times]
    print(f"{'endpoint':<28}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, times in [*results.items(), ("all", every)]:
        p50, p95 = percentile(times, 50), percentile(times, 95)
        print(f"{name:<28}{len(times):>6}{p50:>10.1f}{p95:>10.1f}{max(times):>10.1f}")
    if not verdict:
        return True
    worst = max(percentile(times, 95) for times in results.values())
    ok = worst <= TARGET_P95_MS
    print(f"\nworst p95 {worst:.1f} ms, target {TARGET_P95_MS:.0f} ms: {'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=str(DEFAULT_DB),
                    help=f"store to reuse or fill: a SQLite path or PostgreSQL URL (default {DEFAULT_DB})")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--requests", type=int, default=100, help="requests per endpoint (default 100)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    ensure_store(args.db, args.corpus)
    return 0 if asyncio.run(run(args.db, args.requests, args.seed)) else 1


if __name__ == "__main__":
    sys.exit(main())
