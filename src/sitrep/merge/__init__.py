"""Merging: mentions from different articles -> events, incrementally.

Each mention not yet in an event is matched against the events of its type near its date (or
sharing its places); it joins the best one that passes (match.py), or founds a new event whose
id derives from the mention's, so ids are stable across runs. A mention never joins an event
that already holds a mention of the same article, nor one a user took it out of (unmerge).
An event that gets a date lends it to its undated members (date_source "borrowed").
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from sitrep.merge.match import Verdict, judge, possible
from sitrep.store import events as rows

PRECISE = {"day": 0, "range": 1, "month": 2, "unknown": 3}


@dataclass
class MergeSummary:
    mentions: int = 0
    joined: int = 0
    founded: int = 0


def event_id_for(mention_id: str, attempt: int) -> str:
    return hashlib.sha1(f"{mention_id}:{attempt}".encode()).hexdigest()[:16]


class Merger:
    """Merges pending mentions; keeps the members of the events it has seen, so that one
    ingest run does not reload them for every mention."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._members: dict[str, list[dict]] = {}

    def members(self, conn: sa.Connection, event_ids: list[str]) -> dict[str, list[dict]]:
        missing = [e for e in event_ids if e not in self._members]
        if missing:
            self._members.update(rows.members(conn, missing))
        return {e: self._members[e] for e in event_ids}

    def best(self, conn: sa.Connection, m: dict, barred: set[str]) -> tuple[str, Verdict] | None:
        # the cheap hard rules first: members (with their figures and places) load only for the rest
        events = {e["id"]: e for e in rows.candidates(conn, m) if e["id"] not in barred and possible(m, e)}
        best: tuple[str, Verdict] | None = None
        for event_id, members in self.members(conn, list(events)).items():
            if any(x["article_id"] == m["article_id"] for x in members):
                continue  # one article reports one event once: its other mentions are other events
            verdict = judge(m, events[event_id], members)
            if verdict and (best is None or verdict.score > best[1].score):
                best = (event_id, verdict)
        return best

    def merge_one(self, conn: sa.Connection, m: dict) -> bool:
        """Place one mention; True when it joined an existing event."""
        barred = rows.forbidden(conn, m["id"])
        found = self.best(conn, m, barred)
        if found is None:
            event_id = event_id_for(m["id"], len(barred))
            rows.create(conn, event_id, m)
            rows.assign(conn, m["id"], event_id, 1.0, "founded the event")
            self._members[event_id] = [m]
            return False
        event_id, verdict = found
        rows.assign(conn, m["id"], event_id, verdict.score, verdict.reason)
        self._members[event_id].append(m)
        event = rows.get(conn, event_id)
        if _better_date(event, m):
            self._date(conn, event_id, m["date"], m["date_precision"])
        elif event["date"] and not m["date"]:
            self._date(conn, event_id, event["date"], event["date_precision"])
        return True

    def _date(self, conn: sa.Connection, event_id: str, date: str, precision: str) -> None:
        rows.set_date(conn, event_id, date, precision)
        for x in self._members[event_id]:  # as set_date did in the store
            if not x["date"]:
                x.update(date=date, date_precision=precision, date_source="borrowed")

    def merge_pending(self) -> MergeSummary:
        """Merge every mention without an event, in one transaction: a run killed half-way
        leaves them all pending, and the next run merges them again from the same state."""
        summary = MergeSummary()
        with self.engine.begin() as conn:
            for m in rows.pending(conn):
                joined = self.merge_one(conn, m)
                summary.mentions += 1
                summary.joined += joined
                summary.founded += not joined
        return summary


def _better_date(event: dict, m: dict) -> bool:
    if not m["date"] or m["date_source"] == "borrowed":
        return False
    if not event["date"]:
        return True
    return PRECISE.get(m["date_precision"], 3) < PRECISE.get(event["date_precision"], 3)


def merge_pending(engine: sa.Engine) -> MergeSummary:
    return Merger(engine).merge_pending()


def unmerge(engine: sa.Engine, mention_id: str) -> tuple[str | None, MergeSummary]:
    """Take a mention out of its event for good, then place it again elsewhere."""
    with engine.begin() as conn:
        left = rows.unmerge(conn, mention_id)
    return left, merge_pending(engine)
