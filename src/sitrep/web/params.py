"""Query parameters of the API. A bad one gets a 422 that names it and says why; an unknown
one too, so that a misspelt filter is not silently ignored."""
from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sitrep.store.events import words_of_claimant
from sitrep.store.queries import EventFilter
from sitrep.store.word_search import search_terms

# Values fixed by the export contract (shared/spec/export.md and the scoring README).
EventType = Literal["attack", "incursion", "diplomacy", "posture", "battle"]
WeaponCategory = Literal["missile", "cruise_missile", "ballistic_missile", "rocket", "drone", "aircraft",
                         "artillery", "air_defence_missile", "bomb", "unknown"]
Sort = Literal["date", "-date", "sources", "-sources"]

_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def check_date(value: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, and a real month and day."""
    if not _DATE.fullmatch(value):
        raise ValueError("a date is YYYY, YYYY-MM or YYYY-MM-DD")
    date.fromisoformat((value + "-01-01")[:10])  # raises ValueError naming the bad month or day
    return value


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """``min_lon,min_lat,max_lon,max_lat`` in degrees; min_lon > max_lon crosses the antimeridian."""
    parts = value.split(",")
    if len(parts) != 4:
        raise ValueError("bbox is four numbers: min_lon,min_lat,max_lon,max_lat")
    try:
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"bbox has something that is not a number: {value!r}") from None
    if not all(-180 <= x <= 180 for x in (min_lon, max_lon)) or not all(-90 <= y <= 90 for y in (min_lat, max_lat)):
        raise ValueError("bbox longitudes must lie in -180..180 and latitudes in -90..90")
    if min_lat > max_lat:
        raise ValueError("bbox min_lat is above max_lat")
    return min_lon, min_lat, max_lon, max_lat


class Filters(BaseModel):
    """Which events: every filter given must hold."""

    model_config = ConfigDict(extra="forbid")

    since: str | None = Field(None, description="Events dated on or after this: YYYY, YYYY-MM or YYYY-MM-DD, "
                              "compared on the event date's first characters (a range by its start day; "
                              "`since=2022-10` takes all of October). Undated events drop out.",
                              examples=["2022-10-10"])
    until: str | None = Field(None, description="Events dated on or before this, compared the same way "
                              "(`until=2022-10` takes all of October).", examples=["2022-10-31"])
    type: EventType | None = Field(None, description="Event type.")
    subtype: str | None = Field(None, pattern=r"^[a-z_]{1,24}$", description="Event subtype (`air`, `ground`, "
                                "`airspace`, `meeting`, ...; see the scoring README).")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$",
                                description="ISO 3166-1 alpha-2 country of any of the event's locations.")
    admin1: str | None = Field(None, pattern=r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$",
                               description="ISO 3166-2 region of any of the event's locations (`UA-30` Kyiv city).")
    weapon: WeaponCategory | None = Field(None, description="A weapon category any report of the event names.")
    claimant: str | None = Field(None, min_length=1, max_length=200, description="Words of who reports the "
                                 "event or gives one of its figures, case-insensitive: each word given must begin "
                                 "a word of the same claimant's name or of another claimant of the event "
                                 "(`ministry`, `zelensk`, `defence ministry`); parts from inside a word do not "
                                 "match.")
    q: str | None = Field(None, min_length=1, max_length=500, description="Words that must all occur in the "
                          "title or text of an article reporting the event (which holds its evidence sentences); "
                          '`"quoted words"` for a phrase, `word*` for a prefix. Whole words match, with '
                          "English stemming (`drone` finds `drones`): SQLite's FTS5 index, PostgreSQL's "
                          "tsvector word index (its `english` configuration, which also drops stop words); "
                          "a part of a word matches only as a `prefix*`.")
    bbox: str | None = Field(None, description="`min_lon,min_lat,max_lon,max_lat`: a location point of the "
                             "event lies in this box.", examples=["30.2,50.2,30.8,50.6"])

    @field_validator("since", "until")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        return check_date(value) if value is not None else None

    @field_validator("country", "admin1")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value is not None else None

    @field_validator("bbox")
    @classmethod
    def _bbox(cls, value: str | None) -> str | None:
        if value is not None:
            parse_bbox(value)
        return value

    @field_validator("q")
    @classmethod
    def _words(cls, value: str | None) -> str | None:
        if value is not None and not search_terms(value):
            raise ValueError("q has no words to search for")
        return value

    @field_validator("claimant")
    @classmethod
    def _claimant_words(cls, value: str | None) -> str | None:
        if value is not None and not words_of_claimant(value):
            raise ValueError("claimant has no words to look for")
        return value

    @model_validator(mode="after")
    def _in_order(self) -> "Filters":
        if self.since and self.until:
            n = min(len(self.since), len(self.until))
            if self.since[:n] > self.until[:n]:
                raise ValueError(f"since ({self.since}) is after until ({self.until})")
        return self

    def to_filter(self) -> EventFilter:
        fields = self.model_dump(exclude={"bbox", "limit", "offset", "sort"})
        return EventFilter(**fields, bbox=parse_bbox(self.bbox) if self.bbox else None)


class EventQuery(Filters):
    """Filters, plus which page in which order."""

    limit: int = Field(50, ge=0, le=500, description="Events per page (0 counts them only).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Events to skip.")
    sort: Sort = Field("-date", description="`date` or `sources` (distinct outlets reporting it); a leading "
                       "`-` puts the latest or most reported first. Undated events come last.")
