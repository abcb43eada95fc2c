"""Each event as a list of events gives it (``schema.event_listings``), kept as JSON text beside
the event: the export record (``export.records.event_record``) with at most its first
``LIST_MENTIONS`` mention ids and their merge reasons, and ``n_mentions`` counting them all.

A page of events then reads 50 short rows, where building the records read every report of
its events (the 50 most reported events at 100k events have ~1,600 between them: 90 ms of
CPU). Recomputed whenever an event's reports, date or merge reasons change
(``store.events``: a merge once all its reports are placed, an unmerge; ``Store`` as mentions
are written or replaced); an event that goes takes its row with it.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable

import sqlalchemy as sa

from sitrep.store.schema import event_listings, events

# A list gives each event's first mention ids and their merge reasons, not all: the most
# reported events have dozens or hundreds, which made a page of them hundreds of kilobytes (the
# reasons above all). Everything else in the record is built from every mention.
LIST_MENTIONS = 20
_CHUNK = 200  # events built at once: their reports are read with one query per table


def dumps(value: object) -> str:
    """JSON as the API writes it (compact, UTF-8 text). JSON has no NaN or infinity: such a
    number (a coordinate read from a broken file) is written as null rather than stopping the
    merge that writes the record."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        return json.dumps(_finite(value), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _finite(value: object) -> object:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def event_record(rows) -> dict:
    """The export record of an event from ``queries.EventRows`` (or ``Store.get_event``'s rows)."""
    # imported here: sitrep.merge imports the store, and the store is imported first
    from sitrep.export import records
    from sitrep.merge.claims import figure_claims
    claims = figure_claims(rows.members, {a: r[0] for a, r in rows.roots.items()})
    return records.event_record(rows.event, rows.members, rows.roots, claims, rows.reasons)


def listed(record: dict, first: int | None = None) -> dict:
    """An event record as a list gives it: at most ``first`` (``LIST_MENTIONS``) mention ids
    (and the merge reasons of those), with ``n_mentions`` counting them all."""
    kept = record["mentions"][:LIST_MENTIONS if first is None else first]
    if len(kept) == len(record["mentions"]):
        return record | {"n_mentions": len(kept)}
    ids = set(kept)
    return record | {"mentions": kept, "merges": [r for r in record["merges"] if r["mention_id"] in ids],
                     "n_mentions": len(record["mentions"])}


def build(conn: sa.Connection, event_ids: list[str]) -> dict[str, str]:
    """event id -> its listed record as JSON text, built from its rows now (those that exist)."""
    from sitrep.store import queries  # it imports sitrep.merge (see event_record)
    out: dict[str, str] = {}
    for i in range(0, len(event_ids), _CHUNK):
        for rows in queries.load_events(conn, event_ids[i:i + _CHUNK]):
            out[rows.event["id"]] = dumps(listed(event_record(rows)))
    return out


def refresh(conn: sa.Connection, event_ids: Iterable[str | None]) -> None:
    """Recompute the listed records of these events (an event that is gone loses its row)."""
    ids = sorted({e for e in event_ids if e is not None})
    for i in range(0, len(ids), _CHUNK):
        part = ids[i:i + _CHUNK]
        conn.execute(event_listings.delete().where(event_listings.c.event_id.in_(part)))
        _insert(conn, build(conn, part))


def rebuild(conn: sa.Connection) -> None:
    """Recompute every event's listed record (a store from before the table, or filled by other means)."""
    conn.execute(event_listings.delete())
    ids = list(conn.execute(sa.select(events.c.id).order_by(events.c.id)).scalars())
    for i in range(0, len(ids), _CHUNK * 10):
        _insert(conn, build(conn, ids[i:i + _CHUNK * 10]))


def unfilled(conn: sa.Connection) -> bool:
    """Events but no listed records: a store from before the table, or whose first fill was cut
    off (SQLite commits a CREATE TABLE at once)."""
    has_rows = conn.execute(sa.select(event_listings.c.event_id).limit(1)).first() is not None
    return not has_rows and conn.execute(sa.select(events.c.id).limit(1)).first() is not None


def read(conn: sa.Connection, event_ids: list[str]) -> dict[str, str]:
    """event id -> its kept listed record (JSON text), for those of these events that have one."""
    if not event_ids:
        return {}
    q = sa.select(event_listings.c.event_id, event_listings.c.record).where(event_listings.c.event_id.in_(event_ids))
    return dict(conn.execute(q).all())


def _insert(conn: sa.Connection, records: dict[str, str]) -> None:
    rows = [{"event_id": e, "record": r} for e, r in records.items()]
    for i in range(0, len(rows), 1000):
        conn.execute(event_listings.insert(), rows[i:i + 1000])
