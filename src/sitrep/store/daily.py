"""Daily totals behind /api/stats (``schema.stat_events``, ``schema.stat_figures``), kept up to
date as events are written: whatever changes an event's date, type or members recomputes the
totals of the days concerned, from the same rows the on-the-fly statistics read
(``queries.events_per_day``, ``queries.figures_per_day``), so that both give the same answer.

Totals are kept per ``day_key`` of the stored date: its first ten characters (the day of a date,
a range's first day, a date-time's day), or a bare month as it is. The API's since/until compare
a date with at most ten characters, which the day key decides alone.
"""
from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable

import sqlalchemy as sa

from sitrep.store.schema import ALL_PLACES, events, figures, places, stat_events, stat_figures, stat_version
from sitrep.store.turns import take_turn

STAT_KINDS = ("launched", "intercepted")
_CHUNK = 2000  # dates per IN list
_RANGES = 100  # days per OR of ranges (SQLite caps the depth of an expression)
# Sums saturate at the largest 64-bit integer: figures come from untrusted text, and two
# absurd ones must not overflow the column and stop every later merge.
_MAX_SUM = 2 ** 63 - 1


def _unit_family() -> dict[str, str]:
    # imported here: sitrep.merge imports the store, and the store is imported first
    from sitrep.merge.claims import UNIT_FAMILY
    return UNIT_FAMILY


def day_key(date: str | None) -> str | None:
    """What the totals of an event with this stored date are kept under."""
    return date[:10] if date is not None and len(date) >= 10 else date


def _of_day(key: str) -> sa.ColumnElement:
    """Events whose date has this day key."""
    return events.c.date.between(key, key + "~") if len(key) >= 10 else events.c.date == key


def refresh_dates(conn: sa.Connection, dates: Iterable[str | None]) -> None:
    """Recompute the totals of the days of these stored dates (None: the undated events)."""
    keys = {day_key(d) for d in dates}
    if not keys:
        return
    take_turn(conn, events)  # as every writer of events: two refreshing one day would both insert its rows
    dated = sorted(k for k in keys if k is not None)
    for i in range(0, len(dated), _RANGES):
        part = dated[i:i + _RANGES]
        _recompute(conn, sa.or_(*map(_of_day, part)), stat_events.c.day.in_(part), stat_figures.c.day.in_(part))
    if None in keys:
        _recompute(conn, events.c.date.is_(None), stat_events.c.day.is_(None), stat_figures.c.day.is_(None))


def refresh_events(conn: sa.Connection, event_ids: Iterable[str | None]) -> None:
    """Recompute the totals of the dates these events have now."""
    ids = sorted({e for e in event_ids if e is not None})
    refresh_dates(conn, dates_of(conn, ids))


def dates_of(conn: sa.Connection, event_ids: list[str]) -> set[str | None]:
    """The stored dates of these events (those that exist)."""
    found: set[str | None] = set()
    for i in range(0, len(event_ids), _CHUNK):
        q = sa.select(events.c.date).where(events.c.id.in_(event_ids[i:i + _CHUNK])).distinct()
        found.update(conn.execute(q).scalars())
    return found


def unfilled(conn: sa.Connection) -> bool:
    """Events but no totals: a store from before the tables, or whose first fill was cut off
    (SQLite commits a CREATE TABLE at once, so the tables can exist empty)."""
    has_totals = conn.execute(sa.select(stat_events.c.n).limit(1)).first() is not None
    return not has_totals and conn.execute(sa.select(events.c.id).limit(1)).first() is not None


def rebuild(conn: sa.Connection) -> None:
    """Recompute every total (a store from before the tables, or filled by other means)."""
    take_turn(conn, events)
    _recompute(conn, sa.true(), sa.true(), sa.true())


def version(conn: sa.Connection) -> str | None:
    """The totals' current token (``schema.stat_version``): a new one with every change, None
    before the first."""
    return conn.execute(sa.select(stat_version.c.token).where(stat_version.c.id == 1)).scalar()


def new_version(conn: sa.Connection) -> None:
    """Give the totals a new token (``version``)."""
    # random, not counted: a store made again from nothing must not repeat an old token
    token = uuid.uuid4().hex
    if conn.execute(stat_version.update().where(stat_version.c.id == 1).values(token=token)).rowcount == 0:
        conn.execute(stat_version.insert().values(id=1, token=token))


def _recompute(conn: sa.Connection, which_events: sa.ColumnElement, *which_rows: sa.ColumnElement) -> None:
    new_version(conn)
    conn.execute(stat_events.delete().where(which_rows[0]))
    conn.execute(stat_figures.delete().where(which_rows[1]))
    info = {r[0]: (day_key(r[1]), r[2]) for r in conn.execute(sa.select(events.c.id, events.c.date, events.c.type)
                                                        .where(which_events))}
    if not info:
        return
    ids = sa.select(events.c.id).where(which_events)
    wheres = _countries(conn, ids)
    counts: Counter = Counter()
    for event_id, (day, kind) in info.items():
        for place in (ALL_PLACES, *wheres.get(event_id, ())):
            counts[(day, kind, place)] += 1
    sums: Counter = Counter()
    for (event_id, kind, family), value in _largest(conn, ids).items():
        day, event_type = info[event_id]
        for place in (ALL_PLACES, *wheres.get(event_id, ())):
            sums[(day, event_type, place, family, kind)] += value
    _insert(conn, stat_events, [dict(zip(("day", "type", "country"), k), n=n) for k, n in counts.items()])
    _insert(conn, stat_figures, [dict(zip(("day", "type", "country", "unit", "kind"), k), value=min(v, _MAX_SUM))
                                 for k, v in sums.items()])


def _countries(conn: sa.Connection, ids: sa.Select) -> dict[str, set[str]]:
    """event id -> the countries of its places (as the country filter matches them)."""
    q = (sa.select(places.c.event_id, places.c.country).distinct()
         .where(places.c.event_id.in_(ids), places.c.country.is_not(None), places.c.country != ""))
    out: dict[str, set[str]] = {}
    for event_id, country in conn.execute(q):
        out.setdefault(event_id, set()).add(country)
    return out


def _largest(conn: sa.Connection, ids: sa.Select) -> dict[tuple[str, str, str], int]:
    """(event id, kind, unit family) -> the largest value a figure of the event gives."""
    q = (sa.select(figures.c.event_id, figures.c.kind, figures.c.unit, sa.func.max(figures.c.value))
         .where(figures.c.kind.in_(STAT_KINDS), figures.c.value.is_not(None), figures.c.event_id.in_(ids))
         .group_by(figures.c.event_id, figures.c.kind, figures.c.unit))
    family = _unit_family()
    out: dict[tuple[str, str, str], int] = {}
    for event_id, kind, unit, value in conn.execute(q):
        key = (event_id, kind, family.get(unit, unit))
        out[key] = max(out.get(key, value), value)
    return out


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    for i in range(0, len(rows), 5000):
        conn.execute(table.insert(), rows[i:i + 5000])
