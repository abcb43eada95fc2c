"""nlp.scan rewrites word-start patterns for speed: they must find exactly what the plain forms find."""
from __future__ import annotations

import random
import re

import pytest

from sitrep.extract.lexicon import TriggerScan, words
from sitrep.nlp.scan import (OnePass, per_span, case_variants, first_characters, gap_before, leads, opens_on_literals,
                             split_alternatives, word_pattern, word_start)

PIECES = ["strike", "Strike", "STRIKES", "air", "airspace", "air space", "from the", "shot down", "shoot down",
          "ſtrike", "İn", "ın", "in", "Kelvin", "Kyiv", "-", "'", ",", ".", "\n", " ", "  ", "9", "19", "2022",
          "hit", "hits", "anti-strike", "_hit", "killed", "mid", "May", "may"]

ALTERNATIONS = [
    r"strikes?|shot down|shoot(?:s|ing)? down|hit|hits",
    r"(?<!from the )air ?space|(?:violat|cross)(?:ed|ing)? the border",
    r"(?:air|missile|drone)[- ]?(?:strikes?|attacks?)|in|kyiv|mid-\w+",
    r"19|20|9",
    r"killed|kelvin|may",
    r"(?:the )?(?:air|drone) strikes?|(?:mid-)?may|(?:in )?kyiv",  # optional openings: taken, then left out
]


def _texts(n: int = 400) -> list[str]:
    rnd = random.Random(7)
    return ["".join(rnd.choice(PIECES) + rnd.choice(["", " ", ",", "-"]) for _ in range(40)) for _ in range(n)]


def _found(pattern: re.Pattern, texts: list[str]) -> list[list[tuple[int, int]]]:
    return [[m.span() for m in pattern.finditer(t)] for t in texts]


@pytest.mark.parametrize("alternation", ALTERNATIONS)
@pytest.mark.parametrize("ignore_case", [False, True])
@pytest.mark.parametrize("before", [r"\w", r"[\w-]"])
def test_word_start_finds_what_the_plain_pattern_finds(alternation, ignore_case, before):
    flags = re.IGNORECASE if ignore_case else 0
    plain = re.compile(rf"(?<!{before})(?:{alternation})(?![\w])", flags)
    fast = re.compile(rf"(?:{word_start(alternation, before, ignore_case)})(?![\w])")
    texts = _texts()
    assert _found(fast, texts) == _found(plain, texts)
    assert any(_found(plain, texts))  # the texts do hold matches


def test_word_start_opens_on_literals_where_it_can():
    assert word_start("strikes?|hit", r"\w").startswith("s(?<!")
    assert opens_on_literals(r"(?:a|b)c|d")
    assert not opens_on_literals(r"[ab]c|d") and not opens_on_literals(r"a?b")
    assert word_start(r"[ab]c", r"\w") == r"(?<!\w)(?:[ab]c)"  # left as it was
    assert opens_on_literals(r"(?:the )?war|x") and not opens_on_literals(r"(?:the )??war")
    assert not opens_on_literals(r"(?:the )?") and not opens_on_literals(r"(?:the )*war")


def test_split_alternatives_keeps_groups_and_classes_whole():
    assert split_alternatives(r"a(?:b|c)|[|]d|e\|f") == ["a(?:b|c)", "[|]d", r"e\|f"]
    assert first_characters(r"(?:air|missile)s|drone") == frozenset("amd")


def test_case_variants_include_the_unicode_folds():
    assert set(case_variants("s")) == {"s", "S", "ſ"}
    assert set(case_variants("k")) == {"k", "K", "\u212a"}


def test_one_pass_over_all_triggers_matches_each_trigger_alone():
    raw = [a.lower() for a in ALTERNATIONS] + [r"[ab]ir strike"]  # the last cannot share the pass
    patterns = [words(r, 0) for r in raw]
    scan = TriggerScan(patterns)
    assert scan.scan.alone == [len(raw) - 1] and scan.scan.after_gap
    for text in (t.lower() for t in _texts()):
        assert [[m.span() for m in found] for found in scan.found(text)] == _found_each(patterns, text)


def _found_each(patterns: list[re.Pattern], text: str) -> list[list[tuple[int, int]]]:
    return [[m.span() for m in p.finditer(text)] for p in patterns]


def _cores(ignore_case: bool) -> list[re.Pattern]:
    """Word-start patterns as the date rules write them: named groups (the same name in two),
    case variants such as the long s, a tail after the words."""
    word = r"\w"
    return [re.compile(rf"(?P<w>{word_start(a, word, ignore_case)})(?:\s+(?P<n>\d+))?(?![\w])")
            for a in ALTERNATIONS]


@pytest.mark.parametrize("ignore_case", [False, True])
def test_one_pass_finds_what_each_pattern_finds_alone(ignore_case):
    patterns = _cores(ignore_case) + [re.compile(r"\d+(?<!\w\d)"), re.compile(r"\bhits?")]  # scanned alone
    scan = OnePass(patterns)
    assert scan.alone == [len(patterns) - 2, len(patterns) - 1] and scan.after_gap
    texts = _texts() + ["Strike 9 at the start", "strike"]
    for text in texts:
        assert [[m.span() for m in found] for found in scan.matches(text)] == _found_each(patterns, text)
    assert any(scan.matches(t)[0] for t in texts)


def _lead_pattern(pattern: str, limit: int) -> re.Pattern:
    return re.compile("|".join("".join(atoms) for atoms, _ in leads(pattern, False, limit)))


@pytest.mark.parametrize("ignore_case", [False, True])
@pytest.mark.parametrize("limit", [1, 3, 8])
def test_every_match_opens_with_one_of_its_leads(ignore_case, limit):
    patterns = [p.pattern for p in _cores(ignore_case)] + [r"(?i:the|a)?\s*(?:(?:air|drone) )?strikes?\b",
                                                            r"hit(?:s|ting)? (?P<n>[0-9]+)", r"[\w-]+ ?down"]
    texts = _texts()
    for pattern in patterns:
        opening = _lead_pattern(pattern, limit)
        starts = [m.start() for t in texts for m in re.finditer(pattern, t)]
        assert starts and all(opening.match(t, m.start()) for t in texts for m in re.finditer(pattern, t))


def test_leads_take_optional_parts_both_ways_and_stop_at_what_they_do_not_read():
    assert sorted(atoms for atoms, _ in leads(r"a(?:b|c)?d\b", False, 8)) == [("a", "b", "d"), ("a", "c", "d"), ("a", "d")]
    assert leads(r"(?i:k)x", False, 8) == [(("[Kk\u212a]", "x"), True)]  # the Kelvin sign too
    assert leads(r"(?<!\w)in\s+the.", False, 8) == [(("i", "n", r"\s+", "t", "h", "e"), False)]
    assert leads(r"strike", False, 3) == [(("s", "t", "r"), False)]


def test_one_pass_tries_every_position_when_a_pattern_may_open_inside_a_word():
    patterns = [re.compile("air"), *_cores(True)]  # "air" also inside "chair"
    scan = OnePass(patterns)
    assert not scan.after_gap
    for text in _texts() + ["chair strike"]:
        assert [[m.span() for m in found] for found in scan.matches(text)] == _found_each(patterns, text)


@pytest.mark.parametrize("pattern", [
    r"\b(?:strikes?|shot down|hit)\b",
    r"\b(?:in|near|at) the (?P<kind>city|town)\b",
    r"\b(?:the|this|kyiv'?s) (?:[\w-]+ )?(?:attacks?|strikes?)\b",
    r"\b(?:strike|hit)s|may",  # two alternatives at the top: compiled as it is
    r"\b(?:[ab]ir|strike)",  # an alternative opening on a class: compiled as it is
])
@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_word_pattern_finds_what_the_plain_pattern_finds(pattern, flags):
    plain, fast = re.compile(pattern, flags), word_pattern(pattern, flags)
    texts = _texts() + ["In the city, ſtrikes hit the town", "this air strikes at Kyiv's strike in the town"]
    assert _found(fast, texts) == _found(plain, texts)
    assert any(_found(plain, texts))


@pytest.mark.parametrize("spans", [
    [(0, 14), (15, 35), (36, 52)],  # sentences
    [(0, 9), (10, 40)],  # the first ends inside a word: scanned on its own
    [(0, 30), (30, 52)],  # "said that" runs across the boundary
    [(4, 30)],
])
def test_per_span_is_finditer_within_each_span(spans: list[tuple[int, int]]) -> None:
    text = "He said hello. Officials said that. They claim more."
    pattern = words("said that|said|claim")
    got = per_span(list(pattern.finditer(text)), pattern, text, spans)
    want = [list(pattern.finditer(text, lo, hi)) for lo, hi in spans]
    assert [[m.span() for m in ms] for ms in got] == [[m.span() for m in ms] for ms in want]


def test_gap_before_is_the_non_word_character_before_the_lookahead():
    texts = _texts() + ["é9 ’9 «strike» ж9 _9 9—9 x\u00a09 \U0001d7d89"]
    plain, fast = re.compile(r"\W(?=\d|strike)"), re.compile(gap_before(r"\d|strike"))
    assert _found(fast, texts) == _found(plain, texts)
    assert any(_found(plain, texts))
