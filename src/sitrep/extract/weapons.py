"""Weapons named in text, from the lexicon in ``sitrep/data/weapons.yaml``.

``find_weapons(text)`` returns ``(Weapon, start, end)`` for every weapon word: models
("S-300", "Shahed drones", "Kh 101") with their category, and generic nouns ("cruise missiles",
"kamikaze drones", "shelling"). One precompiled regex does the work; the longest name wins, and a
model written right before a generic noun ("Kalibr cruise missiles", "S-300 anti-aircraft guided
missile") is one match with the model's category.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from sitrep import yamlfile
from sitrep.model import Weapon
from sitrep.nlp.scan import trie, trie_regex, word_start

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "weapons.yaml"

CATEGORIES = frozenset({
    "missile", "cruise_missile", "ballistic_missile", "rocket", "drone", "aircraft",
    "artillery", "air_defence_missile", "bomb", "unknown",
})

_SEP = r"[\s\-‐–]"  # a space or any hyphen/dash between parts of a name


@dataclass(frozen=True, slots=True)
class _Lexicon:
    by_first_word: dict[str, re.Pattern[str]]  # lower-cased first word of a name -> its names' regex
    entries: tuple[Weapon, ...]  # entry i is the weapon of regex group "w{i}"
    first_words: re.Pattern[str]  # in lower-cased text, the character before a first word of letters (in "w")
    first_at_start: re.Pattern[str]  # a first word of letters opening lower-cased text
    first_numbers: re.Pattern[str]  # a whole run of digits that is a first word


# A word as names are keyed: a run of ASCII letters or of digits ("S-300" opens on "s").
_TOKEN = re.compile(r"[A-Za-z]+|\d+")
# The one character of unchanged length that lower-cases to an ASCII letter (tests/test_weapons.py
# checks it is the only one): where it stands, lower-cased text has words the original has not.
_KELVIN = "\u212a"


def find_weapons(text: str) -> list[tuple[Weapon, int, int]]:
    """Every weapon named in ``text``, in order, with offsets into ``text``."""
    lexicon = _lexicon()
    found: list[tuple[Weapon, int, int]] = []
    covered = 0
    # A regex runs only where a name can start. A single alternation of every name is some 40
    # times slower (Python's re tries each in turn).
    for at, word in _first_words(text, lexicon):
        if at < covered:
            continue
        m = lexicon.by_first_word[word].match(text, at)
        if m is not None and m.lastgroup:
            found.append((lexicon.entries[int(m.lastgroup[1:])], m.start(), m.end()))
            covered = m.end()
    return list(_merge_model_nouns(text, found))


def _first_words(text: str, lexicon: _Lexicon) -> list[tuple[int, str]]:
    """Where a word that some name opens on stands, and the word lower-cased, in order. The
    letter words are found by one scan of the lower-cased text that stops only between words
    (far fewer stops than looking at every word in Python); numbers are rare enough to look up
    one by one."""
    low = text.lower()
    if len(low) != len(text) or _KELVIN in text:  # lower-casing would move or make ASCII letters
        return [(m.start(), w) for m in _TOKEN.finditer(text) if (w := m.group().lower()) in lexicon.by_first_word]
    found = [(m.end(), m.group("w")) for m in lexicon.first_words.finditer(low)]
    if (first := lexicon.first_at_start.match(low)) is not None:
        found.insert(0, (0, first.group("w")))
    numbers = [(m.start(), m.group()) for m in lexicon.first_numbers.finditer(text)]
    return sorted(found + numbers) if numbers else found


def _merge_model_nouns(text: str, found: list[tuple[Weapon, int, int]]) -> Iterator[tuple[Weapon, int, int]]:
    """"Shahed drones": one match, the model's; "drones Shahed" stays two."""
    i = 0
    while i < len(found):
        weapon, start, end = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        if (nxt is not None and weapon.model is not None and nxt[0].model is None
                and re.fullmatch(rf"{_SEP}+", text[end:nxt[1]])):
            yield weapon, start, nxt[2]
            i += 2
        else:
            yield weapon, start, end
            i += 1


# ---- the lexicon --------------------------------------------------------------------------


@cache
def _lexicon() -> _Lexicon:
    data = _data()
    alternatives: list[tuple[str, str, Weapon]] = []  # (name, regex, weapon)
    uncountable = {str(w).lower() for w in data.get("uncountable", ())}
    for category, nouns in data["generic"].items():
        _check_category(category)
        for noun in nouns:
            alternatives.append((noun, f"(?i:{_noun_regex(noun)}){_plural(noun, uncountable)}", Weapon(category)))
    for entry in data["models"]:
        weapon = Weapon(_check_category(entry["category"]), str(entry["model"]))
        scope = "-i" if entry.get("case_sensitive") else "i"  # "Tor", "Patriot": also plain words
        for name in map(str, entry["names"]):
            regex = re.escape(name) if entry.get("hyphen_only") else _model_regex(name)
            alternatives.append((name, f"(?{scope}:{regex}){_plural(name, uncountable)}", weapon))
    # Longest first, so that at one position "cruise missiles" is tried before "missiles".
    order = sorted(range(len(alternatives)), key=lambda i: len(alternatives[i][0]), reverse=True)
    groups: dict[str, list[str]] = {}
    for i in order:
        name, regex, _ = alternatives[i]
        for key in _first_word_keys(name):
            groups.setdefault(key, []).append(f"(?P<w{i}>{regex})")
    by_first_word = {key: re.compile(rf"(?<![\w\-‐–])(?:{'|'.join(alts)})(?![\w])") for key, alts in groups.items()}
    # one alternation of the first words, as a tree of their letters
    first = trie_regex(trie(tuple(map(re.escape, k)) for k in by_first_word if k.isalpha()))
    word = rf"(?P<w>{first})(?![a-z])"
    return _Lexicon(by_first_word, tuple(w for _, _, w in alternatives), re.compile(rf"[^a-z](?={word})"),
                    re.compile(word), _whole_numbers([k for k in by_first_word if k.isdecimal()]))


def _whole_numbers(numbers: list[str]) -> re.Pattern[str]:
    r"""Runs of digits that are one of ``numbers``, whole: written to open on their first digits
    (``word_start``), so the scan stops at those few characters, not at every digit (``\d``,
    a Unicode category, is slow to skip along)."""
    digit = r"\d"
    alternation = "|".join(re.escape(n) for n in sorted(numbers, key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?:{word_start(alternation, digit)})(?!{digit})")


def _first_word_keys(name: str) -> set[str]:
    """The words a name can start with, as the tokenizer sees them: "UAV" also as "uavs"."""
    parts = _TOKEN.findall(name)
    first = parts[0].lower()
    return {first, first + "s", first + "es"} if len(parts) == 1 else {first}


@cache
def _data() -> dict[str, Any]:
    data = yamlfile.parse(DATA_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "generic" not in data or "models" not in data:
        raise ValueError(f"{DATA_FILE} must hold 'generic' and 'models'")
    return data


def _check_category(category: str) -> str:
    if category not in CATEGORIES:
        raise ValueError(f"{DATA_FILE}: unknown weapon category {category!r}")
    return category


def _plural(name: str, uncountable: set[str]) -> str:
    return "" if name.split()[-1].lower() in uncountable else "(?:e?s)?"


def _noun_regex(noun: str) -> str:
    """A generic noun: its words joined by any run of spaces or hyphens."""
    return f"{_SEP}+".join(re.escape(w) for w in re.split(r"[\s\-]+", noun.strip()))


def _model_regex(name: str) -> str:
    """A model name: where letters meet digits a hyphen or space may be written or left out
    ("S-300", "S300", "S 300"); between two words a separator is needed ("Storm Shadow")."""
    parts = re.findall(r"[A-Za-z]+|\d+|[\s\-]+|[^A-Za-z\d\s\-]", name)
    out: list[str] = []
    for i, part in enumerate(parts):
        if part.isspace() or set(part) <= {" ", "-"}:
            words_both_sides = i > 0 and parts[i - 1].isalpha() and i + 1 < len(parts) and parts[i + 1].isalpha()
            out.append(f"{_SEP}+" if words_both_sides and len(parts[i - 1]) > 1 and len(parts[i + 1]) > 1
                       else f"{_SEP}?")
        elif i > 0 and _kind(part) != _kind(parts[i - 1]) and not out[-1].startswith(_SEP):
            out.append(f"{_SEP}?{re.escape(part)}")  # "TB2", "M142": "TB 2", "TB-2" too
        else:
            out.append(re.escape(part))
    return "".join(out)


def _kind(part: str) -> str:
    return "alpha" if part.isalpha() else "digit" if part.isdigit() else "other"
