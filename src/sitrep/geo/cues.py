"""Reading the words around a name: phrase lists from ``data/geo/cues.yaml`` and helpers to
match them against the words right before or after a token."""
from __future__ import annotations

import re
from functools import cache

from sitrep.geo import lexicon
from sitrep.geo.tokens import Token

_SPACE_ONLY = re.compile(r"[ \t\u00a0]+")


@cache
def phrases(name: str) -> tuple[tuple[str, ...], ...]:
    """A phrase list of cues.yaml as word tuples, longest first."""
    items = {tuple(str(p).lower().split()) for p in lexicon.load("cues")[name]}
    return tuple(sorted(items, key=len, reverse=True))


@cache
def words(name: str, file: str = "cues") -> frozenset[str]:
    return lexicon.word_set(file, name)


@cache
def codes(name: str) -> frozenset[str]:
    """A list of country codes of cues.yaml, as written (upper case)."""
    return frozenset(str(c) for c in lexicon.load("cues")[name])


def joined(text: str, a: Token, b: Token) -> bool:
    """True when only spaces (no punctuation, no line break) separate two tokens."""
    gap = text[a.end:b.start]
    if gap == " " and not a.possessive:
        return True  # the usual case, without the regular expression
    if a.possessive:
        gap = gap[2:] if gap[:2] in ("'s", "’s", "ʼs") else gap[1:]
    return bool(_SPACE_ONLY.fullmatch(gap))


def joined_abbrev(a: Token, gap: str) -> bool:
    """"St. Petersburg": the period of an abbreviation the fold writes out joins two words."""
    abbreviations = lexicon.load("variants")["tokens"]
    return a.lower in abbreviations and gap in (". ", ".")


def words_before(text: str, toks: list[Token], i: int, limit: int = 8) -> list[str]:
    """Lower-case words right before token ``i``, nearest last, stopping at punctuation."""
    out: list[str] = []
    j = i - 1
    while j >= 0 and len(out) < limit and joined(text, toks[j], toks[j + 1]):
        out.append(toks[j].lower)
        j -= 1
    return out[::-1]


def words_after(text: str, toks: list[Token], i: int, limit: int = 6) -> list[str]:
    """Lower-case words right after token ``i``, stopping at punctuation."""
    out: list[str] = []
    j = i + 1
    while j < len(toks) and len(out) < limit and joined(text, toks[j - 1], toks[j]):
        out.append(toks[j].lower)
        j += 1
    return out


@cache
def _by_word(name: str, last: bool) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The phrases of list ``name`` by their last (or first) word, longest first: the finder
    asks thousands of times per article, and only phrases ending in the word at hand can
    match."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases(name):
        if phrase:
            out.setdefault(phrase[-1] if last else phrase[0], []).append(phrase)
    return {word: tuple(group) for word, group in out.items()}


def ends_with(seq: list[str], name: str) -> tuple[str, ...] | None:
    """The longest phrase of list ``name`` that ``seq`` ends with."""
    if not seq:
        return None
    for phrase in _by_word(name, True).get(seq[-1], ()):
        if len(phrase) <= len(seq) and tuple(seq[len(seq) - len(phrase):]) == phrase:
            return phrase
    return None


def starts_with(seq: list[str], name: str) -> tuple[str, ...] | None:
    """The longest phrase of list ``name`` that ``seq`` starts with."""
    if not seq:
        return None
    for phrase in _by_word(name, False).get(seq[0], ()):
        if tuple(seq[: len(phrase)]) == phrase:
            return phrase
    return None


def strip_fillers(seq: list[str]) -> list[str]:
    """Drops filler words ("the western", "small") from the end of ``seq``."""
    fillers = words("fillers")
    end = len(seq)
    while end and seq[end - 1] in fillers:
        end -= 1
    return seq[:end]
