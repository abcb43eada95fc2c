"""CPU time of the geoparser alone, and a dump of its output to prove a change keeps it.

    PYTHONPATH=src .venv/bin/python bench/bench_geoparse.py [--limit N] [--hint UA]
                                                            [--dump FILE] [--texts FILE]

Reads the news corpus (``$SITREP_SHARED/corpus/news/r2nery-ukraine-media.jsonl``), cleans each
record as the pipeline does, and times ``geoparse`` over the cleaned texts with
``time.process_time`` (CPU, so other work on the machine matters less than for wall time).
The gazetteer is opened and the lexicons loaded before the clock starts; caches the geoparser
fills while it reads the texts count, as they do in an ingest.

``--texts FILE`` reads (or, when missing, writes) the cleaned texts as JSON Lines, so that two
checkouts can be timed on the very same texts without cleaning them again. ``--dump FILE``
writes every text's places (and actor mentions) as one JSON line each: two versions of the
geoparser give the same output when their dumps are byte-identical.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

from sitrep.geo import Gazetteer, actor_mentions, geoparse

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SITREP_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "news" / "r2nery-ukraine-media.jsonl"


def cleaned_texts(corpus: Path, limit: int) -> list[dict[str, str]]:
    """The first ``limit`` articles of ``corpus``, cleaned as the pipeline cleans them."""
    from sitrep.clean import clean
    from sitrep.model import Article, RawDocument
    from sitrep.read import iter_documents

    out: list[dict[str, str]] = []
    for doc in iter_documents([str(corpus)]):
        if len(out) >= limit:
            break
        article = clean(doc) if isinstance(doc, RawDocument) else None
        if isinstance(article, Article):
            out.append({"id": article.source, "text": article.text})
    return out


def load_texts(args: argparse.Namespace) -> list[dict[str, str]]:
    if args.texts and args.texts.is_file():
        with args.texts.open(encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle if line.strip()]
        return records[: args.limit]
    records = cleaned_texts(args.corpus, args.limit)
    if args.texts:
        with args.texts.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return records


def run(records: list[dict[str, str]], gaz: Gazetteer, hint: str | None,
        dump: Path | None) -> float:
    """CPU seconds spent geoparsing ``records``; their places go to ``dump`` when given."""
    results = []
    seconds = 0.0
    for record in records:
        start = time.process_time()
        places = geoparse(record["text"], gaz, hint)
        seconds += time.process_time() - start
        if dump is not None:
            actors = actor_mentions(record["text"], gaz)
            results.append({"id": record["id"], "places": [dataclasses.asdict(p) for p in places],
                            "actors": [dataclasses.astuple(a) for a in actors]})
    if dump is not None:
        with dump.open("w", encoding="utf-8") as handle:
            for row in results:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("--hint", default=None, help="country hint (ISO alpha-2) for every text")
    ap.add_argument("--texts", type=Path, default=None, help="cleaned texts (read or written)")
    ap.add_argument("--dump", type=Path, default=None, help="write every text's places here")
    args = ap.parse_args()
    records = load_texts(args)
    gaz = Gazetteer.open()
    geoparse("Shelling in the village of Pavlivka, Sumy region, was reported.", gaz)
    seconds = run(records, gaz, args.hint, args.dump)
    import sitrep.geo

    print(f"{len(records)} texts, {sum(len(r['text']) for r in records):,} chars: "
          f"geoparse {seconds:.2f} s CPU, {len(records) / seconds:.1f} docs/s "
          f"[{Path(sitrep.geo.__file__).parents[2]}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
