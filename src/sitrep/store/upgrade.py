"""Bring a store made by an older sitrep up to the current schema, on open.

New tables and indexes come from ``schema`` (``create_all``, ``schema.add_missing``); what
those cannot do is here: columns added to existing tables, filled from what the store holds.
Each step checks first, so that a current store costs one catalogue read.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa

from sitrep import dedup
from sitrep.store import articles as article_rows
from sitrep.store import daily, event_words, listing
from sitrep.store import events as event_rows
from sitrep.store.schema import articles, claimant_words, mention_weapons, mentions

log = logging.getLogger(__name__)

_ID = {"sqlite": "VARCHAR(32)", "postgresql": 'VARCHAR(32) COLLATE "C"'}  # as schema.ID


def _columns(conn: sa.Connection, table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(conn).get_columns(table)}


def add_missing_columns(conn: sa.Connection) -> None:
    """``events.sources``, ``places.event_id``, ``figures.event_id`` and the ``mention_weapons``
    rows, filled in."""
    if "sources" not in _columns(conn, "events"):
        conn.execute(sa.text("ALTER TABLE events ADD COLUMN sources INTEGER NOT NULL DEFAULT 0"))
        event_rows.count_sources(conn)
    if "event_id" not in _columns(conn, "places"):
        conn.execute(sa.text(f"ALTER TABLE places ADD COLUMN event_id {_ID[conn.dialect.name]}"))
        conn.execute(sa.text("UPDATE places SET event_id = (SELECT event_id FROM mentions "
                             "WHERE mentions.id = places.mention_id)"))
        _fill_weapons(conn)  # its table came with the same version
    if "event_id" not in _columns(conn, "figures"):
        conn.execute(sa.text(f"ALTER TABLE figures ADD COLUMN event_id {_ID[conn.dialect.name]}"))
        conn.execute(sa.text("UPDATE figures SET event_id = (SELECT event_id FROM mentions "
                             "WHERE mentions.id = figures.mention_id)"))


def _fill_weapons(conn: sa.Connection) -> None:
    q = sa.select(mentions.c.id, mentions.c.event_id, mentions.c.weapons)
    rows = [{"mention_id": m, "category": c, "event_id": e}
            for m, e, weapons in conn.execute(q) for c in sorted({w["category"] for w in weapons})]
    for i in range(0, len(rows), 5000):
        conn.execute(mention_weapons.insert(), rows[i:i + 5000])


def add_event_words(conn: sa.Connection, had: set[str]) -> None:
    """PostgreSQL: the ``event_words`` table (made by DDL: its column is a tsvector), filled for a
    store that had tables before this open."""
    if conn.dialect.name != "postgresql":
        return
    event_words.create(conn)  # every open: idempotent, and replaces an older aggregate
    if had and "event_words" not in had:
        event_words.rebuild(conn)


def _claimants_unfilled(conn: sa.Connection) -> bool:
    """Placed mentions with a claimant but no claimant words: a store from before the table,
    or whose first fill was cut off (SQLite commits a CREATE TABLE at once)."""
    if conn.execute(sa.select(claimant_words.c.word).limit(1)).first() is not None:
        return False
    q = sa.select(mentions.c.id).where(mentions.c.event_id.is_not(None), mentions.c.claimant.is_not(None))
    return conn.execute(q.limit(1)).first() is not None


def fill_new_tables(conn: sa.Connection) -> None:
    """Fill the tables kept from others (``claimant_words``, the daily totals, the listed
    records) where a store has what they are made of but not them: new to it, or a first fill
    cut off."""
    if _claimants_unfilled(conn):
        event_rows.index_all_claimants(conn)
    if daily.unfilled(conn):
        daily.rebuild(conn)
    if daily.version(conn) is None:  # a store from before the token: one, so that answers can be kept
        daily.new_version(conn)
    if listing.unfilled(conn):
        listing.rebuild(conn)


_SCHEME_1 = ("minhash_bands", "minhashes")  # dedup's first signatures: another 3-gram hash


def resign_scheme_1(conn: sa.Connection, had: set[str]) -> None:
    """A store signed by ``dedup`` scheme 1: every stored article signed again from its text
    (an article's new signature could never match an old one), and the old tables dropped."""
    if not set(_SCHEME_1) & had:
        return
    n = 0
    # streamed (on the statement: PostgreSQL's server-side cursor takes no inserts)
    stored = sa.select(articles.c.id, articles.c.text).order_by(articles.c.seq).execution_options(yield_per=2000)
    for chunk in conn.execute(stored).partitions():
        sigs = [(article_id, dedup.signature(text or "")) for article_id, text in chunk]
        article_rows.insert_signatures(conn, [(a, sig, dedup.buckets(sig)) for a, sig in sigs])
        n += len(sigs)
    for table in _SCHEME_1:
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
    log.info("re-signed %d articles for near-duplicate detection (MinHash scheme %d)", n, dedup.SCHEME)
