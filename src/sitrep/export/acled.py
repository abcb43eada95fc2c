"""Events as ACLED-shaped rows, for tools that read ACLED exports. The mapping is documented in
docs/acled.md: ACLED codes one row per event, with no counts but fatalities and no provenance
but a source list; sitrep keeps both in its own exports."""
from __future__ import annotations

from datetime import date

import pycountry

COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
           "actor1", "actor2", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
           "source", "notes", "fatalities")

REMOTE = "Explosions/Remote violence"
STRATEGIC = "Strategic developments"
AIR_WEAPONS = {"drone", "aircraft", "bomb"}
GEO_PRECISION = {"place": 1, "admin1": 2, "country": 3}


def _types(e: dict) -> tuple[str, str]:
    kind, sub = e["type"], e["subtype"]
    categories = {w["category"] for w in e["weapons"]}
    if kind == "attack":
        if sub == "sabotage":
            return REMOTE, "Remote explosive/landmine/IED"
        if sub == "air" and categories & AIR_WEAPONS and not categories - AIR_WEAPONS - {"unknown"}:
            return REMOTE, "Air/drone strike"
        return REMOTE, "Shelling/artillery/missile attack"
    if kind == "battle":
        return "Battles", "Armed clash"
    if kind == "diplomacy" and sub == "agreement":
        return STRATEGIC, "Agreement"
    if kind == "posture" and sub == "deployment":
        return STRATEGIC, "Headquarters or base established"
    return STRATEGIC, "Other"


def _precision(value: str | None) -> tuple[str | None, int]:
    """First day, and ACLED's time precision: 1 a day, 2 within a week, 3 within a month or vaguer."""
    if not value:
        return None, 3
    if len(value) == 7:
        return value + "-01", 3
    lo, _, hi = value.partition("/")
    days = (date.fromisoformat(hi) - date.fromisoformat(lo)).days if hi else 0
    return lo, 1 if days == 0 else 2 if days <= 7 else 3


def _country(code: str | None) -> tuple[str | None, str]:
    found = pycountry.countries.get(alpha_2=code) if code else None
    return (found.name, found.alpha_3) if found else (code, code or "XXX")


def _admin1(code: str | None) -> str | None:
    found = pycountry.subdivisions.get(code=code) if code else None
    return found.name if found else None


def _actor(code: str | None) -> str | None:
    return f"Military Forces of {_country(code)[0]}" if code else None


def _fatalities(e: dict) -> int:
    """ACLED takes the most conservative report: the lowest bound any claim allows."""
    killed = [f for f in e["figures"] if f["kind"] == "killed" and f["low"] is not None]
    return min((f["low"] for f in killed), default=0)


def _notes(e: dict) -> str:
    """The figures in words, each with its claims' range: ACLED's notes field is free text."""
    parts = []
    for f in e["figures"]:
        span = f"{f['low']}" if f["low"] == f["high"] or f["high"] is None else f"{f['low']}-{f['high']}"
        parts.append(f"{f['kind']} {span} ({f['unit']})" + (" [sources disagree]" if f["conflict"] else ""))
    return f"{e['type']}/{e['subtype']}" + (": " + "; ".join(parts) if parts else "")


def acled_row(e: dict) -> dict:
    places = [loc for loc in e["locations"] if loc["role"] != "origin"] or e["locations"]
    place = places[0] if places else {}
    day, precision = _precision(e["date"])
    country, iso3 = _country(place.get("country"))
    event_type, sub_type = _types(e)
    return {
        "event_id_cnty": f"{iso3}{e['id']}", "event_date": day, "year": day[:4] if day else None,
        "time_precision": precision, "event_type": event_type, "sub_event_type": sub_type,
        "actor1": _actor(e["actors"]["initiator"]), "actor2": _actor(e["actors"]["target"]),
        "country": country, "admin1": _admin1(place.get("admin1")), "location": place.get("name"),
        "latitude": place.get("lat"), "longitude": place.get("lon"),
        "geo_precision": GEO_PRECISION.get(place.get("precision"), 3),
        "source": "; ".join(e.get("outlets", [])) or None, "notes": _notes(e), "fatalities": _fatalities(e),
    }
