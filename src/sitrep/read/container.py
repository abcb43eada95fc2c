"""One file to documents: gzip unwrapped, the container chosen by content as much as by name."""
from __future__ import annotations

import gzip
import os
import re
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from sitrep.model import RawDocument, Rejection
from sitrep.read.decode import MAX_DOCUMENT_BYTES, binary_kind
from sitrep.read.html import looks_like_html, read_html
from sitrep.read.jsonl import first_line_is_object, iter_records, read_json
from sitrep.read.text import read_text
from sitrep.read.warc import iter_warc

HEAD_BYTES = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_TEXT_EXT = frozenset({".txt", ".text", ".md"})
_HTML_EXT = frozenset({".html", ".htm", ".xhtml"})
_JSONL_EXT = frozenset({".jsonl", ".ndjson"})
_KNOWN_EXT = _TEXT_EXT | _HTML_EXT | _JSONL_EXT | {".json", ".gz", ".warc"}
# Only a short alphabetic tail counts as an extension: "report.2022" is sniffed, not refused.
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9_]{0,9}$")
_MB = 1024 * 1024


def read_file(path: str) -> Iterator[RawDocument | Rejection]:
    """Every document in one file; every problem becomes a Rejection naming the file."""
    refused = _check_extensions(path)
    if refused is not None:
        yield refused
        return
    try:
        if ".warc" in _extensions(path):
            yield from iter_warc(path)
            return
        yield from _read(path)
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        yield Rejection(path, "unreadable", f"corrupt gzip data: {err}")
    except OSError as err:
        yield Rejection(path, "unreadable", f"cannot read: {err.strerror or err}")


def _extensions(path: str) -> list[str]:
    """The extension, and the inner one under .gz ("x.jsonl.gz" -> [".gz", ".jsonl"])."""
    name = os.path.basename(path)
    found: list[str] = []
    for _ in range(2):
        match = _EXTENSION.search(name)
        if not match:
            break
        found.append(match.group().lower())
        if found[-1] != ".gz":
            break
        name = name[: match.start()]
    return found


def _check_extensions(path: str) -> Rejection | None:
    for ext in _extensions(path):
        if ext not in _KNOWN_EXT:
            return Rejection(path, "unknown_extension", f"unsupported file type '{ext}' "
                             "(sitrep reads .txt, .html, .jsonl, .warc and their .gz)")
    return None


def _read(path: str) -> Iterator[RawDocument | Rejection]:
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
        raw.seek(0)
        stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
        head = stream.read(HEAD_BYTES)
        what = binary_kind(head)
        if what is not None:
            yield Rejection(path, "binary", f"not a text document: looks like {what}")
            return
        kind = _sniff(head, path)
        if kind == "jsonl":
            stream.seek(0)
            yield from iter_records(path, stream)
            return
        data = _whole(stream, head, None if gzipped else os.fstat(raw.fileno()).st_size)
        if data is None:
            yield Rejection(path, "too_large", f"larger than {MAX_DOCUMENT_BYTES // _MB} MB: "
                            "one document that big is not an article")
            return
        yield from _documents(kind, path, data)


def _sniff(head: bytes, path: str) -> str:
    """"jsonl", "json", "html" or "text"."""
    exts = [e for e in _extensions(path) if e != ".gz"]
    ext = exts[0] if exts else ""
    if ext in _JSONL_EXT or first_line_is_object(head, complete=len(head) < HEAD_BYTES):
        return "jsonl"
    if ext == ".json":
        return "json"
    if ext in _HTML_EXT:
        return "html"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    return "html" if looks_like_html(text) else "text"


def _whole(stream: BinaryIO, head: bytes, size: int | None) -> bytes | None:
    """The whole document, or None past the size limit (a file's size is known without reading)."""
    if size is not None and size > MAX_DOCUMENT_BYTES:
        return None
    if len(head) < HEAD_BYTES:
        return head
    data = head + stream.read(MAX_DOCUMENT_BYTES + 1 - len(head))
    return None if len(data) > MAX_DOCUMENT_BYTES else data


def _documents(kind: str, path: str, data: bytes) -> Iterator[RawDocument | Rejection]:
    if kind == "json":
        yield from read_json(path, data)
    elif kind == "html":
        yield read_html(path, data)
    else:
        yield read_text(path, data)
