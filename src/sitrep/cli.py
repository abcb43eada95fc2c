"""The `sitrep` command: parse arguments, call the service, print."""
from __future__ import annotations

import argparse
import logging
import sys
from contextlib import contextmanager
from typing import Iterator

from sitrep import pipeline, service

log = logging.getLogger("sitrep")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="sitrep", description="Source-attributed event records from conflict news.")
    ap.add_argument("--db", help="SQLite path or PostgreSQL URL (default: $SITREP_DB or ./sitrep.db)")
    ap.add_argument("-v", "--verbose", action="store_true", help="log debugging details")
    sub = ap.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="read articles (files, folders, globs, .gz) into the store")
    ing.add_argument("paths", nargs="+", metavar="PATH")
    ing.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no per-file messages")

    exp = sub.add_parser("export", help="write articles or mentions")
    exp.add_argument("what", choices=service.EXPORTABLE)
    exp.add_argument("--format", "-f", default="jsonl", choices=["jsonl", "csv", "geojson"])
    exp.add_argument("-o", "--output", default="-", help="file to write (default: standard output)")

    sub.add_parser("demo", help="ingest the bundled sample articles and print what was found")
    return ap


@contextmanager
def _progress(enabled: bool) -> Iterator[pipeline.Hooks]:
    """A progress bar on a terminal; rejections printed above it."""
    from tqdm import tqdm

    bar = tqdm(unit=" docs", disable=not (enabled and sys.stderr.isatty()), file=sys.stderr)

    def on_reject(rej) -> None:
        if enabled:
            tqdm.write(f"sitrep: skipped {rej.message()}", file=sys.stderr)

    try:
        yield pipeline.Hooks(on_item=lambda: bar.update(1), on_reject=on_reject)
    finally:
        bar.close()


def cmd_ingest(args) -> int:
    store = service.open_store(args.db)
    with _progress(not args.quiet) as hooks:
        summary = service.ingest(store, args.paths, hooks=hooks)
    print(summary.line())
    # non-zero only when nothing at all could be read
    return 1 if summary.read and summary.rejected_total == summary.read else 0


@contextmanager
def _output(path: str):
    if path == "-":
        yield sys.stdout
    else:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            yield fh


def cmd_export(args) -> int:
    store = service.open_store(args.db)
    with _output(args.output) as out:
        n = service.export(store, args.what, args.format, out)
    if args.output != "-":
        print(f"wrote {n} {args.what} to {args.output}", file=sys.stderr)
    return 0


def cmd_demo(args) -> int:
    store = service.open_store(args.db)
    with _progress(True) as hooks:
        summary = service.ingest(store, [str(service.sample_dir())], hooks=hooks)
    print(summary.line())
    for row in store.iter_articles():
        print(f"  {row['published'] or '(no date)':<16} {row['outlet'] or '-':<22} {row['title'] or row['text'][:70]}")
    print(f"store: {store.url}")
    return 0


COMMANDS = {"ingest": cmd_ingest, "export": cmd_export, "demo": cmd_demo}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="sitrep: %(levelname)s: %(message)s")
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
