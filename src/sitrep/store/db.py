"""Opening a store: SQLite by default (WAL), PostgreSQL by URL; same tables and queries for both."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, ContextManager, Iterator

import sqlalchemy as sa

from sitrep.store import articles as article_rows
from sitrep.store import daily, event_words, listing
from sitrep.store import events as event_rows
from sitrep.store import mentions as mention_rows
from sitrep.store import schema, upgrade
from sitrep.store.turns import take_turn

DEFAULT_DB = "sitrep.db"
SCHEMA_LOCK = 0x5173_0001  # PostgreSQL advisory lock key: one process creates the tables at a time


def default_db() -> str:
    return os.environ.get("SITREP_DB") or DEFAULT_DB


def to_url(db: str) -> str:
    """A path becomes a SQLite URL; anything with a scheme is used as it is."""
    if "://" in db:
        if db.startswith("postgresql://") or db.startswith("postgres://"):
            return "postgresql+psycopg://" + db.split("://", 1)[1]
        return db
    if db == ":memory:":
        return "sqlite://"
    return f"sqlite:///{Path(db).expanduser()}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers (the API) run while an ingest writes; NORMAL is durable at each
    # checkpoint and still atomic per transaction, which is what resuming relies on.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _create_tables(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            _require_utf8(conn, engine.url)
            # two processes opening a new database at once would both issue CREATE TABLE
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        had = set(sa.inspect(conn).get_table_names())
        schema.metadata.create_all(conn)
        upgrade.add_missing_columns(conn)  # a store made by an older sitrep: the columns
        upgrade.fill_new_tables(conn)  # the tables kept from others
        upgrade.resign_scheme_1(conn, had)  # near-duplicate signatures of an older scheme
        schema.add_missing(conn)  # and indexes added since
        upgrade.add_event_words(conn, had)  # after the articles' word vectors, which it is made of


def _require_utf8(conn: sa.Connection, url: sa.URL) -> None:
    """Any other encoding loses or refuses characters (and SQL_ASCII hands back bytes)."""
    encoding = conn.execute(sa.text("SHOW server_encoding")).scalar_one()
    if encoding != "UTF8":
        name = url.render_as_string(hide_password=True)
        raise ValueError(f"{name}: the database's encoding is {encoding}; sitrep needs UTF8 "
                         "(CREATE DATABASE ... ENCODING 'UTF8' TEMPLATE template0)")


class Store:
    """One database. Methods are grouped by table family in sibling modules."""

    def __init__(self, db: str | None = None) -> None:
        self.engine = sa.create_engine(to_url(db or default_db()))
        self.url = self.engine.url.render_as_string(hide_password=True)  # for messages
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        _create_tables(self.engine)
        self._local = threading.local()  # ``together``'s connection, for the thread that opened it

    @contextmanager
    def together(self) -> Iterator[Callable[[], None]]:
        """The reads and writes of the article methods made inside go through one connection,
        in one transaction at a time, and see each other as if each write had committed; the
        function given commits what is written so far, leaving commits the rest, and an error
        rolls back what was not committed. (An ingest commits a few batches at once: a commit
        on SQLite writes its pages and a segment of the word index, ~10 ms of CPU.)"""
        with self.engine.connect() as conn:
            self._local.held = conn
            try:
                yield conn.commit
                conn.commit()
            finally:
                self._local.held = None

    def _reading(self) -> ContextManager[sa.Connection]:
        return self._held_or(self.engine.connect)

    def _writing(self) -> ContextManager[sa.Connection]:
        """A transaction of its own, or the one ``together`` holds open."""
        return self._held_or(self.engine.begin)

    @contextmanager
    def _held_or(self, own: Callable[[], ContextManager[sa.Connection]]) -> Iterator[sa.Connection]:
        """The connection ``together`` holds on this thread, else one of ``own``'s."""
        held = getattr(self._local, "held", None)
        if held is not None:
            yield held
            return
        with own() as conn:
            yield conn

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # articles ---------------------------------------------------------------
    def existing_articles(self, article_ids: set[str]) -> set[str]:
        with self._reading() as conn:
            return article_rows.existing(conn, article_ids)

    def seen_sources(self, pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
        with self._reading() as conn:
            return article_rows.seen_sources(conn, pairs)

    def dedup_candidates_many(self, bucket_lists: list) -> list[list[tuple[str, bytes]]]:
        with self._reading() as conn:
            return article_rows.dedup_candidates_many(conn, bucket_lists)

    def dedup_candidates(self, buckets: list[tuple[int, str]]) -> list[tuple[str, bytes]]:
        with self._reading() as conn:
            return article_rows.dedup_candidates(conn, buckets)

    def add_article(self, record: "article_rows.NewArticle", mentions=()) -> None:
        """Write an article with everything derived from it in one transaction."""
        self.add_articles([(record, list(mentions))])

    def add_articles(self, items: "list[tuple[article_rows.NewArticle, list]]") -> None:
        """Write articles, each with its mentions, in one transaction (or in ``together``'s):
        all or none of them."""
        with self._writing() as conn:
            article_rows.insert_many(conn, [record for record, _ in items])
            placed = [m for _, mentions in items for m in mentions]
            mention_rows.insert_many(conn, placed)
            daily.refresh_events(conn, [m.event_id for m in placed])  # mentions come unplaced from an ingest
            event_words.refresh(conn, [m.event_id for m in placed])
            listing.refresh(conn, [m.event_id for m in placed])

    def add_source(self, source: str, digest: str, article_id: str) -> None:
        with self._writing() as conn:
            article_rows.insert_source(conn, source, digest, article_id)

    def iter_articles(self):
        with self.engine.connect() as conn:
            yield from article_rows.iter_rows(conn)

    def get_article(self, article_id: str) -> dict | None:
        with self.engine.connect() as conn:
            return article_rows.get(conn, article_id)

    def count_articles(self) -> int:
        with self.engine.connect() as conn:
            return article_rows.count(conn)

    # events -----------------------------------------------------------------
    def iter_events(self):
        """(event row, member mention rows, article roots, merge reasons) for every event."""
        with self.engine.connect() as conn:
            for event, members in event_rows.iter_events(conn):
                roots = event_rows.article_roots(conn, {m["article_id"] for m in members})
                yield event, members, roots, event_rows.reasons(conn, event["id"])

    def get_event(self, event_id: str):
        with self.engine.connect() as conn:
            event = event_rows.get(conn, event_id)
            if event is None:
                return None
            members = event_rows.members(conn, [event["id"]])[event["id"]]  # the id an old one leads to
            roots = event_rows.article_roots(conn, {m["article_id"] for m in members})
            return event, members, roots, event_rows.reasons(conn, event["id"])

    # mentions ---------------------------------------------------------------
    def iter_mentions(self):
        with self.engine.connect() as conn:
            yield from mention_rows.iter_rows(conn)

    def replace_mentions(self, article_id: str, mentions) -> None:
        with self.engine.begin() as conn:
            take_turn(conn, schema.events)  # before any row is written: it refreshes the daily totals
            event_rows.unindex_claimants(conn, article_id)  # before its mentions go
            left = mention_rows.delete_for_article(conn, article_id)
            mentions = list(mentions)
            mention_rows.insert_many(conn, mentions)
            for event_id in left:
                event_rows.count_sources(conn, event_id)
            daily.refresh_events(conn, left + [m.event_id for m in mentions])
            event_words.refresh(conn, left + [m.event_id for m in mentions])
            listing.refresh(conn, left + [m.event_id for m in mentions])
