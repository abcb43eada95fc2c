"""The functions the CLI, the API and the web page all call."""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import IO, Iterable

from sitrep import merge, pipeline
from sitrep.export import records
from sitrep.export.writers import WRITERS
from sitrep.merge.claims import figure_claims
from sitrep.store import Store

EXPORTABLE = ("articles", "mentions", "events")


def open_store(db: str | None = None) -> Store:
    return Store(db)


def sample_dir() -> Path:
    """The sample articles shipped with the package (written for sitrep from reported facts)."""
    return Path(str(resources.files("sitrep") / "data" / "samples"))


def ingest(store: Store, paths: Iterable[str], hooks: pipeline.Hooks = pipeline.Hooks(),
           analysis: pipeline.Analysis | None = None) -> pipeline.Summary:
    return pipeline.ingest(paths, store, extractor=analysis or pipeline.Analysis(), hooks=hooks)


def iter_export(store: Store, what: str) -> Iterable[dict]:
    if what == "articles":
        return (records.article_record(row) for row in store.iter_articles())
    if what == "mentions":
        return records.mention_records(store.iter_mentions(), store.get_article)
    if what == "events":
        return (_event(*row) for row in store.iter_events())
    raise ValueError(f"cannot export {what!r}: choose one of {', '.join(EXPORTABLE)}")


def export(store: Store, what: str, fmt: str, out: IO[str]) -> int:
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(WRITERS)}")
    return WRITERS[fmt](iter_export(store, what), out)


def _event(event: dict, members: list[dict], roots: dict, reasons: list[dict]) -> dict:
    claims = figure_claims(members, {a: r[0] for a, r in roots.items()})
    return records.event_record(event, members, roots, claims, reasons)


def get_event(store: Store, event_id: str) -> dict | None:
    row = store.get_event(event_id)
    return _event(*row) if row else None


def unmerge(store: Store, mention_id: str) -> str | None:
    """Take a mention out of its event for good; returns the event it left."""
    left, _ = merge.unmerge(store.engine, mention_id)
    return left
