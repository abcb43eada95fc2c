"""Merging: mentions from different articles -> events, incrementally.

Each mention not yet in an event is matched against the events of its type near its date (or
sharing its places); it joins the best one that passes (match.py), or founds a new event whose
id derives from the mention's, so ids are stable across runs. The stored events it may belong
with are re-formed together with it in one canonical order (cluster.py), so that what comes
out does not depend on the order in which articles arrived. A mention never joins an event
that already holds a mention of the same article, nor one a user took it out of (unmerge).
An event that gets a date lends it to its undated members (date_source "borrowed").
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from sitrep.merge.cluster import Cluster, Placer, undate
from sitrep.merge.match import linked
from sitrep.store import events as rows


@dataclass
class MergeSummary:
    mentions: int = 0
    joined: int = 0
    founded: int = 0


MERGE_EVERY = 20_000  # new reports an ingest gathers before it merges them (and at its end)
HORIZON = 7  # days around a new report within which stored events are re-formed with it


def event_id_for(mention_id: str, attempt: int) -> str:
    return hashlib.sha1(f"{mention_id}:{attempt}".encode()).hexdigest()[:16]


def _canonical(m: dict) -> tuple[str, str]:
    return m["article_id"], m["id"]


class Merger:
    """Merges the pending mentions of a store. The events near them are re-formed together
    with them, in one canonical order, so that the events do not depend on the order in
    which articles arrived; events keep their ids where they keep their reports."""

    def __init__(self, engine: sa.Engine, every: int = MERGE_EVERY) -> None:
        self.engine, self.every, self.waiting = engine, every, 0

    def due(self, added: int) -> bool:
        """Whether to merge now, ``added`` new reports later: once ``every`` wait. Re-forming the
        events near each small batch would do the same work again and again; waiting longer
        would hold them all in memory."""
        self.waiting += added
        return self.waiting >= self.every

    def merge_due(self, added: int) -> MergeSummary:
        return self.merge_pending() if self.due(added) else MergeSummary()

    def merge_pending(self) -> MergeSummary:
        """Merge every mention without an event, in one transaction: a run killed half-way
        leaves them all pending, and the next run merges them again from the same state."""
        self.waiting = 0
        with self.engine.begin() as conn:
            new = rows.pending(conn)
            if not new:
                return MergeSummary()
            affected = _affected(conn, new)
            released = rows.members(conn, list(affected))
            replay = sorted([undate(m) for m in new] + [undate(m) for ms in released.values() for m in ms],
                            key=_canonical)
            bars = rows.forbidden_many(conn, [m["id"] for m in replay])
            placer = Placer(barred=lambda m: _barred(m, bars, released))
            clusters = placer.place_all(replay)
            old_of = {m["id"]: e for e, ms in released.items() for m in ms}
            return _write(conn, clusters, old_of, affected, {m["id"] for m in new}, bars)


def _affected(conn: sa.Connection, new: list[dict]) -> dict[str, dict]:
    """The stored events linked to a new mention, directly or through other reports, within
    ``HORIZON`` days of it: a mention can only ever join an event one of whose reports it is
    linked to, so these are what the new mentions can change. (A chain of daily strikes on one
    city links the whole war; past the horizon a new report no longer changes how it is cut.)"""
    found: dict[str, dict] = {}
    frontier = [(m, m) for m in new]  # (report, the new report it was reached from)
    asked: dict[tuple, list[dict]] = {}
    while frontier:
        near: dict[str, dict] = {}
        by_event: dict[str, list[tuple[dict, dict]]] = {}
        keys = [_question(m) for m, _ in frontier]
        ask = {k: m for k, (m, _) in zip(keys, frontier) if k not in asked}  # reports of one day and place
        asked.update(zip(ask, rows.candidates_many(conn, list(ask.values()))))  # ask the same question
        for (m, anchor), key in zip(frontier, keys):
            for e in asked[key]:
                if e["id"] not in found and _within(e["date"], anchor["date"]):
                    near[e["id"]] = e
                    by_event.setdefault(e["id"], []).append((m, anchor))
        members = rows.members(conn, list(near)) if near else {}
        fresh = {e: next((a for m, a in by_event[e] if any(linked(m, x) for x in ms)), None)
                 for e, ms in members.items()}
        fresh = {e: a for e, a in fresh.items() if a is not None}
        found.update((e, near[e]) for e in fresh)
        frontier = [(x, fresh[e]) for e in fresh for x in members[e]]
    return found


def _question(m: dict) -> tuple:
    """What the store's candidate query reads of a mention."""
    return m["type"], m["date"], frozenset((loc["country"], loc["admin1"]) for loc in m["locations"])


def _within(value: str | None, anchor: str | None) -> bool:
    a, b = rows.date_span(value), rows.date_span(anchor)
    return a is None or b is None or (a[0] - HORIZON <= b[1] and b[0] - HORIZON <= a[1])


def _barred(m: dict, bars: dict[str, set[str]], released: dict[str, list[dict]]) -> set[str]:
    """An undone merge bars the reports the event held (the event itself is being re-formed:
    it was linked to the mention)."""
    return {x["id"] for e in bars.get(m["id"], set()) & released.keys() for x in released[e]} - {m["id"]}


def _write(conn: sa.Connection, clusters: list[Cluster], old_of: dict[str, str], affected: dict[str, dict],
           new_ids: set[str], bars: dict[str, set[str]]) -> MergeSummary:
    summary = MergeSummary(mentions=len(new_ids))
    _name(conn, clusters, old_of, affected, bars)
    held = Counter(old_of.values())
    written = [c for c in clusters if not _unchanged(c, old_of, held, affected)]
    founded = [(c.id, c.event) for c in written if c.id not in affected]
    rows.create_many(conn, founded, totals=False)  # date_many sums the days of all written
    summary.founded = len(founded)
    placed = [(m["id"], c.id, c.verdicts[m["id"]].score, c.verdicts[m["id"]].reason) for c in written for m in c.members]
    rows.assign_many(conn, placed, totals=False)
    summary.joined = sum(m in new_ids and reason != "founded the event" for m, _, _, reason in placed)
    rows.date_many(conn, [(c.id, c.event["date"], c.event["date_precision"]) for c in written])
    rows.count_sources_many(conn, [c.id for c in written])  # once every report is where it goes
    used = {c.id for c in clusters}
    went = {e: Counter(c.id for c in clusters for m in c.members if old_of.get(m["id"]) == e)
            for e in affected.keys() - used}
    for gone, where in sorted(went.items()):
        rows.delete(conn, gone, into=min(where, key=lambda e: (-where[e], e)) if where else None)
    return summary


def _name(conn: sa.Connection, clusters: list[Cluster], old_of: dict[str, str], affected: dict[str, dict],
          bars: dict[str, set[str]]) -> None:
    """Give every cluster its id: the old event's it holds most reports of, else its founder's."""
    reused = _reuse_ids(clusters, old_of, affected)
    used = set(reused.values())
    tries = {c.order: len(bars.get(c.members[0]["id"], ())) for c in clusters if c.order not in reused}
    first = {c.order: event_id_for(c.members[0]["id"], tries[c.order]) for c in clusters if c.order in tries}
    stored = rows.taken_ids(conn, list(first.values()))
    known = {i: i in stored for i in first.values()}  # whether the store has it: asked once for all
    for c in clusters:
        c.id = reused.get(c.order) or _new_id(conn, c, affected, used, known, tries[c.order])
        used.add(c.id)


def _unchanged(c: Cluster, old_of: dict[str, str], held: Counter, affected: dict[str, dict]) -> bool:
    old = affected.get(c.id)
    return old is not None and held[c.id] == len(c.members) and all(old_of.get(m["id"]) == c.id for m in c.members) \
        and (old["date"], old["date_precision"]) == (c.event["date"], c.event["date_precision"])


def _reuse_ids(clusters: list[Cluster], old_of: dict[str, str], affected: dict[str, dict]) -> dict[int, str]:
    """Re-formed clusters take the ids of the events they hold most reports of (the older
    event on a tie), so that a link to an event survives new reports of it."""
    offers = []
    for c in clusters:
        counts = Counter(old_of[m["id"]] for m in c.members if m["id"] in old_of)
        offers += [(-n, affected[e]["seq"], e, c.order) for e, n in counts.items()]
    gone: set[str] = set()
    taken: dict[int, str] = {}
    for _, _, event_id, key in sorted(offers):
        if key not in taken and event_id not in gone:
            taken[key] = event_id
            gone.add(event_id)
    return taken


def _new_id(conn: sa.Connection, c: Cluster, affected: dict[str, dict], used: set[str],
            known: dict[str, bool], attempt: int) -> str:
    """The id a founder's event gets (``attempt`` counts the events it was taken out of);
    ``known`` says for some ids whether the store has them."""
    founder = c.members[0]["id"]
    while True:
        candidate = event_id_for(founder, attempt)
        stored = known[candidate] if candidate in known else rows.get(conn, candidate) is not None
        if candidate not in used and (candidate in affected or not stored):
            return candidate
        attempt += 1


def merge_pending(engine: sa.Engine) -> MergeSummary:
    return Merger(engine).merge_pending()


def unmerge(engine: sa.Engine, mention_id: str) -> tuple[str | None, MergeSummary]:
    """Take a mention out of its event for good, then place it again elsewhere."""
    with engine.begin() as conn:
        left = rows.unmerge(conn, mention_id)
    return left, merge_pending(engine)
