"""HTML pages: the article text and metadata as trafilatura extracts them."""
from __future__ import annotations

import re

from sitrep.model import RawDocument, Rejection
from sitrep.read.decode import decode

_DOCTYPE = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<!doctype\s+html", re.I | re.S)
_ROOT = re.compile(r"<(?:html|body|head)\b", re.I)
_TAG = re.compile(r"</?(?:p|div|span|a|br|h[1-6]|ul|ol|li|table|tr|td|article|section|meta|"
                  r"script|style|link|title|img|nav|header|footer|main)\b[^>]*>", re.I)
_MIN_TAGS = 8
_DATE_FORMAT = "%Y-%m-%dT%H:%M"


def looks_like_html(head: str) -> bool:
    """True for a page, whatever its file name says."""
    if _DOCTYPE.match(head) or _ROOT.search(head[:4096]):
        return True
    return len(_TAG.findall(head)) >= _MIN_TAGS


def read_html(source: str, data: bytes) -> RawDocument | Rejection:
    decoded = decode(data, source)
    if isinstance(decoded, Rejection):
        return decoded
    page, notes = decoded
    found = _extract(page)
    text = _paragraphs(found.text if found is not None else None)
    if not text:
        return Rejection(source, "no_text", "the HTML page holds no article text trafilatura could extract")
    return RawDocument(source=source, text=text, kind="html", url=_blank(found.url),
                       title=_blank(found.title), published=_published(found.date),
                       outlet=_blank(found.sitename), notes=notes)


def _extract(page: str):
    import trafilatura  # heavy: loaded on the first page, not at import

    return trafilatura.bare_extraction(
        page, include_comments=False, with_metadata=True,
        date_extraction_params={"outputformat": _DATE_FORMAT, "original_date": True,
                                "extensive_search": False})


def _paragraphs(text: str | None) -> str:
    """trafilatura ends each block with one newline; later stages split paragraphs on blank lines."""
    if not text:
        return ""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _published(value: str | None) -> str | None:
    if not value:
        return None
    # htmldate writes midnight when a page gives only a day
    return value[:10] if value.endswith("T00:00") else value


def _blank(value: str | None) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None
