"""The records every stage passes along, defined once.

Stages import these and nothing of each other. All records are frozen: a stage that
changes something returns a new record (``dataclasses.replace``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

# ---- reading and cleaning ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Note:
    """Something worth telling about one input that did not stop it (a repair, a warning)."""

    reason: str  # short key, counted in the summary: "legacy_encoding", "invalid_utf8"
    detail: str  # one human sentence naming what was done


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One document as a container gave it: decoded text plus what the container says."""

    source: str  # path, URL or FILE#RECORD, as given
    text: str
    kind: str  # "text" | "html" | "record"
    url: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date or date-time, when the container says
    outlet: str | None = None
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not become an article, with the reason it is counted under."""

    source: str  # the file, and ":LINE" for a record of a JSON Lines file
    reason: str  # short key: "binary", "empty", "too_large", "bad_json", ...
    detail: str  # one clear sentence for the user

    def message(self) -> str:
        return f"{self.source}: {self.detail}"


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article. ``id`` is a hash of ``text``; evidence offsets point into ``text``."""

    id: str
    source: str
    text: str  # cleaned text: what extraction reads
    raw_text: str  # as read, before cleaning
    language: str  # ISO 639-1, "und" when unknown
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]
    author: str | None = None
    duplicate_of: str | None = None
    notes: tuple[Note, ...] = ()

    @property
    def published_date(self) -> str | None:
        return self.published[:10] if self.published else None


# ---- annotation -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Amount:
    """A number as written in a sentence: "at least 120", "54 out of 69", "Twenty", "dozens"."""

    value: int | None  # None for vague amounts ("dozens")
    start: int  # offsets of the whole phrase in the text it was found in
    end: int
    text: str
    qualifier: str = "exact"  # exact | at_least | at_most | about
    value_max: int | None = None  # "between 10 and 12" -> 10, value_max 12
    total: int | None = None  # "54 out of 69", "18 of 23" -> total 69 / 23
    universal: bool = False  # "all 16 ... were shot down": the amount is every one of them


@dataclass(frozen=True, slots=True)
class TimePhrase:
    """A time expression found in text and what it resolves to."""

    start: int
    end: int
    text: str
    date: "EventDate"
    time: str | None = None  # "05:00", "02:00Z" where a time of day is given


# ---- extraction -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of an article's cleaned text, quoted as evidence."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Weapon:
    category: str  # missile, cruise_missile, ballistic_missile, rocket, drone, aircraft,
    #               artillery, air_defence_missile, bomb, unknown
    model: str | None = None  # "Shahed-136", "S-300", "Kalibr"


@dataclass(frozen=True, slots=True)
class Place:
    """A place as the geocoder resolved it, with the role it plays in an event."""

    name: str  # as written in the text
    country: str | None  # ISO 3166-1 alpha-2
    admin1: str | None = None  # ISO 3166-2, e.g. "UA-74"
    lat: float | None = None
    lon: float | None = None
    precision: str = "country"  # "place" | "admin1" | "country"
    role: str = "place"  # "target" | "origin" | "place"
    geonames_id: int | None = None
    start: int | None = None  # offsets of the name in the cleaned text
    end: int | None = None


@dataclass(frozen=True, slots=True)
class EventDate:
    """When something happened: a day, a range, a month or unknown."""

    value: str | None  # "YYYY-MM-DD", "YYYY-MM-DD/YYYY-MM-DD", "YYYY-MM" or None
    precision: str = "unknown"  # "day" | "range" | "month" | "unknown"
    source: str = "text"  # "text" (resolved from the article), "borrowed" (from the merged event)
    phrase: str | None = None  # the words it was resolved from ("on Saturday")


@dataclass(frozen=True, slots=True)
class Figure:
    """One number as a claim: what was counted, how many, who says so, where it is written."""

    kind: str  # launched, intercepted, hit, killed, injured, missing, evacuated, aircraft
    value: int | None  # None for vague amounts ("dozens of drones")
    qualifier: str = "exact"  # exact | at_least | at_most | about
    unit: str = "unknown"  # a weapon category or "person"
    claimant: str | None = None
    evidence: Span | None = None
    value_max: int | None = None  # upper end of "between 10 and 12"
    text: str | None = None  # the words of the amount ("at least 120", "dozens")


@dataclass(frozen=True, slots=True)
class Actors:
    initiator: str | None = None  # ISO 3166-1 alpha-2
    target: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """One event as one article reports it."""

    id: str
    article_id: str
    type: str  # attack | incursion | diplomacy | posture | battle
    subtype: str
    date: EventDate = field(default_factory=lambda: EventDate(None))
    time: str | None = None
    actors: Actors = field(default_factory=Actors)
    locations: tuple[Place, ...] = ()
    weapons: tuple[Weapon, ...] = ()
    figures: tuple[Figure, ...] = ()
    claimant: str | None = None
    status: str = "reported"  # reported | denied | planned
    evidence: tuple[Span, ...] = ()
    event_id: str | None = None


# ---- merging ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claim:
    value: int | None
    qualifier: str
    claimant: str | None
    mention_id: str


@dataclass(frozen=True, slots=True)
class FigureClaims:
    """Every claim about one kind of figure of one event, side by side."""

    kind: str
    value: int | None
    low: int | None
    high: int | None
    claims: tuple[Claim, ...]
    conflict: bool = False


@dataclass(frozen=True, slots=True)
class Event:
    """The merged view: one real-world event and the mentions that report it."""

    id: str
    type: str
    subtype: str
    date: EventDate
    locations: tuple[Place, ...]
    actors: Actors
    weapons: tuple[Weapon, ...]
    mentions: tuple[str, ...]
    sources: int
    figures: tuple[FigureClaims, ...] = ()
