"""The REST API, in process, on a store of the five seeds plus one invented article whose
title, outlet and text carry markup, on SQLite and (where $SITREP_TEST_PG is set) PostgreSQL.
Expected answers are computed from what `sitrep export` writes for the same store, never
written down by hand."""
from __future__ import annotations

import asyncio
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from conftest import BACKENDS, new_database
from sitrep import service
from sitrep.store import Store
from sitrep.store import events as event_rows
from sitrep.store.schema import mentions
from sitrep.web import schemas
from sitrep.web.app import create_app

# Invented for this test: markup in every untrusted field.
MARKUP_ARTICLE = {
    "title": "<script>alert('x')</script> Drones downed over the Odesa region",
    "date": "2023-03-07", "url": "https://example.org/a?x=1&y=<b>",
    "outlet": "Example Wire <img src=x onerror=alert(1)>",
    "text": ("Ukraine's air force said on Tuesday that it shot down 12 of 15 drones launched overnight at the "
             "Odesa region. <script>document.title='owned'</script> Debris damaged a warehouse near the port, "
             "the regional governor said."),
}
LATER_ARTICLE = {
    "title": "Shelling in Kherson", "date": "2023-03-09", "outlet": "Example Wire",
    "text": "Russian artillery shelled the city of Kherson on Thursday, wounding three people, the regional "
            "governor said. A pharmacy and a quarrystone warehouse were damaged.",
}


class Api:
    """httpx.AsyncClient on the ASGI app, driven from synchronous tests."""

    def __init__(self, app) -> None:
        self.runner = asyncio.Runner()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sitrep.test")

    def get(self, path: str, **params) -> httpx.Response:
        return self.runner.run(self.client.get(path, params=params))

    def close(self) -> None:
        self.runner.run(self.client.aclose())
        self.runner.close()


def write_jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, corpus, tmp_path_factory):
    """One store per backend for the whole module."""
    if request.param == "postgresql":
        request.getfixturevalue("pg_admin")  # skips with its message where none is configured
    tmp = tmp_path_factory.mktemp("api")
    with new_database(request.param, tmp) as db:
        store = Store(db)
        service.ingest(store, [str(corpus / "seeds"), str(write_jsonl(tmp / "markup.jsonl", MARKUP_ARTICLE))])
        api = Api(create_app(db))
        yield {"api": api, "store": store, "events": list(service.iter_export(store, "events")),
               "mentions": list(service.iter_export(store, "mentions"))}
        api.close()
        store.close()


@pytest.fixture
def client_on(db_url):
    """A new store on each backend, filled by the test, and a client to open on it."""
    opened: list[Api] = []

    def open_api() -> Api:
        opened.append(Api(create_app(db_url)))
        return opened[-1]

    yield Store(db_url), open_api
    for api in opened:
        api.close()


def ids(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {e["id"] for e in response.json()["items"]}


def all_ids(world) -> set[str]:
    return {e["id"] for e in world["events"]}


def narrowing(world, expected: set[str]) -> set[str]:
    """An expectation worth testing: some events, not all of them."""
    assert expected and expected != all_ids(world), "the seeds no longer make this filter narrow"
    return expected


# ---- the events list ----------------------------------------------------------------------


def unlisted(item: dict) -> dict:
    """A list's event as the export writes it: ``n_mentions`` is the list's own (and the
    seeds' events have fewer mentions than a list gives)."""
    assert item["n_mentions"] == len(item["mentions"])
    return {k: v for k, v in item.items() if k != "n_mentions"}


def test_events_are_the_export_records(world):
    body = world["api"].get("/api/events", limit=500).json()
    assert body["total"] == len(world["events"]) == len(body["items"])
    items = [unlisted(e) for e in body["items"]]
    assert sorted(items, key=lambda e: e["id"]) == sorted(world["events"], key=lambda e: e["id"])
    schemas.EventPage.model_validate(body)  # the documented shape is the real one


def test_pages_cover_every_event_once(world):
    seen: list[str] = []
    for offset in range(0, len(world["events"]) + 5, 5):
        body = world["api"].get("/api/events", limit=5, offset=offset, sort="date").json()
        assert body["total"] == len(world["events"])
        seen += [e["id"] for e in body["items"]]
    assert sorted(seen) == sorted(all_ids(world))
    counted = world["api"].get("/api/events", limit=0).json()
    assert counted == {"total": len(world["events"]), "total_exact": True, "items": []}


def test_a_count_past_the_cap_is_a_lower_bound(world, monkeypatch):
    """Past the cap the count stops and says so; pages past it are still served."""
    from sitrep.store import queries
    n = len(world["events"])
    monkeypatch.setattr(queries, "TOTAL_CAP", 3)
    first = world["api"].get("/api/events", limit=2, sort="date").json()
    assert (first["total"], first["total_exact"]) == (3, False) and len(first["items"]) == 2
    beyond = world["api"].get("/api/events", limit=500, offset=4, sort="date").json()
    assert (beyond["total"], beyond["total_exact"]) == (3, False) and len(beyond["items"]) == n - 4
    narrow = world["api"].get("/api/events", q="quarrystone").json()
    assert (narrow["total"], narrow["total_exact"]) == (len(narrow["items"]), True)


def _date_key(event: dict) -> str:
    return event["date"] or ""


@pytest.mark.parametrize("sort", ["date", "-date", "sources", "-sources"])
def test_sort_orders(world, sort):
    items = world["api"].get("/api/events", limit=500, sort=sort).json()["items"]
    dated = [e for e in items if e["date"]]
    if sort.endswith("date"):
        assert items[:len(dated)] == dated, "undated events come last"
        keys = [e["date"] for e in dated]
    else:
        keys = [e["sources"] for e in items]
    assert keys == sorted(keys, reverse=sort.startswith("-"))
    assert len(set(keys)) > 1


def _most_common(values) -> str:
    return Counter(v for v in values if v).most_common(1)[0][0]


def _with(world, test) -> set[str]:
    return {e["id"] for e in world["events"] if test(e)}


@pytest.mark.parametrize("field", ["type", "subtype"])
def test_type_filters(world, field):
    value = _most_common(e[field] for e in world["events"])
    expected = narrowing(world, _with(world, lambda e: e[field] == value))
    assert ids(world["api"].get("/api/events", limit=500, **{field: value})) == expected


@pytest.mark.parametrize("field", ["country", "admin1"])
def test_place_filters(world, field):
    value = _most_common(loc[field] for e in world["events"] for loc in e["locations"])
    expected = narrowing(world, _with(world, lambda e: any(loc[field] == value for loc in e["locations"])))
    assert ids(world["api"].get("/api/events", limit=500, **{field: value.lower()})) == expected


def test_filters_combine(world):
    expected = narrowing(world, _with(world, lambda e: e["type"] == "attack"
                                      and any(loc["country"] == "UA" for loc in e["locations"])))
    assert ids(world["api"].get("/api/events", limit=500, type="attack", country="UA")) == expected


def test_date_range(world):
    days = sorted({e["date"][:10] for e in world["events"] if e["date"] and len(e["date"]) >= 10})
    since, until = days[1], days[-2]
    expected = narrowing(world, _with(world, lambda e: bool(e["date"]) and e["date"][:len(since)] >= since
                                      and e["date"][:len(until)] <= until))
    assert ids(world["api"].get("/api/events", limit=500, since=since, until=until)) == expected
    month = _most_common(e["date"][:7] for e in world["events"] if e["date"])
    in_month = _with(world, lambda e: bool(e["date"]) and e["date"].startswith(month))
    assert ids(world["api"].get("/api/events", limit=500, since=month, until=month)) == in_month


def test_weapon_filter(world):
    category = _most_common(w["category"] for e in world["events"] for w in e["weapons"])
    expected = narrowing(world, _with(world, lambda e: any(w["category"] == category for w in e["weapons"])))
    assert ids(world["api"].get("/api/events", limit=500, weapon=category)) == expected


def _claimant_words(name: str | None) -> list[str]:
    return re.findall(r"\w+", (name or "").casefold())


def test_claimant_filter_matches_the_beginnings_of_words(world):
    claimant = _most_common(m["claimant"] for m in world["mentions"])
    first, *_ = _claimant_words(claimant)
    part = first[:max(3, len(first) - 2)].swapcase()  # the start of a word, in another case

    def names(m: dict) -> list[str]:
        return [m["claimant"], *(f["claimant"] for f in m["figures"])]

    expected = {m["event_id"] for m in world["mentions"]
                if any(w.startswith(part.casefold()) for c in names(m) for w in _claimant_words(c))}
    narrowing(world, expected)
    assert ids(world["api"].get("/api/events", limit=500, claimant=part)) == expected
    inside = first[1:] if len(first) > 3 else None  # from inside a word: no match unless it begins another
    if inside and not any(w.startswith(inside) for m in world["mentions"] for c in names(m) for w in _claimant_words(c)):
        assert world["api"].get("/api/events", claimant=inside).json()["total"] == 0


def test_claimant_filter_wants_words(world):
    assert world["api"].get("/api/events", claimant="--").status_code == 422


def test_claimant_filter_reads_the_claimants_of_figures(client_on, tmp_path):
    store, open_api = client_on
    service.ingest(store, [str(write_jsonl(tmp_path / "a.jsonl", MARKUP_ARTICLE))])
    with store.engine.begin() as conn:  # a figure whose claimant the mention does not name
        conn.execute(sa.text("UPDATE figures SET claimant = 'Colonel Invented' WHERE seq = 0"))
        event_rows.index_all_claimants(conn)  # the words are kept as mentions join events, not on UPDATE
    event = next(iter(service.iter_export(store, "events")))
    api = open_api()
    assert ids(api.get("/api/events", claimant="colonel inv")) == {event["id"]}
    assert ids(api.get("/api/events", claimant="INVENTED")) == {event["id"]}
    assert api.get("/api/events", claimant="general invented").json()["total"] == 0


def test_claimant_words_follow_mentions_between_events(client_on, tmp_path):
    """Unmerging a mention takes its claimant words out of its event."""
    store, open_api = client_on
    service.ingest(store, [str(write_jsonl(tmp_path / "a.jsonl", MARKUP_ARTICLE))])
    with store.engine.begin() as conn:
        mention_id, event_id, name = conn.execute(sa.select(mentions.c.id, mentions.c.event_id, mentions.c.claimant)
                                                  .where(mentions.c.claimant.is_not(None))).first()
        word = _claimant_words(name)[0]
        api = open_api()
        assert event_id in ids(api.get("/api/events", claimant=word))
        event_rows.unmerge(conn, mention_id)
    assert event_id not in ids(open_api().get("/api/events", claimant=word))


def _article_texts(world) -> dict[str, str]:
    """event id -> the titles and texts of the articles reporting it."""
    out: dict[str, str] = defaultdict(str)
    for m in world["mentions"]:
        article = world["store"].get_article(m["article"]["id"])
        out[m["event_id"]] += f"{article['title'] or ''}\n{article['text']}\n"
    return out


def test_word_search_finds_an_event_by_a_word_of_its_evidence(world):
    texts = _article_texts(world)
    mention = next(m for m in world["mentions"] if m["evidence"])
    words = re.findall(r"[A-Za-z]{7,}", mention["evidence"][0]["text"])
    # the rarest long word of the sentence, so that the search narrows
    word = min(words, key=lambda w: sum(w.lower() in t.lower() for t in texts.values()))
    found = ids(world["api"].get("/api/events", limit=500, q=word.upper()))
    assert mention["event_id"] in found
    whole_word = {e for e, t in texts.items() if re.search(rf"\b{word}\b", t, re.I)}
    stem = {e for e, t in texts.items() if word[:-2].lower() in t.lower()}
    assert whole_word <= found <= stem
    narrowing(world, found)
    assert world["api"].get("/api/events", q=f'{word} zzyzxqv').json()["total"] == 0


def test_bbox_filter(world):
    point = next(loc for e in world["events"] for loc in e["locations"] if loc["precision"] == "place")
    box = (point["lon"] - 0.5, point["lat"] - 0.5, point["lon"] + 0.5, point["lat"] + 0.5)
    expected = narrowing(world, _with(world, lambda e: any(
        loc["lon"] is not None and box[0] <= loc["lon"] <= box[2] and box[1] <= loc["lat"] <= box[3]
        for loc in e["locations"])))
    assert ids(world["api"].get("/api/events", limit=500, bbox=",".join(map(str, box)))) == expected
    west_of_antimeridian = (box[0], box[1], -179.0, box[3])  # min_lon > max_lon wraps round the globe
    assert expected <= ids(world["api"].get("/api/events", limit=500, bbox=",".join(map(str, west_of_antimeridian))))


# ---- one event, one article, errors -------------------------------------------------------------


def test_event_page_has_every_report_with_its_evidence(world):
    event = max(world["events"], key=lambda e: len(e["mentions"]))
    body = world["api"].get(f"/api/events/{event['id']}").json()
    assert body["event"] == event
    assert [m["id"] for m in body["mentions"]] == event["mentions"]
    assert body["merges"] == event["merges"] and {r["mention_id"] for r in body["merges"]} == set(event["mentions"])
    for m in body["mentions"]:
        text = world["api"].get(f"/api/articles/{m['article']['id']}").json()["text"]
        assert m["evidence"] and all(text[ev["start"]:ev["end"]] == ev["text"] for ev in m["evidence"])
    schemas.EventDetail.model_validate(body)


def test_article_page_is_the_export_record_with_text(world):
    exported = next(iter(service.iter_export(world["store"], "articles")))
    body = world["api"].get(f"/api/articles/{exported['id']}").json()
    assert {k: body[k] for k in exported} == exported
    assert body["text"] == world["store"].get_article(exported["id"])["text"]
    found_in = {m["id"] for m in world["mentions"] if m["article"]["id"] == exported["id"]}
    assert {m["id"] for m in body["mentions"]} == found_in
    schemas.Article.model_validate(body)


@pytest.mark.parametrize("path", ["/api/events/0123456789abcdef", "/api/articles/0123456789abcdef"])
def test_unknown_ids_are_404_json(world, path):
    response = world["api"].get(path)
    assert response.status_code == 404
    assert "0123456789abcdef" in response.json()["detail"]


@pytest.mark.parametrize("params, field", [
    ({"limit": -1}, "limit"), ({"limit": 501}, "limit"), ({"offset": -3}, "offset"), ({"sort": "size"}, "sort"),
    ({"bbox": "30,50,31"}, "bbox"), ({"bbox": "30,50,east,51"}, "bbox"), ({"bbox": "30,51,31,50"}, "bbox"),
    ({"bbox": "200,50,210,51"}, "bbox"), ({"since": "2022-13"}, "since"), ({"until": "yesterday"}, "until"),
    ({"type": "war"}, "type"), ({"weapon": "sword"}, "weapon"), ({"country": "UKR"}, "country"),
    ({"q": "?!"}, "q"), ({"tpye": "attack"}, "tpye"),
])
def test_bad_parameters_are_422_naming_the_parameter(world, params, field):
    response = world["api"].get("/api/events", **params)
    assert response.status_code == 422
    assert field in [e["loc"][-1] for e in response.json()["detail"]]


def test_since_after_until_is_422(world):
    response = world["api"].get("/api/stats", since="2022-12-30", until="2022-11")
    assert response.status_code == 422 and "after" in response.text


# ---- statistics ---------------------------------------------------------------------------


def _expected_stats(events: list[dict]) -> tuple[Counter, dict]:
    per_type: Counter = Counter()
    weapons: dict = defaultdict(lambda: {"launched": 0, "intercepted": 0})
    for e in events:
        day = e["date"][:10] if e["date"] and len(e["date"]) >= 10 else None
        per_type[(day, e["type"])] += 1
        for f in e["figures"]:
            values = [c["value"] for c in f["claims"] if c["value"] is not None]
            if f["kind"] in ("launched", "intercepted") and values:
                weapons[(day, f["unit"])][f["kind"]] += max(values)
    return per_type, dict(weapons)


@pytest.mark.parametrize("params", [{}, {"type": "attack"}, {"country": "UA"}])
def test_stats_agree_with_the_events(world, params):
    events = world["api"].get("/api/events", limit=500, **params).json()["items"]
    stats = world["api"].get("/api/stats", **params).json()
    per_type, weapons = _expected_stats(events)
    assert stats["total"] == len(events)
    assert {(r["day"], r["type"]): r["count"] for r in stats["events"]} == dict(per_type)
    got = {(r["day"], r["category"]): {"launched": r["launched"], "intercepted": r["intercepted"]}
           for r in stats["weapons"]}
    assert got == weapons and any(w["intercepted"] for w in got.values())
    schemas.Stats.model_validate(stats)


# ---- untrusted text, docs, a growing store ----------------------------------------------------


def test_markup_in_articles_comes_back_as_json_strings_only(world):
    stored = next(a for a in world["store"].iter_articles() if "<script>" in (a["title"] or ""))
    response = world["api"].get(f"/api/articles/{stored['id']}")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    body = response.json()
    for field in ("title", "outlet", "url", "text"):
        assert body[field] == stored[field]
    assert "<script" not in response.text and "<img" not in response.text
    listed = world["api"].get("/api/events", q="owned")
    assert listed.json()["total"] >= 1 and "<" not in listed.text


def test_openapi_describes_every_endpoint_and_parameter(world):
    spec = world["api"].get("/openapi.json").json()
    operations = [op for path, item in spec["paths"].items() if path.startswith("/api/") for op in item.values()]
    assert len(operations) == 4
    for op in operations:
        assert op.get("description"), op["operationId"]
        for param in op.get("parameters", []):
            assert param.get("description"), (op["operationId"], param["name"])


def test_word_search_sees_articles_ingested_after_the_first_search(client_on, tmp_path):
    store, open_api = client_on
    service.ingest(store, [str(write_jsonl(tmp_path / "a.jsonl", MARKUP_ARTICLE))])
    api = open_api()
    assert api.get("/api/events", q="quarrystone").json()["total"] == 0
    service.ingest(store, [str(write_jsonl(tmp_path / "b.jsonl", LATER_ARTICLE))])
    later = {m["event_id"] for m in service.iter_export(store, "mentions")
             if m["article"]["title"] == LATER_ARTICLE["title"]}
    assert later and ids(api.get("/api/events", q="quarrystone")) == later


def test_word_search_matches_whole_words_on_both_backends(client_on, tmp_path):
    """FTS5 on SQLite, a tsvector index on PostgreSQL: words (in any case, plural or not),
    prefixes asked for with *, phrases in their order; never a piece of a word."""
    store, open_api = client_on
    service.ingest(store, [str(write_jsonl(tmp_path / "b.jsonl", LATER_ARTICLE))])
    later = {m["event_id"] for m in service.iter_export(store, "mentions")}
    api = open_api()
    assert later and ids(api.get("/api/events", q="quarrystone")) == later
    assert ids(api.get("/api/events", q="Quarrystone warehouses")) == later
    assert ids(api.get("/api/events", q="quarryst*")) == later
    assert ids(api.get("/api/events", q='"pharmacy and a quarrystone"')) == later
    for piece in ("quarryst", "uarrystone", "quarrystonewarehouse", '"quarrystone pharmacy"'):
        assert api.get("/api/events", q=piece).json()["total"] == 0, piece
