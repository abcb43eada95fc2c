"""READ: files, folders and globs to RawDocuments, streaming; bad input becomes a Rejection.

    iter_documents(["news/", "extra/*.jsonl.gz", "one.html"])

Containers are told apart by content as much as by name: gzip by its magic bytes, HTML and
JSON Lines by what the first bytes look like, whatever the extension says.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from sitrep.model import RawDocument, Rejection
from sitrep.read.container import read_file
from sitrep.read.discover import discover

__all__ = ["iter_documents"]


def iter_documents(paths: Iterable[str]) -> Iterator[RawDocument | Rejection]:
    """Every document under ``paths`` (files, folders, glob patterns), in a stable order."""
    for found in discover(paths):
        if isinstance(found, Rejection):
            yield found
        else:
            yield from read_file(found)
