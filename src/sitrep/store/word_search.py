"""Word search as a condition on events: FTS5 on SQLite (article seqs, through the article ->
events map), tsvector on PostgreSQL (the articles' words, or one word off the events' words)."""
from __future__ import annotations

import re

import sqlalchemy as sa

from sitrep.store import event_words
from sitrep.store.conditions import Condition
from sitrep.store.schema import article_words, articles, events, mentions, text_config


def search_terms(q: str) -> list[str]:
    """The words and "quoted phrases" of a search, each a list of words joined by spaces;
    a trailing * on a word asks for its prefix."""
    terms = []
    for phrase, word, star in re.findall(r'"([^"]*)"|(\w+)(\*?)', q):
        words = re.findall(r"\w+", phrase) if phrase else [word] if word else []
        if words:
            terms.append(" ".join(words) + star)
    return terms


def _fts_match(terms: list[str]) -> str:
    """The terms as an FTS5 query, each quoted so that FTS5's syntax stays out."""
    return " ".join(f'"{t.rstrip("*")}"' + ("*" if t.endswith("*") else "") for t in terms)


def _pg_term(term: str) -> sa.ColumnElement:
    """One term as a tsquery, normalised by the index's own configuration: the words of a
    phrase in a row (``<->``), a trailing * a prefix of the last word's stem."""
    words = term.rstrip("*")
    if not term.endswith("*"):
        return sa.func.phraseto_tsquery(text_config(), words)
    *head, last = words.split(" ")
    prefix = sa.func.to_tsquery(text_config(), last + ":*")  # \w+ words: no tsquery syntax in them
    if not head:
        return prefix
    return sa.func.tsquery_phrase(sa.func.phraseto_tsquery(text_config(), " ".join(head)), prefix)


def _pg_query(terms: list[str]) -> sa.ColumnElement:
    """Every term, as one tsquery."""
    query = _pg_term(terms[0])
    for term in terms[1:]:
        query = query.op("&&")(_pg_term(term))
    return query


def _pg_words(terms: list[str]) -> sa.ColumnElement:
    """Articles whose words (``articles.words``, GIN-indexed) hold every term."""
    return article_words().op("@@")(_pg_query(terms))


# SQLite, written out: its planner must be told the join order (CROSS JOIN) and the index
# (INDEXED BY, which SQLAlchemy's SQLite dialect does not write).
_FTS_SEQS = "SELECT rowid FROM article_fts WHERE article_fts MATCH :words"
# every match, read in rowid order and lazily (a LIMIT above stops it), each to its events'
# seqs (``schema.SQLITE_EVENT_MAP_DDL``): integer keys, one lookup a match
_FTS_EVENTS = ("SELECT article_events.event_seq AS event_seq FROM article_fts "
               "CROSS JOIN article_events ON article_events.article_seq = article_fts.rowid "
               "WHERE article_fts MATCH :words")
# from one event to its articles' seqs, each looked up among the matches (collected once per
# query); "+ 0" keeps SQLite from probing the map once per match for each event
_FTS_EACH = (f"EXISTS (SELECT 1 FROM article_events INDEXED BY ix_article_events_event "
             f"WHERE article_events.event_seq = events.seq AND article_events.article_seq + 0 IN ({_FTS_SEQS}))")
# the same, of a walk latest first: the matches after :since collected, an older article looked
# up on its own (FTS5 by rowid: each segment of the index sought, ~0.05 ms)
_FTS_EACH_RECENT = (
    "EXISTS (SELECT 1 FROM article_events INDEXED BY ix_article_events_event "
    "WHERE article_events.event_seq = events.seq AND (article_events.article_seq + 0 IN "
    f"({_FTS_SEQS} AND rowid > :since) OR article_events.article_seq <= :since AND EXISTS "
    "(SELECT 1 FROM article_fts WHERE article_fts MATCH :words AND article_fts.rowid = article_events.article_seq)))")
_FTS_EDGE = f"{_FTS_SEQS} ORDER BY rowid DESC LIMIT 1 OFFSET :recent"

# A walk latest first meets the events of the latest articles first (arrival order, the FTS5
# rowid, mostly follows the news): of a word's matches it collects this many of the latest,
# where collecting all of a common word's (~108k at 100k events) took ~25 ms; read off FTS5 in
# rowid order, ~0.4 ms. An older article (an old event's, or a backfilled one) is looked up alone.
RECENT_MATCHES = 4000


def _sqlite_text_condition(terms: list[str]) -> Condition:
    """FTS5 finds article seqs; collected, each match leads to its events' seqs; event by
    event, the event's articles are looked up among the matches."""
    words = sa.bindparam("words", _fts_match(terms))
    ids = sa.text(_FTS_EVENTS).bindparams(words).columns(sa.column("event_seq", events.c.seq.type))
    # by rowid, a prefix reads every word it begins in each segment (~1 s a page), a phrase
    # the positions of its words: only words are looked up one article at a time
    recent = words.value if all(re.fullmatch(r"\w+", t) for t in terms) else None
    return Condition(events.c.seq.in_(ids), sa.text(_FTS_EACH).bindparams(words), ids, leads=True, key="seq",
                     fts=recent)


def walked(conn: sa.Connection, cond: Condition, sort: str) -> sa.ColumnElement:
    """How a walk in ``sort`` order tests each event against ``cond``: latest first, a SQLite
    word search collects only its ``RECENT_MATCHES`` latest matches (the same events pass)."""
    if cond.fts is None or sort != "-date":
        return cond.each
    since = conn.execute(sa.text(_FTS_EDGE), {"words": cond.fts, "recent": RECENT_MATCHES}).scalar()
    if since is None:  # fewer matches than that: all are collected
        return cond.each
    return sa.text(_FTS_EACH_RECENT).bindparams(words=cond.fts, since=since)


def pg_one_word(conn: sa.Connection, terms: list[str]) -> bool:
    """Whether the search is one word or prefix once normalised (one node of tsquery): then
    whether an event matches is whether its articles' words, together, hold it."""
    return len(terms) == 1 and conn.execute(sa.select(sa.func.numnode(_pg_query(terms)))).scalar_one() == 1


def pg_event_words_condition(terms: list[str]) -> Condition:
    """Events whose words (``event_words``, GIN-indexed) hold the one word: read off one index,
    each event once, so that a capped count stops after enough of them."""
    table = event_words.TABLE
    matches = table.c.words.op("@@")(_pg_query(terms))
    ids = sa.select(table.c.event_id).where(matches)
    # event by event: a scalar subquery, which PostgreSQL cannot turn into a hash of every match
    # (as it does an EXISTS: the whole table read for a common word)
    each = sa.select(matches).where(table.c.event_id == events.c.id).scalar_subquery().is_(sa.true())
    return Condition(events.c.id.in_(ids), each, ids, leads=True, unique=True)


def pg_text_condition(terms: list[str]) -> Condition:
    """The events of the matching articles, collected: PostgreSQL chooses how (by the word's
    frequency), and is never asked event by event. Not streamed for a count: a word in most
    articles costs ~1 s at 100k events whichever way (each mention's article's vector tested,
    or every match read off the GIN index before any is counted), and streaming was no
    quicker."""
    joined = mentions.join(articles, articles.c.id == mentions.c.article_id)
    among = events.c.id.in_(sa.select(mentions.c.event_id).select_from(joined).where(_pg_words(terms)))
    return Condition(among, among)


def text_condition(conn: sa.Connection, q: str) -> Condition:
    terms = search_terms(q)
    if not terms:
        raise ValueError(f"the search {q!r} has no words in it")
    if conn.dialect.name == "sqlite":
        return _sqlite_text_condition(terms)
    return pg_event_words_condition(terms) if pg_one_word(conn, terms) else pg_text_condition(terms)

