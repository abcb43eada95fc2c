"""JSON Lines (and whole .json files): one record per line, streamed in bounded reads."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from sitrep.model import Note, RawDocument, Rejection
from sitrep.read.decode import MAX_DOCUMENT_BYTES, decode

# The same thing goes by several names in the wild; the first non-empty one wins.
_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content"),
    "title": ("title", "headline"),
    "published": ("date", "published", "published_at", "publish_date"),
    "url": ("url", "link"),
    "outlet": ("outlet", "sitename", "site_name"),
}
_DRAIN_CHUNK = 1 << 20
_JSON_TYPES = {list: "array", str: "string", int: "number", float: "number", bool: "boolean",
               type(None): "null"}


def first_line_is_object(head: bytes, complete: bool) -> bool:
    """True when ``head`` opens with a JSON object on its first non-blank line.

    ``complete`` says whether ``head`` is the whole input; a first line cut off by the sniffing
    window counts when it opens like an object with a string key.
    """
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body.startswith(b"{"):
        return False
    end = body.find(b"\n")
    if end < 0 and not complete:
        return body[1:].lstrip().startswith(b'"')
    line = body if end < 0 else body[:end]
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike: not a JSON line
        return False


def iter_records(source: str, stream: BinaryIO) -> Iterator[RawDocument | Rejection]:
    """Every line of ``stream`` as a RawDocument or a Rejection; memory stays bounded."""
    lineno = 0
    while True:
        line = stream.readline(MAX_DOCUMENT_BYTES + 1)
        if not line:
            return
        lineno += 1
        if len(line) > MAX_DOCUMENT_BYTES and not line.endswith(b"\n"):
            _drain_line(stream)
            yield Rejection(f"{source}:{lineno}", "too_large",
                            f"line {lineno} is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
            continue
        if line.strip():
            yield _record(source, lineno, line)


def read_json(source: str, data: bytes) -> Iterator[RawDocument | Rejection]:
    """A whole .json file: one record, or a list of them."""
    decoded = decode(data, source)
    if isinstance(decoded, Rejection):
        yield decoded
        return
    try:
        value = json.loads(decoded[0])
    except json.JSONDecodeError as err:
        yield Rejection(source, "bad_json", f"not valid JSON: {err}")
        return
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items, start=1):
        yield _document(source, index, item, decoded[1], where=f"{source}#{index}", what=f"item {index}")


def _drain_line(stream: BinaryIO) -> None:
    while (chunk := stream.readline(_DRAIN_CHUNK)) and not chunk.endswith(b"\n"):
        pass


def _record(source: str, lineno: int, line: bytes) -> RawDocument | Rejection:
    try:
        value, notes = _parse(line, lineno)
    except json.JSONDecodeError as err:
        return Rejection(f"{source}:{lineno}", "bad_json", f"line {lineno} is not valid JSON: {err}")
    return _document(source, lineno, value, notes, where=f"{source}:{lineno}", what=f"line {lineno}")


def _parse(line: bytes, lineno: int) -> tuple[object, tuple[Note, ...]]:
    try:
        return json.loads(line), ()
    except UnicodeDecodeError:  # JSON must be UTF-8: keep the record, replace the broken bytes
        text = line.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - line.count("\ufffd".encode())
        note = Note("invalid_utf8", f"line {lineno}: {bad} invalid byte{'s' * (bad != 1)} replaced")
        return json.loads(text), (note,)


def _document(source: str, number: int, value: object, notes: tuple[Note, ...], *,
              where: str, what: str) -> RawDocument | Rejection:
    """One record as a RawDocument named FILE#ID (FILE#NUMBER without an id)."""
    if not isinstance(value, dict):
        kind = _JSON_TYPES.get(type(value), type(value).__name__)
        return Rejection(where, "bad_record", f"{what} is a JSON {kind}, not an object")
    fields = {name: _field(value, keys) for name, keys in _FIELDS.items()}
    if fields["text"] is None:
        return Rejection(where, "no_text", f"the record on {what} has no text")
    record_id = value.get("id")
    key = record_id if isinstance(record_id, (str, int)) and str(record_id).strip() else number
    return RawDocument(source=f"{source}#{key}", kind="record", notes=notes, **fields)


def _field(record: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None
