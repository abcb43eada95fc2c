"""Reading the words around a name: phrase lists from ``data/geo/cues.yaml`` and helpers to
match them against the words right before or after a token."""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from itertools import compress, count
from typing import TypeVar

from sitrep.geo import lexicon
from sitrep.geo.mention import Found
from sitrep.geo.tokens import Tokens

_SPACE_ONLY = re.compile(r"[ \t\u00a0]+")
_Words = TypeVar("_Words", list[str], tuple[str, ...])  # strip_fillers keeps the type


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


def joined(text: str, toks: Tokens, k: int) -> bool:
    """True when only spaces (no punctuation, no line break) separate tokens ``k`` and
    ``k + 1``."""
    gap = text[toks.end[k]:toks.start[k + 1]]
    possessive = toks.possessive[k]
    if gap == " " and not possessive:
        return True  # the usual case, without the regular expression
    if possessive:
        gap = gap[2:] if gap[:2] in ("'s", "’s", "ʼs") else gap[1:]
    return bool(_SPACE_ONLY.fullmatch(gap))


def joined_abbrev(lower: str, gap: str) -> bool:
    """"St. Petersburg": the period of an abbreviation the fold writes out joins two words
    (``lower``: the first word, in lower case)."""
    abbreviations = lexicon.load("variants")["tokens"]
    return lower in abbreviations and gap in (". ", ".")


def links(text: str, toks: Tokens) -> list[bool]:
    """For each token, whether it is ``joined`` to the next (False for the last): worked out
    once per text, as the words around every name are read from it many times over.
    ``toks.gaps``: the text after each word, which is what lies between two tokens unless
    the first is a possessive. A text has a few kinds of gap (" ", ", ", ". "), each
    matched once; the possessives are looked at one by one."""
    gaps = toks.gaps
    joins = {gap: _SPACE_ONLY.fullmatch(gap) is not None for gap in set(gaps)}
    out = list(map(joins.__getitem__, gaps))
    last = len(toks) - 1
    for k in compress(count(), toks.possessive):
        if k < last:
            out[k] = joined(text, toks, k)
    if out:
        out[-1] = False
    return out


def words_before(found: Found, i: int, limit: int = 8) -> list[str]:
    """Lower-case words right before token ``i``, nearest last, stopping at punctuation."""
    linked = found.links
    j, stop = i, max(i - limit, 0)
    while j > stop and linked[j - 1]:
        j -= 1
    return found.tokens.lower[j:i]


def words_after(found: Found, i: int, limit: int = 6) -> list[str]:
    """Lower-case words right after token ``i``, stopping at punctuation."""
    linked = found.links
    lower = found.tokens.lower
    j, stop = i, min(i + limit, len(lower) - 1)
    while j < stop and linked[j]:
        j += 1
    return lower[i + 1:j + 1]


def word_before(found: Found, i: int) -> str | None:
    """The lower-case word right before token ``i`` (``words_before`` with ``limit=1``, as a
    word: most questions are about that one word, and no list need be built for it)."""
    return found.tokens.lower[i - 1] if i > 0 and found.links[i - 1] else None


def word_after(found: Found, i: int) -> str | None:
    """The lower-case word right after token ``i`` (``words_after`` with ``limit=1``)."""
    lower = found.tokens.lower
    return lower[i + 1] if i + 1 < len(lower) and found.links[i] else None


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


@cache
def last_words(name: str) -> frozenset[str]:
    """The words the phrases of list ``name`` end with: a lead ending in any other word ends
    with none of them, which is known before the words before it are read."""
    return frozenset(_by_word(name, True))


@cache
def first_words(name: str) -> frozenset[str]:
    """The words the phrases of list ``name`` start with (see ``last_words``)."""
    return frozenset(_by_word(name, False))


def ends_with(seq: Sequence[str], name: str) -> tuple[str, ...] | None:
    """The longest phrase of list ``name`` that ``seq`` ends with."""
    if not seq:
        return None
    n = len(seq)
    for phrase in _by_word(name, True).get(seq[-1], ()):
        size = len(phrase)
        # grouped by last word: a phrase of one word (the usual case) matches as it is
        if size == 1 or size <= n and tuple(seq[n - size:]) == phrase:
            return phrase
    return None


def starts_with(seq: Sequence[str], name: str) -> tuple[str, ...] | None:
    """The longest phrase of list ``name`` that ``seq`` starts with."""
    if not seq:
        return None
    for phrase in _by_word(name, False).get(seq[0], ()):
        if tuple(seq[: len(phrase)]) == phrase:
            return phrase
    return None


def strip_fillers(seq: _Words) -> _Words:
    """Drops filler words ("the western", "small") from the end of ``seq``."""
    fillers = words("fillers")
    end = len(seq)
    while end and seq[end - 1] in fillers:
        end -= 1
    return seq[:end]
