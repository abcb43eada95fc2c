"""The extraction lexicons (data/extract/*.yaml), loaded once and compiled."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


def _load(name: str) -> dict:
    text = (resources.files("sitrep") / "data" / "extract" / name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def words(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern:
    """A pattern matched as whole words."""
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w])", flags)


@dataclass(frozen=True)
class Trigger:
    type: str
    subtype: str
    needs: tuple[str, ...]
    pattern: re.Pattern
    lower: re.Pattern  # the same, case-sensitive, for lower-cased text (faster to scan)


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
    out = []
    for etype, groups in data.items():
        for group in groups:
            joined = "|".join(group["patterns"])
            if re.search(r"\\[A-Z]", joined):  # lower-casing would turn \W into \w
                raise ValueError(f"trigger pattern with an upper-case escape: {joined!r}")
            pattern, lower = words(joined), words(joined.lower(), 0)
            out.append(Trigger(etype, group["subtype"], tuple(group.get("needs", ())), pattern, lower))
    return tuple(out)


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
