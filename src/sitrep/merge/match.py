"""Does a mention report an event already in the store? Matching only; writing is elsewhere.

Hard rules first (type, sides, dates, the coding rule that a nationwide wave and a city hit in it
are two events), then evidence that adds up: shared places (scaled by precision and distance),
agreeing figures, weapons, a shared claimant. Every decision comes with its reason.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date as day
from functools import lru_cache
from typing import Callable, Iterable

THRESHOLD = 0.6
UNDATED_THRESHOLD = 1.1  # a mention its article cannot date needs more than a shared place
_WORD = re.compile(r"[a-z0-9]+")
_STOP = {"the", "of", "s", "a", "an", "and", "in", "on", "said", "to",
         # words every second source has: they do not make two claimants the same
         "city", "regional", "region", "ministry", "military", "officials", "official", "defence", "defense",
         "forces", "armed", "administration", "office", "president", "governor", "mayor", "head", "service",
         "state", "national", "general", "staff", "ukraine", "ukrainian", "russia", "russian", "local",
         "authorities", "news", "media", "agency", "country"}
NEAR_KM = 25.0


@dataclass(frozen=True, slots=True)
class Verdict:
    score: float
    reason: str


def _targets(m: dict) -> list[dict]:
    return [loc for loc in m["locations"] if loc["role"] != "origin"]


@lru_cache(maxsize=4096)  # a merge asks about the same few hundred dates hundreds of thousands of times
def _interval(value: str | None) -> tuple[int, int] | None:
    """The first and last day of a date (day, range or month) as ordinals."""
    if not value:
        return None
    if len(value) == 7:  # a month
        start = day.fromisoformat(value + "-01")
        end = day(start.year + start.month // 12, start.month % 12 + 1, 1)
        return start.toordinal(), end.toordinal() - 1
    lo, _, hi = value.partition("/")
    return day.fromisoformat(lo).toordinal(), day.fromisoformat(hi or lo).toordinal()


def _tolerance(m: dict, e_source: Callable[[], str | None], wide: bool) -> int:
    """Dates a text states outright must agree; dates taken from context may be a day off,
    except for country-wide waves (``wide``: all the report's target places are countries),
    which come daily. Battles may be a day off whatever the dates' source: reports of fighting
    at one place a day apart are one battle."""
    exact = {"text", "relative", "same_day"}
    if m["type"] == "battle":
        return 1  # fighting goes on: reports a day apart of fighting at one place are one battle
    if m["date_source"] in exact and e_source() in exact:
        return 0
    return 0 if wide else 1


def _dates_fit(m: dict, e_date: str | None, e_source: Callable[[], str | None], wide: bool) -> bool | None:
    """True/False when both are dated, None when one of them is not; the event's date source is
    asked only when it matters (``_tolerance``)."""
    a, b = _interval(m["date"]), _interval(e_date)
    if a is None or b is None:
        return None
    t = _tolerance(m, e_source, wide)
    return a[0] - t <= b[1] and b[0] - t <= a[1]


def _near(a: Place, b: Place) -> bool:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return False
    # a degree of latitude is 111 km: places further apart than that are far without an acos
    return abs(a.lat - b.lat) < 1.0 and _km(a, b) <= NEAR_KM


def _km(a: Place, b: Place) -> float:
    """Great-circle distance of two places with coordinates."""
    dl = math.radians(b.lon - a.lon)
    cos = a.sin_lat * b.sin_lat + a.cos_lat * b.cos_lat * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, cos)))


@dataclass(frozen=True, slots=True)
class Place:
    """A place as ``_pair`` compares it, its latitude's sine and cosine taken once: a merge
    compares each place with thousands."""
    name: str | None
    country: str | None
    admin1: str | None
    geonames_id: int | str | None
    precision: str
    lat: float | None
    lon: float | None
    sin_lat: float
    cos_lat: float

    @classmethod
    def of(cls, loc: dict) -> Place:
        lat = loc.get("lat")
        p = math.radians(lat) if lat is not None else 0.0
        return cls(loc["name"], loc["country"], loc["admin1"], loc["geonames_id"], loc["precision"],
                   lat, loc.get("lon"), math.sin(p), math.cos(p))


@dataclass(frozen=True, slots=True)
class Places:
    """A report's specific target places (``_specific``), with what ``_fit`` asks of them all."""
    items: tuple[Place, ...]
    country_only: bool
    countries: frozenset[str | None]

    @classmethod
    def of(cls, places: list[dict]) -> Places:
        items = tuple(Place.of(loc) for loc in _specific(places))
        return cls(items, all(p.precision == "country" for p in items), frozenset(p.country for p in items))


# A reason as a template and its values: most comparisons fail, so only the chosen one is written out.
Why = tuple


def _say(why: Why) -> str:
    return why[0].format(*why[1:])


def _pair(a: Place, b: Place) -> float:
    """The score of two places (0.0: nothing in common); ``_pair_why`` says why."""
    if a.country != b.country or not a.country:
        return 0.0
    if a.geonames_id and a.geonames_id == b.geonames_id and a.precision == "place":
        return 1.0
    if a.precision == b.precision == "place" and _near(a, b):
        return 0.8
    if a.admin1 and a.admin1 == b.admin1:
        return 0.7
    if a.precision == b.precision == "country":
        return 0.6
    return 0.0


def _pair_why(score: float, a: Place, b: Place) -> Why:
    if score == 1.0:
        return "same place {}", a.name
    if score == 0.8:
        return "{} and {} {:.0f} km apart", a.name, b.name, _km(a, b)
    if score == 0.7:
        return "same region {} ({} / {})", a.admin1, a.name, b.name
    return "both country-wide ({})", a.country


def _specific(places: list[dict]) -> list[dict]:
    """Places below the country when there are any: "Kharkiv, Ukraine" is about Kharkiv. (A
    report naming several regions is compared region by region: extraction cuts a list of
    places hit into one report per region, so what still names several is one strike on them,
    not a country-wide wave.)"""
    below = [loc for loc in places if loc["precision"] != "country"]
    return below or places


def _fit(mine: Places, theirs: Places, event_type: str) -> tuple[float, Why]:
    """How well a report's specific target places fit another's: the best pair's score, less
    when few of the places are shared."""
    if not mine.items or not theirs.items:
        return 0.0, ("no place to compare",)
    if event_type in ("attack", "incursion") and mine.country_only != theirs.country_only:
        return -1.0, ("a country-wide wave and a place hit in it are two events",)
    score, best = 0.0, None
    hit_mine, hit_theirs = set(), set()
    for i, a in enumerate(mine.items):
        for j, b in enumerate(theirs.items):
            p = _pair(a, b)
            if p:
                hit_mine.add(i)
                hit_theirs.add(j)
                if p > score:  # the first of the best pairs gives the reason
                    score, best = p, (a, b)
    if best is None:
        countries = mine.countries & theirs.countries
        if countries and event_type not in ("attack", "incursion"):
            return 0.6, ("same country {}", sorted(countries)[0])
        return 0.0, ("no shared place",)
    # two reports naming several places are one event only if most places are shared
    share = min(len(hit_mine) / len(mine.items), len(hit_theirs) / len(theirs.items))
    return score * min(1.0, share / 0.6), _pair_why(score, *best)


@dataclass(frozen=True, slots=True)
class Report:
    """What ``judge`` compares of a mention, taken once: a merge compares each mention with
    hundreds of events. Its date is read from the mention itself, as events lend it theirs."""
    mention: dict
    places: Places
    wide: bool  # all its target places are country-wide (``_tolerance``)
    figures: frozenset[tuple]
    known_figures: frozenset[tuple]  # those with a value: what another report's figures meet
    weapons: frozenset[str]
    origins: frozenset
    origin_names: frozenset[str]
    claimant: frozenset[str]

    @classmethod
    def of(cls, m: dict) -> Report:
        targets = _targets(m)
        origins = [loc for loc in m["locations"] if loc["role"] == "origin"]
        return cls(m, Places.of(targets), all(loc["precision"] == "country" for loc in targets),
                   _kept((f["kind"], f["value"]) for f in m["figures"]),
                   _kept((f["kind"], f["value"]) for f in m["figures"] if f["value"] is not None),
                   _kept(w["category"] for w in m["weapons"]),
                   _kept(loc["geonames_id"] or (loc["country"], loc["admin1"]) for loc in origins),
                   _kept(loc["name"] for loc in origins), _kept(_tokens(m["claimant"])))


_NONE: frozenset = frozenset()


def _kept(items: Iterable) -> frozenset:
    """A set a report keeps; most are empty, and share one: fewer objects for the collector."""
    return frozenset(items) or _NONE


SIDES = ("initiator", "target")


def named_sides(members: list[Report]) -> dict[str, set[str]]:
    """The initiators and targets an event's reports name."""
    return {key: {x.mention[key] for x in members if x.mention[key]} for key in SIDES}


def sides_clash(m: dict, theirs: dict[str, set[str]]) -> bool:
    """Whether a mention names another initiator or target than an event's reports (``named_sides``)."""
    for key in SIDES:
        if m[key] and theirs[key] and m[key] not in theirs[key]:
            return True
    return False


def _figures_agree(r: Report, members: list[Report]) -> list[str]:
    theirs = frozenset().union(*(x.known_figures for x in members))
    return sorted(f"{k}={v}" for k, v in r.figures & theirs)


def _weapons_agree(r: Report, members: list[Report]) -> set[str]:
    return r.weapons & frozenset().union(*(x.weapons for x in members))


def _origins_agree(r: Report, members: list[Report]) -> list[str]:
    return sorted(r.origin_names) if r.origins & frozenset().union(*(x.origins for x in members)) else []


def _tokens(text: str | None) -> frozenset[str]:
    return frozenset(_WORD.findall((text or "").lower())) - _STOP


def _claimant_agrees(r: Report, members: list[Report]) -> str | None:
    mine = r.claimant
    for x in members:
        theirs = x.claimant
        if mine and theirs and len(mine & theirs) / min(len(mine), len(theirs)) >= 0.5:
            return x.mention["claimant"]
    return None


def _sides_agree(m: dict, members: list[Report]) -> bool:
    return bool(m["initiator"] and m["target"]) and any(
        (x.mention["initiator"], x.mention["target"]) == (m["initiator"], m["target"]) for x in members)


def possible(m: dict, event: dict) -> bool:
    """The rules an event row alone can settle: same type, a date that may fit (with the
    widest tolerance: the members' date sources are not known yet)."""
    if m["type"] != event["type"]:
        return False
    a, b = _interval(m["date"]), _interval(event["date"])
    return a is None or b is None or (a[0] - 1 <= b[1] and b[0] - 1 <= a[1])


def linked(a: dict, b: dict) -> bool:
    """Whether two reports could ever be in one event: same type and a place in common
    (judge never lets a mention join an event without that). Dates are left to the caller's
    search window."""
    if a["type"] != b["type"]:
        return False
    mine, theirs = Places.of(_targets(a)), Places.of(_targets(b))
    return _fit(mine, theirs, a["type"])[0] > 0 or _fit(theirs, mine, a["type"])[0] > 0


def judge(m: dict, event: dict, members: list[dict]) -> Verdict | None:
    """A verdict when the mention may join the event, None when a hard rule forbids it."""
    return judge_report(Report.of(m), event, [Report.of(x) for x in members])


def judge_report(r: Report, event: dict, members: list[Report]) -> Verdict | None:
    """``judge`` of reports taken once (``Report.of``) and an event's."""
    m = r.mention
    if m["type"] != event["type"]:
        return None
    if m["type"] == "diplomacy" and m["subtype"] != event["subtype"] and \
            {m["subtype"], event["subtype"]} != {"visit", "meeting"}:
        return None
    dated = _dates_fit(m, event["date"], lambda: _event_date_source(members), r.wide)
    if dated is False:
        return None
    # places are compared mention to mention: an event's places add up over its reports
    place_score, place_why = _best_fit(r.places, members, m["type"])
    if place_score <= 0:  # a report with no place in common is never joined, whatever else agrees
        return None
    if sides_clash(m, named_sides(members)):
        return None
    figs, weapons = _figures_agree(r, members), _weapons_agree(r, members)
    origins, claimant = _origins_agree(r, members), _claimant_agrees(r, members)
    sides = _sides_agree(m, members)
    score = place_score + 0.3 * bool(figs) + 0.1 * bool(weapons) + 0.3 * bool(origins) \
        + 0.2 * bool(claimant) + 0.1 * sides
    needed = THRESHOLD if dated else UNDATED_THRESHOLD
    if score < needed:
        return None
    if not dated and m["type"] in ("attack", "incursion") and not (figs or origins or claimant):
        return None  # an undated attack needs more than a shared place: a figure, an origin, a source
    why = [f"same type {m['type']}", _say(place_why),
           f"dates {m['date'] or 'unknown'} ~ {event['date'] or 'unknown'}"]
    if figs:
        why.append("figures agree " + ", ".join(figs))
    if weapons:
        why.append("weapons " + ", ".join(sorted(weapons)))
    if origins:
        why.append("launched from " + ", ".join(origins))
    if claimant:
        why.append(f"same source ({claimant})")
    if sides:
        why.append(f"sides {m['initiator']} -> {m['target']}")
    return Verdict(round(score, 3), "; ".join(why))


def _best_fit(mine: Places, members: list[Report], event_type: str) -> tuple[float, Why]:
    """The best ``_fit`` with a member's places, the first of equals."""
    best: tuple[float, Why] | None = None
    for x in members:
        fit = _fit(mine, x.places, event_type)
        if best is None or fit[0] > best[0]:
            best = fit
    if best is None:
        raise ValueError("an event has reports")
    return best


def _event_date_source(members: list[Report]) -> str:
    sources = [x.mention["date_source"] for x in members if x.mention["date"]]
    return "text" if "text" in sources else (sources[0] if sources else "unknown")
