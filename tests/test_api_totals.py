"""What the store keeps for the API as it writes — the daily totals (``store.daily``), the
events' listed records (``store.listing``) and, on PostgreSQL, the events' words
(``store.event_words``) — stays equal to what it sums up, on both
backends: after an ingest and its merges, after an unmerge and after an older store is
upgraded."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from sitrep import service
from sitrep.merge import unmerge
from sitrep.store import Store, daily, event_words, listing, queries, schema, word_search
from sitrep.store.queries import EventFilter
from sitrep.store.schema import claimant_words, event_listings, events, mentions, stat_events, stat_figures
from sitrep.web import views
from sitrep.web.app import create_app
from test_api import Api
from test_merge import REPORT_A, REPORT_B, stores  # noqa: F401  (stores: the fixture)

pytestmark = pytest.mark.slow  # ingests of the seeds


def _filters(conn: sa.Connection) -> list[EventFilter]:
    """No filter, each type, the commonest countries, months, and combinations of them."""
    types = sorted(conn.execute(sa.select(events.c.type).distinct()).scalars())
    countries = [r[0] for r in conn.exec_driver_sql(
        "SELECT country, count(*) FROM places WHERE country IS NOT NULL GROUP BY country ORDER BY 2 DESC, 1 LIMIT 4")]
    months = sorted({d[:7] for d in conn.execute(sa.select(events.c.date)).scalars() if d})[:6]
    flts = [EventFilter()] + [EventFilter(type=t) for t in types] + [EventFilter(country=c) for c in countries]
    flts += [EventFilter(since=m, until=m) for m in months] + [EventFilter(since=m) for m in months[:2]]
    flts += [EventFilter(type=t, country=c) for t in types for c in countries]
    flts += [EventFilter(type=t, country=countries[0], until=months[-1]) for t in types if countries and months]
    return flts


def _table(conn: sa.Connection, table: sa.Table) -> list[tuple]:
    return sorted(conn.execute(sa.select(table)).all(), key=repr)


def _words(conn: sa.Connection) -> list[tuple]:
    if conn.dialect.name != "postgresql":
        return []
    return sorted(conn.exec_driver_sql("SELECT event_id, words::text FROM event_words").all())


def _article_events(conn: sa.Connection) -> list[tuple]:
    """SQLite's (article seq, event seq) pairs behind word searches (``schema.SQLITE_EVENT_MAP_DDL``)."""
    if conn.dialect.name != "sqlite":
        return []
    return conn.exec_driver_sql("SELECT article_seq, event_seq FROM article_events ORDER BY 1, 2").all()


def _article_events_rebuilt(conn: sa.Connection) -> list[tuple]:
    if conn.dialect.name != "sqlite":
        return []
    conn.exec_driver_sql("DELETE FROM article_events")
    conn.exec_driver_sql(schema.SQLITE_EVENT_MAP_FILL)
    return _article_events(conn)


def assert_kept(store: Store) -> None:
    """The kept rows are those a rebuild makes, and the answers read off them (statistics,
    counts, pages) those counted from the events."""
    with store.engine.connect() as conn:
        kept = (_table(conn, stat_events), _table(conn, stat_figures), _words(conn),
                _table(conn, event_listings), _article_events(conn))
        assert kept[0], "no daily totals at all"
        assert kept[4] or store.dialect != "sqlite", "no article-event pairs at all"
        for flt in _filters(conn):
            assert queries.events_per_day(conn, flt) == queries.events_per_day_counted(conn, flt), flt
            assert queries.figures_per_day(conn, flt) == queries.figures_per_day_counted(conn, flt), flt
            conds = queries.filter_conditions(conn, flt)
            if conds:
                assert queries._count_from_totals(conn, flt) == queries._count(conn, conds, 10 ** 9), flt
            plain = sa.select(events.c.id).where(*(c.among for c in conds)).order_by(*queries.order_by("-date"))
            found = queries.find_events(conn, flt, limit=10 ** 6)
            assert (found.total, found.ids) == (len(found.ids), list(conn.execute(plain).scalars())), flt
    with store.engine.connect() as conn:
        daily.rebuild(conn)
        event_words.rebuild(conn)
        listing.rebuild(conn)
        assert (_table(conn, stat_events), _table(conn, stat_figures), _words(conn),
                _table(conn, event_listings), _article_events_rebuilt(conn)) == kept
        conn.rollback()


def _two_reports(tmp_path) -> str:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, text in (("a.txt", REPORT_A), ("b.txt", REPORT_B)):
        (folder / name).write_text(text, encoding="utf-8")
    return str(folder)


def _stats_now(store: Store, flt: EventFilter) -> dict:
    with store.engine.connect() as conn:
        return json.loads(views._stats_text(conn, flt))


def test_totals_follow_ingests_and_unmerges(corpus, stores, tmp_path):  # noqa: F811
    store = stores("totals")
    service.ingest(store, [str(corpus / "seeds")])
    assert_kept(store)
    api = Api(create_app(store.url))  # keeps its answers of /api/stats until the totals change
    try:
        before = api.get("/api/stats").json()
        assert before == _stats_now(store, EventFilter())
        service.ingest(store, [_two_reports(tmp_path)])  # a second merge, joining stored events
        assert_kept(store)
        after = api.get("/api/stats").json()
        assert after == _stats_now(store, EventFilter()) and after["total"] > before["total"]
        assert api.get("/api/stats", type="attack").json() == _stats_now(store, EventFilter(type="attack"))
    finally:
        api.close()
    with store.engine.connect() as conn:
        shared = conn.execute(sa.select(mentions.c.id).where(mentions.c.event_id.in_(
            sa.select(mentions.c.event_id).group_by(mentions.c.event_id).having(sa.func.count() > 1)))
            .order_by(mentions.c.id)).all()
    assert shared, "the seeds should give an event with several reports"
    left, _ = unmerge(store.engine, shared[0].id)
    assert left is not None
    assert_kept(store)


def test_an_older_store_gets_its_totals_on_open(corpus, stores):  # noqa: F811
    store = stores("older")
    service.ingest(store, [str(corpus / "seeds")])
    with store.engine.begin() as conn:
        expected = (_table(conn, stat_events), _table(conn, stat_figures), _words(conn), _table(conn, event_listings),
                    _article_events(conn))
        for name in ("stat_events", "stat_figures", "event_listings") + (
                ("event_words",) if store.dialect == "postgresql" else ("article_events",)):
            conn.exec_driver_sql(f"DROP TABLE {name}")
        if store.dialect == "sqlite":  # the map's triggers went with it in older stores (none had them)
            for (name,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                                "AND name LIKE 'article_events%'").all():
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
    again = Store(store.url)
    try:
        with again.engine.connect() as conn:
            assert expected[3] and (expected[4] or store.dialect != "sqlite")
            assert (_table(conn, stat_events), _table(conn, stat_figures), _words(conn),
                    _table(conn, event_listings), _article_events(conn)) == expected
    finally:
        again.close()


def test_one_word_is_searched_in_the_events_words_as_in_their_articles(corpus, stores, monkeypatch):  # noqa: F811
    store = stores("words")
    service.ingest(store, [str(corpus / "seeds")])
    if store.dialect != "postgresql":
        pytest.skip("event_words is PostgreSQL's")
    with store.engine.connect() as conn:
        for word in ("missile", "drone*", "kyiv", "said", "the", "attack"):
            terms = word_search.search_terms(word)
            by_articles = word_search.pg_text_condition(terms).among
            found = set(conn.execute(sa.select(events.c.id).where(by_articles)).scalars())
            one_word = word_search.pg_one_word(conn, terms)
            assert one_word == (word != "the"), word  # a stop word leaves no word to look for
            if one_word:
                by_events = word_search.pg_event_words_condition(terms)
                assert set(conn.execute(sa.select(events.c.id).where(by_events.among)).scalars()) == found, word
                assert set(conn.execute(sa.select(events.c.id).where(by_events.each)).scalars()) == found, word
            _pages_alike(conn, EventFilter(q=word), monkeypatch)


def _pages_alike(conn: sa.Connection, flt: EventFilter, monkeypatch) -> None:
    """PostgreSQL reads a page of one word's events three ways by how many match (gathered,
    from a hash, event by event): each gives the page and the count of the plain query."""
    conds = [c.among for c in queries.filter_conditions(conn, flt)]
    n = conn.execute(sa.select(sa.func.count()).select_from(events).where(*conds)).scalar_one()
    for sort in ("-date", "-sources"):
        plain = sa.select(events.c.id).where(*conds).order_by(*queries.order_by(sort)).limit(7).offset(2)
        expected = list(conn.execute(plain).scalars())
        for gather, cap in ((queries.PG_GATHER, queries.TOTAL_CAP), (0, queries.TOTAL_CAP), (0, 0), (0, n)):
            monkeypatch.setattr(queries, "PG_GATHER", gather)
            found = queries.find_events(conn, flt, sort, limit=7, offset=2, cap=cap)
            assert found.ids == expected, (flt, sort, gather, cap)
            assert (found.total, found.exact) == (min(n, cap), n <= cap), (flt, sort, gather, cap)
    monkeypatch.undo()


def test_a_cut_off_first_fill_is_made_again_on_the_next_open(stores, tmp_path):  # noqa: F811
    # SQLite commits CREATE TABLE at once: tables that exist empty must not count as filled
    store = stores("cut")
    service.ingest(store, [_two_reports(tmp_path)])
    kept = (stat_events, stat_figures, claimant_words, event_listings)
    with store.engine.begin() as conn:
        expected = [_table(conn, t) for t in kept]
        for table in kept:
            conn.execute(table.delete())
    again = Store(store.url)
    try:
        with again.engine.connect() as conn:
            assert expected[0] and expected[2] and expected[3] and [_table(conn, t) for t in kept] == expected
    finally:
        again.close()


def test_absurd_figures_saturate_the_sums_instead_of_stopping_the_merge(stores, tmp_path):  # noqa: F811
    folder = tmp_path / "texts"
    folder.mkdir()
    for name, city in (("a.txt", "Kharkiv"), ("b.txt", "Odesa")):
        (folder / name).write_text(
            f"Drones over {city}\n20230314\nhttps://{name[0]}.example.org/x\n"
            f"Russia launched 9,000,000,000,000,000,000 drones at {city} on Tuesday, the air force "
            "said, and all of them were shot down.\n", encoding="utf-8")
    store = stores("absurd")
    service.ingest(store, [str(folder)])
    with store.engine.connect() as conn:
        launched = conn.execute(sa.select(stat_figures.c.value).where(
            stat_figures.c.kind == "launched", stat_figures.c.country == "")).scalars().all()
    assert launched == [2 ** 63 - 1]


def test_a_number_json_cannot_hold_is_written_as_null_in_a_listed_record():
    record = {"lat": float("nan"), "places": [{"lon": float("inf")}, {"lon": 30.5}], "title": "Kyiv"}
    assert json.loads(listing.dumps(record)) == {"lat": None, "places": [{"lon": None}, {"lon": 30.5}],
                                                 "title": "Kyiv"}
