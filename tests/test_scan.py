"""nlp.scan rewrites word-start patterns for speed: they must find exactly what the plain forms find."""
from __future__ import annotations

import random
import re

import pytest

from sitrep.extract.lexicon import TriggerScan, words
from sitrep.nlp.scan import case_variants, first_characters, opens_on_literals, split_alternatives, word_start

PIECES = ["strike", "Strike", "STRIKES", "air", "airspace", "air space", "from the", "shot down", "shoot down",
          "ſtrike", "İn", "ın", "in", "Kelvin", "Kyiv", "-", "'", ",", ".", "\n", " ", "  ", "9", "19", "2022",
          "hit", "hits", "anti-strike", "_hit", "killed", "mid", "May", "may"]

ALTERNATIONS = [
    r"strikes?|shot down|shoot(?:s|ing)? down|hit|hits",
    r"(?<!from the )air ?space|(?:violat|cross)(?:ed|ing)? the border",
    r"(?:air|missile|drone)[- ]?(?:strikes?|attacks?)|in|kyiv|mid-\w+",
    r"19|20|9",
    r"killed|kelvin|may",
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


def test_split_alternatives_keeps_groups_and_classes_whole():
    assert split_alternatives(r"a(?:b|c)|[|]d|e\|f") == ["a(?:b|c)", "[|]d", r"e\|f"]
    assert first_characters(r"(?:air|missile)s|drone") == frozenset("amd")


def test_case_variants_include_the_unicode_folds():
    assert set(case_variants("s")) == {"s", "S", "ſ"}
    assert set(case_variants("k")) == {"k", "K", "\u212a"}


def test_one_pass_over_all_triggers_matches_each_trigger_alone():
    raw = [a.lower() for a in ALTERNATIONS] + [r"[ab]ir strike"]  # the last cannot share the pass
    patterns = [words(r, 0) for r in raw]
    scan = TriggerScan(patterns, raw)
    for text in (t.lower() for t in _texts()):
        assert [[m.span() for m in found] for found in scan.found(text)] == _found_each(patterns, text)


def _found_each(patterns: list[re.Pattern], text: str) -> list[list[tuple[int, int]]]:
    return [[m.span() for m in p.finditer(text)] for p in patterns]
