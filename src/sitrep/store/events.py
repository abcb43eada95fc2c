"""Rows of events, merge reasons and undone merges."""
from __future__ import annotations

from datetime import date as day, timedelta

import sqlalchemy as sa

from sitrep.store.mentions import iter_rows as mention_rows_of
from sitrep.store.schema import articles, events, merges, mentions, places, unmerges
from sitrep.store.turns import take_turn


def pending(conn: sa.Connection) -> list[dict]:
    """Mentions not yet in an event, ordered by article id and mention id. Called first in a
    merge's transaction: the merge takes its turn, so that two never place the same mentions."""
    take_turn(conn, events)
    return list(mention_rows_of(conn, where=mentions.c.event_id.is_(None)))


def _day_window(date: str | None, days: int) -> tuple[str, str] | None:
    if not date or len(date) < 10:
        return None
    lo, hi = date[:10], date[-10:]
    return ((day.fromisoformat(lo) - timedelta(days=days)).isoformat(),
            (day.fromisoformat(hi) + timedelta(days=days)).isoformat())


def _sharing(column: sa.Column, values: set[str]) -> sa.ColumnElement:
    """Events one of whose mentions names one of these places."""
    ids = (sa.select(mentions.c.event_id).join(places, places.c.mention_id == mentions.c.id)
           .where(column.in_(values), mentions.c.event_id.is_not(None)))
    return events.c.id.in_(ids)


def candidates(conn: sa.Connection, mention: dict, days: int = 2) -> list[dict]:
    """Events of the mention's type that may be it (as rows): dated near it, or undated and
    sharing one of its places; an undated mention looks at the events of its places."""
    same_type = events.c.type == mention["type"]
    admin1s = {loc["admin1"] for loc in mention["locations"] if loc["admin1"]}
    countries = {loc["country"] for loc in mention["locations"] if loc["country"]}
    if mention["date"]:
        window = _day_window(mention["date"], days) or (mention["date"], mention["date"])
        # plain comparisons keep the (type, date) index usable; "/" and "-" sort below "~"
        near = [events.c.date.between(window[0], window[1] + "~")]
        if admin1s:
            near.append(sa.and_(events.c.date.is_(None), _sharing(places.c.admin1, admin1s)))
    else:
        near = [_sharing(places.c.admin1, admin1s)] if admin1s else []
        if countries:
            near.append(_sharing(places.c.country, countries))
    if not near:
        return []
    q = sa.select(events).where(same_type, sa.or_(*near)).order_by(events.c.seq.desc()).limit(200)
    return [dict(r._mapping) for r in conn.execute(q)]


def members(conn: sa.Connection, event_ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {e: [] for e in event_ids}
    for row in mention_rows_of(conn, where=mentions.c.event_id.in_(event_ids)):
        out[row["event_id"]].append(row)
    return out


def forbidden(conn: sa.Connection, mention_id: str) -> set[str]:
    q = sa.select(unmerges.c.event_id).where(unmerges.c.mention_id == mention_id)
    return {r[0] for r in conn.execute(q)}


def article_roots(conn: sa.Connection, article_ids: set[str]) -> dict[str, tuple[str, str | None]]:
    """article id -> (the article it copies or itself, its outlet)."""
    q = sa.select(articles.c.id, articles.c.duplicate_of, articles.c.outlet).where(articles.c.id.in_(article_ids))
    return {r[0]: (r[1] or r[0], r[2]) for r in conn.execute(q)}


def create(conn: sa.Connection, event_id: str, mention: dict) -> None:
    take_turn(conn, events)
    next_seq = sa.select(sa.func.coalesce(sa.func.max(events.c.seq), 0) + 1).scalar_subquery()
    conn.execute(events.insert().values(id=event_id, type=mention["type"], subtype=mention["subtype"],
                                        date=mention["date"], date_precision=mention["date_precision"],
                                        seq=next_seq))


def assign(conn: sa.Connection, mention_id: str, event_id: str, score: float, reason: str) -> None:
    conn.execute(mentions.update().where(mentions.c.id == mention_id).values(event_id=event_id))
    conn.execute(merges.delete().where(merges.c.mention_id == mention_id))
    conn.execute(merges.insert().values(mention_id=mention_id, event_id=event_id, score=score, reason=reason))


def set_date(conn: sa.Connection, event_id: str, date: str, precision: str) -> None:
    """Give an event its date and lend it to the members that had none."""
    conn.execute(events.update().where(events.c.id == event_id).values(date=date, date_precision=precision))
    conn.execute(mentions.update()
                 .where(mentions.c.event_id == event_id, mentions.c.date.is_(None))
                 .values(date=date, date_precision=precision, date_source="borrowed"))


def unmerge(conn: sa.Connection, mention_id: str) -> str | None:
    """Take a mention out of its event for good; returns the event it left."""
    row = conn.execute(sa.select(mentions.c.event_id).where(mentions.c.id == mention_id)).first()
    if row is None or row[0] is None:
        return None
    conn.execute(unmerges.insert().values(mention_id=mention_id, event_id=row[0]))
    conn.execute(mentions.update().where(mentions.c.id == mention_id).values(event_id=None))
    conn.execute(merges.delete().where(merges.c.mention_id == mention_id))
    return row[0]


def reasons(conn: sa.Connection, event_id: str) -> list[dict]:
    q = sa.select(merges).where(merges.c.event_id == event_id).order_by(merges.c.mention_id)
    return [dict(r._mapping) for r in conn.execute(q)]


def iter_events(conn: sa.Connection, batch: int = 200):
    rows = [dict(r._mapping) for r in conn.execute(sa.select(events).order_by(events.c.seq))]
    for i in range(0, len(rows), batch):
        chunk = rows[i:i + batch]
        found = members(conn, [r["id"] for r in chunk])
        for r in chunk:
            yield r, found[r["id"]]


def get(conn: sa.Connection, event_id: str) -> dict | None:
    row = conn.execute(sa.select(events).where(events.c.id == event_id)).first()
    return dict(row._mapping) if row else None
