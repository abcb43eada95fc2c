"""The extraction lexicons (data/extract/*.yaml), loaded once and compiled."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from sitrep.nlp.scan import first_characters, starts, word_start


def _load(name: str) -> dict:
    text = (resources.files("sitrep") / "data" / "extract" / name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


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
    """Every trigger over one lower-cased text in one pass: a pattern for "some trigger starts
    here", then each trigger matched where it can start, as its own ``finditer`` would (leftmost,
    not overlapping). Extraction asks for each trigger's matches in turn, so the last text's
    answer is kept. Triggers that do not open on literal characters are scanned on their own."""

    def __init__(self, patterns: list[re.Pattern], raw: list[str]) -> None:
        self.patterns = patterns
        firsts = [first_characters(r) for r in raw]
        self.shared = {i for i, f in enumerate(firsts) if f is not None}
        self.by_char: dict[str, list[int]] = {}
        for i in sorted(self.shared):
            for c in sorted(firsts[i] or ()):
                self.by_char.setdefault(c, []).append(i)
        self.any_start = re.compile(starts([raw[i] for i in sorted(self.shared)], r"[\w-]", r"(?![\w])"))
        self._last: tuple[str, list[list[re.Match]]] = ("", [[] for _ in patterns])

    def found(self, text: str) -> list[list[re.Match]]:
        last_text, last = self._last
        if text is last_text or text == last_text:
            return last
        found = self._scan(text)
        self._last = (text, found)  # one assignment: a thread never sees a text with another's matches
        return found

    def _scan(self, text: str) -> list[list[re.Match]]:
        found = [[] if i in self.shared else list(p.finditer(text)) for i, p in enumerate(self.patterns)]
        free = [0] * len(self.patterns)  # where each trigger's next match may start
        for start in self.any_start.finditer(text) if self.shared else ():
            at = start.start()
            for i in self.by_char[text[at]]:
                if at >= free[i] and (m := self.patterns[i].match(text, at)) is not None:
                    found[i].append(m)
                    free[i] = m.end()
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
    raw = [joined.lower() for _, _, joined in found]
    scan = TriggerScan([words(r, 0) for r in raw], raw)
    return tuple(Trigger(etype, group["subtype"], tuple(group.get("needs", ())), words(joined), TriggerView(scan, i))
                 for i, (etype, group, joined) in enumerate(found))


def _alternation(items) -> str:
    return "|".join(re.escape(w) for w in sorted(items, key=len, reverse=True))


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
        anaphora=re.compile("|".join(ctx["anaphora"]), re.IGNORECASE),
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
        claimant_nouns=words(claims["claimant_nouns"]),
        pronouns=re.compile(rf"^(?:{claims['pronouns']})$", re.IGNORECASE),
        trailing=re.compile(rf"(?:\s+(?:{claims['trailing']}))+$", re.IGNORECASE),
        country_words=country_words,
        country_names={code: kinds["names"][0] for code, kinds in actors["countries"].items()},
        scope_words=scope_words,
        people=people,
        actor_pattern=re.compile(rf"(?<![\w-])(?:{_alternation([*country_words, *people])})(?![\w-])"),
        belligerents=dict(actors["belligerents"]),
        allies=dict(actors["allies"]),
    )
