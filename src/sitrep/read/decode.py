"""Bytes to text: binary refusal, BOMs, UTF-8, legacy single-byte encodings, repairs noted."""
from __future__ import annotations

import codecs
import re

from sitrep.model import Note, Rejection

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # one document (a file, or one JSON line) above this is refused

# Formats that are never text, by their first bytes.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")
_MAX_CONTROL_SHARE = 0.05
_SNIFF_BYTES = 8192

# Share of Cyrillic letters a cp1251 reading must reach, and how rarely they may sit beside
# ASCII letters: Russian words are all high bytes, while é or £ in Western text sit inside
# ASCII words (and read as stray Cyrillic letters under cp1251).
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_MIXED_WORD = re.compile(r"[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]")


def binary_kind(head: bytes) -> str | None:
    """What binary thing ``head`` starts, or None when it may be text."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head.startswith(_UTF16_BOMS):
        return None
    sample = head[:_SNIFF_BYTES]
    if b"\x00" in sample:
        return "binary data (NUL bytes)"
    controls = sum(1 for b in sample if b < 0x20 and b not in _TEXT_CONTROLS)
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        return "binary data (control characters)"
    return None


def decode(data: bytes, source: str) -> tuple[str, tuple[Note, ...]] | Rejection:
    """Decode one document's bytes; a Rejection for binary or empty input."""
    what = binary_kind(data)
    if what is not None:
        return Rejection(source, "binary", f"not a text document: looks like {what}")
    text, notes = _decode_text(data)
    if not text.strip():
        return Rejection(source, "empty", "the document is empty or holds only whitespace")
    return text, notes


def _decode_text(data: bytes) -> tuple[str, tuple[Note, ...]]:
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace"), ()
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    loose = data.decode("utf-8-sig", errors="replace")
    bad = loose.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for ch in loose if ord(ch) > 0x7F and ch != "\ufffd")
    if good and good >= bad:  # mostly UTF-8: a few broken bytes, keep the rest
        return loose, (Note("invalid_utf8", f"{bad} invalid byte{'s' * (bad != 1)} replaced"),)
    return _decode_legacy(data)


def _decode_legacy(data: bytes) -> tuple[str, tuple[Note, ...]]:
    encoding = "cp1251" if _reads_as_cyrillic(data) else "cp1252"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        encoding = "latin-1"
        text = data.decode(encoding)
    return text, (Note("legacy_encoding", f"decoded as {encoding}"),)


def _reads_as_cyrillic(data: bytes) -> bool:
    text = data.decode("cp1251", errors="replace")
    high = sum(1 for ch in text if ord(ch) > 0x7F)
    cyrillic = len(_CYRILLIC.findall(text))
    if not high or cyrillic / high < 0.6:
        return False
    return len(_MIXED_WORD.findall(text)) < 0.1 * cyrillic
