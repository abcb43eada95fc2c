"""Plain text files: decoded as they are; header lines are left for cleaning to read."""
from __future__ import annotations

from sitrep.model import RawDocument, Rejection
from sitrep.read.decode import decode


def read_text(source: str, data: bytes) -> RawDocument | Rejection:
    decoded = decode(data, source)
    if isinstance(decoded, Rejection):
        return decoded
    text, notes = decoded
    return RawDocument(source=source, text=text, kind="text", notes=notes)
