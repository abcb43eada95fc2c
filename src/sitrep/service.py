"""The functions the CLI, the API and the web page all call."""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import IO, Iterable

from sitrep import pipeline
from sitrep.export import records
from sitrep.export.writers import WRITERS
from sitrep.store import Store

EXPORTABLE = ("articles", "mentions")


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
    raise ValueError(f"cannot export {what!r}: choose one of {', '.join(EXPORTABLE)}")


def export(store: Store, what: str, fmt: str, out: IO[str]) -> int:
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(WRITERS)}")
    return WRITERS[fmt](iter_export(store, what), out)
