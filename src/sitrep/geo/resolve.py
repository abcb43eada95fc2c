"""Choosing the entry each mention stands for, from the context (never a capital fallback).

Each candidate is scored (weights in ``data/geo/resolve.yaml``): what it is and how many live
there, how the name met it, the words around the name, and the places around it: a region
named in the same sentence, paragraph or article ("the village of Desna in the northern
Chernigiv region"), an explicit country ("Petrikov, Belarus"), the countries the text names,
the country hint. One name means one place throughout a text (the context of all its
mentions counts), and a second pass uses what the first resolved as context.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from sitrep.geo import lexicon, salience
from sitrep.geo.gazetteer import Candidate, Gazetteer
from sitrep.geo.mention import Found, Mention


@dataclass(frozen=True, slots=True)
class Resolved:
    index: int  # of the mention in ``Found.mentions``
    candidate: Candidate
    score: float
    context: float = 0.0  # the part of ``score`` the places and words around gave


# Subtypes of places the national codifier lists (see ``katottg``).
_LISTED = ("approximate", "codifier")


@cache
def _w() -> dict[str, Any]:
    return lexicon.load("resolve")


def _group_key(m: Mention) -> tuple[str, str]:
    """Mentions of one name that must mean one thing: "the village of Desna" and a later
    "Desna" are one town; "Kyiv" and "Kyiv region" are not one entry."""
    mode = m.mode if m.mode in ("region", "territory") else "bare"
    return m.key, mode


@dataclass
class _Context:
    """Which countries and regions each sentence, paragraph and the article name, and by
    which name groups (so a group is never its own evidence)."""

    hint: str | None
    # (what, level, index, code) -> the name groups that named it there
    seen: dict[tuple[str, str, int, str], set[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(set))
    within_country: dict[int, set[str]] = field(default_factory=dict)
    within_admin1: dict[int, set[str]] = field(default_factory=dict)
    points: list[tuple[tuple[str, str], float, float]] = field(default_factory=list)
    # mentions held by a town ("X district of Kyiv"): only entries in the town's region count
    strict: set[int] = field(default_factory=set)
    # "X near Y": where Y turned out to be (lat, lon)
    near: dict[int, tuple[float, float]] = field(default_factory=dict)
    countries: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    # sentence -> the regions it names -> by which name groups
    sentence_admin1s: dict[int, dict[str, set[tuple[str, str]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    named_by_others: dict[tuple[str, str], bool] = field(default_factory=dict)

    def add(self, m: Mention, what: str, code: str | None) -> None:
        if not code:
            return
        group = _group_key(m)
        for level, idx in (("s", m.sentence), ("p", m.paragraph), ("a", 0)):
            self.seen[(what, level, idx, code)].add(group)
        if what == "country":
            self.countries[code].add(group)
        elif what == "admin1":
            self.sentence_admin1s[m.sentence][code].add(group)

    def admin1s_named(self, sentence: int, country: str | None, group: tuple[str, str]
                      ) -> set[str]:
        """The regions of ``country`` that a sentence names (by other name groups)."""
        prefix = f"{country}-"
        named = self.sentence_admin1s.get(sentence, {})
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


# ---- context ------------------------------------------------------------------------


def _seed_mention(ctx: _Context, m: Mention) -> None:
    if m.mode in ("capital", "capital_region"):
        ctx.add(m, "country", m.country_ref)
        return
    kinds = {c.kind for c in m.candidates}
    if m.context_only:
        for code in {c.country for c in m.candidates}:
            ctx.add(m, "demonym", code)
    elif "country" in kinds or kinds == {"area"}:
        for code in {c.country for c in m.candidates if c.kind in ("country", "area")}:
            ctx.add(m, "country", code)
    if m.mode == "region":
        for code in {c.admin1 for c in m.candidates if c.admin1}:
            ctx.add(m, "admin1", code)


def _seed(found: Found, hint: str | None) -> _Context:
    """Context before anything is resolved: countries, demonyms and named regions."""
    ctx = _Context(hint)
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


def _from_picks(found: Found, picks: dict[int, Resolved], hint: str | None) -> _Context:
    """Context after a first pass: what each resolved mention turned out to be."""
    ctx = _Context(hint)
    for k, r in picks.items():
        m, c = found.mentions[k], r.candidate
        ctx.add(m, "country", c.country)
        ctx.add(m, "admin1" if c.kind == "admin1" else "town", c.admin1)
        if c.kind == "place" and c.lat is not None and c.lon is not None:
            ctx.points.append((_group_key(m), c.lat, c.lon))
    for k, m in enumerate(found.mentions):
        if m.context_only and not m.actor:
            for code in {c.country for c in m.candidates}:
                ctx.add(m, "demonym", code)
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


# ---- scoring ------------------------------------------------------------------------


def _prior(c: Candidate) -> float:
    p = _w()["prior"]
    if c.kind == "place":
        # a settlement the national codifier lists but with no population is small, yet
        # inhabited (GeoNames' other places of no population may be anything)
        floor = p["place_min_population"] if c.subtype in _LISTED else 0
        people = max(c.population, floor)
        size = p["place_per_log10_population"] * math.log10(people + 1)
        return p["place"] + size + (p["capital"] if c.capital else 0.0)
    return float(p[c.kind])


def _match(c: Candidate) -> float:
    m = _w()["match"]
    score = float(m.get(c.source, 0.0))
    if c.source in ("variant", "fuzzy"):
        score -= m[f"{c.source}_per_point_below_100"] * (100.0 - c.score)
    elif c.source == "via_town":  # the town's spelling counts as it did for the town
        score -= m["variant_per_point_below_100"] * (100.0 - c.score)
    return score


def _admin1_score(ctx: _Context, m: Mention, code: str | None, group: tuple[str, str]) -> float:
    if not code:
        return 0.0  # nothing names no region (``has``)
    w = _w()["context"]
    for level, idx, weight in (("s", m.sentence, w["admin1_sentence"]),
                               ("p", m.paragraph, w["admin1_paragraph"]),
                               ("a", 0, w["admin1_article"])):
        if ctx.has("admin1", level, idx, code, group):
            return float(weight)
    return w["town_admin1_sentence"] if ctx.has("town", "s", m.sentence, code, group) else 0.0


def _country_score(ctx: _Context, m: Mention, code: str | None, group: tuple[str, str]) -> float:
    w = _w()["context"]
    for level, idx, weight in (("s", m.sentence, w["country_sentence"]),
                               ("p", m.paragraph, w["country_paragraph"]),
                               ("a", 0, w["country_article"])):
        if ctx.has("country", level, idx, code, group):
            return float(weight)
    if ctx.hint and code == ctx.hint:
        return float(w["country_hint"])
    if ctx.has("demonym", "s", m.sentence, code, group):
        return float(w["demonym_sentence"])
    return float(w["country_unmentioned"]) if ctx.others_name_a_country(group) else 0.0


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + \
        math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(a))


def _km_flat(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance on a flat map: within a few hundred km as good as ``_km``, and cheaper (the
    proximity bonus asks for every candidate of every name against every town)."""
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 111.2 * math.hypot(dx, lat2 - lat1)


def _proximity(ctx: _Context, c: Candidate, group: tuple[str, str]) -> float:
    """Towns of one text tend to lie near each other: a bonus for a candidate close to the
    other towns already resolved."""
    if c.kind != "place" or c.lat is None or c.lon is None:
        return 0.0
    near = [_km_flat(c.lat, c.lon, lat, lon) for g, lat, lon in ctx.points if g != group]
    if not near:
        return 0.0
    closest = min(near)
    for limit_km, bonus in _w()["proximity"]:
        if closest <= limit_km:
            return float(bonus)
    return 0.0


def _context_score(ctx: _Context, k: int, m: Mention, c: Candidate, group: tuple[str, str],
                   proximity: float) -> float:
    """``group``: ``m``'s name group; ``proximity``: ``_proximity`` of ``c`` (the same for
    every mention of the group, so worked out once)."""
    w = _w()["context"]
    score = 0.0
    explicit = ctx.within_country.get(k)
    if explicit:
        score += w["within_country"] if c.country in explicit else w["within_country_mismatch"]
    if c.admin1 and c.admin1 in ctx.within_admin1.get(k, ()):
        score += w["within_admin1"]
    score += _admin1_score(ctx, m, c.admin1, group)
    if not explicit and c.kind != "country":
        score += _country_score(ctx, m, c.country, group)
    score += proximity
    anchor = ctx.near.get(k)
    if anchor and c.lat is not None and c.lon is not None and \
            _km(c.lat, c.lon, *anchor) <= w["near_km"]:
        score += w["near"]
    if m.cue:
        return score + float(_w()["cue"][m.cue])
    one_word = m.first == m.last
    return score + float(_w()["sentence_initial"]) if m.initial and one_word else score


# ---- candidates per kind of mention -----------------------------------------------------


def _as_regions(cands: tuple[Candidate, ...], gaz: Gazetteer) -> list[Candidate]:
    """For "X region": X's regions; failing those, the regions of the towns called X; for
    "the region of Moldova", the country."""
    out: dict[str, Candidate] = {}
    for c in cands:
        if c.kind in ("admin1", "area"):
            key = c.admin1 or c.name
            out.setdefault(key, c)
    if out:
        return list(out.values())
    countries = [c for c in cands if c.kind == "country"]
    if countries:
        return countries
    for c in cands:
        if c.kind == "place" and c.admin1 and c.admin1 not in out:
            region = gaz.admin1(c.admin1)
            if region is not None:
                out[c.admin1] = replace(region, source="via_town", score=c.score)
    return list(out.values())


def _eligible(m: Mention, gaz: Gazetteer) -> list[Candidate]:
    cands = m.candidates
    if m.mode == "territory":
        return [c for c in cands if c.kind == "country"]
    if m.mode == "region":
        return _as_regions(cands, gaz)
    places = [c for c in cands if c.kind == "place"]
    if m.mode == "place" and places:
        return places
    countries = [c for c in cands if c.kind == "country" and c.source != "demonym"]
    if countries:
        return countries  # "Mexico", "Jordan": a country's name means the country
    pool = [c for c in cands if not (c.kind == "admin1" and c.source == "base")]
    return pool + _regional_capitals(pool, m, gaz)


def _regional_capitals(pool: list[Candidate], m: Mention, gaz: Gazetteer) -> list[Candidate]:
    """"Vinnitsa" matched only the region's news form: its town, spelt differently, is
    what a bare name means."""
    codes = {c.admin1 for c in pool if c.kind == "admin1"}
    codes -= {c.admin1 for c in pool if c.kind == "place"}
    if not codes:
        return []
    return [c for c in gaz.variants(m.key) if c.kind == "place" and c.admin1 in codes]


def _kind_adjust(c: Candidate, m: Mention, pool: list[Candidate]) -> float:
    if m.mode == "region":
        if c.source == "via_town":
            return float(_w()["region_via_town"])
        return float(_w()["region_city_admin1"]) if c.is_city_admin1 else 0.0
    if c.kind == "admin1" and any(p.kind == "place" and p.country == c.country for p in pool):
        return float(_w()["bare_admin1_with_town"])
    return 0.0


@cache
def _first_names() -> frozenset[str]:
    return lexicon.word_set("stopnames", "first_names")


def _framed(m: Mention) -> bool:
    """Words around the name say it is a place: a cue, a list, a container."""
    return bool(m.cue) or m.within is not None or m.head is not None or m.near is not None


def _foreign_unframed(ctx: _Context, m: Mention, c: Candidate) -> bool:
    """"imagery from Maxar", "near the Ilyich plant in Mariupol": a small town abroad (in a
    country the text neither names, hints nor names the people of), or one spelt otherwise,
    with no more than a preposition ("in", "near") saying that its name is a place."""
    strong = m.cue == "strong" or m.within is not None or m.head is not None
    small = c.population < _w()["foreign_unframed_population"]
    if c.kind != "place" or strong or not (small or c.source in ("variant", "fuzzy")):
        return False
    group = _group_key(m)
    if not ctx.hint and not ctx.others_name_a_country(group):
        return False  # no country in view: nothing is abroad
    return c.country != ctx.hint and not ctx.has("country", "a", 0, c.country, group) and \
        not ctx.has("demonym", "a", 0, c.country, group)


def _unpopulated_ok(ctx: _Context, m: Mention, c: Candidate) -> bool:
    """A village known by name only (GeoNames gives no population, or only the codifier has
    it) needs words saying it is a place, or its region named; spelt otherwise, it must also
    be spelt much alike ("Blind" is no "Balandy")."""
    if c.source in ("variant", "fuzzy") and c.score < _w()["unpopulated_variant_similarity"]:
        return False
    group = _group_key(m)
    named = ctx.admin1s_named(m.sentence, c.country, group)
    if named and c.admin1 not in named:
        return False  # "Zakhidna substation in Demydiv, Lviv Oblast": not the one elsewhere
    # "the National Union of Students": "of" alone says too little for a village
    framed = _framed(m) and not (m.cue == "weak" and m.prep == "of" and m.within is None
                                 and m.head is None and m.near is None)
    return framed or ctx.has("admin1", "a", 0, c.admin1, group)


def _supported(ctx: _Context, m: Mention, c: Candidate) -> bool:
    """A name inside a longer capitalised name needs a strong frame; a spelling variant needs
    a frame; a capitalised word opening a sentence needs a frame or its country named (or
    hinted); any other name needs nothing."""
    if c.source in ("variant", "fuzzy") and not _framed(m) or _foreign_unframed(ctx, m, c):
        return False
    if c.kind == "place" and not c.population and not _unpopulated_ok(ctx, m, c):
        return False
    if m.key in _first_names() and not m.cue and m.first == m.last:
        return False  # "Nadezhda, a doctor", "Lisa has gone": a given name alone
    if m.lowercase:
        # "fires in kharkiv": only a big town of a country the text names or hints
        hinted = c.country == ctx.hint
        known = hinted or ctx.has("country", "a", 0, c.country, _group_key(m))
        least = _w()["lowercase_population_hinted" if hinted else "lowercase_population"]
        return known and (c.kind != "place" or c.population >= least)
    if m.embedded:
        framed = m.cue == "strong" or m.within is not None or m.head is not None
        # "Mykolaiv Oncology Hospital": a town of some size opening a name that is its own.
        known = c.country == ctx.hint or ctx.has("country", "a", 0, c.country, _group_key(m))
        big = c.population >= _w()["embedded_lead_population"] or c.kind != "place"
        return framed or (m.embedded == "lead" and big and known)
    if not (m.initial and m.first == m.last) or _framed(m) or c.country == ctx.hint:
        return True
    return ctx.has("country", "a", 0, c.country, _group_key(m))


def _salience(c: Candidate) -> float:
    """Among same-named villages, one in a region the news names often is likelier: the
    same weight per tenfold as the population prior, counted from ``salience.min_articles``
    up (see ``sitrep.geo.salience``). It only ranks towns the text cannot tell apart; it
    never lifts a name over the threshold."""
    if c.kind != "place":
        return 0.0
    w = _w()["salience"]
    articles = salience.articles(c.admin1)
    if articles <= w["min_articles"]:
        return 0.0
    return float(w["per_log10_articles"]) * math.log10(articles / w["min_articles"])


def _regions_in_view(found: Found, ctx: _Context, members: list[int]) -> set[str]:
    """The regions that hold a group's mentions or that their sentences name."""
    if not ctx.within_admin1 and not ctx.sentence_admin1s:
        return set()
    group = _group_key(found.mentions[members[0]])
    out: set[str] = set()
    for k in members:
        out |= ctx.within_admin1.get(k, set())
        named = ctx.sentence_admin1s.get(found.mentions[k].sentence, {})
        out |= {code for code, groups in named.items() if groups - {group}}
    return out - {""}


def _regional_variants(found: Found, gaz: Gazetteer, ctx: _Context, members: list[int],
                       pool: list[Candidate]) -> list[Candidate]:
    """"Veselyy Razdol in Mykolaiv Oblast": the name is written exactly as a namesake's
    elsewhere, and the region named holds none of the entries it met; the ones of that
    region spelt otherwise ("Veselyi Rozdol") join."""
    first = found.mentions[members[0]]
    # a spelling variant needs a frame (``_supported``): without one, nothing to add
    if first.mode in ("region", "territory") or \
            not any(_framed(found.mentions[k]) for k in members):
        return []
    regions = _regions_in_view(found, ctx, members)
    if not regions or any(c.kind == "place" and c.admin1 in regions for c in pool):
        return []
    seen = {c.id for c in pool}
    return [c for c in gaz.variants(first.key)
            if c.kind == "place" and c.admin1 in regions and c.id not in seen]


def _best(found: Found, gaz: Gazetteer, ctx: _Context, members: list[int],
          eligible: list[Candidate], news_prior: bool) -> Resolved | None:
    """The best candidate for a group of mentions of one name (``eligible``: its entries, see
    ``_eligible``), if it reaches the threshold."""
    first = found.mentions[members[0]]
    group = _group_key(first)  # the members' own (``_groups`` made them by it)
    if not eligible:
        return None
    pool = eligible + _regional_variants(found, gaz, ctx, members, eligible)
    one_country = len({c.country for c in pool}) == 1
    scored: list[Resolved] = []
    for c in pool:
        if not any(_supported(ctx, found.mentions[k], c) for k in members):
            continue
        if any(k in ctx.strict and c.admin1 not in ctx.within_admin1[k] for k in members):
            continue
        base = _prior(c) + _match(c) + _kind_adjust(c, first, pool)
        base += _w()["context"]["one_country"] if one_country else 0.0
        proximity = _proximity(ctx, c, group)
        context = max(_context_score(ctx, k, found.mentions[k], c, group, proximity)
                      for k in members)
        if base + context >= _w()["threshold"]:
            scored.append(Resolved(members[0], c, base + context, context))
    # other towns of the text are evidence (``_proximity``) that the news' regions must not
    # override: the prior is for a name the text leaves alone
    alone = news_prior and not any(g != group for g, _, _ in ctx.points)
    return _top(scored, alone)


def _top(scored: list[Resolved], news_prior: bool) -> Resolved | None:
    """The highest score; when that is a town and ``news_prior``, the town that ranks
    highest once the news' regions count (``_salience``), among the towns the text itself
    cannot tell apart: the same context score as the best (no region named, no country
    favours one), and no region or country scoring above them."""
    if not scored:
        return None
    best = max(scored, key=lambda r: r.score)  # the first of equals, as listed
    if not news_prior or best.candidate.kind != "place":
        return best
    floor = max((r.score for r in scored if r.candidate.kind != "place"), default=-math.inf)
    alike = [r for r in scored if r.candidate.kind == "place" and r.score >= floor
             and math.isclose(r.context, best.context)]
    if len(alike) < 2:
        return best
    return max(alike, key=lambda r: r.score + _salience(r.candidate))


def _groups(found: Found) -> list[list[int]]:
    """The mentions to resolve, by name group (``_group_key``)."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k, m in enumerate(found.mentions):
        if not (m.actor or m.context_only or m.mode in ("capital", "capital_region")):
            groups[_group_key(m)].append(k)
    return list(groups.values())


def _pass(found: Found, gaz: Gazetteer, ctx: _Context,
          groups: list[tuple[list[int], list[Candidate]]], news_prior: bool
          ) -> dict[int, Resolved]:
    """Each group's best entry (``groups``: its members and eligible entries)."""
    picks: dict[int, Resolved] = {}
    for members, eligible in groups:
        best = _best(found, gaz, ctx, members, eligible, news_prior)
        if best is not None:
            picks.update({k: Resolved(k, best.candidate, best.score, best.context)
                          for k in members})
    return picks


# ---- "the capital" --------------------------------------------------------------------


def _capital_country(found: Found, k: int, picks: dict[int, Resolved], hint: str | None
                     ) -> str | None:
    """The country "the capital" belongs to: named, else the towns of its sentence, else
    the nearest town before it, else the hint."""
    m = found.mentions[k]
    if m.country_ref:
        return m.country_ref
    same = Counter(r.candidate.country for j, r in picks.items()
                   if found.mentions[j].sentence == m.sentence and r.candidate.kind != "country")
    if not same:  # "Kyiv mayor ... residents of the capital": the actor's own capital
        for other in found.mentions:
            if other.actor and other.sentence == m.sentence:
                same.update(c.country for c in other.candidates if c.capital)
    if same:
        return same.most_common(1)[0][0]
    before = [r for j, r in sorted(picks.items()) if j < k and r.candidate.kind != "country"]
    if before:
        return before[-1].candidate.country
    return hint


def _capitals(found: Found, gaz: Gazetteer, picks: dict[int, Resolved], hint: str | None
              ) -> dict[int, Resolved]:
    out = {}
    for k, m in enumerate(found.mentions):
        if m.mode not in ("capital", "capital_region") or m.actor:
            continue
        country = _capital_country(found, k, picks, hint)
        if not country:
            continue
        cand = gaz.capital_region(country) if m.mode == "capital_region" else gaz.capital(country)
        if cand is not None:
            out[k] = Resolved(k, cand, _w()["threshold"])
    return out


def resolve(found: Found, gaz: Gazetteer, hint: str | None = None,
            news_prior: bool = True) -> list[Resolved]:
    """The entry each mention of ``found`` stands for (mentions left unresolved are left out).

    ``news_prior`` lets the news' regions (``_salience``) break ties among the towns of a
    name the text names no other town with, in the second pass only (the first pass's picks
    are the context of the second)."""
    # the entries a group may stand for are the same in both passes: found once
    groups = [(members, _eligible(found.mentions[members[0]], gaz))
              for members in _groups(found)]
    first = _pass(found, gaz, _seed(found, hint), groups, news_prior=False)
    picks = _pass(found, gaz, _from_picks(found, first, hint), groups, news_prior)
    picks.update(_capitals(found, gaz, picks, hint))
    return [picks[k] for k in sorted(picks)]
