"""Rows of articles, their sources and their MinHash buckets."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Iterator

import sqlalchemy as sa

from sitrep.model import Article
from sitrep.store.plain import execute_many
from sitrep.store.schema import articles, signature_bands, signatures, sources
from sitrep.store.turns import take_turn

# NUL (PostgreSQL's text refuses it) and surrogate code points (no UTF-8 writer accepts them, so
# SQLite's driver refuses them too). Cleaned text has neither; what a container gave as it was
# (the raw text, a JSON record's title, outlet or URL, a file name) can.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article with what the store keeps beside it."""

    article: Article
    digest: str  # hash of the raw text, keyed by source for cheap re-runs
    signature: bytes  # MinHash signature
    buckets: tuple[tuple[int, str], ...]  # LSH (band, bucket) keys


def storable(text: str | None) -> str | None:
    """``text`` as both backends can hold it: each unstorable character becomes U+FFFD, one for
    one, so that offsets into it still hold."""
    if not text:
        return text
    # the regular expression scans a text ~5x slower than encoding it: it runs only where the
    # UTF-8 has a NUL or the lead byte of U+D000-U+DFFF (surrogates, and some Hangul)
    data = text.encode("utf-8", "surrogatepass")
    return text if b"\x00" not in data and b"\xed" not in data else _UNSTORABLE.sub("\ufffd", text)


def existing(conn: sa.Connection, article_ids: set[str]) -> set[str]:
    """Those of ``article_ids`` that are stored (one query for a batch)."""
    if not article_ids:
        return set()
    return set(conn.execute(sa.select(articles.c.id).where(articles.c.id.in_(article_ids))).scalars())


def seen_sources(conn: sa.Connection, pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those (source, digest) pairs already stored: the same source read with the same text."""
    by_stored = {(storable(s), d): (s, d) for s, d in pairs}
    if not by_stored:
        return set()
    q = sa.select(sources.c.source, sources.c.digest).where(
        sources.c.source.in_({s for s, _ in by_stored}))
    return {by_stored[key] for key in map(tuple, conn.execute(q)) if key in by_stored}


def dedup_candidates(conn: sa.Connection, buckets: list[tuple[int, str]]) -> list[tuple[str, bytes]]:
    """Articles sharing at least one LSH bucket, with their signatures, earliest first."""
    return dedup_candidates_many(conn, [tuple(buckets)])[0]


def dedup_candidates_many(conn: sa.Connection, bucket_lists: list[tuple[tuple[int, str], ...]]
                          ) -> list[list[tuple[str, bytes]]]:
    """For each bucket list of a batch, the articles sharing at least one of its LSH buckets,
    with their signatures, earliest first: two queries for the whole batch (one indexed IN on
    the bucket; the band is checked on the few rows that come back)."""
    wanted = {key for keys in bucket_lists for key in keys}
    if not wanted:
        return [[] for _ in bucket_lists]
    q = sa.select(signature_bands.c.band, signature_bands.c.bucket, signature_bands.c.article_id).where(
        signature_bands.c.bucket.in_({k for _, k in wanted}))
    holders: dict[tuple[int, str], set[str]] = {}
    for band, bucket, article_id in conn.execute(q):
        if (band, bucket) in wanted:
            holders.setdefault((band, bucket), set()).add(article_id)
    ids = set().union(*holders.values()) if holders else set()
    if not ids:
        return [[] for _ in bucket_lists]
    q = (sa.select(signatures.c.article_id, signatures.c.signature)
         .join(articles, articles.c.id == signatures.c.article_id)
         .where(signatures.c.article_id.in_(ids)).order_by(articles.c.seq))
    ordered = [(r[0], r[1]) for r in conn.execute(q)]
    out = []
    for keys in bucket_lists:
        mine = set().union(*(holders.get(k, set()) for k in keys)) if keys else set()
        out.append([pair for pair in ordered if pair[0] in mine])
    return out


def _article_row(a: Article) -> dict:
    return {"id": a.id, "source": storable(a.source), "url": storable(a.url), "title": storable(a.title),
            "outlet": storable(a.outlet), "published": storable(a.published), "language": a.language,
            "author": storable(a.author), "duplicate_of": a.duplicate_of, "text": storable(a.text),
            "raw_text": storable(a.raw_text),
            "notes": [{k: storable(v) for k, v in asdict(n).items()} for n in a.notes]}


def insert(conn: sa.Connection, new: NewArticle) -> None:
    insert_many(conn, [new])


def insert_many(conn: sa.Connection, news: list[NewArticle]) -> None:
    """Articles with their signatures, buckets and sources; their seqs follow this order."""
    if not news:
        return
    take_turn(conn, articles)  # the next seq is read and written by one writer at a time
    # the seqs are read inside the INSERT: a SELECT before it would run outside the write lock
    # on SQLite, and a writer beside it could take the same seq
    conn.execute(_INSERT_ARTICLES, [_article_row(n.article) | {"k": k} for k, n in enumerate(news, 1)])
    insert_signatures(conn, [(n.article.id, n.signature, n.buckets) for n in news])
    latest = {storable(n.article.source): (n.digest, n.article.id) for n in news}  # a source read twice: its last text
    execute_many(conn, _FORGET_SOURCE, [{"source": s} for s in latest])
    execute_many(conn, _INSERT_SOURCES, [{"source": s, "digest": d, "article_id": a} for s, (d, a) in latest.items()])


def insert_signatures(conn: sa.Connection, signed: list[tuple[str, bytes, tuple[tuple[int, str], ...]]]) -> None:
    """(article id, MinHash signature, its LSH buckets) of stored articles."""
    conn.execute(signatures.insert(), [{"article_id": a, "signature": sig} for a, sig, _ in signed])
    execute_many(conn, _INSERT_BANDS, [{"band": b, "bucket": k, "article_id": a} for a, _, keys in signed for b, k in keys])


# RETURNING makes SQLAlchemy write many rows a statement ("insertmanyvalues"): SQLite's FTS5
# (the trigger) then writes its index once a statement, not once a row. Every subquery of a
# statement reads the table as it was before it: row k takes the seq k past the last one.
_INSERT_ARTICLES = articles.insert().values(
    seq=sa.select(sa.func.coalesce(sa.func.max(articles.c.seq), 0)).scalar_subquery() + sa.bindparam("k")
).returning(articles.c.seq)
# one object each: plain.execute_many compiles a statement once
_INSERT_BANDS, _INSERT_SOURCES = signature_bands.insert(), sources.insert()
_FORGET_SOURCE = sources.delete().where(sources.c.source == sa.bindparam("source"))


def insert_source(conn: sa.Connection, source: str, digest: str, article_id: str) -> None:
    source = storable(source)
    conn.execute(_FORGET_SOURCE, {"source": source})
    conn.execute(sources.insert().values(source=source, digest=digest, article_id=article_id))


def iter_rows(conn: sa.Connection) -> Iterator[dict]:
    # on the statement: a connection's own options (SQLAlchemy 2) would stay for what follows
    q = sa.select(articles).order_by(articles.c.seq).execution_options(yield_per=500)
    for row in conn.execute(q):
        yield dict(row._mapping)


def get(conn: sa.Connection, article_id: str) -> dict | None:
    row = conn.execute(sa.select(articles).where(articles.c.id == article_id)).first()
    return dict(row._mapping) if row else None


def count(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(articles)).scalar_one()
