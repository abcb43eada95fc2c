"""Rows of events, merge reasons and undone merges."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import date as day

import sqlalchemy as sa

from sitrep.store import daily, event_words, listing
from sitrep.store.mentions import iter_rows as mention_rows_of
from sitrep.store.plain import execute_many
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


def candidates_many(conn: sa.Connection, wanted: list[dict], days: int = 2) -> list[list[dict]]:
    """``candidates`` for many mentions, with a few queries: the events of each type in the
    windows of days the mentions span and those of their places (a superset), then sifted in
    memory exactly as ``candidates`` asks."""
    found: list[list[dict]] = [[] for _ in wanted]
    for kind in sorted({m["type"] for m in wanted}):
        which = [i for i, m in enumerate(wanted) if m["type"] == kind]
        pool = _Pool(*_pool(conn, kind, [wanted[i] for i in which], days))
        for i in which:
            found[i] = pool.sift(wanted[i], days)
    return found


def _pool(conn: sa.Connection, kind: str, wanted: list[dict], days: int) -> tuple[list[dict], dict]:
    """Events of a type that any of ``wanted`` may ask for, and the (regions, countries) of
    those whose places matter."""
    spans = sorted((lo - days - LONGEST, hi + days) for lo, hi in filter(None, (date_span(m["date"]) for m in wanted))
                   if hi - lo <= LONGEST)  # a longer span is near no dated event (``_overlaps``)
    windows: list[list[int]] = []
    for lo, hi in spans:
        if windows and lo <= windows[-1][1] + 1:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    near = [events.c.date.between(day.fromordinal(lo).isoformat(), day.fromordinal(hi).isoformat() + "~")
            for lo, hi in windows]
    admin1s = {loc["admin1"] for m in wanted for loc in m["locations"] if loc["admin1"]}
    undated = [m for m in wanted if not m["date"]]
    countries = {loc["country"] for m in undated for loc in m["locations"] if loc["country"]}
    if undated:  # an undated mention asks for the events of its places, dated or not
        near += [_sharing(places.c.admin1, admin1s)] if admin1s else []
        near += [_sharing(places.c.country, countries)] if countries else []
    elif admin1s:
        near.append(events.c.date.is_(None) & _sharing(places.c.admin1, admin1s))
    by_id: dict[str, dict] = {}
    for i in range(0, len(near), 50):  # SQLite caps the depth of an expression
        q = sa.select(events).where(events.c.type == kind, sa.or_(*near[i:i + 50]))
        by_id.update((r.id, dict(r._mapping)) for r in conn.execute(q))
    rows = list(by_id.values())
    return rows, _places_of(conn, [r["id"] for r in rows if undated or r["date"] is None])


def _places_of(conn: sa.Connection, event_ids: list[str]) -> dict[str, tuple[set, set]]:
    """event id -> (the regions, the countries) its reports name."""
    out: dict[str, tuple[set, set]] = {}
    for i in range(0, len(event_ids), 5000):
        q = (sa.select(mentions.c.event_id, places.c.admin1, places.c.country)
             .join(places, places.c.mention_id == mentions.c.id).where(mentions.c.event_id.in_(event_ids[i:i + 5000])))
        for event_id, admin1, country in conn.execute(q):
            regions, lands = out.setdefault(event_id, (set(), set()))
            regions.add(admin1)
            lands.add(country)
    return out


class _Pool:
    """Events looked up as ``candidates`` asks: dated ones by date, all by their places."""

    def __init__(self, rows: list[dict], where: dict[str, tuple[set, set]]) -> None:
        self.dated = sorted((r for r in rows if r["date"] is not None), key=lambda r: r["date"])
        self.dates = [r["date"] for r in self.dated]
        self.by_place: dict[tuple[str, str], list[dict]] = {}
        for r in rows:
            regions, lands = where.get(r["id"], ((), ()))
            for key in {("admin1", x) for x in regions} | {("country", x) for x in lands}:
                self.by_place.setdefault(key, []).append(r)

    def _of(self, field: str, values: set[str]) -> list[dict]:
        return [r for v in values for r in self.by_place.get((field, v), [])]

    def sift(self, mention: dict, days: int) -> list[dict]:
        admin1s = {loc["admin1"] for loc in mention["locations"] if loc["admin1"]}
        if mention["date"]:
            lo, hi = date_span(mention["date"])
            first, last = (day.fromordinal(x).isoformat() for x in (lo - days, hi + days))
            earliest = day.fromordinal(lo - days - LONGEST).isoformat()
            span = self.dated[bisect_left(self.dates, earliest):bisect_right(self.dates, last + "~")]
            hits = [r for r in span if r["date"] >= first or r["date_precision"] in ("range", "month")]
            hits += [r for r in self._of("admin1", admin1s) if r["date"] is None]
        else:
            countries = {loc["country"] for loc in mention["locations"] if loc["country"]}
            hits = self._of("admin1", admin1s) + self._of("country", countries)
        unique = {r["id"]: r for r in hits}.values()
        return [r for r in sorted(unique, key=lambda r: -r["seq"]) if _overlaps(r["date"], mention["date"], days)]


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
    create_many(conn, [(event_id, mention)])


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
_UNINDEX = claimant_words.delete().where(claimant_words.c.mention_id == sa.bindparam("mention"))


def words_of_claimant(name: str | None) -> set[str]:
    """The words of a claimant as the claimant filter matches them: case-folded ``\\w+`` runs."""
    return {w[:CLAIMANT_WORD] for w in _WORD.findall((name or "").casefold())}


def _word_rows(mention_id: str, event_id: str, names) -> list[dict]:
    words = set().union(*(words_of_claimant(n) for n in names))
    return [{"word": w, "event_id": event_id, "mention_id": mention_id} for w in sorted(words)]


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


def assign(conn: sa.Connection, mention_id: str, event_id: str, score: float, reason: str) -> None:
    """Put one mention in an event with the reason, and recount both events' sources."""
    left = conn.execute(_EVENT_OF, {"mention": mention_id}).scalar()
    assign_many(conn, [(mention_id, event_id, score, reason)])
    count_sources_many(conn, sorted({left, event_id} - {None}))


def unmerge(conn: sa.Connection, mention_id: str) -> str | None:
    """Take a mention (and the copies of its event id beside its places, figures, weapons and
    claimant words) out of its event for good; returns the event it left."""
    take_turn(conn, events)  # before any row is written: the totals it refreshes are a merge's too
    left = conn.execute(_EVENT_OF, {"mention": mention_id}).scalar()
    if left is None:
        return None
    conn.execute(unmerges.insert().values(mention_id=mention_id, event_id=left))
    for statement in _MOVE:
        conn.execute(statement, {"mention": mention_id, "event": None})
    conn.execute(_UNINDEX, {"mention": mention_id})
    conn.execute(merges.delete().where(merges.c.mention_id == mention_id))
    count_sources(conn, left)
    daily.refresh_events(conn, [left])
    event_words.refresh(conn, [left])
    listing.refresh(conn, [left])
    return left


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


def delete(conn: sa.Connection, event_id: str, into: str | None = None) -> None:
    """Drop an event none of whose reports is left in it; where they went ``into`` another,
    its id (and the ids that already led to it) lead there from now on."""
    gone = daily.dates_of(conn, [event_id])
    conn.execute(events.delete().where(events.c.id == event_id))
    daily.refresh_dates(conn, gone)
    event_words.refresh(conn, [event_id])
    listing.refresh(conn, [event_id])
    if into is None:
        return
    conn.execute(event_aliases.update().where(event_aliases.c.event_id == event_id).values(event_id=into))
    conn.execute(event_aliases.delete().where(event_aliases.c.old_id == event_id))
    conn.execute(event_aliases.insert().values(old_id=event_id, event_id=into))


# ---- a merge's writes, many rows per statement ------------------------------------------------
# The rows of a merge written many per statement (a merge of a whole corpus
# places thousands of reports: one statement per row was most of its time).

_CHUNK = 5000  # ids per IN list


def _chunks(items: list) -> list[list]:
    return [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def taken_ids(conn: sa.Connection, ids: list[str]) -> set[str]:
    """Which of these ids an event has, or an absorbed event had (``get`` finds both)."""
    out: set[str] = set()
    for part in _chunks(sorted(set(ids))):
        out.update(conn.execute(sa.select(events.c.id).where(events.c.id.in_(part))).scalars())
        out.update(conn.execute(sa.select(event_aliases.c.old_id).where(event_aliases.c.old_id.in_(part))).scalars())
    return out


def create_many(conn: sa.Connection, founded: list[tuple[str, dict]], totals: bool = True) -> None:
    """Found events (id, the event's type, subtype and date), their seqs in this order.
    ``totals=False`` leaves their days' daily totals to the caller (a merge: ``date_many``)."""
    if not founded:
        return
    take_turn(conn, events)
    conn.execute(_FOUND, [{"id": event_id, "type": e["type"], "subtype": e["subtype"], "date": e["date"],
                           "date_precision": e["date_precision"]} for event_id, e in founded])
    if totals:
        daily.refresh_dates(conn, {e["date"] for _, e in founded})


# the seq is read inside the INSERT (as ``create`` does), never before it
_FOUND = events.insert().values(seq=sa.select(sa.func.coalesce(sa.func.max(events.c.seq), 0) + 1).scalar_subquery())


def _events_of(conn: sa.Connection, mention_ids: list[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for part in _chunks(mention_ids):
        out.update(conn.execute(sa.select(mentions.c.id, mentions.c.event_id).where(mentions.c.id.in_(part))).all())
    return out


def _names_of_many(conn: sa.Connection, mention_ids: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {m: [] for m in mention_ids}
    for part in _chunks(mention_ids):
        for q in (sa.select(mentions.c.id, mentions.c.claimant).where(mentions.c.id.in_(part)),
                  sa.select(figures.c.mention_id, figures.c.claimant).where(figures.c.mention_id.in_(part))):
            for mention_id, name in conn.execute(q):
                out[mention_id].append(name)
    return out


def assign_many(conn: sa.Connection, placed: list[tuple[str, str, float, str]], totals: bool = True) -> None:
    """Put many (mention id, event id, score, reason) in their events; ``events.sources`` is
    left to the caller (``count_sources_many`` once the moves are done), and with
    ``totals=False`` the daily totals too: a merge recomputes the days of every event it writes
    once (``date_many``), and an event it empties goes (``delete``, which recomputes its day)."""
    if not placed:
        return
    now = _events_of(conn, [m for m, *_ in placed])
    moving = [{"mention": m, "event": e} for m, e, *_ in placed if now.get(m) != e]
    if moving:
        for statement in _MOVE:
            execute_many(conn, statement, moving)
        execute_many(conn, _UNINDEX, [{"mention": r["mention"]} for r in moving])
        names = _names_of_many(conn, [r["mention"] for r in moving])
        words = [w for r in moving for w in _word_rows(r["mention"], r["event"], names[r["mention"]])]
        for part in _chunks(words):
            execute_many(conn, _INSERT_WORDS, part)
        changed = {now.get(r["mention"]) for r in moving} | {r["event"] for r in moving}
        if totals:
            daily.refresh_events(conn, changed)
        event_words.refresh(conn, changed)
    execute_many(conn, _FORGET_MERGE, [{"mention": m} for m, *_ in placed])
    conn.execute(merges.insert(), [{"mention_id": m, "event_id": e, "score": s, "reason": r} for m, e, s, r in placed])


# one object each: plain.execute_many compiles a statement once
_INSERT_WORDS = claimant_words.insert()
_FORGET_MERGE = merges.delete().where(merges.c.mention_id == sa.bindparam("mention"))
_REDATE = events.update().where(events.c.id == sa.bindparam("event")).values(
    date=sa.bindparam("date"), date_precision=sa.bindparam("precision"))
_LENT = (mentions.c.event_id == sa.bindparam("event")) & (mentions.c.date.is_(None) | (mentions.c.date_source == "borrowed"))
_LEND = mentions.update().where(_LENT).values(date=sa.bindparam("date"), date_precision=sa.bindparam("precision"),
                                              date_source="borrowed")
_TAKE_BACK = mentions.update().where(_LENT).values(date=None, date_precision="unknown", date_source="none")


def date_many(conn: sa.Connection, dated: list[tuple[str, str | None, str]]) -> None:
    """Set events' dates (event id, date, precision) and lend each to the members that have
    none of their own (a member that borrowed an earlier date takes the new one; with no date,
    borrowed dates go)."""
    if not dated:
        return
    rows = [{"event": e, "date": d, "precision": p} for e, d, p in dated]
    before = daily.dates_of(conn, sorted({e for e, _, _ in dated}))
    execute_many(conn, _REDATE, rows)
    daily.refresh_dates(conn, before | {d for _, d, _ in dated})
    lend = [r for r in rows if r["date"]]
    take_back = [{"event": r["event"]} for r in rows if not r["date"]]
    if lend:
        conn.execute(_LEND, lend)
    if take_back:
        conn.execute(_TAKE_BACK, take_back)


def count_sources_many(conn: sa.Connection, event_ids: list[str]) -> None:
    """Recount these events' sources and rebuild their listed records (``store.listing``): a
    merge calls it once every report is where it goes and every event has its date."""
    if event_ids:
        conn.execute(_COUNT_ONE, [{"event": e} for e in event_ids])
        listing.refresh(conn, event_ids)
