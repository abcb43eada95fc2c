"""Counts written in text: "at least 120", "54 out of 69", "Twenty", "all 16", "dozens".

``find_amounts`` returns every amount that can be a count of things or people, with offsets
into the text it was given. Measurements, durations, years, dates, times, ages, percentages,
money, model numbers ("S-300") and labels ("No. 1") are left out: extraction only wants counts.
The words and phrases the rules use live in ``sitrep/data/numbers.yaml``.

Vague amounts ("dozens", "several") come back with ``value=None`` and qualifier ``about``,
the way the gold codes "dozens of drones".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from collections.abc import Iterable, Iterator
from typing import Any

from text_to_num import text2num

from sitrep import yamlfile
from sitrep.model import Amount
from sitrep.nlp.scan import gap_before, matches_at, opens_on_literals, word_start

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "numbers.yaml"

_DIGIT = re.compile(r"\d")
# How far back the prefix rules look (longest qualifier plus "between"/"all of the").
_WINDOW = 40


@dataclass(frozen=True, slots=True)
class _Draft:
    """An amount being assembled from one or two atoms and the words around them."""

    start: int
    end: int
    value: float | None
    kind: str  # "digit" | "word" | "vague" | "fixed"
    qualifier: str = "exact"
    value_max: float | None = None
    total: float | None = None
    universal: bool = False
    bare: bool = False  # digits with no comma or decimals: may be a year or an identifier
    combined: bool = False  # a range or "x of y": the parts were checked together


@dataclass(frozen=True, slots=True)
class _Rules:
    atoms: re.Pattern[str]
    atom_words: re.Pattern[str] | None  # the character before a word that may open an atom
    mask: re.Pattern[str]
    phone: re.Pattern[str]
    model_before: re.Pattern[str]
    between_before: re.Pattern[str]
    range_gap: re.Pattern[str]
    total_gap: re.Pattern[str]
    prefix: re.Pattern[str]
    unit_after: re.Pattern[str]
    compound_after: re.Pattern[str]
    currency_before: re.Pattern[str]
    month_before: re.Pattern[str]
    month_after: re.Pattern[str]
    label_before: re.Pattern[str]
    age_before: re.Pattern[str]
    comma_before: re.Pattern[str]
    comma_after: re.Pattern[str]
    plural_after: re.Pattern[str]
    one_before: re.Pattern[str]
    one_after: re.Pattern[str]
    qualifier_of: dict[str, str]
    fixed: dict[str, tuple[int, str]]
    scales: dict[str, int]
    year_range: tuple[int, int]
    max_age: int
    max_bare_digits: int


def find_amounts(text: str) -> list[Amount]:
    """Every count in ``text`` (a sentence or a passage), in order, with offsets into ``text``."""
    rules = _rules()
    atoms = list(_scan(text, rules))
    if not atoms:  # most clauses: nothing to mask
        return []
    masked = _masked_spans(text, rules)
    atoms = [a for a in atoms if not _overlaps(a, masked) and not _glued(text, a, rules)]
    amounts: list[Amount] = []
    for draft in _combine(text, atoms, rules):
        draft = _with_prefix(text, draft, rules)
        if not _excluded(text, draft, rules):
            amounts.append(_to_amount(text, draft))
    return amounts


# ---- loading ------------------------------------------------------------------------------


@cache
def _data() -> dict[str, Any]:
    data = yamlfile.parse(DATA_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{DATA_FILE} must hold a mapping")
    return data


def _strs(key: str) -> list[str]:
    """A list of words from the data file; YAML turns bare no/yes/off into booleans, so check."""
    items = _data()[key]
    bad = [item for item in items if not isinstance(item, str)]
    if bad:
        raise ValueError(f"{DATA_FILE}: {key} holds non-strings {bad!r} (quote them)")
    return list(items)


def _alternation(phrases: Iterable[str]) -> str:
    """Phrases as a regex alternation, longest first, spaces matching any whitespace."""
    ordered = sorted({str(p) for p in phrases}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


def _words(phrases: Iterable[str]) -> str:
    """Like ``_alternation`` but bounded so a phrase never matches inside a longer word."""
    return rf"(?<![\w])(?:{_alternation(phrases)})(?![\w])"


@cache
def _rules() -> _Rules:
    d = _data()
    qualifier_of = {p.lower(): q for q, phrases in d["qualifiers"].items() for p in phrases}
    scales = {str(k): int(v) for k, v in d["scales"].items()}
    fixed = {k.lower(): (int(v["value"]), str(v["qualifier"])) for k, v in d["fixed"].items()}
    word = _alternation(list(_strs("number_words")) + ["dozen"])
    scale_words = _alternation(k for k in scales if k.isalpha() and len(k) > 2)
    months = _alternation(_strs("months"))
    atoms = (
        rf"(?P<fixed>\b(?:{_alternation(fixed)})\b)"
        rf"|(?P<vague>\b(?:{_alternation(_strs('vague'))})\b)"
        rf"|(?P<word>\b(?:a\s+(?=(?:{scale_words})\b))?(?:{word})\b"
        rf"(?:(?:\s+and\s+|[\s-]+)(?:{word})\b)*)"
        rf"|(?P<digit>\d+(?:[.,]\d+)*)(?:(?P<glued>mn|bn)\b|\s+(?P<scale>{scale_words})\b)?"
    )
    fillers = _alternation(_strs("unit_fillers"))
    return _Rules(
        atoms=re.compile(atoms, re.IGNORECASE),
        atom_words=_atom_words([*fixed, *_strs("vague"), *_strs("number_words"), "dozen"]),
        # Times, ISO dates, slashed dates and web addresses hold digits that are never counts.
        mask=re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)|\b\d{1,2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}\b"
                        r"|\b\d{1,4}/\d{1,2}(?:/\d{2,4})?\b|\b(?:https?://|www\.)\S+", re.IGNORECASE),
        phone=re.compile(r"(?:\+\d{1,3}[\s.-]?)?\(?\d{2,4}\)?(?:[\s.-]\d{2,4}){2,}"),
        # Letters glued or hyphened to the digits ("S-300", "Su25"), but not "50-to-60".
        model_before=re.compile(rf"(?:(?<![A-Za-z])(?!(?:to|and|or)[-‐–]?\Z)[A-Za-z]+[-‐–]?|\b[A-Z]+\."
                                rf"|(?<![\w-])(?:{_alternation(_strs('model_prefixes'))})\s)\Z"),
        between_before=re.compile(r"(?<![\w])between\s+\Z", re.IGNORECASE),
        range_gap=re.compile(r"\s*(?:-|–|—|-to-|to|or)\s*", re.IGNORECASE),
        total_gap=re.compile(r"\s+(?:out\s+of|of)\s+(?:the\s+)?(?:(?:more|fewer)\s+than\s+|over\s+|some\s+|about\s+|around\s+)?",
                             re.IGNORECASE),
        prefix=re.compile(
            rf"(?:(?<![\w])(?P<all>all\s+(?:of\s+)?(?:the\s+)?)"
            rf"|(?<![\w])(?P<q>{_alternation(qualifier_of)})\s+"
            rf"|(?<![\w])(?P<between>between\s+|from\s+))\Z", re.IGNORECASE),
        unit_after=re.compile(
            rf"[\s-]*(?:of\s+)?(?:(?:{fillers})[\s-]+)?(?:{_alternation(_strs('units'))})(?![\w])", re.IGNORECASE),
        compound_after=re.compile(rf"-(?:{_alternation(_strs('compound_words'))})\b", re.IGNORECASE),
        currency_before=re.compile(rf"(?<![A-Za-z])(?:{_alternation(_strs('currency_before'))})\s?\Z"),
        month_before=re.compile(rf"\b(?:{months})\.?\s+\Z"),
        month_after=re.compile(rf"\s*(?:of\s+)?(?:{months})\b"),
        label_before=re.compile(rf"(?<![\w])(?:{_alternation(_strs('labels'))})\s*\Z"),
        age_before=re.compile(rf"\b(?:{_alternation(_strs('age_before'))})\s+\Z", re.IGNORECASE),
        comma_before=re.compile(r"[\w)’']\s*,\s*\Z"),
        comma_after=re.compile(r"\s*(?:,|\)|\.(?!\d))"),
        plural_after=re.compile(r"\s+([a-z]{3,}s)\b"),
        one_before=re.compile(rf"{_words(_strs('pronoun_one_before'))}\s+\Z", re.IGNORECASE),
        one_after=re.compile(rf"\s+(?:{_alternation(_strs('pronoun_one_after'))})\b", re.IGNORECASE),
        qualifier_of=qualifier_of,
        fixed=fixed,
        scales=scales,
        year_range=(int(d["year_range"][0]), int(d["year_range"][1])),
        max_age=int(d["max_age"]),
        max_bare_digits=int(d["max_bare_digits"]),
    )


def _atom_words(phrases: list[str]) -> re.Pattern[str] | None:
    r"""Where a word atom can start (``\W`` before it, a superset): the phrases, and "a" before
    a scale word. Written to open on the non-word character, so the regex engine skips along
    those instead of trying the atoms pattern at every position (``nlp.scan``); None when a
    phrase does not open on a letter or a digit."""
    alternation = f"{_alternation(phrases)}|a\\s"
    if not opens_on_literals(alternation):
        return None
    opening = word_start(alternation, r"\w", ignore_case=True)
    return re.compile(gap_before(opening))


@cache
def _not_plural() -> frozenset[str]:
    return frozenset(w.lower() for w in _strs("not_plural"))


# ---- atoms: single numbers ----------------------------------------------------------------


def _atom_matches(text: str, rules: _Rules) -> Iterator[re.Match[str]]:
    """``rules.atoms.finditer(text)``, the atoms pattern tried only where an atom can start: at
    the start, at a digit, after a non-word character before a listed word (a superset of where
    it matches, so the matches are the same: leftmost, not overlapping)."""
    if rules.atom_words is None:
        yield from rules.atoms.finditer(text)
        return
    starts = {0, *(m.start() for m in _DIGIT.finditer(text)), *(m.end() for m in rules.atom_words.finditer(text))}
    yield from matches_at(rules.atoms, text, sorted(starts))


def _scan(text: str, rules: _Rules) -> Iterator[_Draft]:
    for m in _atom_matches(text, rules):
        if m.group("fixed"):
            value, qualifier = rules.fixed[_norm(m.group("fixed"))]
            yield _Draft(m.start(), m.end(), value, "fixed", qualifier)
        elif m.group("vague"):
            yield _Draft(m.start(), m.end(), None, "vague", "about")
        elif m.group("word"):
            yield from _word_atoms(text, m.start(), m.end(), rules)
        else:
            draft = _digit_atom(m, rules)
            if draft is not None:
                yield draft


def _norm(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def _digit_atom(m: re.Match[str], rules: _Rules) -> _Draft | None:
    digits = m.group("digit")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", digits) is None:
        return None  # "1,2" or "1.2.3": a decimal comma or a version, not a count
    number = float(digits.replace(",", ""))
    scale = (m.group("glued") or m.group("scale") or "").lower()
    value = number * rules.scales[scale] if scale else number
    if value != int(value):
        return None  # "4.5" alone: a measurement, never a count
    bare = "," not in digits and "." not in digits and not scale
    if bare and len(digits) >= rules.max_bare_digits:
        return None  # identifiers, YYYYMMDD dates, phone numbers
    return _Draft(m.start(), m.end(), value, "digit", bare=bare)


def _word_atoms(text: str, start: int, end: int, rules: _Rules) -> Iterator[_Draft]:
    """A run of number words as one or more numbers: "one hundred and twenty-two" is one,
    "two, three" never reaches here, "two and three" is two (the longest run that parses wins)."""
    tokens = [(t.group(0).lower(), start + t.start(), start + t.end())
              for t in re.finditer(r"[A-Za-z]+", text[start:end])]
    i = 0
    while i < len(tokens):
        if tokens[i][0] == "and":
            i += 1
            continue
        for j in range(len(tokens), i, -1):
            value = _words_value([t[0] for t in tokens[i:j]], rules)
            if value is not None:
                yield _Draft(tokens[i][1], tokens[j - 1][2], value, "word")
                i = j
                break
        else:
            i += 1


def _words_value(words: list[str], rules: _Rules) -> int | None:
    if not words or words[-1] == "and" or words == ["a"]:
        return None
    if words[-1] == "dozen":
        head = words[:-1]
        if not head or head == ["a"]:
            return rules.scales["dozen"]
        count = _words_value(head, rules)
        return None if count is None else count * rules.scales["dozen"]
    if "dozen" in words:
        return None
    phrase = " ".join("one" if w == "a" else w for w in words)
    try:
        return int(text2num(phrase, "en"))
    except ValueError:
        return None  # not one number ("two three"): the caller tries a shorter run


@cache
def _address() -> re.Pattern[str]:
    """The one part of ``mask`` that needs no digit: a web address."""
    opening = word_start(r"https?://|www\.", ignore_case=True)
    return re.compile(rf"(?:{opening})\S+")


def _masked_spans(text: str, rules: _Rules) -> list[tuple[int, int]]:
    if _DIGIT.search(text) is None:  # most clauses: only a web address can be masked
        return [m.span() for m in _address().finditer(text)]
    spans = [m.span() for m in rules.mask.finditer(text)]
    spans += [m.span() for m in rules.phone.finditer(text) if sum(c.isdigit() for c in m.group(0)) >= 7]
    return spans


def _overlaps(draft: _Draft, spans: list[tuple[int, int]]) -> bool:
    return any(s < draft.end and draft.start < e for s, e in spans)


def _glued(text: str, draft: _Draft, rules: _Rules) -> bool:
    """Digits stuck to letters or slashes: model numbers ("S-300", "Su25", "TB2", "136/131"),
    ordinals ("24th"), decades ("1990s"), glued units ("5am", "10km")."""
    if draft.kind != "digit":
        return False
    before = text[draft.start - 1] if draft.start else " "
    after = text[draft.end] if draft.end < len(text) else " "
    if after.isalpha() or after in "/_@:" or before in "/_@:" or before.isdigit():
        return True
    if after == ")" and "(" not in text[max(0, draft.start - 3):draft.start]:
        return True  # a list item: "3) the third point"
    return rules.model_before.search(text, max(0, draft.start - _WINDOW), draft.start) is not None


# ---- combining: ranges and totals ---------------------------------------------------------


def _combine(text: str, atoms: list[_Draft], rules: _Rules) -> Iterator[_Draft]:
    i = 0
    while i < len(atoms):
        a = atoms[i]
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        joined = _join(text, a, b, rules) if b is not None else None
        if joined is not None:
            yield joined
            i += 2
        else:
            yield a
            i += 1


def _join(text: str, a: _Draft, b: _Draft, rules: _Rules) -> _Draft | None:
    """"10-12", "10 to 12", "between 10 and 12" as a range; "54 out of 69", "18 of 23" as a total."""
    if a.value is None or b.value is None:
        return None
    gap = text[a.end:b.start]
    merged = replace(a, end=b.end, combined=True, bare=a.bare and b.bare)
    if rules.range_gap.fullmatch(gap) and b.value > a.value:
        return replace(merged, value_max=b.value)
    if gap.strip().lower() == "and" and _between_before(text, a, rules) and b.value > a.value:
        return replace(merged, value_max=b.value)
    if rules.total_gap.fullmatch(gap) and b.value >= a.value:
        return replace(merged, total=b.value)
    return None


def _between_before(text: str, draft: _Draft, rules: _Rules) -> bool:
    return rules.between_before.search(text, max(0, draft.start - _WINDOW), draft.start) is not None


def _with_prefix(text: str, draft: _Draft, rules: _Rules) -> _Draft:
    """Take in the words before the number: a qualifier, "between", "all"."""
    m = rules.prefix.search(text, max(0, draft.start - _WINDOW), draft.start)
    if m is None:
        return draft
    if m.group("all"):
        return replace(draft, start=m.start(), universal=True)
    if m.group("q"):
        return replace(draft, start=m.start(), qualifier=rules.qualifier_of[_norm(m.group("q"))])
    if draft.value_max is not None:
        return replace(draft, start=m.start())  # "between 10 and 12": "between" is part of it
    return draft


# ---- exclusions ---------------------------------------------------------------------------


def _excluded(text: str, draft: _Draft, rules: _Rules) -> bool:
    return (
        _measurement(text, draft, rules)
        or _money_date_or_label(text, draft, rules)
        or _age(text, draft, rules)
        or _year(text, draft, rules)
        or _pronoun_one(text, draft, rules)
    )


def _measurement(text: str, draft: _Draft, rules: _Rules) -> bool:
    """Followed by a unit ("70 kilometers", "18-hour", "40%", "three days") or part of a
    compound word ("one-sided", "two-thirds")."""
    return bool(rules.unit_after.match(text, draft.end) or rules.compound_after.match(text, draft.end))


def _money_date_or_label(text: str, draft: _Draft, rules: _Rules) -> bool:
    lo = max(0, draft.start - _WINDOW)
    if draft.kind == "vague":
        return rules.currency_before.search(text, lo, draft.start) is not None
    return bool(
        rules.currency_before.search(text, lo, draft.start)
        or rules.month_before.search(text, lo, draft.start)
        or rules.month_after.match(text, draft.end)
        or rules.label_before.search(text, lo, draft.start)
    )


def _age(text: str, draft: _Draft, rules: _Rules) -> bool:
    """"Lukashenko, 67, has ...", "a boy, 5." and "aged 26"."""
    if draft.kind != "digit" or draft.value is None or draft.value > rules.max_age:
        return False
    lo = max(0, draft.start - _WINDOW)
    if rules.age_before.search(text, lo, draft.start):
        return True  # "aged 26", "aged 7 to 11"
    return not draft.combined and bool(
        rules.comma_before.search(text, lo, draft.start) and rules.comma_after.match(text, draft.end))


def _year(text: str, draft: _Draft, rules: _Rules) -> bool:
    """A bare 1900..2099 is a year unless qualified or followed by a plural noun ("2000 troops")."""
    low, high = rules.year_range
    if not draft.bare or draft.value is None or not low <= draft.value <= high:
        return False
    if draft.value_max is not None and not low <= draft.value_max <= high:
        return False
    if draft.qualifier != "exact" or draft.universal or draft.total is not None:
        return False
    plural = rules.plural_after.match(text, draft.end)
    return plural is None or plural.group(1).lower() in _not_plural()


def _pronoun_one(text: str, draft: _Draft, rules: _Rules) -> bool:
    """"one of", "the one that", "no one", "one another": a pronoun, not a count."""
    if draft.kind != "word" or draft.combined or text[draft.start:draft.end].lower() != "one":
        return False
    lo = max(0, draft.start - _WINDOW)
    return bool(rules.one_before.search(text, lo, draft.start) or rules.one_after.match(text, draft.end))


def _to_amount(text: str, draft: _Draft) -> Amount:
    return Amount(
        value=None if draft.value is None else int(draft.value),
        start=draft.start,
        end=draft.end,
        text=text[draft.start:draft.end],
        qualifier=draft.qualifier,
        value_max=None if draft.value_max is None else int(draft.value_max),
        total=None if draft.total is None else int(draft.total),
        universal=draft.universal,
    )
