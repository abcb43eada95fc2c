"""Clause candidates -> one candidate per event the article reports.

Coding rule: one event per distinct (type, date, place). A nationwide wave is one event at the
country, a city hit in it with its own figures another. Candidates without a date take one
from their context; candidates that only point back at an event ("the attack") or only
complete one (places without figures, figures without places) join it; what is left with
neither figures nor a place of its own is dropped as too vague to be an event.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from sitrep.extract import split
from sitrep.extract.candidates import Candidate
from sitrep.model import EventDate, Place

NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
LEAD_PARAGRAPHS = 2
LEAD_SENTENCES = 3  # texts scraped without paragraph breaks are one paragraph
TEXT_DATED = ("text", "relative", "overnight", "same_day")
_WAVE = re.compile(r"\bthe (?:[\w-]+ )?(?:barrage|wave|onslaught|bombardment|attacks|strikes)\b", re.IGNORECASE)
ANAPHORA_REACH = 600  # characters: "the attack" points back a few sentences at most


# ---- dates ------------------------------------------------------------------------------

def _in_lead(c: Candidate) -> bool:
    return c.paragraph < LEAD_PARAGRAPHS and c.sentence < max(LEAD_SENTENCES, c.paragraph + 1) or c.sentence < 2


def lead_date(cands: list[Candidate], published: str | None) -> EventDate | None:
    """The date the article's lead is about: its first dated event, else the publication day."""
    for c in cands:
        if _in_lead(c) and c.date_how == "text" and c.date and c.date.precision == "day":
            return c.date
    return EventDate(published, "day", phrase="publication date") if published else None


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) - timedelta(days=days)).isoformat()


def _overnight(published: str | None) -> EventDate | None:
    if not published:
        return None
    return EventDate(f"{_shift(published, 1)}/{published}", "range", phrase="overnight")


def _relative(c: Candidate, lead: EventDate | None) -> EventDate | None:
    n = c.date_how.split(":", 1)[1]
    days = NUMBER_WORDS.get(n.lower()) or (int(n) if n.isdigit() else None)
    if lead is None or lead.precision != "day" or days is None:
        return None
    return EventDate(_shift(lead.value, days), "day", phrase=f"{n} day(s) before the lead event")


def _from_context(c: Candidate, done: list[Candidate], lead: EventDate | None) -> tuple[EventDate | None, str]:
    for prev in reversed(done):
        if c.sentence - prev.sentence > 3:
            break
        if prev.date is None:
            continue
        if prev.type != c.type or not _carries(prev.date):
            continue
        if c.anaphoric or (c.continues and c.paragraph == prev.paragraph and c.sentence - prev.sentence <= 1):
            return prev.date, "context"
    return lead, "default"


def _carries(d: EventDate) -> bool:
    """Days and short ranges date what points back at them; "in recent days" dates nothing else."""
    if d.precision == "day":
        return True
    lo, _, hi = (d.value or "").partition("/")
    return bool(hi) and (date.fromisoformat(hi) - date.fromisoformat(lo)).days <= 1


def resolve_dates(cands: list[Candidate], published: str | None) -> list[Candidate]:
    lead = lead_date(cands, published)
    done: list[Candidate] = []
    for c in cands:
        if c.date_how.startswith("relative:"):
            c = replace(c, date=_relative(c, lead), date_how="relative")
        elif c.date_how == "overnight":
            c = replace(c, date=_overnight(published))
        elif c.date_how == "same_day":
            c = replace(c, date=lead)
        elif c.date_how == "earlier":  # before what the article reports, the day unsaid: the merge may date it
            c = replace(c, date=None, date_how="none")
        elif c.date_how == "none" or (c.date_how == "unresolved" and published):
            found, how = _from_context(c, done, lead)  # a phrase no date resolves is no date
            c = replace(c, date=found, date_how=how)
        done.append(c)
    return done


# ---- places -----------------------------------------------------------------------------

def _place_key(p: Place) -> tuple:
    return (p.country, p.admin1 if p.precision != "country" else None,
            p.geonames_id if p.precision == "place" else None)


def _targets(c: Candidate) -> frozenset:
    keys = frozenset(_place_key(p) for p in c.places if p.role != "origin")
    if keys:
        return keys
    return frozenset({(c.actors.target, None, None)}) if c.actors.target else frozenset()


def _countries(c: Candidate) -> set[str]:
    return {k[0] for k in _targets(c) if k[0]}


def _span(d: EventDate) -> tuple[str, str]:
    lo, _, hi = d.value.partition("/")
    return lo, hi or lo


def _dates_fit(a: Candidate, b: Candidate) -> bool:
    """Equal or overlapping dates ("overnight" holds the day after it), or a date that was
    only inferred."""
    if a.date is None or b.date is None or a.date.value is None or b.date.value is None:
        return True
    if a.date_how not in TEXT_DATED or b.date_how not in TEXT_DATED:
        return True
    (a_lo, a_hi), (b_lo, b_hi) = _span(a.date), _span(b.date)
    return a_lo[:len(b_lo)] <= b_hi[:len(a_lo)] and b_lo[:len(a_lo)] <= a_hi[:len(b_lo)]


def _subtypes_fit(a: Candidate, b: Candidate) -> bool:
    if a.type in ("attack", "incursion") or a.subtype == b.subtype:
        return True
    return {a.subtype, b.subtype} <= {"visit", "meeting"}


def _complement(a: Candidate, b: Candidate) -> bool:
    """Adjacent sentences where one gives the figures and the other the places."""
    if abs(a.sentence - b.sentence) > 1:
        return False
    no_place = (lambda c: not any(p.role != "origin" for p in c.places))
    return (no_place(a) and not b.figures and b.scope == "specific") or \
           (no_place(b) and not a.figures and a.scope == "specific")


def _weak(c: Candidate) -> bool:
    """No figures, and nothing but a country (or a place it is only near) that the article
    does not date on its own: "Moscow has targeted Ukraine's energy", "the strikes"."""
    if c.figures:
        return False
    return c.scope == "none" or (c.scope in ("country", "vicinity") and c.date_how not in TEXT_DATED)


def fits(a: Candidate, b: Candidate) -> bool:
    if a.type != b.type or not _subtypes_fit(a, b) or not _dates_fit(a, b):
        return False
    if _targets(a) == _targets(b) and _targets(a):
        return True
    if _complement(a, b):
        return True
    same_country = bool(_countries(a) & _countries(b)) or not _countries(a) or not _countries(b)
    if a.type not in ("attack",):
        return same_country
    coarse = ("country", "vicinity")
    neighbours = abs(a.sentence - b.sentence) <= 1
    # a country-wide clause frames the figures of the place named beside it
    framing = (not a.figures and a.scope in coarse and b.figures) or (not b.figures and b.scope in coarse and a.figures)
    return same_country and (_weak(a) or _weak(b) or neighbours and framing)


# ---- merging ----------------------------------------------------------------------------

def _union(a: tuple, b: tuple, key) -> tuple:
    seen = {key(x) for x in a}
    return a + tuple(x for x in b if key(x) not in seen)


def merge(a: Candidate, b: Candidate) -> Candidate:
    """b folded into a: places, weapons and figures united, the better date and subtype kept.
    A weak candidate lends its evidence but not its places: they were too vague to stand."""
    if _weak(a) and not _weak(b):
        a = replace(a, places=tuple(p for p in a.places if p.role == "origin"), scope=b.scope)
    elif _weak(b) and not _weak(a):
        b = replace(b, places=tuple(p for p in b.places if p.role == "origin"))
    dated = a if a.date_how in TEXT_DATED or b.date_how not in TEXT_DATED else b
    if _weak(dated) and not _weak(a if dated is b else b):  # a vague mention lends no date
        dated = a if dated is b else b
    subtype = a.subtype if a.subtype != "unknown" else b.subtype
    return replace(
        a, subtype=subtype, date=dated.date, date_how=dated.date_how, time=a.time or b.time,
        places=_union(a.places, b.places, _place_key_role),
        scope=min((a.scope, b.scope), key=("specific", "vicinity", "country", "none").index),
        weapons=_union(a.weapons, b.weapons, lambda w: w),
        figures=_union(a.figures, b.figures, lambda f: (f.kind, f.value)),
        extra_evidence=_union(a.extra_evidence, (b.evidence,) + b.extra_evidence, lambda s: s.start),
        claimant=a.claimant or b.claimant,
        actors=type(a.actors)(a.actors.initiator or b.actors.initiator, a.actors.target or b.actors.target),
        status="reported" if "reported" in (a.status, b.status) else a.status,
        anaphoric=a.anaphoric and b.anaphoric, last_at=max(a.last_at, b.last_at))


def _place_key_role(p: Place) -> tuple:
    return _place_key(p) + (p.role,)


def _origins_fit(a: Candidate, b: Candidate) -> bool:
    """Strikes launched from two different named places are two events."""
    def named(c):
        return {_place_key(p) for p in c.places if p.role == "origin" and p.precision != "country"}
    return not named(a) or not named(b) or bool(named(a) & named(b))


def _distance(c: Candidate, k: Candidate) -> int:
    return min(abs(c.trigger_at - k.trigger_at), abs(c.trigger_at - k.last_at))


_FAMILY = {"cruise_missile": "missile", "ballistic_missile": "missile", "rocket": "missile", "air_defence_missile": "missile"}


def _figures_clash(a: Candidate, b: Candidate) -> bool:
    """Different exact counts of the same kind of weapon: two strikes, not one ("at least 120"
    and "69" can be one wave)."""
    def exact(c):
        return {(f.kind, _FAMILY.get(f.unit, f.unit)): f.value for f in c.figures
                if f.unit != "person" and f.value is not None and f.qualifier == "exact"}
    mine, theirs = exact(a), exact(b)
    return any(mine[k] != v for k, v in theirs.items() if k in mine)


def _host(c: Candidate, kept: list[Candidate], both_ways: bool) -> int | None:
    """The event a placeless or anaphoric candidate belongs to: the closest of its type,
    before it (or after it, for figures that the next sentence places)."""
    near = [i for i, k in enumerate(kept) if _same_kind(k, c) and _dates_fit(k, c) and _origins_fit(k, c)
            and (both_ways or k.trigger_at < c.trigger_at) and _distance(c, k) < ANAPHORA_REACH
            and not _figures_clash(k, c) and not _weak(k) and _sides_fit(k, c)
            and (k.date_how != "relative" or k.figures)]  # "two days after the bridge blast": a reference
    # "the barrage", "the attacks" point at the wave rather than at a city hit in it
    wide = [i for i in near if kept[i].scope in ("country", "none")] if _WAVE.search(c.evidence.text) else []
    return min(wide or near, key=lambda i: (kept[i].sentence != c.sentence, kept[i].type != c.type,
                                             _distance(c, kept[i])), default=None)


def _same_kind(host: Candidate, c: Candidate) -> bool:
    """Same type, or the toll of an incursion told in its own clause ("..., killing two")."""
    return host.type == c.type or (host.type == "incursion" and c.type == "attack"
                                   and (host.sentence == c.sentence or c.anaphoric))


def _sides_fit(a: Candidate, b: Candidate) -> bool:
    pairs = ((a.actors.initiator, b.actors.initiator), (a.actors.target, b.actors.target))
    return all(x is None or y is None or x == y for x, y in pairs)


def _lead_host(c: Candidate, kept: list[Candidate]) -> int | None:
    """Figures with no place and no event near them belong to the story's lead event."""
    lead = [i for i, k in enumerate(kept) if k.type == c.type and _in_lead(k) and not _weak(k)
            and _dates_fit(k, c) and _sides_fit(k, c) and not _figures_clash(k, c)]
    return lead[0] if lead else None


def _placeless(c: Candidate) -> bool:
    return c.scope == "none" and bool(c.figures)  # "Three people were killed, the governor said."


def _attach_point(c: Candidate, kept: list[Candidate]) -> int | None:
    """Where a candidate joins: an anaphor joins the event of its type told just before;
    otherwise the nearest kept candidate it fits."""
    if _placeless(c) or c.anaphoric and (c.scope == "none" or (c.scope != "specific" and not c.figures)):
        host = _host(c, kept, both_ways=_placeless(c))
        if host is None and _placeless(c):
            host = _lead_host(c, kept)
        if host is not None:
            return host
    fitting = [i for i, k in enumerate(kept) if fits(k, c)]
    return min(fitting, key=lambda i: abs(kept[i].sentence - c.sentence), default=None)


def _attach_places(c: Candidate, kept: list[Candidate]) -> None:
    """A trigger-less sentence that points back ("the remains of the missile") adds its places
    to the event told just before it."""
    near = [i for i, k in enumerate(kept) if k.type in ("attack", "incursion") and c.trigger_at - k.last_at < ANAPHORA_REACH]
    if not near:
        return
    i = max(near, key=lambda j: kept[j].last_at)
    roles = tuple(replace(p, role="target" if p.role == "place" else p.role) for p in c.places)
    kept[i] = replace(kept[i], places=_union(kept[i].places, roles, _place_key_role),
                      extra_evidence=kept[i].extra_evidence + (c.evidence,))


def _coalesce(cands: list[Candidate]) -> list[Candidate]:
    """Placed candidates first; figures without a place then join the event around them."""
    kept: list[Candidate] = []
    for c in [c for c in cands if not _placeless(c)] + [c for c in cands if _placeless(c)]:
        if not c.type:
            _attach_places(c, kept)
            continue
        i = _attach_point(c, kept)
        if i is None:
            kept.append(c)
        else:
            kept[i] = merge(kept[i], c)
    return kept


# ---- what is not an event ---------------------------------------------------------------

def _substantive(c: Candidate) -> bool:
    if c.background or (c.type in ("attack", "incursion", "battle") and c.status == "planned"):
        return False
    if c.type in ("attack", "incursion"):
        if _weak(c) or not any(p.role != "origin" for p in c.places):
            return False  # nowhere to put it: figures with no place and no event to join
        if not c.figures and c.date is not None and c.date.precision == "month":
            return False  # "Russia attacked in late February": background to the story
        return not (c.date_how == "relative" and not c.figures)  # "three days after X": X is a reference
    return c.date_how in TEXT_DATED or _in_lead(c) or c.date_how == "unresolved"


def _old_news(c: Candidate) -> bool:
    """ "Russia attacked in late February": an attack dated only by month, with nothing
    counted or located below the country, is background to the story."""
    return c.type == "attack" and not c.figures and c.scope != "specific" and c.date is not None \
        and c.date.precision == "month"


def _supposed(c: Candidate) -> bool:
    return c.type in ("attack", "incursion", "battle") and c.status == "planned"


def _nationwide(c: Candidate, country_names: dict[str, str]) -> Candidate:
    """Launches or interceptions counted with no place ("Kyiv's air defences shot down 12
    drones") are counted for the country attacked."""
    placed = any(p.role != "origin" for p in c.places)
    counts = any(f.unit != "person" and f.kind in ("launched", "intercepted") for f in c.figures)
    if placed or not counts or c.type != "attack" or not c.actors.target:
        return c
    code = c.actors.target
    place = Place(country_names.get(code, code), code, precision="country", role="target")
    return replace(c, places=c.places + (place,), scope="country")


def coalesce(cands: list[Candidate], published: str | None, country_names: dict[str, str]) -> list[Candidate]:
    dated = resolve_dates(cands, published)
    merged = _absorb(_coalesce([c for c in dated if not c.background and not _supposed(c) and not _old_news(c)]))
    merged = _per_region(merged, country_names)
    return [c for c in (_nationwide(c, country_names) for c in merged) if _substantive(c)]


def _absorb(kept: list[Candidate]) -> list[Candidate]:
    """A country-wide attack with no figures of its own, on a day the article also reports a
    place hit, is the article's framing of that strike ("today's shelling"), not a wave."""
    out = list(kept)
    for c in kept:
        if c.type != "attack" or c.figures or c.scope not in ("country", "vicinity"):
            continue
        hosts = [k for k in out if k is not c and k.type == "attack" and k.scope == "specific"
                 and k.date and c.date and k.date.value == c.date.value and _countries(k) & _countries(c)]
        if hosts:
            i = out.index(min(hosts, key=lambda k: abs(k.sentence - c.sentence)))
            out[i] = merge(out[i], c)
            out.remove(c)
    return out


# ---- one event per region -----------------------------------------------------------------

def _region_keys(c: Candidate) -> frozenset:
    return frozenset(split.region_key(p) for p in c.places if p.role != "origin")


def _per_region(kept: list[Candidate], country_names: dict[str, str]) -> list[Candidate]:
    """Attacks told over several regions, cut into one per region (split.py); each part then
    joins the article's own report of that region and day, if it has one. A country-wide part
    that is only the side attacked ("Russia's attack on Ukraine"), not the scope, is dropped."""
    out: list[Candidate] = []
    cut: list[Candidate] = []
    for c in kept:
        found = split.parts(c, country_names)
        if len(found) == 1:
            out.append(c)
            continue
        for part in found:
            if part.scope == "country" and not split.is_wide(part):
                continue
            out.append(part)
            cut.append(part)
    for part in cut:
        at = next((i for i, k in enumerate(out) if k is part), None)
        host = _same_region(part, out) if at is not None else None  # None: it took in another part
        if host is not None:
            out[host] = merge(out[host], part)
            del out[at]
    return out


def _same_region(part: Candidate, kept: list[Candidate]) -> int | None:
    """The article's other report of the same region and day that a part joins."""
    keys = _region_keys(part)
    near = [i for i, k in enumerate(kept) if k is not part and k.type == part.type and _region_keys(k) == keys
            and _dates_fit(k, part) and _sides_fit(k, part) and not _figures_clash(k, part)]
    return min(near, key=lambda i: abs(kept[i].sentence - part.sentence), default=None)
