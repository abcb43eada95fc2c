"""Read-only filtered queries for the API: which events match, a page of them, daily counts.

Filters become SQL conditions on the ``events`` table; filters on places, weapons, claimants
and words select the events through their mentions. Everything here reads, except two
things kept for reading: covering indexes (``ensure_read_indexes``, run when the API opens a
store) and, on SQLite, an FTS5 index of article titles and texts, created and brought up to
date on the first word search after an ingest.
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

import sqlalchemy as sa

from sitrep.merge.claims import UNIT_FAMILY
from sitrep.store import events as event_rows
from sitrep.store.schema import articles, events, figures, merges, mentions, places

SORTS = ("date", "-date", "sources", "-sources")
STAT_KINDS = ("launched", "intercepted")
LATEST = "~"  # sorts above the characters of any date ("0-9", "-", "/")


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What an analyst narrows the events to; ``None`` leaves a field open."""

    since: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD, compared on the date's prefix
    until: str | None = None
    type: str | None = None
    subtype: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2 of any location
    admin1: str | None = None  # ISO 3166-2 of any location
    weapon: str | None = None  # weapon category
    claimant: str | None = None  # case-insensitive substring
    q: str | None = None  # words (and "quoted phrases") of the article titles and texts
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat


@dataclass(frozen=True, slots=True)
class EventRows:
    """One event as the store holds it, ready for ``export.records.event_record``."""

    event: dict
    members: list[dict]
    roots: dict[str, tuple[str, str | None]]
    reasons: list[dict]


# ---- filters ----------------------------------------------------------------------------


def search_terms(q: str) -> list[str]:
    """The words and "quoted phrases" of a search, each a list of words joined by spaces;
    a trailing * on a word asks for its prefix."""
    terms = []
    for phrase, word, star in re.findall(r'"([^"]*)"|(\w+)(\*?)', q):
        words = re.findall(r"\w+", phrase) if phrase else [word] if word else []
        if words:
            terms.append(" ".join(words) + star)
    return terms


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _with_place(*where: sa.ColumnElement) -> sa.ColumnElement:
    """Events one of whose mentions has a place meeting ``where``. Asked event by event, and
    nested rather than joined so that SQLite goes event -> mentions -> places through the
    covering indexes instead of collecting every place of a common country first."""
    has_place = sa.select(places.c.mention_id).where(places.c.mention_id == mentions.c.id, *where).exists()
    return sa.select(mentions.c.id).where(mentions.c.event_id == events.c.id, has_place).exists()


def _bbox_condition(bbox: tuple[float, float, float, float]) -> sa.ColumnElement:
    min_lon, min_lat, max_lon, max_lat = bbox
    if min_lon <= max_lon:
        lon = places.c.lon.between(min_lon, max_lon)
    else:  # the box crosses the antimeridian
        lon = sa.or_(places.c.lon >= min_lon, places.c.lon <= max_lon)
    return _with_place(places.c.lat.between(min_lat, max_lat), lon)


def _weapon_condition(dialect: str, category: str) -> sa.ColumnElement:
    if dialect == "sqlite":
        item = sa.func.json_each(mentions.c.weapons).table_valued("value").alias("weapon")
        has = sa.exists().select_from(item).where(sa.func.json_extract(item.c.value, "$.category") == category)
    else:  # the list is stored as JSON text written by json.dumps with its default separators
        pattern = f'%"category": "{_escape_like(category)}"%'
        has = sa.cast(mentions.c.weapons, sa.Text).like(pattern, escape="\\")
    return events.c.id.in_(sa.select(mentions.c.event_id).where(has))


def _claimant_condition(claimant: str) -> sa.ColumnElement:
    pattern = f"%{_escape_like(claimant.lower())}%"
    said = sa.select(mentions.c.event_id).where(sa.func.lower(mentions.c.claimant).like(pattern, escape="\\"))
    counted = (sa.select(mentions.c.event_id).join(figures, figures.c.mention_id == mentions.c.id)
               .where(sa.func.lower(figures.c.claimant).like(pattern, escape="\\")))
    return events.c.id.in_(sa.union(said, counted).subquery().select())


def _text_condition(conn: sa.Connection, q: str) -> sa.ColumnElement:
    terms = search_terms(q)
    if not terms:
        raise ValueError(f"the search {q!r} has no words in it")
    if conn.dialect.name == "sqlite":
        sync_fts(conn)
        match = " ".join(f'"{t.rstrip("*")}"' + ("*" if t.endswith("*") else "") for t in terms)
        seqs = sa.text("SELECT rowid FROM article_fts WHERE article_fts MATCH :match").bindparams(match=match)
        found = articles.c.seq.in_(seqs.columns(sa.column("rowid", sa.Integer)))
    else:
        found = sa.and_(*(_article_like(t) for t in terms))
    return events.c.id.in_(sa.select(mentions.c.event_id).join(articles, articles.c.id == mentions.c.article_id)
                           .where(found))


def _article_like(term: str) -> sa.ColumnElement:
    pattern = f"%{_escape_like(term.rstrip('*').lower())}%"
    return sa.or_(sa.func.lower(articles.c.title).like(pattern, escape="\\"),
                  sa.func.lower(articles.c.text).like(pattern, escape="\\"))


def conditions(conn: sa.Connection, flt: EventFilter) -> list[sa.ColumnElement]:
    """SQL conditions on ``events`` for a filter. Dates compare as text: a date is at or after
    ``since`` when its first len(since) characters are, so "2022-10" takes all of October.
    A word search on SQLite first brings the full-text index up to date (and commits)."""
    ensure_read_indexes(conn)
    conds: list[sa.ColumnElement] = []
    if flt.since:
        conds.append(events.c.date >= flt.since)
    if flt.until:
        conds.append(events.c.date <= flt.until + LATEST)
    for column, value in ((events.c.type, flt.type), (events.c.subtype, flt.subtype)):
        if value:
            conds.append(column == value)
    for column, value in ((places.c.country, flt.country), (places.c.admin1, flt.admin1)):
        if value:
            conds.append(_with_place(column == value))
    if flt.bbox:
        conds.append(_bbox_condition(flt.bbox))
    if flt.weapon:
        conds.append(_weapon_condition(conn.dialect.name, flt.weapon))
    if flt.claimant:
        conds.append(_claimant_condition(flt.claimant))
    if flt.q:
        conds.append(_text_condition(conn, flt.q))
    return conds


# ---- indexes for reading ------------------------------------------------------------------

# Covering indexes for the filters and the sources count: from an event to its mentions,
# their places and articles without reading the wide rows (mentions carry their evidence).
# 3-6x faster filters on the news corpus.
READ_INDEXES = (
    ("ix_read_mentions_event", "mentions", ("event_id", "article_id", "id")),
    ("ix_read_mentions_article", "mentions", ("article_id", "event_id")),
    ("ix_read_places_mention", "places", ("mention_id", "country", "admin1", "lon", "lat")),
    ("ix_read_merges_event", "merges", ("event_id",)),
)
_READY: "weakref.WeakSet[sa.Engine]" = weakref.WeakSet()  # engines whose store has them


def ensure_read_indexes(conn: sa.Connection) -> None:
    """Add the reading indexes to a store that lacks them (one made by an older sitrep), once
    per engine."""
    if conn.engine in _READY:
        return
    quote = conn.dialect.identifier_preparer.quote
    for name, table, columns in READ_INDEXES:
        cols = ", ".join(quote(c) for c in columns)
        conn.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({cols})"))
    conn.commit()
    _READY.add(conn.engine)


# ---- full-text index (SQLite) -------------------------------------------------------------

_FTS_DDL = ("CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5(title, text, content='', "
            "tokenize='porter unicode61 remove_diacritics 2')")
# One statement that reads what is indexed and adds the rest: SQLite takes the write lock
# before it reads, so two processes filling the index at once cannot add an article twice.
_FTS_FILL = ("INSERT INTO article_fts(rowid, title, text) SELECT seq, coalesce(title, ''), text FROM articles "
             "WHERE seq > (SELECT coalesce(max(rowid), 0) FROM article_fts) ORDER BY seq")


def _indexed_upto(conn: sa.Connection) -> int:
    return conn.execute(sa.text("SELECT coalesce(max(rowid), 0) FROM article_fts")).scalar_one()


def _latest_seq(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.coalesce(sa.func.max(articles.c.seq), 0))).scalar_one()


def sync_fts(conn: sa.Connection) -> None:
    """Bring the index of article titles and texts up to date. Articles never change once
    stored and arrive with a rising ``seq`` (the index's rowid), so indexing those above the
    highest rowid indexed is enough. The index is contentless: it holds no copy of the text."""
    conn.execute(sa.text(_FTS_DDL))
    if _indexed_upto(conn) < _latest_seq(conn):
        conn.execute(sa.text(_FTS_FILL))
    conn.commit()


# ---- events -------------------------------------------------------------------------------


def _sources() -> sa.ScalarSelect:
    """Distinct outlets of an event, counted as ``export.records.event_record`` counts them:
    an article without an outlet counts as its original (a copy as the article it copies).
    Asked per event that passed the filters, which beats counting every event first."""
    outlet = sa.func.coalesce(sa.func.nullif(articles.c.outlet, ""), articles.c.duplicate_of, articles.c.id)
    return (sa.select(sa.func.count(sa.distinct(outlet))).join(articles, articles.c.id == mentions.c.article_id)
            .where(mentions.c.event_id == events.c.id).scalar_subquery())


def _ordered(query: sa.Select, sort: str) -> sa.Select:
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}: choose one of {', '.join(SORTS)}")
    if sort in ("date", "-date"):
        by_date = events.c.date.asc() if sort == "date" else events.c.date.desc()
        return query.order_by(by_date.nulls_last(), events.c.seq)
    n = _sources()
    return query.order_by(n.desc() if sort == "-sources" else n.asc(), events.c.date.desc().nulls_last(),
                          events.c.seq)


def find_events(conn: sa.Connection, flt: EventFilter, sort: str = "-date", limit: int = 50,
                offset: int = 0) -> tuple[int, list[str]]:
    """How many events match, and the ids of one page of them in ``sort`` order. The count
    comes with the page (a window over the matches), so the filters are evaluated once."""
    conds = conditions(conn, flt)
    total = sa.func.count().over().label("total")
    rows = conn.execute(_ordered(sa.select(events.c.id, total).where(*conds), sort).limit(limit).offset(offset)).all()
    if rows:
        return rows[0].total, [r.id for r in rows]
    if offset == 0 and limit > 0:
        return 0, []
    return conn.execute(sa.select(sa.func.count()).select_from(events).where(*conds)).scalar_one(), []


def _reasons(conn: sa.Connection, event_ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {e: [] for e in event_ids}
    q = sa.select(merges).where(merges.c.event_id.in_(event_ids)).order_by(merges.c.mention_id)
    for row in conn.execute(q):
        out[row.event_id].append(dict(row._mapping))
    return out


def load_events(conn: sa.Connection, event_ids: list[str]) -> list[EventRows]:
    """The events with these ids, in this order, each with what its record is built from;
    the same rows ``Store.get_event`` gives, fetched with a few queries for the whole page."""
    if not event_ids:
        return []
    found = {r.id: dict(r._mapping) for r in conn.execute(sa.select(events).where(events.c.id.in_(event_ids)))}
    members = event_rows.members(conn, event_ids)
    roots = event_rows.article_roots(conn, {m["article_id"] for ms in members.values() for m in ms})
    reasons = _reasons(conn, event_ids)
    return [EventRows(found[e], members[e], {m["article_id"]: roots[m["article_id"]] for m in members[e]},
                      reasons[e]) for e in event_ids if e in found]


def article_mentions(conn: sa.Connection, article_id: str) -> list[dict]:
    """The mentions found in one article: id, event, type and evidence offsets."""
    q = (sa.select(mentions.c.id, mentions.c.event_id, mentions.c.type, mentions.c.subtype, mentions.c.evidence)
         .where(mentions.c.article_id == article_id).order_by(mentions.c.id))
    return [dict(r._mapping) for r in conn.execute(q)]


# ---- statistics ---------------------------------------------------------------------------


def _day(column: sa.ColumnElement) -> sa.ColumnElement:
    """The day of a date, or of the start of a range; NULL for a month or no date."""
    return sa.case((sa.func.length(column) >= 10, sa.func.substr(column, 1, 10)), else_=None)


def events_per_day(conn: sa.Connection, flt: EventFilter) -> list[dict]:
    day = _day(events.c.date).label("day")
    q = (sa.select(day, events.c.type, sa.func.count().label("count")).where(*conditions(conn, flt))
         .group_by(day, events.c.type).order_by(day.asc().nulls_last(), events.c.type))
    return [dict(r._mapping) for r in conn.execute(q)]


def _unit_family(column: sa.Column) -> sa.ColumnElement:
    return sa.case(*((column == unit, family) for unit, family in sorted(UNIT_FAMILY.items())), else_=column)


def figures_per_day(conn: sa.Connection, flt: EventFilter) -> list[dict]:
    """Per day, unit family and kind (launched, intercepted): the sum over events of the
    largest value any claim about the event gives."""
    family = _unit_family(figures.c.unit).label("unit")
    largest = (sa.select(mentions.c.event_id, figures.c.kind, family, sa.func.max(figures.c.value).label("value"))
               .join(mentions, mentions.c.id == figures.c.mention_id)
               .where(figures.c.kind.in_(STAT_KINDS), figures.c.value.is_not(None), mentions.c.event_id.is_not(None))
               .group_by(mentions.c.event_id, figures.c.kind, family).subquery("largest"))
    day = _day(events.c.date).label("day")
    total = sa.cast(sa.func.sum(largest.c.value), sa.BigInteger).label("value")  # PostgreSQL's sum is NUMERIC
    q = (sa.select(day, largest.c.unit, largest.c.kind, total)
         .join(largest, largest.c.event_id == events.c.id).where(*conditions(conn, flt))
         .group_by(day, largest.c.unit, largest.c.kind).order_by(day.asc().nulls_last(), largest.c.unit))
    return [dict(r._mapping) for r in conn.execute(q)]
