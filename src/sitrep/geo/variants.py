"""Keys that let differently romanised spellings of one name meet.

``fold`` is the exact-match key (case, accents, apostrophes and punctuation ignored);
``skeleton`` merges Slavic romanisation digraphs and drops vowels, so "Chernigov",
"Chernihiv" and "Chernigiv" share one key. The rules live in ``data/geo/variants.yaml``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz

from sitrep.geo import lexicon

_PUNCT = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class _Rules:
    # letters to replace and characters to drop, as str.translate tables (one C call each)
    letters_table: dict[int, str]
    drop_table: dict[int, None]
    tokens: dict[str, str]
    skeleton: tuple[tuple[re.Pattern[str], str], ...]
    min_similarity: float
    min_skeleton: int


@cache
def _rules() -> _Rules:
    data = lexicon.load("variants")
    return _Rules(
        # a longer key never equals one character, so it never applied: left out
        letters_table={ord(str(k)): str(v) for k, v in data["letters"].items() if len(str(k)) == 1},
        drop_table=dict.fromkeys(map(ord, data["drop"])),
        tokens={str(k): str(v) for k, v in data["tokens"].items()},
        skeleton=tuple((re.compile(p), r) for p, r in data["skeleton"]),
        min_similarity=float(data["min_similarity"]),
        min_skeleton=int(data["min_skeleton"]),
    )


def _strip_accents(text: str, rules: _Rules) -> str:
    text = text.translate(rules.drop_table)
    if text.isascii():
        # the usual case: ASCII has nothing to decompose or strip, and case folds as lower()
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.translate(rules.letters_table)


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """The exact-match key: "St. Petersburg" and "Saint-Petersburg" -> "saint petersburg"."""
    rules = _rules()
    plain = _PUNCT.sub(" ", _strip_accents(name, rules))
    words = [rules.tokens.get(w, w) for w in _SPACES.split(plain.strip()) if w]
    return " ".join(words)


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """The romanisation-blind key of a name ("" for names too short to trust)."""
    rules = _rules()
    key = fold(name).replace(" ", "")
    if not key.isascii():
        return ""
    for pattern, replacement in rules.skeleton:
        key = pattern.sub(replacement, key)
    return key if len(key) >= rules.min_skeleton else ""


def similar(query: str, form: str) -> float:
    """How alike two names are once folded, 0-100."""
    return fuzz.ratio(fold(query), fold(form))


def is_variant(query: str, form: str) -> bool:
    """True when ``form`` is an acceptable other spelling of ``query``."""
    key = skeleton(query)
    return bool(key) and key == skeleton(form) and similar(query, form) >= _rules().min_similarity
