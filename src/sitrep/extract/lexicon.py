"""The extraction lexicons (data/extract/*.yaml), loaded once and compiled."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from sitrep import yamlfile
from sitrep.nlp.scan import OnePass, word_pattern, word_start


def _load(name: str) -> dict:
    text = (resources.files("sitrep") / "data" / "extract" / name).read_text(encoding="utf-8")
    return yamlfile.parse(text)


@lru_cache(maxsize=None)
def rules(name: str) -> dict:
    """One rules file of data/extract/ as read, once: for the stages that compile their own
    patterns from it (split.py, candidates.py). Do not mutate."""
    return _load(name)


def words(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern:
    r"""A pattern matched as whole words: ``(?<![\w-])(?:pattern)(?![\w])``, written so that the
    regex engine skips ahead to the words' first letters (see ``nlp.scan``)."""
    ignore_case = bool(flags & re.IGNORECASE)
    opening = word_start(pattern, r"[\w-]", ignore_case)
    return re.compile(rf"(?:{opening})(?![\w])", flags & ~re.IGNORECASE)


class TriggerScan:
    """Every trigger over one lower-cased text in one pass (``nlp.scan.OnePass``), each as its
    own ``finditer`` would find it. Extraction asks for each trigger's matches in turn, so the
    last text's answer is kept."""

    def __init__(self, patterns: list[re.Pattern]) -> None:
        self.scan = OnePass(patterns)
        self._last: tuple[str, list[list[re.Match]]] = ("", [[] for _ in patterns])

    def found(self, text: str) -> list[list[re.Match]]:
        last_text, last = self._last
        if text is last_text or text == last_text:
            return last
        found = self.scan.matches(text)
        self._last = (text, found)  # one assignment: a thread never sees a text with another's matches
        return found


class TriggerView:
    """One trigger's matches in lower-cased text, with ``finditer`` and ``search`` like a pattern."""

    def __init__(self, scan: TriggerScan, index: int) -> None:
        self.scan, self.index = scan, index

    def finditer(self, text: str) -> Iterator[re.Match]:
        return iter(self.scan.found(text)[self.index])

    def search(self, text: str) -> re.Match | None:
        found = self.scan.found(text)[self.index]
        return found[0] if found else None


@dataclass(frozen=True)
class Trigger:
    type: str
    subtype: str
    needs: tuple[str, ...]
    pattern: re.Pattern
    lower: TriggerView  # the same, case-sensitive, for lower-cased text (all triggers in one pass)


@dataclass(frozen=True)
class Lexicon:
    triggers: tuple[Trigger, ...]
    background: re.Pattern
    planned: re.Pattern
    denied: re.Pattern
    anaphora: re.Pattern
    overnight: re.Pattern
    same_day: re.Pattern
    relative_after: re.Pattern
    casualties: dict[str, re.Pattern]
    any_casualty: re.Pattern
    person_nouns: re.Pattern
    weapon_kinds: dict[str, re.Pattern]
    not_counted: re.Pattern
    speech_verbs: re.Pattern
    introducers: re.Pattern
    attribution_scan: OnePass  # speech_verbs and introducers over a whole text in one pass
    claimant_nouns: re.Pattern
    pronouns: re.Pattern
    trailing: re.Pattern
    country_words: dict[str, str]  # word -> ISO alpha-2
    country_names: dict[str, str]  # ISO alpha-2 -> name
    scope_words: dict[str, str]  # names and demonyms only: they can scope a place
    people: dict[str, str]  # surname -> ISO alpha-2
    actor_pattern: re.Pattern  # any country word or person, case-sensitive
    belligerents: dict[str, str]
    allies: dict[str, str]


def _triggers(data: dict) -> tuple[Trigger, ...]:
    found = []
    for etype, groups in data.items():
        for group in groups:
            joined = "|".join(group["patterns"])
            if re.search(r"\\[A-Z]", joined):  # lower-casing would turn \W into \w
                raise ValueError(f"trigger pattern with an upper-case escape: {joined!r}")
            found.append((etype, group, joined))
    scan = TriggerScan([words(joined.lower(), 0) for _, _, joined in found])
    return tuple(Trigger(etype, group["subtype"], tuple(group.get("needs", ())), words(joined), TriggerView(scan, i))
                 for i, (etype, group, joined) in enumerate(found))


def _alternation(items) -> str:
    return "|".join(re.escape(w) for w in sorted(items, key=len, reverse=True))


def _actor_pattern(names: list[str]) -> re.Pattern:
    """Any of the names as a whole word (no word character or hyphen either side), written to
    open on the names' first letters (``nlp.scan.word_start``): it is scanned in every clause."""
    before = r"[\w-]"
    return re.compile(rf"(?:{word_start(_alternation(names), before)})(?!{before})")


@lru_cache(maxsize=1)
def load() -> Lexicon:
    ctx, figs, claims, actors = (_load(n) for n in ("context.yaml", "figures.yaml", "claimants.yaml", "actors.yaml"))
    country_words = {w: code for code, kinds in actors["countries"].items() for ws in kinds.values() for w in ws}
    scope_words = {w: code for code, kinds in actors["countries"].items()
                   for w in kinds["names"] + kinds["demonyms"]}
    people = {w: code for code, ws in actors["people"].items() for w in ws}
    casualties = {kind: words(p) for kind, p in figs["casualties"].items()}
    return Lexicon(
        triggers=_triggers(_load("triggers.yaml")),
        background=words("|".join(ctx["background"])),
        planned=words("|".join(ctx["planned"])),
        denied=words("|".join(ctx["denied"])),
        anaphora=word_pattern("|".join(ctx["anaphora"]), re.IGNORECASE),
        overnight=words("|".join(ctx["overnight"])),
        same_day=words(ctx["same_day"]),
        relative_after=re.compile(ctx["relative_after"], re.IGNORECASE),
        casualties=casualties,
        any_casualty=words("|".join(figs["casualties"].values())),
        person_nouns=words(figs["person_nouns"]),
        weapon_kinds={kind: words(p) for kind, p in figs["weapon_kinds"].items()},
        not_counted=words(figs["not_counted"]),
        speech_verbs=words(claims["speech_verbs"]),
        introducers=words(claims["introducers"]),
        attribution_scan=OnePass([words(claims["speech_verbs"]), words(claims["introducers"])]),
        claimant_nouns=words(claims["claimant_nouns"]),
        pronouns=re.compile(rf"^(?:{claims['pronouns']})$", re.IGNORECASE),
        trailing=re.compile(rf"(?:\s+(?:{claims['trailing']}))+$", re.IGNORECASE),
        country_words=country_words,
        country_names={code: kinds["names"][0] for code, kinds in actors["countries"].items()},
        scope_words=scope_words,
        people=people,
        actor_pattern=_actor_pattern([*country_words, *people]),
        belligerents=dict(actors["belligerents"]),
        allies=dict(actors["allies"]),
    )
