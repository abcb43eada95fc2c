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


def _best(conn: sa.Connection, m: dict) -> tuple[str, Verdict] | None:
    barred = rows.forbidden(conn, m["id"])
    # the cheap hard rules first: members (with their figures and places) load only for the rest
    events = {e["id"]: e for e in rows.candidates(conn, m) if e["id"] not in barred and possible(m, e)}
    if not events:
        return None
    groups = rows.members(conn, list(events))
    best: tuple[str, Verdict] | None = None
    for event_id, event in events.items():
        members = groups[event_id]
        if any(x["article_id"] == m["article_id"] for x in members):
            continue  # one article reports one event once: its other mentions are other events
        verdict = judge(m, event, members)
        if verdict and (best is None or verdict.score > best[1].score):
            best = (event_id, verdict)
    return best


def _better_date(event: dict, m: dict) -> bool:
    if not m["date"] or m["date_source"] == "borrowed":
        return False
    if not event["date"]:
        return True
    return PRECISE.get(m["date_precision"], 3) < PRECISE.get(event["date_precision"], 3)


def merge_one(conn: sa.Connection, m: dict) -> bool:
    """Place one mention; True when it joined an existing event."""
    found = _best(conn, m)
    if found is None:
        attempt = len(rows.forbidden(conn, m["id"]))
        event_id = event_id_for(m["id"], attempt)
        rows.create(conn, event_id, m)
        rows.assign(conn, m["id"], event_id, 1.0, "founded the event")
        return False
    event_id, verdict = found
    rows.assign(conn, m["id"], event_id, verdict.score, verdict.reason)
    event = rows.get(conn, event_id)
    if _better_date(event, m):
        rows.set_date(conn, event_id, m["date"], m["date_precision"])
    elif event["date"]:
        rows.set_date(conn, event_id, event["date"], event["date_precision"])
    return True


def merge_pending(engine: sa.Engine) -> MergeSummary:
    """Merge every mention without an event, one transaction per mention (resumable)."""
    summary = MergeSummary()
    with engine.connect() as conn:
        todo = rows.pending(conn)
    for m in todo:
        with engine.begin() as conn:
            joined = merge_one(conn, m)
        summary.mentions += 1
        summary.joined += joined
        summary.founded += not joined
    return summary


def unmerge(engine: sa.Engine, mention_id: str) -> tuple[str | None, MergeSummary]:
    """Take a mention out of its event for good, then place it again elsewhere."""
    with engine.begin() as conn:
        left = rows.unmerge(conn, mention_id)
    return left, merge_pending(engine)
