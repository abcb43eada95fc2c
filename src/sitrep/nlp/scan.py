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
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
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


def word_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    r"""``pattern`` compiled; when it reads ``\b(?:a|b|...)rest`` and every alternative opens on a
    letter or a digit, written to open on them (``word_start``): the same matches, found without
    trying every position. Only ``re.IGNORECASE`` may be among ``flags``."""
    if flags & ~re.IGNORECASE:
        raise ValueError("word_pattern takes no flag but re.IGNORECASE")
    ignore_case = bool(flags & re.IGNORECASE)
    if pattern.startswith(r"\b(?:") and len(split_alternatives(pattern)) == 1:
        end = _group_end(pattern, 2)
        alternation, rest = pattern[5:end - 1], pattern[end:]
        if opens_on_literals(alternation) and not (rest[:1] and rest[0] in _QUANTIFIERS):
            opening = word_start(alternation, r"\w", ignore_case)  # \b before a word character
            return re.compile(f"(?:{opening}){_ci(rest, ignore_case)}")
    return re.compile(pattern, flags)


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


def _openings(alt: str, any_letter: bool = False) -> list[tuple[list[str], str, str]] | None:
    """Each way ``alt`` can open: (lookbehinds before the first character, that character, the
    rest); None when it may open otherwise (a class, an optional character, a capturing group).
    A leading non-capturing group is distributed: ``(?:a|b)c`` is ``ac|bc``, and an optional one
    taken first, then left out: ``(?:the )?war`` is ``the war|war`` (the order a greedy ``?``
    tries them in). The character is an ASCII letter or digit unless ``any_letter`` (case
    variants such as the long s are letters too)."""
    if alt.startswith(("(?<!", "(?<=")):
        end = _group_end(alt, 0)
        rest = _openings(alt[end:], any_letter)
        return None if rest is None else [([alt[:end], *checks], c, tail) for checks, c, tail in rest]
    if alt.startswith("(?:"):
        end = _group_end(alt, 0)
        optional = alt[end:end + 1] == "?" and alt[end + 1:end + 2] not in ("?", "+")  # greedy only
        rest = alt[end + optional:]
        if rest[:1] and rest[0] in _QUANTIFIERS:
            return None
        ways = [_openings(inner + rest, any_letter) for inner in split_alternatives(alt[3:end - 1])]
        if optional:
            ways.append(_openings(rest, any_letter))
        return None if any(w is None for w in ways) else [x for w in ways for x in w]  # type: ignore[union-attr]
    if (any_letter or alt[:1].isascii()) and alt[:1].isalnum() and not (alt[1:2] and alt[1] in _QUANTIFIERS):
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


def matches_at(pattern: re.Pattern[str], text: str, places: Iterable[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` when ``places`` (ascending) hold every position where the pattern
    can match: it is tried there only (leftmost, not overlapping, as ``finditer``). Used with a
    fast pattern for the places, so the slow one is not tried at every position."""
    free = 0
    for at in places:
        if at >= free and (m := pattern.match(text, at)) is not None:
            yield m
            free = m.end()


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_WORD_BEFORE = (r"\w", r"[\w-]")  # lookbehinds that put a match at a word start


class OnePass:
    r"""Several patterns' ``finditer`` over one text in one pass: a pattern that matches where one
    of them can start, then each pattern whose match can open on the character there is matched,
    as its own ``finditer`` would (leftmost, not overlapping). Separate scans would each visit
    every position holding one of their first characters; common letters are visited once here.

    When every pattern opens at a word start (a lookbehind for ``\w`` before its first
    character, as ``word_start`` writes), the pass looks for the non-word character before the
    word instead: far fewer places to try than every letter a word may open on. The places are
    found with only the first few characters of each way of opening (``leads``): testing whole
    patterns at every word was most of the pass. Patterns that do not open on literal
    characters are scanned on their own."""

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        if any(p.flags & ~re.UNICODE for p in patterns):
            raise ValueError("OnePass takes patterns compiled without flags (use inline groups)")
        self.patterns = patterns
        # where a pattern can start, its groups need no names (two patterns may share one)
        ways = [_all_openings(_NAMED_GROUP.sub("(?:", p.pattern)) for p in patterns]
        self.alone = [i for i, w in enumerate(ways) if w is None]
        self.by_char: dict[str, list[int]] = {}
        openings: list[tuple[str, ...]] = []
        for i, found in enumerate(ways):
            for _, first, tail in found or ():
                if i not in self.by_char.get(first, ()):
                    self.by_char.setdefault(first, []).append(i)
                openings += [(re.escape(first), *lead) for lead, _ in leads(tail, False, _LEAD_ATOMS)]
        self.after_gap = all(_at_word_start(w) for found in ways for w in found or ())
        self.any_start = re.compile(_any_start(trie(openings, shortest_wins=True), self.after_gap)) if openings else None

    def matches(self, text: str, alone_at: Sequence[int] | None = None) -> list[list[re.Match[str]]]:
        """Each pattern's matches in ``text``, in the order of ``patterns``. ``alone_at``, when
        the caller knows it: every place (ascending) where the patterns that are not part of
        the pass can start; they are tried there only instead of scanned for."""
        found = [self._alone(p, text, alone_at) if i in self.alone else [] for i, p in enumerate(self.patterns)]
        free = [0] * len(self.patterns)  # where each pattern's next match may start
        for at in self._starts(text):
            for i in self.by_char[text[at]]:
                if at >= free[i] and (m := self.patterns[i].match(text, at)) is not None:
                    found[i].append(m)
                    free[i] = m.end()
        return found

    @staticmethod
    def _alone(pattern: re.Pattern[str], text: str, at: Sequence[int] | None) -> list[re.Match[str]]:
        """A pattern outside the pass: scanned for, or tried at the places given."""
        return list(pattern.finditer(text) if at is None else matches_at(pattern, text, at))

    def _starts(self, text: str) -> Iterator[int]:
        if self.any_start is None:
            return
        if not self.after_gap:
            yield from (m.start() for m in self.any_start.finditer(text))
            return
        if text[:1] in self.by_char:
            yield 0  # no character before the first word
        yield from (m.start() + 1 for m in self.any_start.finditer(text))


def _all_openings(pattern: str) -> list[tuple[list[str], str, str]] | None:
    ways = [_openings(alt, any_letter=True) for alt in split_alternatives(pattern)]
    return None if any(w is None for w in ways) else [x for w in ways for x in w]  # type: ignore[union-attr]


def _at_word_start(way: tuple[list[str], str, str]) -> bool:
    """Whether this way of opening checks that no word character comes before it."""
    checks, first, tail = way
    if checks:
        return checks[0] in (f"(?<!{b})" for b in _WORD_BEFORE)
    return any(tail.startswith(f"(?<!{b}{re.escape(first)})") for b in _WORD_BEFORE)


def gap_before(lookahead: str) -> str:
    r"""``\W(?=lookahead)``, faster: the non-word character before a word that ``lookahead``
    matches. Python's re skips along a class of ASCII characters (a bitmap) about twice as fast
    as along ``\W`` (a Unicode category), so the class is every character but the ASCII word
    characters, and ``(?<=\W)`` drops the other letters and digits, tested only where the
    lookahead has matched."""
    return rf"[^0-9A-Z_a-z](?={lookahead})(?<=\W)"


def _any_start(tree: _Trie, after_gap: bool) -> str:
    r"""Where some way of opening may match: its first character (``c(?=rest)``), or with
    ``after_gap`` the non-word character before it (``\W(?=c rest)``); the rest is only the
    opening's first atoms (``leads``), a cheap test that lets through a few places more."""
    if after_gap:
        return gap_before(trie_regex(tree))
    return "|".join(first + (f"(?={trie_regex(rest)})" if _COMPLETE not in rest else "")
                    for first, rest in tree.items())


# The pre-scan checks up to this many atoms of each opening: enough to tell most words apart,
# few enough that the regex engine gives up early on the words that start nothing.
_LEAD_ATOMS = 8
_CLASS_ESCAPES = frozenset("sdwSDW")
Lead = tuple[tuple[str, ...], bool]  # atoms, each matching one character, and whether read to the end


def leads(pattern: str, ignore_case: bool, limit: int) -> list[Lead]:
    r"""The ways a match of ``pattern`` can open, each as regex atoms of one character (``\s+``
    one or more), at most ``limit``, with whether the pattern was read to its end. Every match
    opens with one of them (they may allow more): lookarounds are skipped, optional parts
    taken both ways, and reading stops at what it does not know (``\b``, a repeat, ``.``)."""
    alternatives = split_alternatives(pattern)
    if len(alternatives) > 1:
        return [lead for alt in alternatives for lead in leads(alt, ignore_case, limit)]
    if not pattern:
        return [((), True)]
    if limit <= 0:
        return [((), False)]
    if pattern.startswith(("(?<!", "(?<=", "(?=", "(?!")):
        return leads(pattern[_group_end(pattern, 0):], ignore_case, limit)
    if pattern[0] == "(":
        return _group_leads(pattern, ignore_case, limit)
    atom, size = _atom(pattern, ignore_case)
    if atom is None:
        return [((), False)]
    quantifier, rest = pattern[size:size + 1], pattern[size + 1:]
    if quantifier == "+":
        return [((atom + "+", *more), whole) for more, whole in leads(rest, ignore_case, limit - 1)]
    if quantifier == "?":  # with the atom and without it
        return [((atom, *more), whole) for more, whole in leads(rest, ignore_case, limit - 1)] + \
            leads(rest, ignore_case, limit)
    if quantifier and quantifier in _QUANTIFIERS:
        return [((), False)]
    return [((atom, *more), whole) for more, whole in leads(pattern[size:], ignore_case, limit - 1)]


def _group_leads(pattern: str, ignore_case: bool, limit: int) -> list[Lead]:
    """``leads`` of a pattern opening on a group (an optional one taken both ways)."""
    end = _group_end(pattern, 0)
    body = _group_body(pattern[:end], ignore_case)
    quantifier = pattern[end:end + 1]
    if body is None or (quantifier and quantifier in "*+{"):
        return [((), False)]
    quantifier = quantifier if quantifier == "?" else ""
    inner, inner_case = body
    rest = pattern[end + len(quantifier):]
    out = leads(rest, ignore_case, limit) if quantifier == "?" else []
    for head, whole in leads(inner, inner_case, limit):
        out += [(head + more, w) for more, w in leads(rest, ignore_case, limit - len(head))] if whole else [(head, False)]
    return out


def _group_body(group: str, ignore_case: bool) -> tuple[str, bool] | None:
    """What a group holds and whether it ignores case; None for kinds ``leads`` does not read."""
    if group.startswith("(?P<"):
        return group[group.index(">") + 1:-1], ignore_case
    if group.startswith("(?:"):
        return group[3:-1], ignore_case
    if group.startswith("(?i:"):
        return group[4:-1], True
    return None if group.startswith("(?") else (group[1:-1], ignore_case)


def _atom(pattern: str, ignore_case: bool) -> tuple[str | None, int]:
    """The atom ``pattern`` opens with, as a regex matching what it matches, and its length in
    ``pattern``; None when it is not one character's test (an anchor, ``.``, a back-reference)."""
    ch = pattern[0]
    if ch == "\\":
        escaped = pattern[1:2]
        if escaped in _CLASS_ESCAPES:
            return pattern[:2], 2
        if not escaped or escaped.isalnum():
            return None, 0
        return _literal(escaped, ignore_case), 2
    if ch == "[":
        end = _class_end(pattern, 0)
        return (f"(?i:{pattern[:end]})" if ignore_case else pattern[:end]), end
    if ch in ".^$)|*+?{":
        return None, 0
    return _literal(ch, ignore_case), 1


def _literal(ch: str, ignore_case: bool) -> str:
    variants = case_variants(ch) if ignore_case else (ch,)
    if len(variants) == 1:
        return re.escape(ch)
    return "[" + "".join(re.escape(v) for v in variants) + "]"


_Trie = dict[str, "_Trie"]  # atom -> what may follow
_COMPLETE = ""  # the key (no atom) of a node where a branch ends


def trie(branches: Iterable[Sequence[str]], shortest_wins: bool = False) -> _Trie:
    """Branches of regex atoms as a tree; with ``shortest_wins`` a complete branch makes
    longer ones under it moot (a test of how a match opens needs no more)."""
    root: _Trie = {}
    for atoms in branches:
        node = root
        for atom in atoms:
            if shortest_wins and _COMPLETE in node:
                break
            node = node.setdefault(atom, {})
        else:
            if shortest_wins:
                node.clear()
            node[_COMPLETE] = {}
    return root


def trie_regex(tree: _Trie) -> str:
    """A regex of the tree, common beginnings tested once (instead of every branch in turn),
    a longer branch tried before a shorter one it extends."""
    ways = [atom + trie_regex(rest) for atom, rest in sorted(tree.items()) if atom != _COMPLETE]
    if _COMPLETE in tree:
        ways.append("")  # last: what follows the regex decides between the lengths
    return ways[0] if len(ways) == 1 else f"(?:{'|'.join(ways)})"


_WORD_CHAR = re.compile(r"\w")


def per_span(found: list[re.Match[str]], pattern: re.Pattern[str], text: str,
             spans: list[tuple[int, int]]) -> list[list[re.Match[str]]]:
    r"""``list(pattern.finditer(text, lo, hi))`` for each ``(lo, hi)`` of ``spans`` (ascending, not
    overlapping), taken from ``found``, the pattern's matches in the whole text: one scan of the
    text instead of one per span. Exact for patterns that look at most one character past a
    match (``\b``, ``(?!\w)``) and behind it freely (a lookbehind sees before ``lo`` either way);
    a span a match runs across, or one ending inside a word, is scanned on its own."""
    starts = [m.start() for m in found]
    out = []
    for lo, hi in spans:
        i, j = bisect_left(starts, lo), bisect_left(starts, hi)
        across = (i > 0 and found[i - 1].end() > lo) or (j > i and found[j - 1].end() > hi)
        if across or _WORD_CHAR.match(text, hi):
            out.append(list(pattern.finditer(text, lo, hi)))
        else:
            out.append(found[i:j])
    return out
