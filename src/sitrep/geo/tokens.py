"""Words, sentences and paragraphs of a text, with offsets, for the place finder.

A light tokenizer of our own: the geoparser needs capitalisation, possessives and offsets,
not a full NLP pipeline, and must stay fast on thousands of short texts.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from sitrep.geo import lexicon

_WORD = re.compile(r"[^\W\d_]+(?:[-'’ʼ´][^\W\d_]+)*|\d+(?:[.,]\d+)*")
_POSSESSIVE = ("'s", "’s", "ʼs")
_APOSTROPHES = "'’ʼ"
_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n+")


class Token(NamedTuple):
    """A word (a tuple: a text has hundreds of thousands of them, and the finder asks about
    capitalisation and lower case millions of times, so both are computed once)."""

    text: str  # the word without a possessive ending
    start: int
    end: int  # end of the word, before any possessive ending
    possessive: bool
    capitalised: bool
    lower: str


def tokenize(text: str) -> list[Token]:
    """The words of ``text`` (one loop, no helper calls: a text has thousands of words)."""
    out: list[Token] = []
    append = out.append
    for match in _WORD.finditer(text):
        word = match.group()
        start, end = match.span()
        possessive = False
        if len(word) > 2 and word[-2:] in _POSSESSIVE:
            word, end, possessive = word[:-2], end - 2, True
        elif word[-1:] == "s" and (after := text[end:end + 1]) and after in _APOSTROPHES \
                and not text[end + 1:end + 2].isalpha():
            # "Belarus' border": an apostrophe after a final s, not followed by a letter ("" is
            # in any string, so the end of the text is ruled out first)
            possessive = True
        append(Token(word, start, end, possessive, word[:1].isupper(), word.lower()))
    return out


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: blank lines separate paragraphs."""
    spans, start = [], 0
    for match in _PARAGRAPH.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def _abbreviation_before(text: str, pos: int) -> bool:
    """True when the period at ``pos`` ends an abbreviation or an initial ("St.", "J.")."""
    if text[pos:pos + 1] != ".":
        return False
    head = text[max(0, pos - 12):pos]
    word = re.split(r"[^\w]", head)[-1]
    abbreviations = lexicon.word_set("cues", "abbreviations")
    return word.lower() in abbreviations or (len(word) == 1 and word.isupper())


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: end punctuation before a capital, or a line break."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if _abbreviation_before(text, match.start()):
            continue
        spans.append((start, match.start() + 1 if text[match.start()] != "\n" else match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [s for s in spans if text[s[0]:s[1]].strip()]


def index_of(spans: list[tuple[int, int]], pos: int) -> int:
    """Which span holds offset ``pos`` (the last one starting at or before it)."""
    lo, hi = 0, len(spans) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if spans[mid][0] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo
