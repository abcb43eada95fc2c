"""WARC files (news crawls such as CC-NEWS): the HTML responses in them, streamed record by record."""
from __future__ import annotations

import gzip
from collections.abc import Iterator

from sitrep.model import RawDocument, Rejection
from sitrep.read.decode import MAX_DOCUMENT_BYTES
from sitrep.read.html import read_html


def _html(record) -> bool:
    ctype = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
    return "html" in ctype.lower()


def _page(path: str, record) -> RawDocument | Rejection:
    uri = record.rec_headers.get_header("WARC-Target-URI") or "?"
    source = f"{path}#{uri}"
    if not _html(record):
        ctype = record.http_headers.get_header("Content-Type") if record.http_headers else None
        return Rejection(source, "not_html", f"WARC response is not an HTML page ({ctype or 'no content type'})")
    data = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        return Rejection(source, "too_large", "WARC response larger than one article can be")
    doc = read_html(source, data)
    if isinstance(doc, RawDocument) and doc.url is None:
        doc = RawDocument(doc.source, doc.text, doc.kind, uri, doc.title, doc.published, doc.outlet, doc.notes)
    return doc


def _starts_as_warc(path: str) -> bool:
    with open(path, "rb") as raw:
        head = raw.read(2)
        raw.seek(0)
        stream = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
        try:
            return stream.read(6).startswith(b"WARC/")
        except (OSError, EOFError):
            return False


def iter_warc(path: str) -> Iterator[RawDocument | Rejection]:
    """Each HTTP response of a WARC file (gzipped per record or not); requests, metadata and
    the file's own warcinfo are protocol, not documents, and pass silently."""
    from warcio.archiveiterator import ArchiveIterator  # only for WARC input
    from warcio.exceptions import ArchiveLoadFailed

    if not _starts_as_warc(path):
        yield Rejection(path, "unreadable", "not a WARC file: it does not begin with a WARC/1.x record")
        return
    with open(path, "rb") as raw:
        try:
            for record in ArchiveIterator(raw):
                if record.rec_type == "response":
                    yield _page(path, record)
        except ArchiveLoadFailed as err:
            yield Rejection(path, "unreadable", f"not a readable WARC file: {err}")
