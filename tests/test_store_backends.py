"""The store on SQLite and on PostgreSQL: the same input gives the same exports on both.

Tests taking ``db_url`` run on each backend (PostgreSQL where $SITREP_TEST_PG is set, see
tests/conftest.py), each in a new database.
"""
from __future__ import annotations

import hashlib
import json
import csv
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Callable, Iterator

import pytest
import sqlalchemy as sa

from conftest import new_database
from sitrep import dedup, pipeline, service
from sitrep.model import Article, EventDate, Figure, Mention, Place, Span, Weapon
from sitrep.store import Store, schema
from sitrep.store import articles as article_rows
from sitrep.store import events as event_rows
from sitrep.store import mentions as mention_rows
from sitrep.store.articles import NewArticle

ROOT = Path(__file__).resolve().parents[1]
NEWS_SLICE = 150  # records of one news file ingested after the seeds, for merges across articles
COPY_EVERY = 10  # ... and a near-copy of every tenth of them, for duplicates


@pytest.fixture(scope="module")
def analysis() -> pipeline.Analysis:
    return pipeline.Analysis()  # the gazetteer and the lexicons, loaded once for the module


@contextmanager
def opened(url: str) -> Iterator[Store]:
    store = Store(url)
    try:
        yield store
    finally:
        store.close()


def ingest(url: str, paths: list[Path], analysis: pipeline.Analysis) -> pipeline.Summary:
    with opened(url) as store:
        return service.ingest(store, [str(p) for p in paths], analysis=analysis)


def exports(url: str) -> dict[str, list[dict]]:
    with opened(url) as store:
        return {what: list(service.iter_export(store, what)) for what in service.EXPORTABLE}


def merged_mention(events: list[dict]) -> str:
    """A mention of an event that other mentions report too."""
    joined = [e for e in events if len(e["mentions"]) > 1]
    assert joined, "no event with more than one mention to unmerge"
    return joined[0]["mentions"][-1]


def unmerge(url: str, mention_id: str) -> str | None:
    with opened(url) as store:
        return service.unmerge(store, mention_id)


def event_of(exported: dict[str, list[dict]], mention_id: str) -> str | None:
    return next(m["event_id"] for m in exported["mentions"] if m["id"] == mention_id)


# ---- end to end: seeds ---------------------------------------------------------------------


def test_seeds_ingest_reingest_and_unmerge(db_url, corpus, analysis):
    first = ingest(db_url, [corpus / "seeds"], analysis)
    assert (first.read, first.new, first.rejected_total) == (5, 5, 0)
    assert first.mentions > 0 and first.events > 0
    before = exports(db_url)
    again = ingest(db_url, [corpus / "seeds"], analysis)
    assert (again.read, again.new, again.present, again.mentions, again.events) == (5, 0, 5, 0, 0)
    assert exports(db_url) == before

    mention = merged_mention(before["events"])
    left = unmerge(db_url, mention)
    assert left == event_of(before, mention)
    after = exports(db_url)
    now = event_of(after, mention)
    assert now is not None and now != left
    assert mention not in next(e["mentions"] for e in after["events"] if e["id"] == left)
    ingest(db_url, [corpus / "seeds"], analysis)
    assert event_of(exports(db_url), mention) == now  # an undone merge stays undone
    assert unmerge(db_url, "no-such-mention") is None


def sitrep(*args: str, **env: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **env}
    return subprocess.run([sys.executable, "-m", "sitrep", *args], capture_output=True, text=True, env=env)


@pytest.mark.slow
def test_cli_shows_exports_and_unmerges_by_url(db_url, corpus, analysis, tmp_path):
    ingest(db_url, [corpus / "seeds"], analysis)
    exported = exports(db_url)
    event = next(e for e in exported["events"] if len(e["mentions"]) > 1)
    shown = sitrep("--db", db_url, "show", event["id"])
    assert shown.returncode == 0 and f"event {event['id']}" in shown.stdout, shown.stderr
    mention = merged_mention(exported["events"])
    done = sitrep("--db", db_url, "unmerge", mention)
    assert done.returncode == 0 and mention in done.stdout, done.stderr
    out = tmp_path / "mentions.csv"
    done = sitrep("export", "mentions", "--format", "csv", "-o", str(out), SITREP_DB=db_url)
    assert done.returncode == 0, done.stderr
    rows = {r["id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert len(rows) == len(exported["mentions"])
    assert rows[mention]["event_id"] not in ("", event_of(exported, mention))


def _news_slice(corpus: Path, folder: Path) -> Path:
    """The first records of a news file, each tenth followed by a copy of it as another outlet
    would run it: another id, and a line of its own at the end."""
    src = corpus / "news" / "r2nery-ukraine-media.jsonl"
    part = folder / "news-slice.jsonl"
    with open(src, encoding="utf-8") as fh, open(part, "w", encoding="utf-8") as out:
        for i, line in enumerate(islice(fh, NEWS_SLICE)):
            out.write(line)
            if i % COPY_EVERY == 0:
                record = json.loads(line)
                record.update(id=f"copy-{i}", text=record["text"] + "\n\n(Syndicated by another outlet.)")
                out.write(json.dumps(record) + "\n")
    return part


@pytest.mark.slow
def test_sqlite_and_postgresql_export_the_same(pg_admin, corpus, analysis, tmp_path):
    news = _news_slice(corpus, tmp_path)
    found = {}
    for kind in ("sqlite", "postgresql"):
        folder = tmp_path / kind
        folder.mkdir()
        with new_database(kind, folder) as url:
            ingest(url, [corpus / "seeds"], analysis)
            summary = ingest(url, [news], analysis)
            before = exports(url)
            left = unmerge(url, merged_mention(before["events"]))
            found[kind] = summary, before, left, exports(url)
    (lite_summary, lite, lite_left, lite_after), (pg_summary, pg, pg_left, pg_after) = found.values()
    assert lite_summary == pg_summary
    assert lite_summary.duplicates > 0
    assert any(len(e["mentions"]) > 1 for e in lite["events"])
    assert any(e["figures"] for e in lite["events"])
    for what in service.EXPORTABLE:
        assert len(lite[what]) == len(pg[what]) > 0, what
        assert lite[what] == pg[what], _first_difference(lite[what], pg[what])
    assert lite_left == pg_left and lite_after == pg_after


def _first_difference(a: list[dict], b: list[dict]) -> str:
    for x, y in zip(a, b):
        if x != y:
            return f"sqlite:\n{json.dumps(x, sort_keys=True)}\npostgresql:\n{json.dumps(y, sort_keys=True)}"
    return f"lengths {len(a)} and {len(b)}"


# ---- what the two databases hold differently -----------------------------------------------


def test_text_neither_database_can_hold_is_stored_replaced(db_url, analysis, tmp_path):
    story = "Air defences shot down {n} drones over the city overnight, the regional governor said."
    records = [{"title": "Night\u0000raid", "outlet": "Wire\u0000Service", "text": story.format(n=12) + " A\u0000B."},
               {"title": "Half \ud800 pair", "text": story.format(n=7) + " X\ud800Y."}]
    lines = "".join(json.dumps(r) + "\n" for r in records)
    (tmp_path / "records.jsonl").write_text(lines, encoding="utf-8")
    odd_name = tmp_path / os.fsdecode(b"caf\xe9.txt")  # a file name that is not UTF-8
    odd_name.write_text(story.format(n=3), encoding="utf-8")
    paths = [tmp_path / "records.jsonl", odd_name]
    first = ingest(db_url, paths, analysis)
    assert (first.new, first.rejected_total) == (3, 0)
    with opened(db_url) as store:
        rows = list(store.iter_articles())
    assert {r["title"] for r in rows} >= {"Night\ufffdraid", "Half \ufffd pair"}
    assert any(r["outlet"] == "Wire\ufffdService" for r in rows)
    assert all("\x00" not in r["raw_text"] and "\x00" not in r["text"] for r in rows)
    assert any("\ufffd" in r["source"] for r in rows)
    again = ingest(db_url, paths, analysis)
    assert (again.new, again.present) == (0, 3)


def _article(text: str) -> NewArticle:
    article = Article(id=hashlib.sha256(text.encode()).hexdigest()[:16], source=f"test:{text}",
                      text=text, raw_text=text, language="en")
    return NewArticle(article=article, digest="0" * 32, signature=b"\x00\xff\x00" + text.encode(),
                      buckets=((0, "bucket-a"), (1, article.id)))


def test_large_figures_json_and_bytes_round_trip(db_url):
    new = _article("Invented: a count larger than 32 bits.")
    figure = Figure(kind="evacuated", value=8_000_000_000, unit="person", value_max=9_500_000_000,
                    evidence=Span(0, 8, "Invented"), text="8 billion")
    mention = Mention(
        id="m" * 16, article_id=new.article.id, type="attack", subtype="strike",
        date=EventDate("2022-03-06", "day"), figures=(figure,), weapons=(Weapon("drone", "Shahed-136"),),
        locations=(Place("Desna", "UA", "UA-74", 50.9, 30.75, "place", "target", 710791, 0, 5),),
        evidence=(Span(0, 8, "Invented"),))
    with opened(db_url) as store:
        store.add_article(new, [mention])
        row = next(store.iter_mentions())
        candidates = store.dedup_candidates([(0, "bucket-a")])
    assert (row["figures"][0]["value"], row["figures"][0]["value_max"]) == (8_000_000_000, 9_500_000_000)
    assert row["weapons"] == [{"category": "drone", "model": "Shahed-136"}]
    assert row["evidence"] == [{"start": 0, "end": 8, "text": "Invented"}]
    assert (row["locations"][0]["lat"], row["locations"][0]["lon"]) == (50.9, 30.75)
    assert candidates == [(new.article.id, new.signature)]


def _signed(record: dict) -> NewArticle:
    text = record["text"]
    article = Article(id=hashlib.sha256(text.encode()).hexdigest()[:16], source=record["url"],
                      text=text, raw_text=text, language="en")
    sig = dedup.signature(text)
    return NewArticle(article=article, digest="0" * 32, signature=sig, buckets=dedup.buckets(sig))


def test_a_store_of_the_first_minhash_scheme_is_signed_again_on_open(db_url, corpus):
    records = [json.loads(line) for line in islice(open(corpus / "news" / "r2nery-ukraine-media.jsonl",
                                                         encoding="utf-8"), 3)]
    news = [_signed(r) for r in records]
    with opened(db_url) as store, store.engine.begin() as conn:
        article_rows.insert_many(conn, news)
        # as scheme 1 left it: its own tables, none of scheme 2's rows
        conn.execute(sa.text("CREATE TABLE minhashes (article_id VARCHAR(32), signature BYTEA)"
                             .replace("BYTEA", "BLOB" if conn.dialect.name == "sqlite" else "BYTEA")))
        conn.execute(sa.text("CREATE TABLE minhash_bands (band INTEGER, bucket VARCHAR(32), article_id VARCHAR(32))"))
        conn.execute(schema.signature_bands.delete())
        conn.execute(schema.signatures.delete())
    with opened(db_url) as store:
        with store.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            bands = conn.execute(sa.select(sa.func.count()).select_from(schema.signature_bands)).scalar_one()
        # a lightly edited copy of the first finds it again
        copy = records[0]["text"].replace(".", ";", 3)
        found = store.dedup_candidates(list(dedup.buckets(dedup.signature(copy))))
    assert not {"minhashes", "minhash_bands"} & tables
    assert bands == len(news) * dedup.BANDS
    assert found[0] == (news[0].article.id, news[0].signature)


def test_events_near_a_date_are_found_by_byte_order(db_url):
    dates = ["2022-03-03", "2022-03-04", "2022-03-08", "2022-03-08/2022-03-09", "2022-03-09", "2022-03"]
    with opened(db_url) as store, store.engine.begin() as conn:
        for i, date in enumerate(dates):
            event_rows.create(conn, f"event-{i}", {"type": "attack", "subtype": "strike", "date": date,
                                                   "date_precision": "day"})
        near = event_rows.candidates(conn, {"type": "attack", "date": "2022-03-06", "locations": []}, days=2)
    # "2022-03-08/..." sorts below "2022-03-08~" by code point; a collation ignoring "/" and "~" differs
    assert [e["date"] for e in near] == ["2022-03-08/2022-03-09", "2022-03-08", "2022-03-04"]


def _while_another_writes(url: str, first: Callable[[sa.Connection], None],
                          second: Callable[[Store], None]) -> None:
    """``second`` starts while ``first``'s transaction is open, and ends after it commits."""
    with opened(url) as store, ThreadPoolExecutor(1) as pool:
        with store.engine.begin() as conn:
            first(conn)
            later = pool.submit(second, store)
            threading.Event().wait(0.5)  # time for ``second`` to reach the database
        later.result(timeout=30)


def test_concurrent_writers_take_the_next_seq_in_turn(db_url):
    one, two = _article("Invented: the first of two."), _article("Invented: the second of two.")
    mention = {"type": "attack", "subtype": "strike", "date": None, "date_precision": "unknown"}

    def second(store: Store) -> None:
        store.add_article(two)
        with store.engine.begin() as conn:
            event_rows.create(conn, "event-b", mention)

    def first(conn: sa.Connection) -> None:
        article_rows.insert(conn, one)
        event_rows.create(conn, "event-a", mention)

    _while_another_writes(db_url, first, second)
    with opened(db_url) as store, store.engine.connect() as conn:
        seqs = dict(conn.execute(sa.text("SELECT id, seq FROM articles")).all())
        event_seqs = dict(conn.execute(sa.text("SELECT id, seq FROM events")).all())
    assert seqs == {one.article.id: 1, two.article.id: 2}
    assert event_seqs == {"event-a": 1, "event-b": 2}


@pytest.mark.slow
def test_a_merge_asks_for_many_mentions_what_it_asks_for_each(db_url, corpus, analysis, tmp_path):
    """``candidates_many`` (what a merge runs) gives each mention what ``candidates`` gives it,
    for the stored mentions as dated, undated, moved a few days and given a month."""
    ingest(db_url, [corpus / "seeds", _news_slice(corpus, tmp_path)], analysis)
    with opened(db_url) as store, store.engine.connect() as conn:
        stored = [m for m in mention_rows.iter_rows(conn) if m["type"]]
        asked = []
        for m in stored:
            asked.append(m)
            asked.append({**m, "date": None})
            if m["date"] and len(m["date"]) == 10:
                asked.append({**m, "date": m["date"][:7]})
                asked.append({**m, "date": f"{m['date']}/{m['date'][:8]}28" if m["date"][8:] < "28" else m["date"]})
        many = event_rows.candidates_many(conn, asked)
        one_by_one = [event_rows.candidates(conn, m) for m in asked]
    assert sum(map(len, one_by_one)) > len(asked)  # the store has events near most of them
    assert [[e["id"] for e in found] for found in many] == [[e["id"] for e in found] for found in one_by_one]


def _pairs(store: Store) -> tuple[list[tuple], list[tuple]]:
    """SQLite's kept (article seq, event seq) pairs, and the pairs the mentions give now."""
    with store.engine.connect() as conn:
        kept = conn.exec_driver_sql("SELECT article_seq, event_seq FROM article_events ORDER BY 1, 2").all()
        conn.exec_driver_sql("DELETE FROM article_events")
        conn.exec_driver_sql(schema.SQLITE_EVENT_MAP_FILL)
        made = conn.exec_driver_sql("SELECT article_seq, event_seq FROM article_events ORDER BY 1, 2").all()
        conn.rollback()
    return kept, made


def _placed(article: NewArticle, n: int, event_id: str | None) -> list[Mention]:
    return [Mention(id=f"{article.article.id[:8]}-{i}", article_id=article.article.id, type="attack",
                    subtype="strike", event_id=event_id) for i in range(n)]


def test_sqlite_keeps_each_articles_events_as_mentions_and_events_come_and_go(tmp_path):
    """The pairs word searches count (``schema.SQLITE_EVENT_MAP_DDL``) follow every write:
    mentions placed before their event exists, moved, unmerged, replaced; events dropped."""
    first, second, third = (_article(f"Invented: the {n} report.") for n in ("first", "second", "third"))
    event = {"type": "attack", "subtype": "strike", "date": "2022-03-06", "date_precision": "day"}

    def mention(article: NewArticle, i: int) -> str:
        return f"{article.article.id[:8]}-{i}"

    steps = [
        lambda conn: event_rows.create_many(conn, [("event-a", event), ("event-b", event)]),  # after their mentions
        lambda conn: event_rows.assign_many(conn, [(mention(second, 0), "event-a", 1.0, "same")]),
        lambda conn: event_rows.assign_many(conn, [(mention(first, 0), "event-b", 1.0, "moved")]),
        lambda conn: event_rows.unmerge(conn, mention(first, 1)),
        lambda conn: event_rows.assign_many(conn, [(mention(first, 0), "event-a", 1.0, "back")]),
        lambda conn: event_rows.delete(conn, "event-b", into="event-a"),
        lambda conn: None,  # the third article's mentions replaced, into an event yet to be written
        lambda conn: event_rows.create_many(conn, [("event-c", event)]),
    ]
    seen = []
    with opened(str(tmp_path / "pairs.db")) as store:
        store.add_articles([(first, _placed(first, 2, "event-a")), (second, _placed(second, 1, None)),
                            (third, _placed(third, 1, "event-a"))])
        for i, step in enumerate(steps):
            if i == 6:
                store.replace_mentions(third.article.id, _placed(third, 2, "event-c"))
            with store.engine.begin() as conn:
                step(conn)
            seen.append(_pairs(store))
    for kept, made in seen:
        assert kept == made
    assert [len(kept) for kept, _ in seen] == [2, 3, 4, 3, 3, 3, 2, 3]
