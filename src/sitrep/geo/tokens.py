"""Words, sentences and paragraphs of a text, with offsets, for the place finder.

A light tokenizer of our own: the geoparser needs capitalisation, possessives and offsets,
not a full NLP pipeline, and must stay fast on thousands of short texts.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from operator import itemgetter
from typing import NamedTuple

from sitrep.geo import lexicon

# a word, captured: ``split`` then hands back the gaps and the words in turn
_WORD = re.compile(r"([^\W\d_]+(?:[-'’ʼ´][^\W\d_]+)*|\d+(?:[.,]\d+)*)")
# ``_WORD`` for a text with no letter or digit beyond ASCII (most news: its other characters
# are quotes and dashes), where its letters are [a-zA-Z] and its digits [0-9]: the same
# words, found in about half the time (ranges cost the engine less than Unicode categories)
_ASCII_WORD = re.compile(r"([a-zA-Z]+(?:[-'’ʼ´][a-zA-Z]+)*|[0-9]+(?:[.,][0-9]+)*)")
_WIDE_WORD_CHAR = re.compile(r"[^\x00-\x7f\W]")  # a letter, digit or "_" beyond ASCII
_APOSTROPHES = "'’ʼ"
_APOSTROPHE = re.compile(f"[{_APOSTROPHES}]")
_START = itemgetter(0)  # a span's start
_FIRST_CHAR = itemgetter(0)
_NON_WORD = re.compile(r"[^\w]")
_PARAGRAPH = re.compile(r"\n\s*\n")
# End punctuation (and closing quotes) before a capital, or line breaks. Written to open with
# one character set, so that the regex engine skips ahead to those characters in C instead of
# trying the whole pattern at every offset (four times faster; same matches as
# "[.!?]+[closers]*\s+(?=...)|\n+").
_SENTENCE_END = re.compile(
    r"[.!?\n](?:(?<=[.!?])[.!?]*[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|(?<=\n)\n*)")


class Token(NamedTuple):
    """One word of ``tokenize`` (the finder reads them from ``Tokens``)."""

    text: str  # the word without a possessive ending
    start: int
    end: int  # end of the word, before any possessive ending
    possessive: bool
    capitalised: bool
    lower: str


@dataclass(slots=True)
class Tokens:
    """The words of a text, one list per attribute: a text has hundreds of words, and the
    finder asks about capitalisation and lower case millions of times, so both are worked
    out once. Lists, not a tuple per word: each tuple would cost building and be one more
    object for the garbage collector to track."""

    text: list[str]  # each word without a possessive ending
    start: list[int]
    end: list[int]  # end of each word, before any possessive ending
    possessive: list[bool]
    capitalised: list[bool]
    lower: list[str]
    # the text after each word up to the next (after the last, to the end; a possessive
    # ending counts as its word's): what joins each word to the next, handed on so that no
    # one slices the text again for it
    gaps: list[str]

    def __len__(self) -> int:
        return len(self.text)


def tokenize(text: str) -> list[Token]:
    """The words of ``text`` (see ``split_words``), one tuple each."""
    toks = split_words(text)
    return list(map(Token, toks.text, toks.start, toks.end, toks.possessive, toks.capitalised,
                    toks.lower))


def split_words(text: str) -> Tokens:
    """The words of ``text``, with offsets, capitalisation and possessives.

    Built by C-level maps (a text has thousands of words): one split gives the words and
    the gaps between them, their lengths the offsets; the few words ending in "s" are then
    checked for a possessive."""
    ascii_words = text.isascii() or _WIDE_WORD_CHAR.search(text) is None
    parts = (_ASCII_WORD if ascii_words else _WORD).split(text)  # gap, word, ..., gap
    offsets = list(accumulate(map(len, parts), initial=0))
    words = parts[1::2]
    ends = offsets[2::2]
    toks = Tokens(words, offsets[1:-1:2], ends, [False] * len(words),
                  list(map(str.isupper, map(_FIRST_CHAR, words))), list(map(str.lower, words)),
                  parts[2::2])
    for k in _possessive_candidates(text, ends):
        if words[k][-1] == "s":
            _possessive(text, toks, k)
    return toks


def _possessive_candidates(text: str, ends: list[int]) -> list[int]:
    """The words a possessive may end (see ``_possessive``): those ending two characters
    after an apostrophe ("Kyiv's") or right before one ("Belarus'"). Found from the few
    apostrophes, not by asking every word."""
    out: set[int] = set()
    for match in _APOSTROPHE.finditer(text):
        pos = match.start()
        for end in (pos, pos + 2):
            k = bisect_left(ends, end)
            if k < len(ends) and ends[k] == end:
                out.add(k)
    return sorted(out)


def _possessive(text: str, toks: Tokens, k: int) -> None:
    """Makes word ``k``, ending in "s", a possessive when it is one ("Kyiv's", "Belarus'")."""
    word = toks.text[k]
    if len(word) > 2 and word[-2] in _APOSTROPHES:  # "Kyiv's"
        word = word[:-2]
        toks.text[k], toks.end[k], toks.possessive[k] = word, toks.end[k] - 2, True
        toks.capitalised[k], toks.lower[k] = word[0].isupper(), word.lower()
        return
    # "Belarus' border": an apostrophe after a final s, not followed by a letter ("" is in any
    # string, so the end of the text is ruled out first)
    end = toks.end[k]
    after = text[end:end + 1]
    if after and after in _APOSTROPHES and not text[end + 1:end + 2].isalpha():
        toks.possessive[k] = True


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
