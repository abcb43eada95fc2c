"""Word-start patterns the regex engine can scan quickly.

Python's ``re`` skips ahead to possible match starts only when a pattern opens with literal
characters; a pattern that opens with ``\\b``, a lookbehind or a case-insensitive group is tried
at every position of the text, which made the date and trigger scans the hottest code of
extraction. ``word_start(alternation, before)`` writes ``(?<!before)(?:alternation)`` so that
every alternative opens with its literal first character and checks ``before`` right after it
(``c(?<!before c)``): the same matches, found several times faster.
"""
from __future__ import annotations

import re
from functools import cache

_QUANTIFIERS = "?*+{"


def word_start(alternation: str, before: str = r"\w", ignore_case: bool = False) -> str:
    """``(?<!before)(?:alternation)`` (case-insensitive when ``ignore_case``), rewritten to open on
    literal characters; unchanged in meaning when an alternative does not open on one.

    Alternatives are grouped by their first character, keeping their order within a group:
    alternatives that open on different characters never match at the same place, so the
    regex engine still takes the same one wherever it has a choice."""
    ways = [_openings(alt) for alt in split_alternatives(alternation)]
    groups: dict[tuple[str, ...], list[str]] = {}
    for checks, first, tail in (w for found in ways if found is not None for w in found):
        key = case_variants(first) if ignore_case else (first,)
        lit = re.escape(first)  # a lookbehind moved past the first character takes it in
        groups.setdefault(key, []).append("".join(f"{a[:4]}{_ci(a[4:-1], ignore_case)}(?:{lit}))" for a in checks)
                                          + tail)
    if any(w is None for w in ways) or not _disjoint(groups):
        return f"(?<!{before})(?:{_ci(alternation, ignore_case)})"
    out = []
    for key, tails in groups.items():
        body = f"(?i:{'|'.join(tails)})" if ignore_case else f"(?:{'|'.join(tails)})"
        out += [f"{re.escape(v)}(?<!{before}{re.escape(v)}){body}" for v in key]
    return "|".join(out)


def opens_on_literals(alternation: str) -> bool:
    """Whether every alternative opens on a letter or a digit (what ``word_start`` speeds up)."""
    return all(_openings(alt) is not None for alt in split_alternatives(alternation))


def _disjoint(groups: dict[tuple[str, ...], list[str]]) -> bool:
    return sum(map(len, groups)) == len({c for key in groups for c in key})


def _ci(pattern: str, ignore_case: bool) -> str:
    return f"(?i:{pattern})" if ignore_case and pattern else pattern


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern`` (``|`` outside groups and classes)."""
    parts, start, depth, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(pattern, i)
            continue
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _class_end(pattern: str, i: int) -> int:
    """The index after the character class opening at ``i`` (a ']' first in it is literal)."""
    j = i + 1 + (pattern[i + 1:i + 2] == "^")
    j += pattern[j:j + 1] == "]"
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _group_end(pattern: str, i: int) -> int:
    """The index after the group opening at ``i``."""
    depth, j = 0, i
    while j < len(pattern):
        ch = pattern[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            j = _class_end(pattern, j)
            continue
        depth += (ch == "(") - (ch == ")")
        j += 1
        if depth == 0:
            return j
    raise ValueError(f"unbalanced group in {pattern!r}")


def _openings(alt: str) -> list[tuple[list[str], str, str]] | None:
    """Each way ``alt`` can open: (lookbehinds before the first character, that character, the
    rest); None when it may open otherwise (a class, an optional character, a capturing group).
    A leading non-capturing group is distributed: ``(?:a|b)c`` is ``ac|bc``."""
    if alt.startswith(("(?<!", "(?<=")):
        end = _group_end(alt, 0)
        rest = _openings(alt[end:])
        return None if rest is None else [([alt[:end], *checks], c, tail) for checks, c, tail in rest]
    if alt.startswith("(?:"):
        end = _group_end(alt, 0)
        if alt[end:end + 1] and alt[end] in _QUANTIFIERS:
            return None
        ways = [_openings(inner + alt[end:]) for inner in split_alternatives(alt[3:end - 1])]
        return None if any(w is None for w in ways) else [x for w in ways for x in w]  # type: ignore[union-attr]
    if alt[:1].isascii() and alt[:1].isalnum() and not (alt[1:2] and alt[1] in _QUANTIFIERS):
        return [([], alt[0], alt[1:])]
    return None


@cache
def _bmp() -> str:
    return "".join(chr(i) for i in range(0x10000) if not 0xD800 <= i < 0xE000)


@cache
def case_variants(char: str) -> tuple[str, ...]:
    """Every character that ``(?i:char)`` matches (case folding to ASCII stays in the BMP:
    'K' also matches the Kelvin sign, 's' the long s)."""
    return tuple(re.findall(f"(?i:{re.escape(char)})", _bmp()))


def first_characters(alternation: str) -> frozenset[str] | None:
    """The characters a match of ``alternation`` can open on; None when not all are literal."""
    ways = [_openings(alt) for alt in split_alternatives(alternation)]
    if any(w is None for w in ways):
        return None
    return frozenset(first for found in ways for _, first, _ in found)  # type: ignore[union-attr]


def starts(alternations: list[str], before: str, after: str) -> str:
    """A case-sensitive pattern that matches the first character of each place where one of
    ``(?<!before)(?:alternation)after`` matches: one pass finds where any of them starts (every
    alternation must open on literal characters, see ``first_characters``)."""
    groups: dict[str, list[str]] = {}
    for alternation in alternations:
        for alt in split_alternatives(alternation):
            for checks, first, tail in _openings(alt) or ():
                lit = re.escape(first)
                groups.setdefault(first, []).append("".join(f"{a[:-1]}(?:{lit}))" for a in checks) + tail + after)
    return "|".join(f"{re.escape(c)}(?<!{before}{re.escape(c)})(?=(?:{'|'.join(tails)}))"
                    for c, tails in groups.items())
