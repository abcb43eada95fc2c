"""Shapes of the API's answers, for the OpenAPI docs. The records themselves are built by
``sitrep.export.records`` exactly as ``sitrep export`` writes them; fields added there later
pass through (``extra="allow"``)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Location(Open):
    name: str
    country: str | None = Field(description="ISO 3166-1 alpha-2")
    admin1: str | None = Field(description="ISO 3166-2, or null")
    lat: float | None
    lon: float | None
    precision: str = Field(description="`place`, `admin1` or `country`")
    role: str = Field(description="`target`, `origin` or `place`")
    geonames_id: int | None


class Weapon(Open):
    category: str
    model: str | None


class Actors(Open):
    initiator: str | None = Field(description="ISO alpha-2 of the side that acted")
    target: str | None = Field(description="ISO alpha-2 of the side acted on")


class Claim(Open):
    value: int | None
    qualifier: str = Field(description="`exact`, `at_least`, `at_most` or `about`")
    claimant: str | None = Field(description="who gave the number; null when the article says it in its own voice")
    mention_id: str


class FigureClaims(Open):
    kind: str = Field(description="`launched`, `intercepted`, `hit`, `killed`, ...")
    unit: str = Field(description="a weapon category (missile kinds as `missile`) or `person`")
    value: int | None = Field(description="the value most claims give")
    low: int | None
    high: int | None
    claims: list[Claim] = Field(description="every claim, side by side: never averaged")
    conflict: bool = Field(description="sources disagree beyond what their qualifiers allow")


class MergeReason(Open):
    mention_id: str
    score: float
    reason: str = Field(description="why this mention joined the event")


class Event(Open):
    """An event as `sitrep export events` writes it."""

    id: str
    type: str
    subtype: str
    date: str | None = Field(description="`YYYY-MM-DD`, `YYYY-MM` or `YYYY-MM-DD/YYYY-MM-DD`")
    date_precision: str
    locations: list[Location]
    actors: Actors
    weapons: list[Weapon]
    mentions: list[str] = Field(description="ids of the mentions (one per reporting article); in a list of "
                                "events at most the first 20, with `n_mentions` counting them all (the event's "
                                "own page gives every one)")
    sources: int = Field(description="distinct outlets reporting it")
    figures: list[FigureClaims]
    merges: list[MergeReason] = Field(description="why each mention joined it; in a list of events, those of "
                                      "the mentions listed")
    n_mentions: int | None = Field(None, description="in a list of events: how many mentions it has")


class EventPage(BaseModel):
    total: int = Field(description="events matching the filters, on all pages, when `total_exact`; "
                       "otherwise a lower bound (10,000): more match, and counting them all would cost "
                       "as much as reading them")
    total_exact: bool = Field(description="whether `total` is the exact count or only a lower bound")
    items: list[Event]


class Evidence(Open):
    start: int = Field(description="character offset into the article's cleaned text")
    end: int
    text: str


class ArticleRef(Open):
    id: str
    source: str
    url: str | None
    title: str | None
    outlet: str | None
    published: str | None


class MentionFigure(Open):
    kind: str
    value: int | None
    value_max: int | None
    qualifier: str
    unit: str
    claimant: str | None
    evidence: Evidence | None


class Mention(Open):
    """One event as one article reports it, as `sitrep export mentions` writes it."""

    id: str
    event_id: str | None
    article: ArticleRef
    type: str
    subtype: str
    date: str | None
    date_precision: str
    time: str | None
    actors: Actors
    locations: list[Location]
    weapons: list[Weapon]
    figures: list[MentionFigure]
    claimant: str | None
    status: str
    evidence: list[Evidence]


class EventDetail(BaseModel):
    event: Event
    mentions: list[Mention] = Field(description="every report of the event, with its evidence")
    merges: list[MergeReason] = Field(description="why each mention joined the event")


class ArticleMention(Open):
    id: str
    event_id: str | None
    type: str
    subtype: str
    evidence: list[Evidence]


class Article(ArticleRef):
    """An article as `sitrep export articles` writes it, plus its cleaned text."""

    language: str
    duplicate_of: str | None
    text: str = Field(description="the cleaned text that evidence offsets point into")
    mentions: list[ArticleMention] = Field(description="the events found in it, with their evidence offsets")


class DayCount(BaseModel):
    day: str | None = Field(description="YYYY-MM-DD (a range's first day); null for a month or no date")
    type: str
    count: int


class DayWeapons(BaseModel):
    day: str | None
    category: str = Field(description="weapon category, missile kinds together as `missile`")
    launched: int
    intercepted: int


class Stats(BaseModel):
    total: int = Field(description="events matching the filters")
    events: list[DayCount]
    weapons: list[DayWeapons]


class Problem(BaseModel):
    detail: str
