"""What each endpoint answers, as plain dicts, built from the store with the export code so
that an event here is the record `sitrep export events` writes."""
from __future__ import annotations

from sitrep.export import records
from sitrep.merge.claims import figure_claims
from sitrep.store import Store, queries


def event_record(rows: queries.EventRows) -> dict:
    claims = figure_claims(rows.members, {a: r[0] for a, r in rows.roots.items()})
    return records.event_record(rows.event, rows.members, rows.roots, claims, rows.reasons)


def search_events(store: Store, flt: queries.EventFilter, sort: str, limit: int, offset: int) -> dict:
    with store.engine.connect() as conn:
        found = queries.find_events(conn, flt, sort, limit, offset)
        page = queries.load_events(conn, found.ids)
    return {"total": found.total, "total_exact": found.exact, "items": [event_record(rows) for rows in page]}


def event_detail(store: Store, event_id: str) -> dict | None:
    found = store.get_event(event_id)
    if found is None:
        return None
    rows = queries.EventRows(*found)
    event = event_record(rows)
    mentions = list(records.mention_records(rows.members, store.get_article))
    return {"event": event, "mentions": mentions, "merges": event["merges"]}


def article_detail(store: Store, article_id: str) -> dict | None:
    row = store.get_article(article_id)
    if row is None:
        return None
    with store.engine.connect() as conn:
        found = queries.article_mentions(conn, article_id)
    return records.article_record(row) | {"text": row["text"], "mentions": found}


def stats(store: Store, flt: queries.EventFilter) -> dict:
    with store.engine.connect() as conn:
        per_type = queries.events_per_day(conn, flt)
        per_weapon = queries.figures_per_day(conn, flt)
    weapons: dict[tuple, dict] = {}
    for row in per_weapon:
        key = (row["day"], row["unit"])
        entry = weapons.setdefault(key, {"day": row["day"], "category": row["unit"], "launched": 0, "intercepted": 0})
        entry[row["kind"]] += row["value"]
    return {"total": sum(r["count"] for r in per_type), "events": per_type, "weapons": list(weapons.values())}
