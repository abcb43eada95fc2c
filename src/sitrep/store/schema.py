"""Tables, in SQLAlchemy Core, portable between SQLite and PostgreSQL.

Lists and nested values are kept as JSON text only where nobody queries inside them;
what the API filters on (dates, places, figures) has columns of its own.
"""
from __future__ import annotations

import sqlalchemy as sa

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

# Every source an article was read from, so that a re-run can skip what it has seen.
sources = sa.Table(
    "sources", metadata,
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("digest", sa.String(32), nullable=False),  # hash of the raw text read
    sa.Column("article_id", ID, sa.ForeignKey("articles.id"), nullable=False),
)

# MinHash LSH kept in the store: one row per (band, bucket) of each article's signature.
minhash_bands = sa.Table(
    "minhash_bands", metadata,
    sa.Column("band", sa.Integer, nullable=False),
    sa.Column("bucket", sa.String(32), nullable=False),
    sa.Column("article_id", ID, sa.ForeignKey("articles.id"), nullable=False),
)
sa.Index("ix_minhash_bucket", minhash_bands.c.bucket, minhash_bands.c.band)

minhashes = sa.Table(
    "minhashes", metadata,
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
sa.Index("ix_mentions_article", mentions.c.article_id)
sa.Index("ix_mentions_event", mentions.c.event_id)
sa.Index("ix_mentions_date", mentions.c.date)

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
)

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
)
sa.Index("ix_places_country", places.c.country, places.c.admin1)
sa.Index("ix_places_admin1", places.c.admin1)

# The merged view: one row per real-world event; mentions point at it with mentions.event_id.
events = sa.Table(
    "events", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("subtype", sa.String(24), nullable=False),
    sa.Column("date", DAY),
    sa.Column("date_precision", sa.String(8), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
)
sa.Index("ix_events_type_date", events.c.type, events.c.date)

# Why each mention joined its event: kept so a wrong merge can be understood and undone.
merges = sa.Table(
    "merges", metadata,
    sa.Column("mention_id", ID, sa.ForeignKey("mentions.id"), primary_key=True),
    sa.Column("event_id", ID, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)

# Merges a user undid: the mention never joins that event again, on any re-run.
unmerges = sa.Table(
    "unmerges", metadata,
    sa.Column("mention_id", ID, primary_key=True),
    sa.Column("event_id", ID, primary_key=True),
)
