"""Rows of events, merge reasons and undone merges."""
from __future__ import annotations

import re
from datetime import date as day

import sqlalchemy as sa

from sitrep.store.mentions import iter_rows as mention_rows_of
from sitrep.store.schema import (CLAIMANT_WORD, articles, claimant_words, event_aliases, events, figures,
                                 mention_weapons, merges, mentions, places, unmerges)
from sitrep.store.turns import take_turn


def pending(conn: sa.Connection) -> list[dict]:
    """Mentions not yet in an event, ordered by article id and mention id. Called first in a
    merge's transaction: the merge takes its turn, so that two never place the same mentions."""
    take_turn(conn, events)
    return list(mention_rows_of(conn, where=mentions.c.event_id.is_(None)))


LONGEST = 31  # days: a vaguer date ("in 2021") does not make reports of one event


def _sharing(column: sa.Column, values: set[str]) -> sa.ColumnElement:
    """Events one of whose mentions names one of these places."""
    ids = (sa.select(mentions.c.event_id).join(places, places.c.mention_id == mentions.c.id)
           .where(column.in_(values), mentions.c.event_id.is_not(None)))
    return events.c.id.in_(ids)


def candidates(conn: sa.Connection, mention: dict, days: int = 2) -> list[dict]:
    """Events of the mention's type that may be it (as rows): dated within ``days`` of it
    (a range or a month of at most ``LONGEST`` days counts where it overlaps), or undated and
    sharing one of its regions; an undated mention looks at the events of its places.
    merge/cluster.py's Index asks the same of the events it forms in memory."""
    same_type = events.c.type == mention["type"]
    admin1s = {loc["admin1"] for loc in mention["locations"] if loc["admin1"]}
    countries = {loc["country"] for loc in mention["locations"] if loc["country"]}
    if mention["date"]:
        lo, hi = date_span(mention["date"])
        first, last = (day.fromordinal(x).isoformat() for x in (lo - days, hi + days))
        earliest = day.fromordinal(lo - days - LONGEST).isoformat()
        # plain comparisons keep the (type, date) index usable; "/" and "-" sort below "~"
        near = [events.c.date.between(first, last + "~"),
                events.c.date.between(earliest, last + "~") & events.c.date_precision.in_(("range", "month"))]
        if admin1s:
            near.append(sa.and_(events.c.date.is_(None), _sharing(places.c.admin1, admin1s)))
    else:
        near = [_sharing(places.c.admin1, admin1s)] if admin1s else []
        if countries:
            near.append(_sharing(places.c.country, countries))
    if not near:
        return []
    q = sa.select(events).where(same_type, sa.or_(*near)).order_by(events.c.seq.desc())
    return [dict(r._mapping) for r in conn.execute(q) if _overlaps(r.date, mention["date"], days)]


def _overlaps(value: str | None, other: str | None, days: int) -> bool:
    """Whether two dates (day, range or month) are within ``days`` of each other; an undated
    side leaves it to the matcher; a span longer than ``LONGEST`` days is near nothing."""
    a, b = date_span(value), date_span(other)
    if a is None or b is None:
        return True
    if a[1] - a[0] > LONGEST or b[1] - b[0] > LONGEST:
        return False
    return a[0] - days <= b[1] and b[0] - days <= a[1]


def date_span(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    if len(value) == 7:
        start = day.fromisoformat(value + "-01").toordinal()
        return start, start + 30
    lo, _, hi = value.partition("/")
    return day.fromisoformat(lo).toordinal(), day.fromisoformat(hi or lo).toordinal()


def members(conn: sa.Connection, event_ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {e: [] for e in event_ids}
    for row in mention_rows_of(conn, where=mentions.c.event_id.in_(event_ids)):
        out[row["event_id"]].append(row)
    return out


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


def outlet_key() -> sa.ColumnElement:
    """What counts as one source, as ``export.records.event_record`` counts them: the outlet, or
    for an article without one its original (a copy counts as the article it copies)."""
    return sa.func.coalesce(sa.func.nullif(articles.c.outlet, ""), articles.c.duplicate_of, articles.c.id)


def _sources_of(event_id: sa.ColumnElement) -> sa.ScalarSelect:
    return (sa.select(sa.func.count(sa.distinct(outlet_key()))).join(articles, articles.c.id == mentions.c.article_id)
            .where(mentions.c.event_id == event_id).scalar_subquery())


# Statements run for every mention a merge places, built once (building them costs more than
# running them on SQLite).
_COUNT_ALL = events.update().values(sources=_sources_of(events.c.id))
_COUNT_ONE = _COUNT_ALL.where(events.c.id == sa.bindparam("event"))
_MOVE = [t.update().where(key == sa.bindparam("mention")).values(event_id=sa.bindparam("event"))
         for t, key in ((mentions, mentions.c.id), (places, places.c.mention_id), (figures, figures.c.mention_id),
                        (mention_weapons, mention_weapons.c.mention_id))]
_EVENT_OF = sa.select(mentions.c.event_id).where(mentions.c.id == sa.bindparam("mention"))


def count_sources(conn: sa.Connection, event_id: str | None = None) -> None:
    """Bring ``events.sources`` up to date for one event, or for all (a store from before it)."""
    if event_id is None:
        conn.execute(_COUNT_ALL)
    else:
        conn.execute(_COUNT_ONE, {"event": event_id})


_WORD = re.compile(r"\w+")
_NAMES_OF = sa.union_all(sa.select(mentions.c.claimant).where(mentions.c.id == sa.bindparam("mention")),
                         sa.select(figures.c.claimant).where(figures.c.mention_id == sa.bindparam("mention")))
_UNINDEX = claimant_words.delete().where(claimant_words.c.mention_id == sa.bindparam("mention"))


def words_of_claimant(name: str | None) -> set[str]:
    """The words of a claimant as the claimant filter matches them: case-folded ``\\w+`` runs."""
    return {w[:CLAIMANT_WORD] for w in _WORD.findall((name or "").casefold())}


def _word_rows(mention_id: str, event_id: str, names) -> list[dict]:
    words = set().union(*(words_of_claimant(n) for n in names))
    return [{"word": w, "event_id": event_id, "mention_id": mention_id} for w in sorted(words)]


def _index_claimants(conn: sa.Connection, mention_id: str, event_id: str | None) -> None:
    """The claimant words of a mention and its figures, under the event it is now in."""
    conn.execute(_UNINDEX, {"mention": mention_id})
    if event_id is None:
        return
    rows = _word_rows(mention_id, event_id, (r[0] for r in conn.execute(_NAMES_OF, {"mention": mention_id})))
    if rows:
        conn.execute(claimant_words.insert(), rows)


def unindex_claimants(conn: sa.Connection, article_id: str) -> None:
    """Forget the claimant words of an article's mentions (they are about to be replaced)."""
    ids = sa.select(mentions.c.id).where(mentions.c.article_id == article_id)
    conn.execute(claimant_words.delete().where(claimant_words.c.mention_id.in_(ids)))


def index_all_claimants(conn: sa.Connection) -> None:
    """Rebuild ``claimant_words`` for the whole store (a store from before it)."""
    conn.execute(claimant_words.delete())
    names: dict[tuple[str, str], list[str]] = {}
    said = sa.select(mentions.c.id, mentions.c.event_id, mentions.c.claimant)
    counted = sa.select(figures.c.mention_id, figures.c.event_id, figures.c.claimant)
    for q in (said, counted):
        for mention_id, event_id, name in conn.execute(q.where(q.selected_columns[1].is_not(None),
                                                               q.selected_columns[2].is_not(None))):
            names.setdefault((mention_id, event_id), []).append(name)
    rows = [row for (m, e), ns in names.items() for row in _word_rows(m, e, ns)]
    for i in range(0, len(rows), 5000):
        conn.execute(claimant_words.insert(), rows[i:i + 5000])


def _move(conn: sa.Connection, mention_id: str, event_id: str | None, recount: bool = True) -> str | None:
    """Put a mention (and the copies of its event id beside its places, figures and weapons)
    in an event; recount the sources of the event it left and of the one it joined, unless the
    caller recounts once for many moves. Returns the event it left."""
    left = conn.execute(_EVENT_OF, {"mention": mention_id}).scalar()
    if left == event_id:
        return left
    for statement in _MOVE:
        conn.execute(statement, {"mention": mention_id, "event": event_id})
    _index_claimants(conn, mention_id, event_id)
    for changed in ({left, event_id} - {None}) if recount else ():
        count_sources(conn, changed)
    return left


def assign(conn: sa.Connection, mention_id: str, event_id: str, score: float, reason: str,
           recount: bool = True) -> None:
    """Put a mention in an event with the reason; ``recount=False`` leaves ``events.sources``
    to the caller (``count_sources`` once per event after many assignments)."""
    _move(conn, mention_id, event_id, recount)
    conn.execute(merges.delete().where(merges.c.mention_id == mention_id))
    conn.execute(merges.insert().values(mention_id=mention_id, event_id=event_id, score=score, reason=reason))


def unmerge(conn: sa.Connection, mention_id: str) -> str | None:
    """Take a mention out of its event for good; returns the event it left."""
    row = conn.execute(sa.select(mentions.c.event_id).where(mentions.c.id == mention_id)).first()
    if row is None or row[0] is None:
        return None
    conn.execute(unmerges.insert().values(mention_id=mention_id, event_id=row[0]))
    _move(conn, mention_id, None)
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
    """The event with this id, or the one an old id of an absorbed event leads to."""
    row = conn.execute(sa.select(events).where(events.c.id == event_id)).first()
    if row is None:
        alias = sa.select(event_aliases.c.event_id).where(event_aliases.c.old_id == event_id)
        row = conn.execute(sa.select(events).where(events.c.id == alias.scalar_subquery())).first()
    return dict(row._mapping) if row else None


def forbidden_many(conn: sa.Connection, mention_ids: list[str]) -> dict[str, set[str]]:
    """mention id -> the events it was taken out of (undone merges)."""
    out: dict[str, set[str]] = {}
    for i in range(0, len(mention_ids), 5000):
        q = sa.select(unmerges).where(unmerges.c.mention_id.in_(mention_ids[i:i + 5000]))
        for r in conn.execute(q):
            out.setdefault(r.mention_id, set()).add(r.event_id)
    return out


def date_event(conn: sa.Connection, event_id: str, date: str | None, precision: str) -> None:
    """Set an event's date and lend it to the members that have none of their own (a member
    that borrowed an earlier date takes the new one; with no date, borrowed dates go)."""
    conn.execute(events.update().where(events.c.id == event_id).values(date=date, date_precision=precision))
    lent = (mentions.c.event_id == event_id) & (mentions.c.date.is_(None) | (mentions.c.date_source == "borrowed"))
    values = dict(date=date, date_precision=precision, date_source="borrowed") if date else \
        dict(date=None, date_precision="unknown", date_source="none")
    conn.execute(mentions.update().where(lent).values(**values))


def delete(conn: sa.Connection, event_id: str, into: str | None = None) -> None:
    """Drop an event none of whose reports is left in it; where they went ``into`` another,
    its id (and the ids that already led to it) lead there from now on."""
    conn.execute(events.delete().where(events.c.id == event_id))
    if into is None:
        return
    conn.execute(event_aliases.update().where(event_aliases.c.event_id == event_id).values(event_id=into))
    conn.execute(event_aliases.delete().where(event_aliases.c.old_id == event_id))
    conn.execute(event_aliases.insert().values(old_id=event_id, event_id=into))
