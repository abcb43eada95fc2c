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
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, NamedTuple

from sitrep.geo import lexicon, salience
from sitrep.geo.context import Context, from_picks, group_key, seed
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


def _admin1_score(ctx: Context, m: Mention, code: str | None, group: tuple[str, str]) -> float:
    if not code:
        return 0.0  # nothing names no region (``has``)
    w = _w()["context"]
    # what no other group names in the article it names in no sentence or paragraph either
    # (``add`` counts every name at all three levels): the usual case is answered at once
    if ctx.has("admin1", "a", 0, code, group):
        for level, idx, weight in (("s", m.sentence, w["admin1_sentence"]),
                                   ("p", m.paragraph, w["admin1_paragraph"])):
            if ctx.has("admin1", level, idx, code, group):
                return float(weight)
        return float(w["admin1_article"])
    return w["town_admin1_sentence"] if ctx.has("town", "s", m.sentence, code, group) else 0.0


def _country_score(ctx: Context, m: Mention, code: str | None, group: tuple[str, str]) -> float:
    w = _w()["context"]
    if ctx.has("country", "a", 0, code, group):  # as in ``_admin1_score``
        for level, idx, weight in (("s", m.sentence, w["country_sentence"]),
                                   ("p", m.paragraph, w["country_paragraph"])):
            if ctx.has("country", level, idx, code, group):
                return float(weight)
        return float(w["country_article"])
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


def _proximity(c: Candidate, towns: list[tuple[float, float]]) -> float:
    """Towns of one text tend to lie near each other: a bonus for a candidate close to the
    other towns already resolved (``towns``: those of the other name groups)."""
    if c.kind != "place" or c.lat is None or c.lon is None or not towns:
        return 0.0
    bands = _w()["proximity"]
    # a town further north or south than the widest band (and a margin) cannot be the one
    # that earns a bonus: asked for every candidate against every town, it is skipped cheaply
    reach = (max(limit for limit, _ in bands) + 1.0) / 111.2
    lat, lon = c.lat, c.lon
    closest = min((_km_flat(lat, lon, t_lat, t_lon) for t_lat, t_lon in towns
                   if abs(t_lat - lat) <= reach), default=math.inf)
    for limit_km, bonus in bands:
        if closest <= limit_km:
            return float(bonus)
    return 0.0


def _context_score(ctx: Context, f: _Frame, c: Candidate, group: tuple[str, str],
                   proximity: float) -> float:
    """``group``: the mention's name group; ``proximity``: ``_proximity`` of ``c`` (the same
    for every mention of the group, so worked out once)."""
    w = _w()["context"]
    k = f.k
    score = 0.0
    explicit = ctx.within_country.get(k)
    if explicit:
        score += w["within_country"] if c.country in explicit else w["within_country_mismatch"]
    if c.admin1 and c.admin1 in ctx.within_admin1.get(k, ()):
        score += w["within_admin1"]
    score += _admin1_score(ctx, f.m, c.admin1, group)
    if not explicit and c.kind != "country":
        score += _country_score(ctx, f.m, c.country, group)
    score += proximity
    anchor = ctx.near.get(k)
    if anchor and c.lat is not None and c.lon is not None and \
            _km(c.lat, c.lon, *anchor) <= w["near_km"]:
        score += w["near"]
    return score + f.tail  # + 0.0 when there is no cue: the same float


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


@dataclass(slots=True)  # not frozen: built for every mention, and frozen ones build slowly
class _Frame:
    """What the words around one mention say, read once per text: both passes ask it for
    every candidate of the mention's name."""

    k: int  # index of the mention in ``Found.mentions``
    m: Mention
    framed: bool  # ``_framed``
    strong: bool  # a strong cue, a container or a list: more than a preposition
    # framed by more than "of" alone ("the National Union of Students" is no village)
    village_framed: bool
    given_name: bool  # a first name alone, with no cue ("Nadezhda, a doctor")
    initial_word: bool  # one word opening its sentence (capitalised whatever it is)
    tail: float  # what the cue, or a capital opening the sentence, adds to any candidate


def _frame(k: int, m: Mention) -> _Frame:
    framed = _framed(m)
    one_word = m.first == m.last
    of_only = m.cue == "weak" and m.prep == "of" and m.within is None and m.head is None \
        and m.near is None
    if m.cue:
        tail = float(_w()["cue"][m.cue])
    else:
        tail = float(_w()["sentence_initial"]) if m.initial and one_word else 0.0
    return _Frame(k, m, framed,
                  strong=m.cue == "strong" or m.within is not None or m.head is not None,
                  village_framed=framed and not of_only,
                  given_name=m.key in _first_names() and not m.cue and one_word,
                  initial_word=m.initial and one_word, tail=tail)


@dataclass(slots=True)
class _Group:
    """Mentions of one name that must mean one thing (``_group_key``), and the entries it
    may stand for (``_eligible``): the same in both passes."""

    key: tuple[str, str]
    members: list[int]
    frames: list[_Frame]
    eligible: list[Candidate]
    countries: set[str | None]  # of ``eligible``
    # ``_prior`` + ``_match`` of entries of ``eligible``, by position: what it is, whatever
    # the context (kept for the second pass; only for entries some mention may stand for)
    fixed: dict[int, float]
    # a spelling variant needs a frame (``_supported``): without one, none joins
    # (``_regional_variants``)
    variants_may_join: bool


def _foreign(ctx: Context, c: Candidate, group: tuple[str, str]) -> bool:
    """"imagery from Maxar", "near the Ilyich plant in Mariupol": a small town abroad (in a
    country the text neither names, hints nor names the people of), or one spelt otherwise:
    taken only when more than a preposition ("in", "near") says its name is a place."""
    small = c.population < _w()["foreign_unframed_population"]
    if c.kind != "place" or not (small or c.source in ("variant", "fuzzy")):
        return False
    if not ctx.hint and not ctx.others_name_a_country(group):
        return False  # no country in view: nothing is abroad
    return c.country != ctx.hint and not ctx.has("country", "a", 0, c.country, group) and \
        not ctx.has("demonym", "a", 0, c.country, group)


def _unpopulated_ok(ctx: Context, f: _Frame, c: Candidate, group: tuple[str, str]) -> bool:
    """A village known by name only (GeoNames gives no population, or only the codifier has
    it) needs words saying it is a place, or its region named; spelt otherwise, it must also
    be spelt much alike ("Blind" is no "Balandy")."""
    if c.source in ("variant", "fuzzy") and c.score < _w()["unpopulated_variant_similarity"]:
        return False
    named = ctx.admin1s_named(f.m.sentence, c.country, group)
    if named and c.admin1 not in named:
        return False  # "Zakhidna substation in Demydiv, Lviv Oblast": not the one elsewhere
    return f.village_framed or ctx.has("admin1", "a", 0, c.admin1, group)


def _supported(ctx: Context, f: _Frame, c: Candidate, group: tuple[str, str]) -> bool:
    """A name inside a longer capitalised name needs a strong frame; a spelling variant needs
    a frame; a capitalised word opening a sentence needs a frame or its country named (or
    hinted); any other name needs nothing."""
    if c.source in ("variant", "fuzzy") and not f.framed or \
            not f.strong and _foreign(ctx, c, group):
        return False
    if c.kind == "place" and not c.population and not _unpopulated_ok(ctx, f, c, group):
        return False
    if f.given_name:
        return False  # "Nadezhda, a doctor", "Lisa has gone": a given name alone
    m = f.m
    if m.lowercase:
        # "fires in kharkiv": only a big town of a country the text names or hints
        hinted = c.country == ctx.hint
        known = hinted or ctx.has("country", "a", 0, c.country, group)
        least = _w()["lowercase_population_hinted" if hinted else "lowercase_population"]
        return known and (c.kind != "place" or c.population >= least)
    if m.embedded:
        # "Mykolaiv Oncology Hospital": a town of some size opening a name that is its own.
        known = c.country == ctx.hint or ctx.has("country", "a", 0, c.country, group)
        big = c.population >= _w()["embedded_lead_population"] or c.kind != "place"
        return f.strong or (m.embedded == "lead" and big and known)
    if not f.initial_word or f.framed or c.country == ctx.hint:
        return True
    return ctx.has("country", "a", 0, c.country, group)


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


def _regions_in_view(found: Found, ctx: Context, g: _Group) -> set[str]:
    """The regions that hold a group's mentions or that their sentences name."""
    if not ctx.within_admin1 and not ctx.sentence_admin1s:
        return set()
    out: set[str] = set()
    for f in g.frames:
        out |= ctx.within_admin1.get(f.k, set())
        named = ctx.sentence_admin1s.get(f.m.sentence, {})
        out |= {code for code, groups in named.items() if groups - {g.key}}
    return out - {""}


def _regional_variants(found: Found, gaz: Gazetteer, ctx: Context, g: _Group
                       ) -> list[Candidate]:
    """"Veselyy Razdol in Mykolaiv Oblast": the name is written exactly as a namesake's
    elsewhere, and the region named holds none of the entries it met; the ones of that
    region spelt otherwise ("Veselyi Rozdol") join."""
    first = g.frames[0].m
    if not g.variants_may_join:
        return []
    regions = _regions_in_view(found, ctx, g)
    if not regions or any(c.kind == "place" and c.admin1 in regions for c in g.eligible):
        return []
    seen = {c.id for c in g.eligible}
    return [c for c in gaz.variants(first.key)
            if c.kind == "place" and c.admin1 in regions and c.id not in seen]


def _admissible(ctx: Context, g: _Group, c: Candidate, held: list[set[str]]) -> bool:
    """Some mention of the group may stand for ``c`` (``_supported``), and no town that holds
    one of them ("X district of Kyiv"; ``held``: those towns' regions) rules it out."""
    key = g.key
    if len(g.frames) == 1:  # the usual case: no generator to run
        if not _supported(ctx, g.frames[0], c, key):
            return False
    elif not any(_supported(ctx, f, c, key) for f in g.frames):
        return False
    return not held or all(c.admin1 in regions for regions in held)


def _context(ctx: Context, g: _Group, c: Candidate, proximity: float) -> float:
    """The best context any mention of the group gives ``c``."""
    if len(g.frames) == 1:  # the usual case: no generator to run
        return _context_score(ctx, g.frames[0], c, g.key, proximity)
    return max(_context_score(ctx, f, c, g.key, proximity) for f in g.frames)


def _best(found: Found, gaz: Gazetteer, ctx: Context, g: _Group, news_prior: bool
          ) -> _Score | None:
    """The best candidate for a group of mentions of one name (its entries: ``_eligible``),
    if it reaches the threshold."""
    if not g.eligible:
        return None
    m = g.frames[0].m
    variants = _regional_variants(found, gaz, ctx, g) if g.variants_may_join else []
    pool = g.eligible + variants if variants else g.eligible
    countries = g.countries.union(c.country for c in variants) if variants else g.countries
    one_country = _w()["context"]["one_country"] if len(countries) == 1 else 0.0
    threshold = _w()["threshold"]
    held = [ctx.within_admin1[k] for k in g.members if k in ctx.strict] if ctx.strict else []
    towns: list[tuple[float, float]] | None = None  # the other groups' towns, when asked
    scored: list[_Score] = []
    for i, c in enumerate(pool):
        if not _admissible(ctx, g, c, held):
            continue
        base = g.fixed.get(i)
        if base is None:  # the regional variants come after ``eligible``: never kept
            base = _prior(c) + _match(c)
            if i < len(g.eligible):
                g.fixed[i] = base
        if m.mode == "region" or c.kind == "admin1":  # else ``_kind_adjust`` gives 0.0
            base += _kind_adjust(c, m, pool)
        base += one_country
        proximity = 0.0
        if c.kind == "place" and ctx.towns:
            if towns is None:
                towns = [point for other, point in ctx.towns.items() if other != g.key]
            proximity = _proximity(c, towns)
        context = _context(ctx, g, c, proximity)
        if base + context >= threshold:
            scored.append(_Score(c, base + context, context))
    # other towns of the text are evidence (``_proximity``) that the news' regions must not
    # override: the prior is for a name the text leaves alone
    alone = len(ctx.towns) == (g.key in ctx.towns)
    return _top(scored, news_prior and alone)


class _Score(NamedTuple):
    """A candidate over the threshold (a tuple: built for every one of them)."""

    candidate: Candidate
    score: float
    context: float


def _top(scored: list[_Score], news_prior: bool) -> _Score | None:
    """The highest score; when that is a town and ``news_prior``, the town that ranks
    highest once the news' regions count (``_salience``), among the towns the text itself
    cannot tell apart: the same context score as the best (no region named, no country
    favours one), and no region or country scoring above them."""
    if len(scored) < 2:  # one is the best, whatever the news say
        return scored[0] if scored else None
    best = max(scored, key=lambda r: r.score)  # the first of equals, as listed
    if not news_prior or best.candidate.kind != "place":
        return best
    floor = max((r.score for r in scored if r.candidate.kind != "place"), default=-math.inf)
    alike = [r for r in scored if r.candidate.kind == "place" and r.score >= floor
             and math.isclose(r.context, best.context)]
    if len(alike) < 2:
        return best
    return max(alike, key=lambda r: r.score + _salience(r.candidate))


def _groups(found: Found, gaz: Gazetteer) -> list[_Group]:
    """The mentions to resolve, by name group (``_group_key``), with their entries."""
    frames: dict[tuple[str, str], list[_Frame]] = defaultdict(list)
    for k, m in enumerate(found.mentions):
        if not (m.actor or m.context_only or m.mode in ("capital", "capital_region")):
            frames[group_key(m)].append(_frame(k, m))
    groups = []
    for key, fs in frames.items():
        eligible = _eligible(fs[0].m, gaz)
        may_join = fs[0].m.mode not in ("region", "territory") and any(f.framed for f in fs)
        groups.append(_Group(key, [f.k for f in fs], fs, eligible,
                             {c.country for c in eligible}, {}, may_join))
    return groups


def _pass(found: Found, gaz: Gazetteer, ctx: Context, groups: list[_Group], news_prior: bool
          ) -> dict[int, _Score]:
    """Each group's best entry, for each of its mentions."""
    picks: dict[int, _Score] = {}
    for g in groups:
        best = _best(found, gaz, ctx, g, news_prior)
        if best is not None:
            picks.update(dict.fromkeys(g.members, best))
    return picks


# ---- "the capital" --------------------------------------------------------------------


def _capital_country(found: Found, k: int, picks: dict[int, _Score], hint: str | None
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


def _capitals(found: Found, gaz: Gazetteer, picks: dict[int, _Score], hint: str | None
              ) -> dict[int, _Score]:
    out = {}
    for k, m in enumerate(found.mentions):
        if m.mode not in ("capital", "capital_region") or m.actor:
            continue
        country = _capital_country(found, k, picks, hint)
        if not country:
            continue
        cand = gaz.capital_region(country) if m.mode == "capital_region" else gaz.capital(country)
        if cand is not None:
            out[k] = _Score(cand, _w()["threshold"], 0.0)
    return out


def resolve(found: Found, gaz: Gazetteer, hint: str | None = None,
            news_prior: bool = True) -> list[Resolved]:
    """The entry each mention of ``found`` stands for (mentions left unresolved are left out).

    ``news_prior`` lets the news' regions (``_salience``) break ties among the towns of a
    name the text names no other town with, in the second pass only (the first pass's picks
    are the context of the second)."""
    # the entries a group may stand for are the same in both passes: found once
    groups = _groups(found, gaz)
    first = _pass(found, gaz, seed(found, hint), groups, news_prior=False)
    picks = _pass(found, gaz, from_picks(found, first, hint), groups, news_prior)
    picks.update(_capitals(found, gaz, picks, hint))
    return [Resolved(k, picks[k].candidate, picks[k].score, picks[k].context)
            for k in sorted(picks)]
