"""Words, sentences and paragraphs of a text, with offsets, for the place finder.

A light tokenizer of our own: the geoparser needs capitalisation, possessives and offsets,
not a full NLP pipeline, and must stay fast on thousands of short texts.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from operator import itemgetter
from typing import NamedTuple

from sitrep.geo import lexicon

_WORD = re.compile(r"[^\W\d_]+(?:[-'’ʼ´][^\W\d_]+)*|\d+(?:[.,]\d+)*")
_APOSTROPHES = "'’ʼ"
_START = itemgetter(0)  # a span's start
_NON_WORD = re.compile(r"[^\w]")
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
    new = tuple.__new__  # Token(...) without the NamedTuple's Python-level __new__
    for match in _WORD.finditer(text):
        word = match[0]
        start = match.start()
        end = start + len(word)
        if word[-1] != "s":  # most words: no possessive to look for
            append(new(Token, (word, start, end, False, word[0].isupper(), word.lower())))
        elif len(word) > 2 and word[-2] in _APOSTROPHES:  # "Kyiv's"
            word = word[:-2]
            append(new(Token, (word, start, end - 2, True, word[0].isupper(), word.lower())))
        else:
            # "Belarus' border": an apostrophe after a final s, not followed by a letter ("" is
            # in any string, so the end of the text is ruled out first)
            possessive = bool(after := text[end:end + 1]) and after in _APOSTROPHES \
                and not text[end + 1:end + 2].isalpha()
            append(new(Token, (word, start, end, possessive, word[0].isupper(), word.lower())))
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
    word = _NON_WORD.split(head)[-1]
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
    """Which span holds offset ``pos`` (the last one starting at or before it; the first when
    none does)."""
    return max(bisect_right(spans, pos, key=_START) - 1, 0)
