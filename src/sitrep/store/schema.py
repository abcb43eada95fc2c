"""Tables, in SQLAlchemy Core, portable between SQLite and PostgreSQL.

Lists and nested values are kept as JSON text only where nobody queries inside them;
what the API filters on (dates, places, figures) has columns of its own.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql  # noqa: F401  gives sa.func its to_tsvector, to_tsquery, ...

metadata = sa.MetaData()


def _bytewise(length: int) -> sa.types.TypeEngine:
    """A string that compares and sorts by code point on both backends, as SQLite's do. Ids are
    sorted on and dates compared as text ("2022-03-08/2022-03-09" < "2022-03-08~"); a
    database's own collation (en_US, ICU) may order punctuation differently or ignore it."""
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


ID = _bytewise(32)
DAY = _bytewise(32)  # "YYYY-MM-DD", "YYYY-MM-DD/YYYY-MM-DD", "YYYY-MM", an ISO date-time

articles = sa.Table(
    "articles", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("published", DAY),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("author", sa.Text),
    sa.Column("duplicate_of", ID),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("raw_text", sa.Text, nullable=False),
    sa.Column("notes", sa.JSON, nullable=False, default=list),
    sa.Column("seq", sa.Integer, nullable=False),  # arrival order: "earlier" for duplicate_of
)
sa.Index("ix_articles_published", articles.c.published)
sa.Index("ix_articles_seq", articles.c.seq, unique=True)
# word matches come back as seqs (the FTS5 rowid); mentions point at ids
sa.Index("ix_read_articles_seq_id", articles.c.seq, articles.c.id)
# and back, with what a page of events reads of its articles (store.events.article_roots): the
# word search asked event by event goes from a mention's article id to its seq, which sits after
# the texts (read from the row, it drags their overflow pages in); a page reads hundreds of rows
sa.Index("ix_read_articles_id", articles.c.id, articles.c.seq, articles.c.duplicate_of, articles.c.outlet)

# Every source an article was read from, so that a re-run can skip what it has seen.
sources = sa.Table(
    "sources", metadata,
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("digest", sa.String(32), nullable=False),  # hash of the raw text read
    sa.Column("article_id", ID, sa.ForeignKey("articles.id"), nullable=False),
)

# MinHash LSH kept in the store (``dedup``, scheme 2): one row per (band, bucket) of each
# article's signature. Scheme 1's tables were "minhash_bands" and "minhashes" (``upgrade``).
signature_bands = sa.Table(
    "signature_bands", metadata,
    sa.Column("band", sa.Integer, nullable=False),
    sa.Column("bucket", sa.String(32), nullable=False),
    sa.Column("article_id", ID, sa.ForeignKey("articles.id"), nullable=False),
)
sa.Index("ix_signature_bucket", signature_bands.c.bucket, signature_bands.c.band)

signatures = sa.Table(
    "signatures", metadata,
    sa.Column("article_id", ID, sa.ForeignKey("articles.id"), primary_key=True),
    sa.Column("signature", sa.LargeBinary, nullable=False),
)

mentions = sa.Table(
    "mentions", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("article_id", ID, sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("event_id", ID),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("subtype", sa.String(24), nullable=False),
    sa.Column("date", DAY),
    sa.Column("date_precision", sa.String(8), nullable=False),
    sa.Column("date_source", sa.String(12), nullable=False),
    sa.Column("date_phrase", sa.Text),
    sa.Column("time", sa.String(32)),
    sa.Column("initiator", sa.String(2)),
    sa.Column("target", sa.String(2)),
    sa.Column("claimant", sa.Text),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("weapons", sa.JSON, nullable=False, default=list),
    sa.Column("evidence", sa.JSON, nullable=False, default=list),
)
# Covering indexes: from an event to its mentions' articles, and from an article to its events,
# without reading the wide mention rows (they carry their evidence).
sa.Index("ix_read_mentions_event", mentions.c.event_id, mentions.c.article_id, mentions.c.id)
sa.Index("ix_read_mentions_article", mentions.c.article_id, mentions.c.event_id)
sa.Index("ix_mentions_date", mentions.c.date)
sa.Index("ix_read_mentions_claimant", mentions.c.claimant, mentions.c.event_id)  # scanned, narrower than rows

figures = sa.Table(
    "figures", metadata,
    sa.Column("mention_id", ID, sa.ForeignKey("mentions.id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("value", sa.BigInteger),  # "1.4 billion people" passes PostgreSQL's 32-bit INTEGER
    sa.Column("value_max", sa.BigInteger),
    sa.Column("qualifier", sa.String(12), nullable=False),
    sa.Column("unit", sa.String(24), nullable=False),
    sa.Column("claimant", sa.Text),
    sa.Column("text", sa.Text),
    sa.Column("start", sa.Integer),
    sa.Column("end", sa.Integer),
    sa.Column("event_id", ID),  # the mention's, kept as places.event_id is (below)
)
sa.Index("ix_read_figures_claimant", figures.c.claimant, figures.c.mention_id)
sa.Index("ix_read_figures_stats", figures.c.kind, figures.c.event_id, figures.c.unit, figures.c.value)
sa.Index("ix_read_figures_event", figures.c.event_id)  # a page's figures, by its events

places = sa.Table(
    "places", metadata,
    sa.Column("mention_id", ID, sa.ForeignKey("mentions.id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("country", sa.String(2)),
    sa.Column("admin1", sa.String(8)),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("precision", sa.String(8), nullable=False),
    sa.Column("role", sa.String(8), nullable=False),
    sa.Column("geonames_id", sa.Integer),
    sa.Column("start", sa.Integer),
    sa.Column("end", sa.Integer),
    # the mention's event, copied here by store.events as the mention joins and leaves events:
    # the API's place filters go from places to events without a join per row
    sa.Column("event_id", ID),
)
# (country, event_id) and (admin1, event_id) replace the (country, admin1) and (admin1)
# indexes of older stores, which keep them
sa.Index("ix_read_places_country_event", places.c.country, places.c.event_id)
sa.Index("ix_read_places_admin1_event", places.c.admin1, places.c.event_id)
sa.Index("ix_read_places_lat", places.c.lat, places.c.lon, places.c.event_id)
sa.Index("ix_read_places_event", places.c.event_id, places.c.country, places.c.admin1, places.c.lat, places.c.lon)

# The weapon categories of each mention (also in mentions.weapons, as JSON) with the mention's
# event, kept like places.event_id: the API's weapon filter reads an index, not every JSON list.
mention_weapons = sa.Table(
    "mention_weapons", metadata,
    sa.Column("mention_id", ID, sa.ForeignKey("mentions.id"), primary_key=True),
    sa.Column("category", sa.String(24), primary_key=True),
    sa.Column("event_id", ID),
)
sa.Index("ix_read_weapons_category_event", mention_weapons.c.category, mention_weapons.c.event_id)
sa.Index("ix_read_weapons_event", mention_weapons.c.event_id, mention_weapons.c.category)

# The merged view: one row per real-world event; mentions point at it with mentions.event_id.
events = sa.Table(
    "events", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("subtype", sa.String(24), nullable=False),
    sa.Column("date", DAY),
    sa.Column("date_precision", sa.String(8), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    # distinct outlets reporting it, kept by store.events as members come and go: the API
    # sorts by it, and counting it per event at query time reads every event's mentions
    sa.Column("sources", sa.Integer, nullable=False, server_default="0"),
)
sa.Index("ix_events_type_date", events.c.type, events.c.date)
# The API's orders (store.queries.order_by), so that a page is read off an index and never sorts
# every match. Undated events come last: "date IS NULL" first, the same on both backends.
UNDATED = events.c.date.is_(None)
sa.Index("ix_read_events_latest", UNDATED, events.c.date.desc(), events.c.seq)
sa.Index("ix_read_events_earliest", UNDATED, events.c.date, events.c.seq)
sa.Index("ix_read_events_sources", events.c.sources.desc(), UNDATED, events.c.date.desc(), events.c.seq)
sa.Index("ix_read_events_type_latest", events.c.type, UNDATED, events.c.date.desc(), events.c.seq)
sa.Index("ix_read_events_type_sources", events.c.type, events.c.sources.desc(), UNDATED, events.c.date.desc(),
         events.c.seq)
sa.Index("ix_read_events_date_type", events.c.date, events.c.type)  # daily counts, read in order
# a type among the events another filter collects, in id order (PostgreSQL merges the two indexes)
sa.Index("ix_read_events_type_id", events.c.type, events.c.id)

# Daily totals behind /api/stats (and the counts of filters on dates, type and country), kept by
# ``store.daily`` as events, their dates and their members change: the statistics read a few
# thousand rows instead of grouping every event (and every figure) per request. Keyed by the day
# of the event's date (``daily.day_key``: a bare month stays a month, so that since/until compare
# as on ``events``), type, and ``country``: "" for all events, else a country one of the event's
# places is in. ``stat_events.n`` counts events; ``stat_figures.value`` sums, over the events,
# the largest value any figure of the event gives per kind and unit family.
ALL_PLACES = ""
stat_events = sa.Table(
    "stat_events", metadata,
    sa.Column("day", DAY),
    sa.Column("type", _bytewise(16), nullable=False),  # read in this order: the answer's
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
)
sa.Index("ix_read_stat_events", stat_events.c.country, stat_events.c.day, stat_events.c.type, stat_events.c.n)
stat_figures = sa.Table(
    "stat_figures", metadata,
    sa.Column("day", DAY),
    sa.Column("type", _bytewise(16), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("unit", _bytewise(24), nullable=False),  # the unit family
    sa.Column("kind", _bytewise(16), nullable=False),
    sa.Column("value", sa.BigInteger, nullable=False),
)
sa.Index("ix_read_stat_figures", stat_figures.c.country, stat_figures.c.day, stat_figures.c.unit,
         stat_figures.c.kind, stat_figures.c.type, stat_figures.c.value)

# Each event as a list of events gives it (``store.listing``: the export record with its first
# mentions), as JSON text, kept as the event and its reports change: a page of events reads 50
# short rows instead of every report of its events (the most reported have hundreds).
event_listings = sa.Table(
    "event_listings", metadata,
    sa.Column("event_id", ID, primary_key=True),
    sa.Column("record", sa.Text, nullable=False),
)

# A token the daily totals get anew whenever any of them is recomputed (one row): a reader that
# keeps an answer made from them knows by it whether the answer still holds.
stat_version = sa.Table(
    "stat_version", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("token", sa.String(32), nullable=False),
)

# Why each mention joined its event: kept so a wrong merge can be understood and undone.
# Each lower-cased word of a claimant (of a mention or one of its figures) beside the event of
# its mention: the claimant filter reads words, or their beginnings, off the (word, event) index.
# Kept by ``store.events`` as mentions join and leave events.
CLAIMANT_WORD = 48  # characters kept of a word: longer ones are not names
claimant_words = sa.Table(
    "claimant_words", metadata,
    sa.Column("word", _bytewise(CLAIMANT_WORD), nullable=False),
    sa.Column("event_id", ID, nullable=False),
    sa.Column("mention_id", ID, nullable=False),
)
sa.Index("ix_read_claimant_words", claimant_words.c.word, claimant_words.c.event_id)
# and event by event, as a page walked in date order asks (one seek per event, not the word's range)
sa.Index("ix_read_claimant_words_event", claimant_words.c.event_id, claimant_words.c.word)
sa.Index("ix_claimant_words_mention", claimant_words.c.mention_id)

merges = sa.Table(
    "merges", metadata,
    sa.Column("mention_id", ID, sa.ForeignKey("mentions.id"), primary_key=True),
    sa.Column("event_id", ID, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)
sa.Index("ix_read_merges_event", merges.c.event_id)

# Events whose reports all went into another when events were re-formed: a link to the old id
# still finds the event.
event_aliases = sa.Table(
    "event_aliases", metadata,
    sa.Column("old_id", ID, primary_key=True),
    sa.Column("event_id", ID, nullable=False),
)

# Merges a user undid: the mention never joins that event again, on any re-run.
unmerges = sa.Table(
    "unmerges", metadata,
    sa.Column("mention_id", ID, primary_key=True),
    sa.Column("event_id", ID, primary_key=True),
)


# ---- word index of article titles and texts ---------------------------------------------------
# Kept up to date as articles are written, on both backends, so that reading never writes.
# PostgreSQL: a stored generated tsvector column ``articles.words`` with a GIN index. Not an
# index over the expression: a common word makes PostgreSQL's bitmap lossy and every article
# on a lossy page is checked again, which re-parses its whole text (a minute for one search at
# 100k events); the stored vector is only read. The column is added by DDL (``add_missing``) so
# that SQLite's table and ``select(articles)`` do not carry it. SQLite: the FTS5 table below.

TEXT_CONFIG = "english"  # Snowball stemming and stop words, the nearest to SQLite's porter tokenizer
# to_tsvector refuses a document whose vector passes 1 MB (ingest would fail on a 20 MB page);
# 100,000 characters stay far below it whatever the text (at most ~8 bytes of vector a character).
TEXT_INDEXED_CHARS = 100_000


def article_words() -> sa.ColumnElement:
    """``articles.words`` (PostgreSQL only), named as text so that it adds no FROM of its own."""
    return sa.literal_column("articles.words")


def text_config() -> sa.TextClause:
    return sa.text(f"'{TEXT_CONFIG}'::regconfig")


def text_document() -> sa.ColumnElement:
    """An article's words as PostgreSQL keeps them: title and text, the first
    ``TEXT_INDEXED_CHARS`` characters."""
    title = sa.func.coalesce(articles.c.title, sa.text("''"))
    joined = sa.func.left(title.op("||")(sa.text("' '")).op("||")(articles.c.text), sa.text(str(TEXT_INDEXED_CHARS)))
    # PostgreSQL's parser drops what looks like markup (<b>, a <script> element's whole content);
    # without "<" it reads the words there, as FTS5 does
    return sa.func.to_tsvector(text_config(), sa.func.replace(joined, sa.text("'<'"), sa.text("' '")))


def _pg_words_ddl(dialect: sa.Dialect) -> tuple[str, str]:
    document = text_document().compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    document = str(document).replace("articles.", "")  # a generated column names its own row's columns bare
    return (f"ALTER TABLE articles ADD COLUMN IF NOT EXISTS words tsvector GENERATED ALWAYS AS ({document}) STORED",
            "CREATE INDEX IF NOT EXISTS ix_articles_words_gin ON articles USING gin (words)")


# SQLite: a contentless FTS5 table (no copy of the text) whose rowid is the article's seq,
# filled by a trigger. Articles are never updated or deleted, so inserts are all it follows.
SQLITE_TEXT_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5(title, text, content='', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS article_fts_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO article_fts(rowid, title, text) VALUES (new.seq, coalesce(new.title, ''), new.text); END",
)
# For a store made before the trigger: the articles it has not seen. Run after the trigger
# exists, under SQLite's single write lock, so that no article is indexed twice or missed.
SQLITE_TEXT_FILL = ("INSERT INTO article_fts(rowid, title, text) SELECT seq, coalesce(title, ''), text "
                    "FROM articles WHERE seq NOT IN (SELECT rowid FROM article_fts) ORDER BY seq")


# SQLite: which events each article's mentions are in, as (article seq, event seq), kept by
# triggers on every write of mentions and events. A word search counts its events off it: FTS5
# gives article seqs, each leads here to its events' seqs (one integer key each); through the
# articles' and mentions' text keys the same count took 4x as long (~40 ms of CPU to the count's
# cap). A pair goes when no mention of the article is left in the event.
_ARTICLE_EVENT = ("SELECT articles.seq, events.seq FROM articles, events "
                  "WHERE articles.id = {m}.article_id AND events.id = {m}.event_id")
_UNLINK = ("DELETE FROM article_events WHERE article_seq = (SELECT seq FROM articles WHERE id = old.article_id) "
           "AND event_seq = (SELECT seq FROM events WHERE id = old.event_id) AND NOT EXISTS "
           "(SELECT 1 FROM mentions WHERE article_id = old.article_id AND event_id = old.event_id);")
_MEMBER_PAIRS = ("SELECT articles.seq, {e}.seq FROM mentions CROSS JOIN articles ON articles.id = mentions.article_id "
                 "WHERE mentions.event_id = {e}.id")
SQLITE_EVENT_MAP_DDL = (
    "CREATE TABLE IF NOT EXISTS article_events (article_seq INTEGER NOT NULL, event_seq INTEGER NOT NULL, "
    "PRIMARY KEY (article_seq, event_seq)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS ix_article_events_event ON article_events (event_seq, article_seq)",
    # the events a word search finds come as seqs (unique: ``events.create_many`` numbers them in turn)
    "CREATE INDEX IF NOT EXISTS ix_read_events_seq ON events (seq)",
    "CREATE TRIGGER IF NOT EXISTS article_events_insert AFTER INSERT ON mentions WHEN new.event_id IS NOT NULL "
    f"BEGIN INSERT OR IGNORE INTO article_events {_ARTICLE_EVENT.format(m='new')}; END",
    "CREATE TRIGGER IF NOT EXISTS article_events_move AFTER UPDATE OF event_id ON mentions "
    f"WHEN old.event_id IS NOT new.event_id BEGIN {_UNLINK} "
    f"INSERT OR IGNORE INTO article_events {_ARTICLE_EVENT.format(m='new')}; END",
    "CREATE TRIGGER IF NOT EXISTS article_events_delete AFTER DELETE ON mentions WHEN old.event_id IS NOT NULL "
    f"BEGIN {_UNLINK} END",
    # a mention may name its event before the event's row is written (Store.add_articles)
    "CREATE TRIGGER IF NOT EXISTS article_events_found AFTER INSERT ON events "
    f"BEGIN INSERT OR IGNORE INTO article_events {_MEMBER_PAIRS.format(e='new')}; END",
    "CREATE TRIGGER IF NOT EXISTS article_events_gone AFTER DELETE ON events "
    "BEGIN DELETE FROM article_events WHERE event_seq = old.seq; END",
    "CREATE TRIGGER IF NOT EXISTS article_events_renumber AFTER UPDATE OF seq ON events "
    "BEGIN DELETE FROM article_events WHERE event_seq = old.seq; "
    f"INSERT OR IGNORE INTO article_events {_MEMBER_PAIRS.format(e='new')}; END",
)
# For a store made before the map: every pair, once the triggers exist (under the write lock).
SQLITE_EVENT_MAP_FILL = ("INSERT OR IGNORE INTO article_events SELECT articles.seq, events.seq FROM mentions "
                         "CROSS JOIN articles ON articles.id = mentions.article_id "
                         "CROSS JOIN events ON events.id = mentions.event_id ORDER BY 1, 2")


def _existing(conn: sa.Connection) -> set[str]:
    """Names of the indexes, tables and triggers the database has."""
    if conn.dialect.name == "sqlite":
        return {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
    q = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    return {r[0] for r in conn.exec_driver_sql(q)}


def add_missing(conn: sa.Connection) -> None:
    """Give a store made by an older sitrep the indexes it lacks (and, on SQLite, the word
    index with what it has missed and the article-event pairs, ~5 s at 100k events); for a
    store that has them all, two catalogue reads."""
    have = _existing(conn)
    for table in metadata.sorted_tables:
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            if index.name not in have:
                index.create(conn)
    if conn.dialect.name == "sqlite" and "article_fts_insert" not in have:
        for ddl in SQLITE_TEXT_DDL:
            conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(SQLITE_TEXT_FILL)
    if conn.dialect.name == "sqlite" and "article_events_renumber" not in have:
        # the last trigger is made after the fill: it marks the map complete, so a fill cut
        # off is made again (INSERT OR IGNORE) on the next open
        for ddl in SQLITE_EVENT_MAP_DDL[:-1]:
            conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(SQLITE_EVENT_MAP_FILL)
        conn.exec_driver_sql(SQLITE_EVENT_MAP_DDL[-1])
    if conn.dialect.name == "postgresql" and "ix_articles_words_gin" not in have:
        for ddl in _pg_words_ddl(conn.dialect):  # an existing store: computed for every article, once
            conn.exec_driver_sql(ddl)
