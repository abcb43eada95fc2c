"""What each endpoint answers, as plain dicts, built from the store with the export code so
that an event here is the record `sitrep export events` writes."""
from __future__ import annotations

from sitrep.export import records
from sitrep.merge.claims import figure_claims
from sitrep.store import Store, queries


def event_record(rows: queries.EventRows) -> dict:
    claims = figure_claims(rows.members, {a: r[0] for a, r in rows.roots.items()})
    return records.event_record(rows.event, rows.members, rows.roots, claims, rows.reasons)


# A list gives each event's first mention ids and their merge reasons, not all: the most
# reported events have dozens or hundreds, which made a page of them hundreds of kilobytes (the
# reasons above all). Everything else in the record is built from every mention.
LIST_MENTIONS = 20


def listed(record: dict) -> dict:
    """An event record as a list gives it: at most ``LIST_MENTIONS`` mention ids (and the
    merge reasons of those), with ``n_mentions`` counting them all."""
    kept = record["mentions"][:LIST_MENTIONS]
    if len(kept) == len(record["mentions"]):
        return record | {"n_mentions": len(kept)}
    ids = set(kept)
    return record | {"mentions": kept, "merges": [r for r in record["merges"] if r["mention_id"] in ids],
                     "n_mentions": len(record["mentions"])}


def search_events(store: Store, flt: queries.EventFilter, sort: str, limit: int, offset: int) -> dict:
    with store.engine.connect() as conn:
        found = queries.find_events(conn, flt, sort, limit, offset)
        page = queries.load_events(conn, found.ids)
    return {"total": found.total, "total_exact": found.exact, "items": [listed(event_record(rows)) for rows in page]}


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
