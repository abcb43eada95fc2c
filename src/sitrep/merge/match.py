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


def _tolerance(m: dict, e: dict) -> int:
    """Dates a text states outright must agree; dates taken from context may be a day off,
    except for country-wide waves, which come daily. Battles may be a day off whatever the
    dates' source: reports of fighting at one place a day apart are one battle."""
    exact = {"text", "relative", "same_day"}
    if m["type"] == "battle":
        return 1  # fighting goes on: reports a day apart of fighting at one place are one battle
    if m["date_source"] in exact and e.get("date_source") in exact:
        return 0
    return 0 if all(loc["precision"] == "country" for loc in _targets(m)) else 1


def dates_fit(m: dict, e: dict) -> bool | None:
    """True/False when both are dated, None when one of them is not."""
    a, b = _interval(m["date"]), _interval(e["date"])
    if a is None or b is None:
        return None
    t = _tolerance(m, e)
    return a[0] - t <= b[1] and b[0] - t <= a[1]


def _km(a: dict, b: dict) -> float | None:
    if None in (a.get("lat"), a.get("lon"), b.get("lat"), b.get("lon")):
        return None
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    dl = math.radians(b["lon"] - a["lon"])
    cos = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, cos)))


def _pair(a: dict, b: dict) -> tuple[float, str] | None:
    if a["country"] != b["country"] or not a["country"]:
        return None
    if a["geonames_id"] and a["geonames_id"] == b["geonames_id"] and a["precision"] == "place":
        return 1.0, f"same place {a['name']}"
    km = _km(a, b) if "place" in (a["precision"], b["precision"]) else None
    if km is not None and km <= NEAR_KM and a["precision"] == b["precision"] == "place":
        return 0.8, f"{a['name']} and {b['name']} {km:.0f} km apart"
    if a["admin1"] and a["admin1"] == b["admin1"]:
        return 0.7, f"same region {a['admin1']} ({a['name']} / {b['name']})"
    if a["precision"] == b["precision"] == "country":
        return 0.6, f"both country-wide ({a['country']})"
    return None


def _specific(places: list[dict]) -> list[dict]:
    """Places below the country when there are any: "Kharkiv, Ukraine" is about Kharkiv. (A
    report naming several regions is compared region by region: extraction cuts a list of
    places hit into one report per region, so what still names several is one strike on them,
    not a country-wide wave.)"""
    below = [loc for loc in places if loc["precision"] != "country"]
    return below or places


def target_countries(m: dict) -> set[str | None]:
    """The countries of a report's places as ``judge`` compares them: every place score needs
    a country in common, so a mention is never joined to an event none of whose members' sets
    meets its own."""
    return {loc["country"] for loc in _specific(_targets(m))}


def places_fit(m: dict, e_places: list[dict], event_type: str) -> tuple[float, str]:
    return _fit(_specific(_targets(m)), _specific(e_places), event_type)


def _fit(mine: list[dict], theirs: list[dict], event_type: str) -> tuple[float, str]:
    """``places_fit`` of a report's specific target places and an event's."""
    if not mine or not theirs:
        return 0.0, "no place to compare"
    m_country_only = all(loc["precision"] == "country" for loc in mine)
    e_country_only = all(loc["precision"] == "country" for loc in theirs)
    if event_type in ("attack", "incursion") and m_country_only != e_country_only:
        return -1.0, "a country-wide wave and a place hit in it are two events"
    pairs = [(a, b, p) for a in mine for b in theirs if (p := _pair(a, b))]
    if not pairs and event_type not in ("attack", "incursion"):
        countries = {loc["country"] for loc in mine} & {loc["country"] for loc in theirs}
        if countries:
            return 0.6, f"same country {sorted(countries)[0]}"
    if not pairs:
        return 0.0, "no shared place"
    score, why = max((p for _, _, p in pairs), key=lambda p: p[0])
    # two reports naming several places are one event only if most places are shared
    share = min(len({id(a) for a, _, _ in pairs}) / len(mine), len({id(b) for _, b, _ in pairs}) / len(theirs))
    return score * min(1.0, share / 0.6), why


def _sides_clash(m: dict, members: list[dict]) -> bool:
    for key in ("initiator", "target"):
        theirs = {x[key] for x in members if x[key]}
        if m[key] and theirs and m[key] not in theirs:
            return True
    return False


def _figures_agree(m: dict, members: list[dict]) -> list[str]:
    theirs = {(f["kind"], f["value"]) for x in members for f in x["figures"] if f["value"] is not None}
    return sorted(f"{k}={v}" for k, v in {(f["kind"], f["value"]) for f in m["figures"]} & theirs)


def _weapons_agree(m: dict, members: list[dict]) -> set[str]:
    return {w["category"] for w in m["weapons"]} & {w["category"] for x in members for w in x["weapons"]}


def _origins_agree(m: dict, members: list[dict]) -> list[str]:
    def keys(x):
        return {loc["geonames_id"] or (loc["country"], loc["admin1"]) for loc in x["locations"] if loc["role"] == "origin"}
    names = {loc["name"] for loc in m["locations"] if loc["role"] == "origin"}
    return sorted(names) if keys(m) & set().union(*(keys(x) for x in members)) else []


def _tokens(text: str | None) -> set[str]:
    return set(_WORD.findall((text or "").lower())) - _STOP


def _claimant_agrees(m: dict, members: list[dict]) -> str | None:
    mine = _tokens(m["claimant"])
    for x in members:
        theirs = _tokens(x["claimant"])
        if mine and theirs and len(mine & theirs) / min(len(mine), len(theirs)) >= 0.5:
            return x["claimant"]
    return None


def _sides_agree(m: dict, members: list[dict]) -> bool:
    return bool(m["initiator"] and m["target"]) and any(
        (x["initiator"], x["target"]) == (m["initiator"], m["target"]) for x in members)


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
    return places_fit(a, _targets(b), a["type"])[0] > 0 or places_fit(b, _targets(a), a["type"])[0] > 0


def judge(m: dict, event: dict, members: list[dict]) -> Verdict | None:
    """A verdict when the mention may join the event, None when a hard rule forbids it."""
    if m["type"] != event["type"] or _sides_clash(m, members):
        return None
    if m["type"] == "diplomacy" and m["subtype"] != event["subtype"] and \
            {m["subtype"], event["subtype"]} != {"visit", "meeting"}:
        return None
    dated = dates_fit(m, {**event, "date_source": _event_date_source(members)})
    if dated is False:
        return None
    # places are compared mention to mention: an event's places add up over its reports
    mine = _specific(_targets(m))
    place_score, place_why = max((_fit(mine, _specific(_targets(x)), m["type"]) for x in members), key=lambda p: p[0])
    if place_score <= 0:  # a report with no place in common is never joined, whatever else agrees
        return None
    figs, weapons = _figures_agree(m, members), _weapons_agree(m, members)
    origins, claimant = _origins_agree(m, members), _claimant_agrees(m, members)
    sides = _sides_agree(m, members)
    score = place_score + 0.3 * bool(figs) + 0.1 * bool(weapons) + 0.3 * bool(origins) \
        + 0.2 * bool(claimant) + 0.1 * sides
    needed = THRESHOLD if dated else UNDATED_THRESHOLD
    if score < needed:
        return None
    if not dated and m["type"] in ("attack", "incursion") and not (figs or origins or claimant):
        return None  # an undated attack needs more than a shared place: a figure, an origin, a source
    why = [f"same type {m['type']}", place_why,
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


def _event_date_source(members: list[dict]) -> str:
    sources = [x["date_source"] for x in members if x["date"]]
    return "text" if "text" in sources else (sources[0] if sources else "unknown")
