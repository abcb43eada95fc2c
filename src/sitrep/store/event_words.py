"""PostgreSQL: the words of each event's articles, kept beside the event (``event_words``), so
that a word search reads the events it matches off one GIN index instead of going from every
matching article to its mentions and their events (a common word: 25k-70k articles, ~1 s at
100k events).

Each event's vector is the union of its articles' stored vectors (``articles.words``) without
positions: it answers exactly whether some article of the event holds a word (or a prefix),
which is what a search of one word asks; a phrase or several words must be found in one
article, which the articles' own vectors answer (``queries``). Kept as mentions join and leave
events (``store.events``, ``Store.replace_mentions``). SQLite has no such table: its FTS5 index
streams matches (``word_search._sqlite_text_condition``).
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

TABLE = sa.table("event_words", sa.column("event_id"), sa.column("words"))
_MAX_BYTES = 900_000  # under the 1 MB (1,048,575 bytes) a tsvector may hold
UNION = "sitrep_words_union"  # an aggregate: the union of tsvectors (|| merges their lexemes)

DDL = (
    'CREATE TABLE IF NOT EXISTS event_words (event_id VARCHAR(32) COLLATE "C" PRIMARY KEY, words tsvector NOT NULL)',
    "CREATE INDEX IF NOT EXISTS ix_event_words_gin ON event_words USING gin (words)",
    # PostgreSQL refuses a tsvector over 1 MB: an event whose articles hold more distinct words
    # than that keeps the words of the articles that fit (in the order met) rather than fail
    # every later write that touches it. Search misses only words unique to the rest.
    f"CREATE OR REPLACE FUNCTION {UNION}_add(a tsvector, b tsvector) RETURNS tsvector "
    f"LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN pg_column_size(a) + pg_column_size(b) "
    f"> {_MAX_BYTES} THEN a ELSE a || b END $$",
    f"CREATE OR REPLACE AGGREGATE {UNION}(tsvector) (SFUNC = {UNION}_add, STYPE = tsvector, INITCOND = '')",
)

_OF_EVENTS = (f"SELECT m.event_id, {UNION}(strip(a.words)) FROM mentions m JOIN articles a ON a.id = m.article_id "
              "WHERE {where} GROUP BY m.event_id")
_UPSERT = ("INSERT INTO event_words (event_id, words) " + _OF_EVENTS.format(where="m.event_id = ANY(:ids)")
           + " ON CONFLICT (event_id) DO UPDATE SET words = excluded.words")
_EMPTIED = ("DELETE FROM event_words WHERE event_id = ANY(:ids) AND NOT EXISTS "
            "(SELECT 1 FROM mentions WHERE mentions.event_id = event_words.event_id)")
_CHUNK = 5000


def create(conn: sa.Connection) -> None:
    """The table, its index and the aggregate (PostgreSQL; the articles' vectors must exist)."""
    for ddl in DDL:
        conn.exec_driver_sql(ddl)


def refresh(conn: sa.Connection, event_ids: Iterable[str | None]) -> None:
    """Recompute the words of these events from their articles (an event without reports left
    loses its row)."""
    if conn.dialect.name != "postgresql":
        return
    ids = sorted({e for e in event_ids if e is not None})
    for i in range(0, len(ids), _CHUNK):
        part = {"ids": ids[i:i + _CHUNK]}
        conn.execute(sa.text(_UPSERT), part)
        conn.execute(sa.text(_EMPTIED), part)


def rebuild(conn: sa.Connection) -> None:
    """Recompute every event's words (a store from before the table, or filled by other means)."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql("TRUNCATE event_words")
    conn.exec_driver_sql("INSERT INTO event_words (event_id, words) "
                         + _OF_EVENTS.format(where="m.event_id IS NOT NULL"))
