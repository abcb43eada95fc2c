"""What a text names around each place name, for ``resolve``: the countries and regions each
sentence, paragraph and the whole article name, and by which name groups (a group is never
its own evidence); seeded before anything is resolved, and again from a first pass's picks."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sitrep.geo.gazetteer import Candidate
from sitrep.geo.mention import Found, Mention


class Picked(Protocol):
    """What a first pass picked for a mention."""

    candidate: Candidate


def group_key(m: Mention) -> tuple[str, str]:
    """Mentions of one name that must mean one thing: "the village of Desna" and a later
    "Desna" are one town; "Kyiv" and "Kyiv region" are not one entry."""
    mode = m.mode if m.mode in ("region", "territory") else "bare"
    return m.key, mode


@dataclass
class Context:
    """Which countries and regions each sentence, paragraph and the article name, and by
    which name groups (so a group is never its own evidence)."""

    hint: str | None
    # (what, level, index, code) -> the name groups that named it there
    seen: dict[tuple[str, str, int, str], set[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(set))
    within_country: dict[int, set[str]] = field(default_factory=dict)
    within_admin1: dict[int, set[str]] = field(default_factory=dict)
    # name group -> where the town it resolved to lies (lat, lon)
    towns: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    # mentions held by a town ("X district of Kyiv"): only entries in the town's region count
    strict: set[int] = field(default_factory=set)
    # "X near Y": where Y turned out to be (lat, lon)
    near: dict[int, tuple[float, float]] = field(default_factory=dict)
    countries: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    # sentence -> the regions it names -> by which name groups
    sentence_admin1s: dict[int, dict[str, set[tuple[str, str]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    named_by_others: dict[tuple[str, str], bool] = field(default_factory=dict)

    def add(self, m: Mention, group: tuple[str, str], what: str, code: str | None) -> None:
        """``m`` (of name group ``group``) names ``code``, a ``what``."""
        if not code:
            return
        seen = self.seen
        seen[(what, "s", m.sentence, code)].add(group)
        seen[(what, "p", m.paragraph, code)].add(group)
        seen[(what, "a", 0, code)].add(group)
        if what == "country":
            self.countries[code].add(group)
        elif what == "admin1":
            self.sentence_admin1s[m.sentence][code].add(group)

    def admin1s_named(self, sentence: int, country: str | None, group: tuple[str, str]
                      ) -> set[str]:
        """The regions of ``country`` that a sentence names (by other name groups)."""
        named = self.sentence_admin1s.get(sentence)
        if not named:
            return set()  # the usual case, asked for many candidates
        prefix = f"{country}-"
        return {code for code, groups in named.items()
                if code.startswith(prefix) and groups - {group}}

    def others_name_a_country(self, group: tuple[str, str]) -> bool:
        """Some country is named by a group other than ``group`` (asked for every candidate
        of the group, so kept: the context is complete before anything asks)."""
        named = self.named_by_others.get(group)
        if named is None:
            named = self.named_by_others[group] = any(
                groups - {group} for groups in self.countries.values())
        return named

    def has(self, what: str, level: str, idx: int, code: str | None, group: tuple[str, str]
            ) -> bool:
        if not code:
            return False
        groups = self.seen.get((what, level, idx, code))
        # named there by a group other than ``group`` (asked for every candidate: no set built)
        return bool(groups) and (len(groups) > 1 or group not in groups)


def _seed_mention(ctx: Context, m: Mention) -> None:
    group = group_key(m)
    if m.mode in ("capital", "capital_region"):
        ctx.add(m, group, "country", m.country_ref)
        return
    if m.context_only:
        for code in {c.country for c in m.candidates}:
            ctx.add(m, group, "demonym", code)
    else:
        # a name that is a country's (or only areas'): the countries it names
        nations = [c for c in m.candidates if c.kind in ("country", "area")]
        if nations and (len(nations) == len(m.candidates) or
                        any(c.kind == "country" for c in nations)):
            for code in {c.country for c in nations}:
                ctx.add(m, group, "country", code)
    if m.mode == "region":
        for code in {c.admin1 for c in m.candidates if c.admin1}:
            ctx.add(m, group, "admin1", code)


def seed(found: Found, hint: str | None) -> Context:
    """Context before anything is resolved: countries, demonyms and named regions."""
    ctx = Context(hint)
    for m in found.mentions:
        if not m.actor:
            _seed_mention(ctx, m)
    for k, m in enumerate(found.mentions):
        if m.within is not None:
            holder = found.mentions[m.within]
            ctx.within_country[k] = {c.country for c in holder.candidates if c.country}
            if holder.mode == "region":
                ctx.within_admin1[k] = {c.admin1 for c in holder.candidates if c.admin1}
    return ctx


def from_picks(found: Found, picks: Mapping[int, Picked], hint: str | None) -> Context:
    """Context after a first pass: what each resolved mention turned out to be."""
    ctx = Context(hint)
    for k, r in picks.items():
        m, c = found.mentions[k], r.candidate
        group = group_key(m)
        ctx.add(m, group, "country", c.country)
        ctx.add(m, group, "admin1" if c.kind == "admin1" else "town", c.admin1)
        if c.kind == "place" and c.lat is not None and c.lon is not None:
            ctx.towns[group] = (c.lat, c.lon)  # one entry, one town per group
    for k, m in enumerate(found.mentions):
        if m.context_only and not m.actor:
            for code in {c.country for c in m.candidates}:
                ctx.add(m, group_key(m), "demonym", code)
        near = picks.get(m.near) if m.near is not None else None
        if near is not None and near.candidate.lat is not None and near.candidate.lon is not None:
            ctx.near[k] = (near.candidate.lat, near.candidate.lon)
        holder = picks.get(m.within) if m.within is not None else None
        if holder is not None:
            ctx.within_country[k] = {holder.candidate.country or ""}
            if holder.candidate.kind in ("admin1", "place"):
                ctx.within_admin1[k] = {holder.candidate.admin1 or ""}
            if m.within_by_comma and m.within is not None:
                # "Tacoma, Washington": the name after the comma may be the region
                regions = found.mentions[m.within].candidates
                ctx.within_admin1.setdefault(k, set()).update(
                    c.admin1 for c in regions if c.kind == "admin1" and c.admin1)
            if holder.candidate.kind == "place":
                ctx.strict.add(k)
    return ctx
