"""GEO stage: an offline gazetteer and a geoparser for news text.

    gaz = Gazetteer.open()                 # built once into ~/.cache/sitrep (or $SITREP_GAZETTEER)
    gaz.lookup("Chernigov")                # -> [Candidate(...Chernihiv...)]
    geoparse(text, gaz, country_hint="UA") # -> [Place(...), ...] with roles and offsets
    resolve_name("Desna", sentence, gaz)   # -> Place | None

Places are found with the gazetteer (not NER), disambiguated by the context of the text, and
given a role (origin, target, place) from the words around them. Capitals standing for their
governments ("Kyiv's air defences", "Moscow officials") are actors, not places:
``actor_mentions`` lists them.
"""
from __future__ import annotations

from dataclasses import replace

from sitrep.geo import finder, resolve, roles
from sitrep.geo.gazetteer import Candidate, Gazetteer
from sitrep.geo.variants import fold, skeleton
from sitrep.model import Place, Span

__all__ = ["Candidate", "Gazetteer", "actor_mentions", "fold", "geoparse", "resolve_name",
           "skeleton"]

_PRECISION = {"place": "place", "admin1": "admin1", "country": "country", "area": "country"}


def _place(found: finder.Found, r: resolve.Resolved, role: str) -> Place:
    m, c = found.mentions[r.index], r.candidate
    return Place(
        name=found.text[m.start:m.end],
        country=c.country,
        admin1=c.admin1 if c.kind in ("place", "admin1") else None,
        lat=c.lat,
        lon=c.lon,
        precision=_PRECISION[c.kind],
        role=role,
        geonames_id=c.geonames_id,
        start=m.start,
        end=m.end,
    )


def geoparse(text: str, gazetteer: Gazetteer, country_hint: str | None = None) -> list[Place]:
    """Every place ``text`` names, resolved, with its role and offsets, in text order.

    ``country_hint`` (ISO alpha-2) is the country the article or event is about, when known.
    """
    found = finder.find(text, gazetteer)
    resolved = resolve.resolve(found, gazetteer, country_hint)
    role_of = roles.roles(found)
    return [_place(found, r, role_of[r.index]) for r in resolved]


def actor_mentions(text: str, gazetteer: Gazetteer) -> list[Span]:
    """Names of capitals or seats of government used for a government ("Moscow officials")."""
    found = finder.find(text, gazetteer)
    return [Span(m.start, m.end, text[m.start:m.end]) for m in found.mentions if m.actor]


def resolve_name(name: str, context: str, gazetteer: Gazetteer,
                 country_hint: str | None = None) -> Place | None:
    """The place ``name`` stands for in ``context`` (the sentence or article it is from).

    When ``name`` is one of the places the geoparser finds in ``context``, that place is
    returned with offsets into ``context``; otherwise ``name`` is looked up on its own, with
    the countries ``context`` names helping to choose.
    """
    places = geoparse(context, gazetteer, country_hint)
    at = context.find(name)
    for place in places:
        if at >= 0 and place.start is not None and place.end is not None and \
                place.start <= at < place.end:
            return place
    key = fold(name)
    for place in places:
        if fold(place.name) == key:
            return place
    return _resolve_alone(name, context, gazetteer, country_hint)


def _resolve_alone(name: str, context: str, gazetteer: Gazetteer,
                   country_hint: str | None) -> Place | None:
    """``name`` as if a paragraph after ``context`` said "in NAME": the same rules, with the
    context's countries in view."""
    text = f"{context}\n\nin {name}"
    found = finder.find(text, gazetteer)
    resolved = resolve.resolve(found, gazetteer, country_hint)
    role_of = roles.roles(found)
    offset = len(context) + 5
    for r in resolved:
        if found.mentions[r.index].start >= offset:
            at = context.find(name)
            start, end = (at, at + len(name)) if at >= 0 else (None, None)
            return replace(_place(found, r, role_of[r.index]), name=name, start=start, end=end)
    return None
