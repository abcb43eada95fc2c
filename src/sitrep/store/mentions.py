"""Rows of mentions with their figures and places."""
from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import Iterable, Iterator

import sqlalchemy as sa

from sitrep.model import Mention
from sitrep.store.plain import execute_many
from sitrep.store.schema import figures, mention_weapons, mentions, places


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _flat(record) -> dict:
    """A record of plain values as a dict (``asdict`` copies every value deeply, and ingest
    writes tens of thousands of these)."""
    return {name: getattr(record, name) for name in _names(type(record))}


def _mention_row(m: Mention) -> dict:
    return {
        "id": m.id, "article_id": m.article_id, "event_id": m.event_id, "type": m.type,
        "subtype": m.subtype, "date": m.date.value, "date_precision": m.date.precision,
        "date_source": m.date.source, "date_phrase": m.date.phrase, "time": m.time,
        "initiator": m.actors.initiator, "target": m.actors.target, "claimant": m.claimant,
        "status": m.status, "weapons": [_flat(w) for w in m.weapons],
        "evidence": [_flat(s) for s in m.evidence],
    }


def _figure_rows(m: Mention) -> list[dict]:
    return [{"mention_id": m.id, "seq": i, "kind": f.kind, "value": f.value, "value_max": f.value_max,
             "qualifier": f.qualifier, "unit": f.unit, "claimant": f.claimant, "text": f.text,
             "start": f.evidence.start if f.evidence else None,
             "end": f.evidence.end if f.evidence else None, "event_id": m.event_id}
            for i, f in enumerate(m.figures)]


def _place_rows(m: Mention) -> list[dict]:
    return [{"mention_id": m.id, "seq": i, **_flat(p), "event_id": m.event_id} for i, p in enumerate(m.locations)]


def _weapon_rows(m: Mention) -> list[dict]:
    return [{"mention_id": m.id, "category": c, "event_id": m.event_id}
            for c in sorted({w.category for w in m.weapons})]


def insert_many(conn: sa.Connection, items: Iterable[Mention]) -> None:
    items = list(items)
    if not items:
        return
    conn.execute(mentions.insert(), [_mention_row(m) for m in items])
    fig_rows = [r for m in items for r in _figure_rows(m)]
    for statement, rows in ((_INSERT_FIGURES, fig_rows), (_INSERT_PLACES, [r for m in items for r in _place_rows(m)]),
                            (_INSERT_WEAPONS, [r for m in items for r in _weapon_rows(m)])):
        execute_many(conn, statement, rows)


# one object each: plain.execute_many compiles a statement once
_INSERT_FIGURES, _INSERT_PLACES, _INSERT_WEAPONS = figures.insert(), places.insert(), mention_weapons.insert()


def delete_for_article(conn: sa.Connection, article_id: str) -> list[str]:
    """Delete an article's mentions; returns the events they were in (their sources change)."""
    ids = sa.select(mentions.c.id).where(mentions.c.article_id == article_id)
    left = sa.select(mentions.c.event_id).where(mentions.c.article_id == article_id, mentions.c.event_id.is_not(None))
    event_ids = sorted({r[0] for r in conn.execute(left)})
    for table in (figures, places, mention_weapons):
        conn.execute(table.delete().where(table.c.mention_id.in_(ids)))
    conn.execute(mentions.delete().where(mentions.c.article_id == article_id))
    return event_ids


def dicts(result: sa.CursorResult) -> Iterator[dict]:
    """Rows as dicts (a third of the time ``dict(row._mapping)`` takes: pages of events read
    thousands of rows)."""
    keys = list(result.keys())
    return (dict(zip(keys, row)) for row in result)


def _children(conn: sa.Connection, table: sa.Table, mention_ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    # places and figures carry their mention's event for the API's filters only
    columns = [c for c in table.c if c.name != "event_id"]
    q = sa.select(*columns).where(table.c.mention_id.in_(mention_ids)).order_by(table.c.mention_id, table.c.seq)
    for d in dicts(conn.execute(q)):
        out.setdefault(d.pop("mention_id"), []).append(d)
    return out


def iter_rows(conn: sa.Connection, batch: int = 500, where=None) -> Iterator[dict]:
    """Every mention (or those ``where`` selects) as a dict with ``figures`` and ``locations``
    lists, in a stable order."""
    q = sa.select(mentions).order_by(mentions.c.article_id, mentions.c.id)
    if where is not None:
        q = q.where(where)
    rows = list(dicts(conn.execute(q)))
    for i in range(0, len(rows), batch):
        chunk = rows[i:i + batch]
        ids = [r["id"] for r in chunk]
        figs, locs = _children(conn, figures, ids), _children(conn, places, ids)
        for r in chunk:
            yield {**r, "figures": figs.get(r["id"], []), "locations": locs.get(r["id"], [])}
