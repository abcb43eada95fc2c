"""Paths, folders and glob patterns to the files to read, in a stable order."""
from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator

from sitrep.model import Rejection

_GLOB_CHARS = frozenset("*?[")
# A folder named like a document ("x.txt/") was almost surely meant as a file: say so.
DOCUMENT_SUFFIXES = frozenset({".txt", ".text", ".md", ".html", ".htm", ".xhtml",
                               ".jsonl", ".ndjson", ".json", ".gz"})


def discover(paths: Iterable[str]) -> Iterator[str | Rejection]:
    """Each file to read, or a Rejection for a path that names nothing readable."""
    for path in paths:
        yield from _expand(str(path))


def _expand(path: str) -> Iterator[str | Rejection]:
    if os.path.lexists(path):
        yield from _entry(path)
    elif _GLOB_CHARS & set(path):
        matches = sorted(glob.glob(path, recursive=True))
        if not matches:
            yield Rejection(path, "not_found", "no file matches this pattern")
        for match in matches:
            yield from _entry(match)
    else:
        yield Rejection(path, "not_found", "no such file or folder")


def _entry(path: str) -> Iterator[str | Rejection]:
    if os.path.islink(path) and not os.path.exists(path):
        yield Rejection(path, "unreadable", "broken symbolic link: its target does not exist")
    elif os.path.isdir(path):
        yield from _folder(path)
    else:
        yield path


def _folder(path: str) -> Iterator[str | Rejection]:
    if os.path.splitext(path.rstrip("/\\"))[1].lower() in DOCUMENT_SUFFIXES:
        yield Rejection(path, "unreadable", "is a directory, not a document")
        return
    try:
        names = sorted(os.listdir(path))
    except OSError as err:
        yield Rejection(path, "unreadable", f"cannot list folder: {err.strerror or err}")
        return
    for name in names:
        if name.startswith("."):
            continue  # hidden files and folders (.git, .DS_Store) are never articles
        child = os.path.join(path, name)
        if os.path.isdir(child) and os.path.islink(child):
            continue  # a linked folder could loop back on itself
        yield from _entry(child)
