"""CLEAN: a RawDocument to an Article with cleaned text, or a Rejection.

    repair characters -> note the outlet's signature -> remove page furniture
    -> read and remove header lines -> normalise whitespace -> language, outlet, id

Cleaning is deterministic: the same document always gives the same text (and so the same id),
and evidence offsets found later point into that text.
"""
from __future__ import annotations

import hashlib

from sitrep.clean.furniture import remove_furniture
from sitrep.clean.header import more_precise, parse_date, parse_header
from sitrep.clean.language import detect_language
from sitrep.clean.outlet import find_outlet
from sitrep.clean.repair import normalise_characters, normalise_whitespace, repair
from sitrep.model import Article, Note, RawDocument, Rejection

__all__ = ["article_id", "clean"]


def article_id(text: str) -> str:
    """The id of an article: the first 16 hex digits of the SHA-256 of its cleaned text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def clean(doc: RawDocument) -> Article | Rejection:
    """The cleaned Article for ``doc``; container fields win over what header lines say."""
    text, repairs = repair(normalise_characters(doc.text))
    signed = text
    header, text = parse_header(remove_furniture(text), known_title=_one_line(doc.title))
    text = normalise_whitespace(text)
    if not text:
        return Rejection(doc.source, "empty_after_cleaning",
                         "nothing is left once page furniture and header lines are removed")
    published, date_notes = _published(doc.published, header.published)
    url = doc.url or header.url
    return Article(
        id=article_id(text), source=doc.source, text=text, raw_text=doc.text,
        language=detect_language(text), title=_one_line(doc.title) or header.title, url=url,
        outlet=_one_line(doc.outlet) or find_outlet(url, signed), published=published,
        author=header.author, notes=doc.notes + repairs + date_notes,
    )


def _published(given: str | None, from_header: str | None) -> tuple[str | None, tuple[Note, ...]]:
    """The container's date (made ISO) refined by the header's, or the header's alone."""
    if not given or not given.strip():
        return from_header, ()
    iso = parse_date(given)
    if iso is None:
        note = Note("unparsed_date", f"publication date {given.strip()!r} not understood; ignored")
        return from_header, (note,)
    return more_precise(iso, from_header), ()


def _one_line(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(value.split()) or None
