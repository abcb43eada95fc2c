"""Patterns around a place that tell its part in an event (launch site, target, point of
reference) or make a country the scope of strikes, built once from data/extract/places.yaml.
Used by candidates.py (roles of places) and split.py (cutting waves by region)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sitrep.extract.lexicon import rules

_NEIGHBOUR = r"(?:the\s+)?(?:neighbou?ring\s+)?"
_NOT_AIMED = r"(?:(?!(?:at|on|against|into|towards?|to)\s)[\w-]+\s+)"  # "from Mazyr at Chernihiv": Chernihiv hit


@dataclass(frozen=True)
class PlaceCues:
    not_origin: re.Pattern  # ends just before a place: "20 km from", "spanning from Lviv to"
    origin_before: re.Pattern  # ends just before a launch site: "from the town of", "bombers based in"
    away_from: re.Pattern  # "far from the": no event of the kind where it points
    metonym_acts: re.Pattern  # matched just after a capital: "Moscow has said", "Kyiv's forces"
    earlier: re.Pattern  # matched at a clause start: "after Russia fired" ...
    came: re.Pattern  # ... that ends "His remarks came"
    country_scope: re.Pattern  # case-sensitive: "across Ukraine", "Ukrainian cities", "other regions"
    aimed_preps: frozenset[str]  # preps of country_scope that need something aimed before them
    extent: re.Pattern  # ends just before a place reached by a wave
    wide: re.Pattern  # the words of a country place that scope it: "across Ukraine"
    list_gap: re.Pattern  # fullmatched between two names of one list: ", ", " and ", " regions and the "


def _any(words: list[str]) -> str:
    return "|".join(words)


def _not_origin(r: dict) -> re.Pattern:
    units = _any(r["distance_units"])
    return re.compile(rf"(?:\d\s*|\b)(?:{units})\)?\s+(?:(?:north|south|east|west)\w*\s+)?from\s+[^,;]*$"
                      rf"|\b(?:{_any(r['extent'] + r['apart'] + r['perceived'])})\s+from\s+[^,;]*$", re.IGNORECASE)


def _origin_before(r: dict) -> re.Pattern:
    nouns, border = _any(r["origin_nouns"]), _any(r["border_places"])
    return re.compile(
        rf"\bfrom\s+(?:the\s+)?(?:(?:{nouns}|border\s+(?:{border}))\s+of\s+(?:the\s+)?)?{_NOT_AIMED}{{0,2}}$"
        r"|\btook off from\s+(?:\w+\s+){0,3}$"
        r"|\bfrom\s+(?:the\s+)?air ?space\s+(?:over|of|above)\s+(?:the\s+)?"
        r"(?:(?:town|city|village|region)\s+of\s+)?(?:[\w-]+\s+){0,2}$"
        rf"|\b(?:{_any(r['flight_verbs'])})\s+(?:over|from)\s+{_NEIGHBOUR}$"
        rf"|\b(?:{_any(r['carriers'])})\s+(?:(?:that|which)\s+(?:are|were|is|was)\s+)?"
        rf"(?:{_any(r['carrier_verbs'])})\s+(?:in|over|from|at)\s+{_NEIGHBOUR}$", re.IGNORECASE)


def _country_scope(r: dict) -> re.Pattern:
    preps = _any(r["wide_preps"] + r["aimed_preps"] + r["place_preps"])
    return re.compile(
        rf"\b(?P<prep>{preps})\s+(?:the\s+)?(?:(?:{_any(r['some_parts'])})\s+parts\s+of\s+(?:the\s+)?)?"
        r"(?:(?:NATO|EU)\s*-?\s*member\s+|neighbou?ring\s+|(?:north|south)?-?(?:east|west)ern\s+|"
        r"(?:northern|southern|central)\s+)?(?P<c>country|nation|[A-Z]\w+)\b"
        rf"(?![’']s\s+(?:second\s+)?(?:largest\s+)?(?:{_any(r['one_place_nouns'])}))"  # "struck Ukraine's capital"
        rf"|\b(?P<d>[A-Z]\w+)\s+(?:{_any(r['land_nouns'])})\b"
        rf"|\b(?:and|in|on)\s+(?P<e>other\s+(?:{_any(r['wide_land'])}))\b")


@cache
def cues() -> PlaceCues:
    r = rules("places.yaml")
    return PlaceCues(
        not_origin=_not_origin(r),
        origin_before=_origin_before(r),
        away_from=re.compile(rf"\b(?:{_any(r['apart'])}) from (?:the\s+)?(?:[\w-]+\s+)?$", re.IGNORECASE),
        metonym_acts=re.compile(rf"(?:’s|'s)?\s+(?:has |have |had |also |later )?(?:{_any(r['metonym_acts'])})\b",
                                re.IGNORECASE),
        earlier=re.compile(rf"\s*(?:(?:{_any(r['shortly'])})\s+)?after\s+(?!the\s)", re.IGNORECASE),
        came=re.compile(rf"\b(?:{_any(r['came'])})\s*$", re.IGNORECASE),
        country_scope=_country_scope(r),
        aimed_preps=frozenset(r["aimed_preps"]),
        extent=re.compile(rf"\b(?:{_any(r['extent'])})\s+(?:from\s+)?[^.;]*$", re.IGNORECASE),
        wide=re.compile(rf"^(?:{_any(r['wide_preps'] + r['wide_words'])})\b|\bparts of\b|\b(?:{_any(r['wide_land'])})$",
                        re.IGNORECASE),
        list_gap=re.compile(rf"(?:\s+(?:{_any(r['region_nouns'])}))?(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?"),
    )
