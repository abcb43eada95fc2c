"""Read-only filtered queries for the API: which events match, a page of them, daily counts.

Filters become SQL conditions on the ``events`` table; filters on places, weapons, claimants
and words select the events through their mentions. Everything here only reads: the indexes
it relies on, the word index included, are part of the schema (``store.schema``).
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import NamedTuple

import sqlalchemy as sa

from sitrep.merge.claims import UNIT_FAMILY
from sitrep.store import word_search
from sitrep.store import events as event_rows
from sitrep.store.conditions import Condition
from sitrep.store.daily import STAT_KINDS
from sitrep.store.schema import (ALL_PLACES, UNDATED, claimant_words, events, figures, mention_weapons, merges,
                                 mentions, places, stat_events, stat_figures)

SORTS = ("date", "-date", "sources", "-sources")
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
    claimant: str | None = None  # words, each the start of a claimant's word, case-insensitive
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


def _on_events(where: sa.ColumnElement) -> Condition:
    return Condition(where, where)


def _through(event_id: sa.Column, *where: sa.ColumnElement, source: sa.FromClause | None = None) -> Condition:
    """Events whose id ``event_id`` (the copy kept beside places, figures, weapons, mentions)
    carries in rows meeting ``where``."""
    q = sa.select(event_id).where(*where)
    q = q.select_from(source) if source is not None else q
    return Condition(events.c.id.in_(q), q.where(event_id == events.c.id).exists(), q)


def _bbox_condition(bbox: tuple[float, float, float, float]) -> Condition:
    min_lon, min_lat, max_lon, max_lat = bbox
    if min_lon <= max_lon:
        lon = places.c.lon.between(min_lon, max_lon)
    else:  # the box crosses the antimeridian
        lon = sa.or_(places.c.lon >= min_lon, places.c.lon <= max_lon)
    return _through(places.c.event_id, places.c.lat.between(min_lat, max_lat), lon)


def _claimant_conditions(claimant: str) -> list[Condition]:
    """Each word of ``claimant`` begins a word of a claimant of the event (of one of its reports
    or one of their figures), case-folded: read off the (word, event) index as a range."""
    words = sorted(event_rows.words_of_claimant(claimant))
    if not words:
        raise ValueError(f"the claimant {claimant!r} has no words in it")
    word = claimant_words.c.word
    # asked event by event (a page walked in date order), the (event, word) index is read
    return [_through(claimant_words.c.event_id, word >= w, word < w[:-1] + chr(ord(w[-1]) + 1)) for w in words]



def filter_conditions(conn: sa.Connection, flt: EventFilter) -> list[Condition]:
    """The filter as conditions on ``events``. Dates compare as text: a date is at or after
    ``since`` when its first len(since) characters are, so "2022-10" takes all of October."""
    conds: list[Condition] = []
    if flt.since:
        conds.append(_on_events(events.c.date >= flt.since))
    if flt.until:
        conds.append(_on_events(events.c.date <= flt.until + LATEST))
    for column, value in ((events.c.type, flt.type), (events.c.subtype, flt.subtype)):
        if value:
            conds.append(_on_events(column == value))
    for column, value in ((places.c.country, flt.country), (places.c.admin1, flt.admin1)):
        if value:
            conds.append(_through(places.c.event_id, column == value))
    if flt.bbox:
        conds.append(_bbox_condition(flt.bbox))
    if flt.weapon:
        conds.append(_through(mention_weapons.c.event_id, mention_weapons.c.category == flt.weapon))
    if flt.claimant:
        conds.extend(_claimant_conditions(flt.claimant))
    if flt.q:
        conds.append(word_search.text_condition(conn, flt.q))
    return conds


def conditions(conn: sa.Connection, flt: EventFilter) -> list[sa.ColumnElement]:
    """SQL conditions on ``events`` for a filter, each collecting the events that pass at once."""
    return [c.among for c in filter_conditions(conn, flt)]


# ---- events -------------------------------------------------------------------------------


def order_by(sort: str) -> list[sa.ColumnElement]:
    """The ORDER BY of a sort, written as the reading indexes of ``schema`` are (undated last)."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}: choose one of {', '.join(SORTS)}")
    latest = [UNDATED, events.c.date.desc(), events.c.seq]
    if sort == "-date":
        return latest
    if sort == "date":
        return [UNDATED, events.c.date.asc(), events.c.seq]
    return [events.c.sources.desc() if sort == "-sources" else events.c.sources.asc(), *latest]


# A page found by walking an index in order, testing each event, passes over about
# (offset + limit) * events / matches of them; above this many, collecting the matches first is cheaper.
WALK_LIMIT = 5000


# Counting matches costs as much as visiting them; beyond this many a count stops, and says so.
TOTAL_CAP = 10_000


class Found(NamedTuple):
    """How many events match (``exact``), or at least how many (not ``exact``: there are more
    than ``total``, which is then ``TOTAL_CAP``), and the ids of one page of them."""

    total: int
    exact: bool
    ids: list[str]


def _leading(conds: list[Condition]) -> Condition | None:
    """The condition a count reads its events off: a word search, or the only condition."""
    if len(conds) == 1 and conds[0].ids is not None:
        return conds[0]
    return next((c for c in conds if c.leads), None)


def _count(conn: sa.Connection, conds: list[Condition], cap: int) -> int:
    """The matches counted up to ``cap`` + 1: past ``cap`` the count stops. A condition that
    reads its events' ids off its own index gives them (the only one; a word search beside
    others, which are tested per match), each counted once, until there are enough: a word
    found in most articles then reads ``cap`` + 1 events' worth of matches, not all of them."""
    driving = _leading(conds)
    if driving is not None and driving.unique:
        return _count_unique(conn, driving, [c.among for c in conds if c is not driving], cap)
    if driving is None:
        matching = sa.select(events.c.id).where(*(c.among for c in conds)).limit(cap + 1).subquery()
    else:
        event_id = list(driving.ids.subquery("found").c)[0]
        others = [c.among for c in conds if c is not driving]
        # a mention's event always exists (an event goes when its last mention leaves)
        passing = [sa.select(events.c.id).where(events.c[driving.key] == event_id, *others).exists()] if others else []
        matching = sa.select(event_id).where(event_id.is_not(None), *passing).distinct().limit(cap + 1).subquery()
    return conn.execute(sa.select(sa.func.count()).select_from(matching)).scalar_one()


def _count_from_totals(conn: sa.Connection, flt: EventFilter) -> int:
    """How many events match a filter the daily totals answer: their sum (exact, whatever it is)."""
    q = sa.select(sa.func.coalesce(sa.func.sum(stat_events.c.n), 0)).where(*_totals_where(stat_events, flt))
    return int(conn.execute(q).scalar_one())


def _count_unique(conn: sa.Connection, driving: Condition, others: list[sa.ColumnElement], cap: int) -> int:
    """``_count`` of a condition whose ids come once each off a GIN index: no DISTINCT, and
    read through the index's bitmap. PostgreSQL's planner prices testing a stored vector like
    comparing a number, and for a common word scans the table testing every event's vector
    (each detoasted: 0.6-1 s at 100k events) where the bitmap takes ~15 ms; the scan is kept
    out for this one statement."""
    event_id = driving.ids.subquery("found").c.event_id
    passing = [sa.select(events.c.id).where(events.c.id == event_id, *others).exists()] if others else []
    matching = sa.select(event_id).where(*passing).limit(cap + 1).subquery()
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    n = conn.execute(sa.select(sa.func.count()).select_from(matching)).scalar_one()
    # not in a ``finally``: a failed count aborts the transaction, and with it this setting
    conn.exec_driver_sql("SET LOCAL enable_seqscan TO DEFAULT")
    return n


def _walk(conn: sa.Connection, flt: EventFilter, sort: str, total: int, upto: int) -> bool:
    """Whether to find a page event by event (SQLite: its planner has no statistics to choose
    by; PostgreSQL's has, and is left to choose). The latest events of a type are walked on the
    type's own index: among those of the type (the daily totals count them), not all events."""
    if conn.dialect.name != "sqlite":
        return False
    if flt.type and sort == "-date":
        q = sa.select(sa.func.coalesce(sa.func.sum(stat_events.c.n), 0)).where(
            stat_events.c.country == ALL_PLACES, stat_events.c.type == flt.type)
    else:
        q = sa.text("SELECT coalesce(max(rowid), 0) FROM events")  # no scan
    return upto * conn.execute(q).scalar_one() <= WALK_LIMIT * total


def find_events(conn: sa.Connection, flt: EventFilter, sort: str = "-date", limit: int = 50,
                offset: int = 0, cap: int | None = None) -> Found:
    """How many events match (counted up to ``cap``), and the ids of one page of them in
    ``sort`` order: the count first (a filter on dates, type and country only: summed from the
    daily totals, ``store.daily``), then the page, read off the index of the sort and tested
    event by event where most events pass, or from the matches collected at once where few do."""
    cap = TOTAL_CAP if cap is None else cap
    conds = filter_conditions(conn, flt)
    counted = _count_from_totals(conn, flt) if conds and from_totals(flt) else _count(conn, conds, cap)
    exact = counted <= cap
    total = counted if exact else cap
    if (exact and offset >= total) or limit == 0:
        return Found(total, exact, [])
    walk = _walk(conn, flt, sort, counted, offset + limit)
    pg_where = _pg_page_where(conn, conds, counted, cap)
    if walk:
        where = [word_search.walked(conn, c, sort) for c in conds]
    elif pg_where is not None:
        where = pg_where
    elif _country_first(conn, flt):
        where = [_UNINDEXED_TYPE == flt.type] + [c.among for c in filter_conditions(conn, replace(flt, type=None))]
    else:
        where = [c.among for c in conds]
    page = sa.select(events.c.id).where(*where).order_by(*order_by(sort)).limit(limit).offset(offset)
    return Found(total, exact, [r[0] for r in conn.execute(page)])


# PostgreSQL: a filter with a condition read off another table's index (places, weapons,
# claimants, words), matching at most this many events, gives the page from their ids gathered
# first (one array, each event then found by its key); its planner, which expects thousands
# (or, of a word, a few hundred), would rather walk the sort's index testing each event (19,000
# attacks tested for the 90 in the US) or scan every event.
PG_GATHER = 2000


def _gathered(ids: sa.Select) -> sa.ColumnElement:
    """``events.id`` among the ids one query gives, gathered into an array first."""
    array = ids.with_only_columns(sa.func.array_agg(ids.selected_columns[0])).correlate(None).scalar_subquery()
    # coalesce: ANY takes the array (not the subquery's rows), and none gathered is no array
    return events.c.id == sa.any_(sa.func.coalesce(array, sa.text("'{}'")))


def _pg_page_where(conn: sa.Connection, conds: list[Condition], counted: int,
                   cap: int) -> list[sa.ColumnElement] | None:
    """How PostgreSQL finds a page: few matches of a filter with a condition on another table,
    gathered into an array first (each event then found by its key: ~5 us a key); one condition
    alone gathers off its own index. A word of the events' words (one condition), whose matches
    the planner always expects to be a few hundred: up to the count's ``cap``, gathered into a
    hash (off the GIN index: ~2 us a match) that a walk in ``sort`` order asks; more, a walk
    testing each event's own words (detoasted: ~0.1 ms an event, and few are tested before a page
    is full). ``None``: left to the planner."""
    if conn.dialect.name != "postgresql" or not any(c.ids is not None for c in conds):
        return None
    if counted <= PG_GATHER:
        one = len(conds) == 1
        return [_gathered(conds[0].ids if one else sa.select(events.c.id).where(*(c.among for c in conds)))]
    cond = conds[0]
    if len(conds) == 1 and cond.unique and counted <= cap:  # IS TRUE: not a semi-join, a hashed subplan
        return [cond.among.is_(sa.true())]
    if len(conds) == 1 and cond.unique:  # the commonest words: few events pass before a page is full
        return [cond.each]
    return None


# SQLite: "+" keeps a column's indexes out of a term (https://sqlite.org/optoverview.html)
_UNINDEXED_TYPE = sa.literal_column("+events.type")


def _country_first(conn: sa.Connection, flt: EventFilter) -> bool:
    """Whether a type and a country's collected events are better read from the country's list
    (SQLite: it walks the type's index instead, testing each event against the list, however
    few of them the country has): where the country has fewer events than the type."""
    if conn.dialect.name != "sqlite" or not (flt.type and flt.country):
        return False
    n = sa.func.coalesce(sa.func.sum(stat_events.c.n), 0)
    of_type = conn.execute(sa.select(n).where(stat_events.c.country == ALL_PLACES, stat_events.c.type == flt.type))
    in_country = conn.execute(sa.select(n).where(stat_events.c.country == flt.country))
    return in_country.scalar_one() < of_type.scalar_one()


def _dicts(result: sa.CursorResult) -> list[dict]:
    """Rows as dicts, fetched at once (a page of events reads thousands of rows: one fetch
    per row costs more than building them)."""
    keys = list(result.keys())
    return [dict(zip(keys, row)) for row in result.all()]


def _reasons(conn: sa.Connection, event_ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {e: [] for e in event_ids}
    q = sa.select(merges).where(merges.c.event_id.in_(event_ids)).order_by(merges.c.mention_id)
    for row in _dicts(conn.execute(q)):
        out[row["event_id"]].append(row)
    return out


# A page's events are built (``export.records.event_record``, ``merge.claims.figure_claims``) from
# these columns of their mentions, places and figures: not the evidence quotes (the bulk of a
# mention's row, and of reading it: JSON), which only the event's own page shows.
_MEMBER_COLUMNS = [mentions.c[k] for k in ("id", "article_id", "event_id", "initiator", "target", "claimant",
                                           "weapons")]
_CHILD_COLUMNS = {
    places: [places.c[k] for k in ("name", "country", "admin1", "lat", "lon", "precision", "role", "geonames_id")],
    figures: [figures.c[k] for k in ("kind", "value", "value_max", "qualifier", "unit", "claimant", "text")],
}


def _children(conn: sa.Connection, table: sa.Table, event_ids: list[str]) -> dict[str, list[dict]]:
    """Places or figures of these events' mentions (found by the event id kept beside them: an
    IN list of a page's thousand mention ids costs more to build than to run), in their order
    (as ``mentions.iter_rows`` gives them)."""
    q = (sa.select(table.c.mention_id, *_CHILD_COLUMNS[table]).where(table.c.event_id.in_(event_ids))
         .order_by(table.c.mention_id, table.c.seq))
    out: dict[str, list[dict]] = {}
    for d in _dicts(conn.execute(q)):
        out.setdefault(d.pop("mention_id"), []).append(d)
    return out


def _members(conn: sa.Connection, event_ids: list[str]) -> dict[str, list[dict]]:
    """The mentions of these events, as ``events.members`` gives them but with only the columns
    a record is built from."""
    where = mentions.c.event_id.in_(event_ids)
    rows = _dicts(conn.execute(sa.select(*_MEMBER_COLUMNS).where(where).order_by(mentions.c.article_id, mentions.c.id)))
    figs, locs = _children(conn, figures, event_ids), _children(conn, places, event_ids)
    out: dict[str, list[dict]] = {e: [] for e in event_ids}
    for r in rows:
        out[r["event_id"]].append({**r, "figures": figs.get(r["id"], []), "locations": locs.get(r["id"], [])})
    return out


# SQLite takes the unique index on ids and reads hundreds of article rows; this index has it all
_ARTICLES_OF = "SELECT article_id FROM mentions WHERE event_id IN :events"
_ROOTS = {"sqlite": "SELECT id, duplicate_of, outlet FROM articles INDEXED BY ix_read_articles_id "
                    f"WHERE id IN ({_ARTICLES_OF})",
          "postgresql": f"SELECT id, duplicate_of, outlet FROM articles WHERE id IN ({_ARTICLES_OF})"}


def _article_roots(conn: sa.Connection, event_ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """``events.article_roots`` of the articles of these events' mentions: article id -> (the
    article it copies or itself, its outlet)."""
    q = sa.text(_ROOTS[conn.dialect.name]).bindparams(sa.bindparam("events", expanding=True))
    return {r[0]: (r[1] or r[0], r[2]) for r in conn.execute(q, {"events": event_ids}).all()}


def load_events(conn: sa.Connection, event_ids: list[str]) -> list[EventRows]:
    """The events with these ids, in this order, each with what its record is built from;
    the rows ``Store.get_event`` gives (only what the record reads of them), fetched with a
    few queries for the whole page."""
    if not event_ids:
        return []
    found = {r.id: dict(r._mapping) for r in conn.execute(sa.select(events).where(events.c.id.in_(event_ids)))}
    members = _members(conn, event_ids)
    roots = _article_roots(conn, event_ids)
    reasons = _reasons(conn, event_ids)
    return [EventRows(found[e], members[e], {m["article_id"]: roots[m["article_id"]] for m in members[e]},
                      reasons[e]) for e in event_ids if e in found]


def article_mentions(conn: sa.Connection, article_id: str) -> list[dict]:
    """The mentions found in one article: id, event, type and evidence offsets."""
    q = (sa.select(mentions.c.id, mentions.c.event_id, mentions.c.type, mentions.c.subtype, mentions.c.evidence)
         .where(mentions.c.article_id == article_id).order_by(mentions.c.id))
    return [dict(r._mapping) for r in conn.execute(q)]


# ---- statistics ---------------------------------------------------------------------------


def _by_day(rows: list, value: str, keys: tuple[str, ...]) -> list[dict]:
    """Rows of (date, *key, n) grouped by stored date, summed by day: grouping on the column
    itself reads it in index order, where grouping on an expression sorts every row."""
    sums: dict[tuple, int] = {}
    for row in rows:
        date = row[0]
        k = (date[:10] if date and len(date) >= 10 else None, *row[1:-1])
        sums[k] = sums.get(k, 0) + row[-1]
    names = ("day", *keys, value)  # the stats answer thousands of rows: each dict built in one go
    return [dict(zip(names, (*k, n))) for k, n in sorted(sums.items(), key=_day_order)]


def _day_order(item: tuple[tuple, int]) -> tuple:
    key = item[0]
    return key[0] is None, key[0] or "", key[1:]


# The filters the daily totals (``store.daily``) answer; with any other, statistics are computed
# from the events that match.
_KEPT_BY_DAY = frozenset({"since", "until", "type", "country"})


def from_totals(flt: EventFilter) -> bool:
    return all(getattr(flt, f.name) is None for f in fields(flt) if f.name not in _KEPT_BY_DAY)


def _totals_where(table: sa.Table, flt: EventFilter) -> list[sa.ColumnElement]:
    """``filter_conditions`` of a filter ``from_totals`` takes, on a table of daily totals."""
    where = [table.c.country == (flt.country or ALL_PLACES)]
    if flt.since:
        where.append(table.c.day >= flt.since)
    if flt.until:
        where.append(table.c.day <= flt.until + LATEST)
    if flt.type:
        where.append(table.c.type == flt.type)
    return where


def _totals(conn: sa.Connection, table: sa.Table, flt: EventFilter, keys: tuple[str, ...], value: str,
            summed: sa.Column) -> list[dict]:
    """What ``_by_day`` gives, from a table of daily totals: summed by key in SQL and read in
    the answer's order (the key columns compare bytewise, as Python's strings do)."""
    columns = [table.c.day, *(table.c[k] for k in keys)]
    q = (sa.select(*columns, sa.cast(sa.func.sum(summed), sa.BigInteger)).where(*_totals_where(table, flt))
         .group_by(*columns).order_by(*columns))
    rows = conn.execute(q).all()
    names = ("day", *keys, value)
    days = [dict(zip(names, row)) for row in rows if row[0] is not None and len(row[0]) >= 10]
    undated = [row for row in rows if row[0] is None or len(row[0]) < 10]  # bare months: no day either
    return days + _by_day(undated, value, keys)


def events_per_day(conn: sa.Connection, flt: EventFilter) -> list[dict]:
    if from_totals(flt):
        return _totals(conn, stat_events, flt, ("type",), "count", stat_events.c.n)
    return events_per_day_counted(conn, flt)


def events_per_day_counted(conn: sa.Connection, flt: EventFilter) -> list[dict]:
    """``events_per_day`` counted from the events that match."""
    q = (sa.select(events.c.date, events.c.type, sa.func.count()).where(*conditions(conn, flt))
         .group_by(events.c.date, events.c.type))
    return _by_day(conn.execute(q).all(), "count", ("type",))


def _unit_family(column: sa.Column) -> sa.ColumnElement:
    return sa.case(*((column == unit, family) for unit, family in sorted(UNIT_FAMILY.items())), else_=column)


def figures_per_day(conn: sa.Connection, flt: EventFilter) -> list[dict]:
    """Per day, unit family and kind (launched, intercepted): the sum over events of the
    largest value any claim about the event gives."""
    if from_totals(flt):
        return _totals(conn, stat_figures, flt, ("unit", "kind"), "value", stat_figures.c.value)
    return figures_per_day_counted(conn, flt)


def figures_per_day_counted(conn: sa.Connection, flt: EventFilter) -> list[dict]:
    """``figures_per_day`` summed from the events that match and their figures."""
    family = _unit_family(figures.c.unit).label("unit")
    largest = (sa.select(figures.c.event_id, figures.c.kind, family, sa.func.max(figures.c.value).label("value"))
               .where(figures.c.kind.in_(STAT_KINDS), figures.c.value.is_not(None), figures.c.event_id.is_not(None))
               .group_by(figures.c.kind, figures.c.event_id, family).subquery("largest"))
    total = sa.cast(sa.func.sum(largest.c.value), sa.BigInteger)  # PostgreSQL's sum is NUMERIC
    q = (sa.select(events.c.date, largest.c.unit, largest.c.kind, total)
         .join(largest, largest.c.event_id == events.c.id).where(*conditions(conn, flt))
         .group_by(events.c.date, largest.c.unit, largest.c.kind))
    return _by_day(conn.execute(q).all(), "value", ("unit", "kind"))
