"""What each endpoint answers, built from the store with the export code so that an event here
is the record `sitrep export events` writes: plain dicts, or JSON text where the answer is
kept written (the listed events, ``store.listing``; daily counts, ``StatsKept``)."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from sitrep.export import records
from sitrep.store import Store, daily, listing, queries


class JSONText(str):
    """An answer already written as JSON (``SafeJSONResponse`` sends it as it is)."""


def search_events(store: Store, flt: queries.EventFilter, sort: str, limit: int, offset: int) -> JSONText:
    """The page as JSON text: the listed records the store keeps (``store.listing``), joined as
    they are; an event without one (written by other means since) is built from its rows."""
    with store.engine.connect() as conn:
        found = queries.find_events(conn, flt, sort, limit, offset)
        kept = listing.read(conn, found.ids)
        missing = [e for e in found.ids if e not in kept]
        if missing:
            kept |= listing.build(conn, missing)
    items = ",".join(kept[e] for e in found.ids if e in kept)
    return JSONText(f'{{"total":{found.total},"total_exact":{listing.dumps(found.exact)},"items":[{items}]}}')


def event_detail(store: Store, event_id: str) -> dict | None:
    found = store.get_event(event_id)
    if found is None:
        return None
    rows = queries.EventRows(*found)
    event = listing.event_record(rows)
    mentions = list(records.mention_records(rows.members, store.get_article))
    return {"event": event, "mentions": mentions, "merges": event["merges"]}


def article_detail(store: Store, article_id: str) -> dict | None:
    row = store.get_article(article_id)
    if row is None:
        return None
    with store.engine.connect() as conn:
        found = queries.article_mentions(conn, article_id)
    return records.article_record(row) | {"text": row["text"], "mentions": found}


# Finished /api/stats answers of the filters the daily totals answer, kept while the totals
# stay as they were (``daily.version``): the answer with no filter is ~12,000 rows at 100k
# events, 60 ms of CPU to read and ~20 more to write out, the same until the next merge.
KEPT_STATS = 256


class StatsKept:
    """Answers of /api/stats by filter, each with the totals' version it was made from."""

    def __init__(self) -> None:
        self.answers: dict[queries.EventFilter, tuple[str, JSONText]] = {}
        self.lock = threading.Lock()  # the app answers from a pool of threads

    def get(self, flt: queries.EventFilter, version: str | None) -> JSONText | None:
        kept = self.answers.get(flt)
        return kept[1] if kept is not None and version is not None and kept[0] == version else None

    def put(self, flt: queries.EventFilter, version: str | None, answer: JSONText) -> None:
        if version is None:
            return
        with self.lock:
            self.answers.pop(flt, None)
            if len(self.answers) >= KEPT_STATS:
                del self.answers[next(iter(self.answers))]  # the one put longest ago
            self.answers[flt] = (version, answer)


def stats(store: Store, flt: queries.EventFilter, kept: StatsKept | None = None) -> JSONText:
    """The answer of /api/stats as JSON text; where the daily totals answer it, the one made
    before while they have not changed since (the version is read first: an answer made after
    it is as new as it or newer)."""
    with store.engine.connect() as conn:
        version = daily.version(conn) if kept is not None and queries.from_totals(flt) else None
        found = kept.get(flt, version) if kept is not None else None
        if found is not None:
            return found
        answer = _stats_text(conn, flt)
    if kept is not None:
        kept.put(flt, version, answer)
    return answer


def _stats_text(conn: sa.Connection, flt: queries.EventFilter) -> JSONText:
    per_type = queries.events_per_day(conn, flt)
    per_weapon = queries.figures_per_day(conn, flt)
    weapons: dict[tuple, dict] = {}
    for row in per_weapon:
        key = (row["day"], row["unit"])
        entry = weapons.setdefault(key, {"day": row["day"], "category": row["unit"], "launched": 0, "intercepted": 0})
        entry[row["kind"]] += row["value"]
    answer = {"total": sum(r["count"] for r in per_type), "events": per_type, "weapons": list(weapons.values())}
    return JSONText(listing.dumps(answer))
