"""Language identification: script counts, Cyrillic letter checks, function-word votes.

Deterministic and fast (a few hundred words are looked at); rules in data/languages.yaml.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from sitrep.clean.data import load

UNDETERMINED = "und"
_TOKEN = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class _Tables:
    scripts: tuple[tuple[re.Pattern, str | None, str], ...]  # (letters, language, name)
    cyrillic: tuple[tuple[frozenset[str], float, str], ...]
    default_cyrillic: str
    votes: dict[str, tuple[tuple[str, float], ...]]  # word -> (language, weight)
    min_hits: float
    min_share: float
    sample_chars: int


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language, or "und"."""
    tables = _tables()
    sample = text[: tables.sample_chars]
    script, language, letters = _dominant_script(sample, tables)
    if script == "cyrillic":
        return _cyrillic_language(sample, letters, tables)
    if script == "latin":
        return _vote(sample, tables)
    return language or UNDETERMINED


def _dominant_script(sample: str, tables: _Tables) -> tuple[str | None, str | None, int]:
    best: tuple[str | None, str | None, int] = (None, None, 0)
    for pattern, language, name in tables.scripts:
        count = len(pattern.findall(sample))
        if count > best[2]:
            best = (name, language, count)
        if count * 2 > len(sample):
            break  # more than half the sample: no other script can beat it
    return best


def _cyrillic_language(sample: str, letters: int, tables: _Tables) -> str:
    for marks, min_share, language in tables.cyrillic:
        count = sum(sample.count(ch) for ch in marks)
        if count and count >= min_share * letters:
            return language
    return tables.default_cyrillic


def _vote(sample: str, tables: _Tables) -> str:
    scores: Counter[str] = Counter()
    words = _TOKEN.findall(sample.lower())
    votes = tables.votes
    for owners in [votes[w] for w in words if w in votes]:  # most words vote for nothing
        for language, weight in owners:
            scores[language] += weight
    if not scores:
        return UNDETERMINED
    (best, score), *rest = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    if score < tables.min_hits or score < tables.min_share * len(words):
        return UNDETERMINED
    if rest and rest[0][1] == score:
        return UNDETERMINED
    return best


@cache
def _tables() -> _Tables:
    data = load("languages.yaml")
    return _Tables(
        scripts=tuple((re.compile(s["pattern"]), s["language"], s["name"]) for s in data["scripts"]),
        cyrillic=tuple((frozenset(c["letters"]), float(c["min_share"]), c["language"])
                       for c in data["cyrillic"]),
        default_cyrillic=data["default_cyrillic"],
        votes=_votes(data["stopwords"]),
        min_hits=float(data["min_hits"]),
        min_share=float(data["min_share"]),
        sample_chars=int(data["sample_chars"]),
    )


def _votes(stopwords: dict[str, list[str]]) -> dict[str, tuple[tuple[str, float], ...]]:
    owners: dict[str, set[str]] = {}
    for language, words in stopwords.items():
        for word in words:
            owners.setdefault(str(word).lower(), set()).add(language)
    return {word: tuple((lang, 1.0 / len(langs)) for lang in sorted(langs))
            for word, langs in owners.items()}
