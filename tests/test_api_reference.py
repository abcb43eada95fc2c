"""The API's fast paths give the answers of a straightforward computation, on SQLite and (where
$SITREP_TEST_PG is set) PostgreSQL: word search (a count that stops at the cap, pages found
event by event or from the collected matches) against the articles the word index matches,
one by one; daily counts against the export records; list pages (built without evidence)
against the export records. The store: the seeds and the first articles of a real news file."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import BACKENDS, new_database
from sitrep import service
from sitrep.store import Store, listing, queries, word_search
from sitrep.store.schema import event_listings
from sitrep.web import schemas, views
from sitrep.web.app import create_app
from test_api import Api, _expected_stats, unlisted

NEWS = "r2nery-ukraine-media.jsonl"
ARTICLES = 40  # of the news file: enough for words that many, but not all, articles hold


def _first_articles(source: Path, n: int, out: Path) -> Path:
    with source.open(encoding="utf-8") as lines:
        out.write_text("".join(line for _, line in zip(range(n), lines)), encoding="utf-8")
    return out


pytestmark = pytest.mark.slow  # an ingest of ~45 articles per backend


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, corpus, tmp_path_factory):
    if request.param == "postgresql":
        request.getfixturevalue("pg_admin")  # skips with its message where none is configured
    tmp = tmp_path_factory.mktemp("api-reference")
    news = _first_articles(corpus / "news" / NEWS, ARTICLES, tmp / "news.jsonl")
    with new_database(request.param, tmp) as db:
        store = Store(db)
        service.ingest(store, [str(corpus / "seeds"), str(news)])
        api = Api(create_app(db))
        yield {"api": api, "store": store, "events": list(service.iter_export(store, "events")),
               "mentions": list(service.iter_export(store, "mentions"))}
        api.close()
        store.close()


# ---- word search ------------------------------------------------------------------------------


def _articles_matching(store: Store, word: str) -> set[str]:
    """The articles the word index matches for one word, asked of the index alone."""
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            q = ("SELECT id FROM articles WHERE seq IN "
                 "(SELECT rowid FROM article_fts WHERE article_fts MATCH :word)")
            return {r[0] for r in conn.execute(sa.text(q), {"word": f'"{word}"'})}
        q = "SELECT id FROM articles WHERE words @@ phraseto_tsquery('english', :word)"
        return {r[0] for r in conn.execute(sa.text(q), {"word": word})}


def _reference_search(world, word: str) -> set[str]:
    """Events with a report in an article that the index matches."""
    found = _articles_matching(world["store"], word)
    return {m["event_id"] for m in world["mentions"] if m["article"]["id"] in found}


def _search_words(world) -> list[str]:
    """Long words of the evidence: two that many events' articles hold (but not all events'),
    one from the middle of the ranking and the rarest."""
    counts: Counter = Counter()
    for m in world["mentions"]:
        for quote in m["evidence"]:
            counts.update({w.lower() for w in re.findall(r"[A-Za-z]{6,}", quote["text"])})
    ranked = [w for w, _ in counts.most_common()]
    every = {e["id"] for e in world["events"]}
    broad = [w for w in ranked[:30] if 10 < len(_reference_search(world, w)) < len(every)][:2]
    assert len(broad) == 2, "the store no longer suits this test: no word that narrows a little"
    return broad + ranked[len(ranked) // 2:len(ranked) // 2 + 1] + ranked[-1:]


def _every_page(api: Api, limit: int, **params) -> tuple[list[str], dict]:
    ids, first = [], None
    while True:
        body = api.get("/api/events", limit=limit, offset=len(ids), **params).json()
        first = first or body
        ids += [e["id"] for e in body["items"]]
        if len(body["items"]) < limit:
            return ids, first


def _date_order(world, ids: list[str]) -> bool:
    """Latest first (as text: a day before its month), undated last."""
    dates = {e["id"]: e["date"] for e in world["events"]}
    keys = [(dates[i] is None, [-ord(c) for c in dates[i] or ""] + [1]) for i in ids]
    return keys == sorted(keys)


@pytest.mark.parametrize("walk, recent", [(False, None), (True, None), (True, 3)],
                         ids=["collected", "event-by-event", "event-by-event-latest-matches"])
def test_word_search_is_the_events_of_the_matching_articles(world, monkeypatch, walk, recent):
    # WALK_LIMIT decides, on SQLite, whether a page is found event by event or from the matches;
    # RECENT_MATCHES how many of the latest matches a walk collects (older ones: one by one)
    monkeypatch.setattr(queries, "WALK_LIMIT", 10**9 if walk else 0)
    if recent is not None:
        monkeypatch.setattr(word_search, "RECENT_MATCHES", recent)
    for word in _search_words(world):
        expected = _reference_search(world, word)
        ids, first = _every_page(world["api"], 7, q=word)
        assert (first["total"], first["total_exact"]) == (len(expected), True), word
        assert len(ids) == len(set(ids)) and set(ids) == expected, word
        assert _date_order(world, ids), word


def test_word_search_combines_with_other_filters(world):
    word = _search_words(world)[0]
    kind = Counter(e["type"] for e in world["events"]).most_common(1)[0][0]
    typed = {e["id"] for e in world["events"] if e["type"] == kind}
    expected = _reference_search(world, word) & typed
    assert expected, "the store no longer suits this test"
    ids, first = _every_page(world["api"], 500, q=word, type=kind)
    assert set(ids) == expected and first["total"] == len(expected)
    by_sources = world["api"].get("/api/events", limit=500, q=word, type=kind, sort="-sources").json()["items"]
    assert {e["id"] for e in by_sources} == expected
    keys = [e["sources"] for e in by_sources]
    assert keys == sorted(keys, reverse=True)


def test_word_search_count_stops_at_the_cap(world, monkeypatch):
    word = _search_words(world)[0]
    expected = _reference_search(world, word)
    monkeypatch.setattr(queries, "TOTAL_CAP", len(expected) // 2)
    ids, first = _every_page(world["api"], 3, q=word)
    assert (first["total"], first["total_exact"]) == (len(expected) // 2, False)
    assert set(ids) == expected  # the pages past the cap are still served
    with world["store"].engine.connect() as conn:  # the capped count of the pair of filters too
        found = queries.find_events(conn, queries.EventFilter(q=word, since="1900"), cap=2)
    assert (found.total, found.exact) == (2, False)


# ---- list pages and daily counts ---------------------------------------------------------------


@pytest.mark.parametrize("sort", ["-sources", "-date"])
def test_list_pages_are_the_export_records(world, sort):
    exported = {e["id"]: e for e in world["events"]}
    items = world["api"].get("/api/events", limit=10, sort=sort).json()["items"]
    assert items and all(unlisted(item) == exported[item["id"]] for item in items)
    if sort == "-sources":
        assert max(len(e["mentions"]) for e in items) > 1
    schemas.EventPage.model_validate({"total": len(exported), "total_exact": True, "items": items})


def test_events_without_a_kept_record_are_listed_from_their_rows(world):
    exported = {e["id"]: e for e in world["events"]}
    with world["store"].engine.begin() as conn:
        conn.execute(event_listings.delete())
    try:
        items = world["api"].get("/api/events", limit=10, sort="-sources").json()["items"]
        assert len(items) == 10 and all(unlisted(item) == exported[item["id"]] for item in items)
    finally:
        _relist(world["store"])


def _relist(store: Store) -> None:
    with store.engine.begin() as conn:
        listing.rebuild(conn)


def test_lists_give_the_first_mentions_of_an_event_and_count_them_all(world, monkeypatch):
    monkeypatch.setattr(listing, "LIST_MENTIONS", 1)
    _relist(world["store"])  # the listed records are kept: made again with one mention each
    try:
        _first_mentions_listed(world)
    finally:
        monkeypatch.undo()
        _relist(world["store"])


def _first_mentions_listed(world) -> None:
    items = world["api"].get("/api/events", limit=10, sort="-sources").json()["items"]
    big = next(e for e in items if e["n_mentions"] > 1)
    whole = world["api"].get(f"/api/events/{big['id']}").json()["event"]
    assert big["n_mentions"] == len(whole["mentions"]) and big["mentions"] == whole["mentions"][:1]
    assert big["merges"] == [r for r in whole["merges"] if r["mention_id"] == big["mentions"][0]]
    rest = {k for k in whole if k not in ("mentions", "merges")}
    assert {k: big[k] for k in rest} == {k: whole[k] for k in rest}  # built from every mention


def _reference_stats(events: list[dict]) -> dict:
    """The daily counts as the endpoint documents them, from the export records."""
    per_type, weapons = _expected_stats(events)
    return {"total": len(events), "events": dict(per_type), "weapons": weapons}


def _stats_as_reference(body: dict) -> dict:
    return {"total": body["total"],
            "events": {(r["day"], r["type"]): r["count"] for r in body["events"]},
            "weapons": {(r["day"], r["category"]): {"launched": r["launched"], "intercepted": r["intercepted"]}
                        for r in body["weapons"]}}


def _filters(world) -> list[dict]:
    month = Counter(e["date"][:7] for e in world["events"] if e["date"]).most_common(1)[0][0]
    weapon = Counter(w["category"] for e in world["events"] for w in e["weapons"]).most_common(1)[0][0]
    return [{}, {"type": "attack"}, {"country": "UA"}, {"since": month, "until": month}, {"weapon": weapon},
            {"q": _search_words(world)[0]}]


def test_stats_are_the_sums_over_the_matching_events(world):
    for params in _filters(world):
        events, _ = _every_page(world["api"], 500, **params)
        exported = {e["id"]: e for e in world["events"]}
        body = world["api"].get("/api/stats", **params).json()
        assert _stats_as_reference(body) == _reference_stats([exported[i] for i in events]), params
        schemas.Stats.model_validate(body)
    unfiltered = world["api"].get("/api/stats").json()
    assert any(r["launched"] or r["intercepted"] for r in unfiltered["weapons"])


def test_answers_escape_what_could_open_markup():
    from sitrep.web.app import SafeJSONResponse
    value = {"<b>": ["a & b", "</script>", "line\u2028para\u2029", "plain"]}
    for content in (value, views.JSONText(listing.dumps(value))):  # a dict, or JSON written already
        body = SafeJSONResponse(content).body.decode("utf-8")
        assert not any(c in body for c in "<>&\u2028\u2029")
        assert json.loads(body) == value
