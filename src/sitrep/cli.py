"""The `sitrep` command: parse arguments, call the service, print."""
from __future__ import annotations

import argparse
import json
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
    ing.add_argument("--workers", type=int, help="analyse on a local Dask cluster of N worker processes")
    ing.add_argument("--cluster", metavar="ADDRESS", help="analyse on an existing Dask cluster (tcp://host:8786)")

    exp = sub.add_parser("export", help="write articles, mentions or events")
    exp.add_argument("what", choices=service.EXPORTABLE)
    exp.add_argument("--format", "-f", default="jsonl", choices=["jsonl", "csv", "geojson", "acled"],
                     help="acled: events in ACLED's columns (docs/acled.md)")
    exp.add_argument("-o", "--output", default="-", help="file to write (default: standard output)")

    sub.add_parser("demo", help="ingest the bundled sample articles and print what was found")

    show = sub.add_parser("show", help="an event with its claims side by side and the evidence sentences")
    show.add_argument("event_id")

    unm = sub.add_parser("unmerge", help="take a mention out of its event, for good")
    unm.add_argument("mention_id")

    srv = sub.add_parser("serve", help="the REST API over HTTP (OpenAPI at /openapi.json, docs at /docs)")
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    srv.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")

    geo = sub.add_parser("geoparse", help="the places in text (plain text, or JSON Lines {id, text, date})")
    geo.add_argument("input", nargs="?", default="-", help="a file, or - for standard input")
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
        summary = service.ingest(store, args.paths, hooks=hooks, workers=args.workers, cluster=args.cluster)
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
    if args.format == "acled" and args.what != "events":
        print("sitrep: the ACLED format is for events: sitrep export events --format acled", file=sys.stderr)
        return 2
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
    print("\narticles:")
    for row in store.iter_articles():
        print(f"  {row['published'] or '(no date)':<16} {row['outlet'] or '-':<22} {row['title'] or row['text'][:70]}")
    print("\nevents (sitrep show ID for claims and evidence):")
    for event in service.iter_export(store, "events"):
        print("  " + _event_line(event))
    print(f"\nstore: {store.url}")
    return 0


def _event_line(e: dict) -> str:
    where = ", ".join(loc["name"] for loc in e["locations"] if loc["role"] != "origin")[:40] or "-"
    figures = "; ".join(f"{f['kind']} {f['value'] if f['value'] is not None else '?'}"
                        + (" (conflict)" if f["conflict"] else "") for f in e["figures"])
    return f"{e['id']}  {e['date'] or 'undated':<21} {e['type']}/{e['subtype']:<10} {where:<40} {figures}"


def cmd_show(args) -> int:
    store = service.open_store(args.db)
    shown = service.show_event(store, args.event_id)
    if shown is None:
        print(f"sitrep: no event {args.event_id!r} in {store.url}", file=sys.stderr)
        return 1
    print(shown)
    return 0


def cmd_unmerge(args) -> int:
    store = service.open_store(args.db)
    left = service.unmerge(store, args.mention_id)
    if left is None:
        print(f"sitrep: mention {args.mention_id!r} is not in any event", file=sys.stderr)
        return 1
    print(f"mention {args.mention_id} taken out of event {left}; it will not rejoin it")
    return 0


def cmd_geoparse(args) -> int:
    source = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8", errors="replace")
    with source:
        for result in service.geoparse_documents(source):
            if "error" in result:
                print(f"sitrep: {args.input}: {result['error']}", file=sys.stderr)
            print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_serve(args) -> int:
    service.serve(args.db, args.host, args.port)
    return 0


COMMANDS = {"ingest": cmd_ingest, "export": cmd_export, "demo": cmd_demo, "show": cmd_show,
            "unmerge": cmd_unmerge, "geoparse": cmd_geoparse, "serve": cmd_serve}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="sitrep: %(levelname)s: %(message)s")
    try:
        return COMMANDS[args.command](args)
    except service.StoreUnavailable as err:
        print(f"sitrep: cannot open the store: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
