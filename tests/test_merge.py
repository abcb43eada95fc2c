"""Cross-article merging: events, borrowed dates, claims and conflicts, unmerge, stable ids."""
from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Iterator

import pytest

from conftest import BACKENDS, new_database
from sitrep import service
from sitrep.merge.match import judge, linked
from sitrep.store import Store

# Two reports of one invented strike, in our own words, that disagree on the toll.
REPORT_A = ("Missiles hit Kharkiv on Tuesday\n20230314\nhttps://one.example.org/a\n"
            "Russian missiles struck the city of Kharkiv on Tuesday morning, damaging a power plant. "
            "Three people were killed and eight injured, regional governor Oleh Synehubov said.\n")
REPORT_B = ("Deadly strike on Kharkiv\n20230314\nhttps://two.example.net/b\n"
            "A Russian missile attack on Kharkiv on Tuesday killed five people and injured at least 8, "
            "a local news channel reported, citing rescuers.\n")


@pytest.fixture(params=BACKENDS)
def stores(request, tmp_path) -> Iterator:
    """Makes new, empty stores on each backend (PostgreSQL skips where none is configured)."""
    if request.param == "postgresql":
        request.getfixturevalue("pg_admin")
    with ExitStack() as stack:
        def make(name: str) -> Store:
            folder = tmp_path / name
            folder.mkdir()
            store = Store(stack.enter_context(new_database(request.param, folder)))
            stack.callback(store.close)
            return store
        yield make


def _events(store: Store) -> list[dict]:
    return list(service.iter_export(store, "events"))


def _mentions(store: Store) -> list[dict]:
    return list(service.iter_export(store, "mentions"))


@pytest.fixture()
def seeds_store(corpus, stores) -> Store:
    store = stores("seeds")
    service.ingest(store, [str(corpus / "seeds")])
    return store


def _desna(store: Store) -> list[dict]:
    return [m for m in _mentions(store) if m["type"] == "attack"
            and any(loc["admin1"] == "UA-74" and loc["precision"] == "place" for loc in m["locations"])]


def test_undated_report_borrows_the_date_of_its_event(seeds_store):
    desna = _desna(seeds_store)
    assert len({m["event_id"] for m in desna}) == 1 and len(desna) == 2
    undated = next(m for m in desna if m["article"]["published"] is None)
    assert (undated["date"], undated["date_source"]) == ("2022-06-25", "borrowed")


def test_merge_keeps_its_reason(seeds_store):
    event = next(e for e in _events(seeds_store) if len(e["mentions"]) == 2 and e["type"] == "attack"
                 and any(loc["admin1"] == "UA-74" for loc in e["locations"]))
    reasons = [r["reason"] for r in event["merges"]]
    assert any("founded" in r for r in reasons) and any("same place" in r for r in reasons)


def test_unmerge_takes_a_mention_out_for_good(seeds_store, corpus):
    desna = _desna(seeds_store)
    left = service.unmerge(seeds_store, desna[1]["id"])
    assert left == desna[1]["event_id"]
    after = {m["id"]: m["event_id"] for m in _desna(seeds_store)}
    assert after[desna[1]["id"]] != after[desna[0]["id"]]
    service.ingest(seeds_store, [str(corpus / "seeds")])  # a re-run changes nothing
    assert {m["id"]: m["event_id"] for m in _desna(seeds_store)} == after


def test_event_ids_are_the_same_when_everything_is_ingested_again(corpus, stores):
    ids = []
    for name in ("one", "two"):
        store = stores(name)
        service.ingest(store, [str(corpus / "seeds")])
        ids.append(sorted(e["id"] for e in _events(store)))
    assert ids[0] == ids[1] and ids[0]


def test_conflicting_tolls_are_kept_side_by_side(tmp_path, stores):
    (tmp_path / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(REPORT_B, encoding="utf-8")
    store = stores("c")
    service.ingest(store, [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    events = [e for e in _events(store) if any(loc["admin1"] == "UA-63" for loc in e["locations"])]
    assert len(events) == 1 and events[0]["sources"] == 2
    figures = {f["kind"]: f for f in events[0]["figures"]}
    killed, injured = figures["killed"], figures["injured"]
    assert killed["conflict"] and (killed["low"], killed["high"]) == (3, 5)
    assert {c["value"] for c in killed["claims"]} == {3, 5}
    assert any("Synehubov" in (c["claimant"] or "") for c in killed["claims"])
    assert not injured["conflict"]  # 8 and "at least 8" agree


def test_a_syndicated_copy_is_one_source(corpus, tmp_path, stores):
    rec = tmp_path / "rt.jsonl"
    with open(corpus / "news" / "r2nery-ukraine-media.jsonl", encoding="utf-8") as fh:
        rec.write_text(next(line for line in fh if '"id": "r2nery-01587"' in line), encoding="utf-8")
    store = stores("syn")
    service.ingest(store, [str(corpus / "seeds" / "003_9ab1cb0d8b58ee3b.txt"), str(rec)])
    shared = [e for e in _events(store) if len(e["mentions"]) == 2]
    assert shared and all(e["sources"] == 1 for e in shared)


def test_show_prints_claims_and_evidence(seeds_store):
    event = next(e for e in _events(seeds_store) if e["figures"])
    text = service.show_event(seeds_store, event["id"])
    assert event["id"] in text and "figures:" in text and "> " in text
    assert service.show_event(seeds_store, "no-such-event") is None


def test_acled_export_maps_events_to_acled_columns(seeds_store):
    import csv
    import io

    from sitrep.export.acled import COLUMNS

    out = io.StringIO()
    n = service.export(seeds_store, "events", "acled", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert n == len(rows) == len(_events(seeds_store)) and list(rows[0]) == list(COLUMNS)
    kharkiv = next(r for r in rows if r["location"] == "Kharkiv")
    assert (kharkiv["event_type"], kharkiv["country"], kharkiv["time_precision"]) == \
        ("Explosions/Remote violence", "Ukraine", "1")
    assert kharkiv["fatalities"] == "2" and kharkiv["event_id_cnty"].startswith("UKR")
    assert all(r["latitude"] for r in rows if r["event_type"] != "Strategic developments")
    with pytest.raises(ValueError):
        service.export(seeds_store, "articles", "acled", io.StringIO())


def _partition(store: Store) -> set[frozenset[str]]:
    events: dict[str, set[str]] = {}
    for m in _mentions(store):
        events.setdefault(m["event_id"], set()).add(m["id"])
    return {frozenset(ms) for ms in events.values()}


@pytest.mark.slow
def test_events_do_not_depend_on_the_order_articles_arrive_in(corpus, tmp_path, stores):
    """The dev articles (several reports of the same days) plus the start of a corpus file,
    dealt into three parts: ingested at once, or part by part in two other orders, they make
    the same events."""
    gold = json.loads((Path(__file__).parent / "gold" / "dev.gold.json").read_text(encoding="utf-8"))
    wanted = {(a["corpus_file"], a["corpus_id"]) for a in gold["articles"]}
    lines = []
    for name in sorted({f for f, _ in wanted}):
        with open(corpus / "news" / name, encoding="utf-8") as fh:
            lines += [line for i, line in enumerate(fh)
                      if (name, json.loads(line)["id"]) in wanted or (i < 120 and name.startswith("r2nery"))]
    parts = []
    for k in range(3):
        parts.append(tmp_path / f"part{k}.jsonl")
        parts[-1].write_text("".join(lines[k::3]), encoding="utf-8")
    found = []
    for name, order in (("all", [parts]), ("late", [[parts[2]], [parts[0]], [parts[1]]]),
                        ("mixed", [[parts[1]], [parts[2]], [parts[0]]])):
        store = stores(name)
        for paths in order:
            service.ingest(store, [str(p) for p in paths])
        found.append(_partition(store))
    assert len(found[0]) > 100 and any(len(ms) > 1 for ms in found[0])
    assert found[0] == found[1] == found[2]


def test_an_event_keeps_its_id_when_a_new_report_joins_it(tmp_path, stores):
    (tmp_path / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(REPORT_B, encoding="utf-8")
    store = stores("inc")
    service.ingest(store, [str(tmp_path / "a.txt")])
    before = [e for e in _events(store) if any(loc["admin1"] == "UA-63" for loc in e["locations"])]
    service.ingest(store, [str(tmp_path / "b.txt")])
    after = [e for e in _events(store) if any(loc["admin1"] == "UA-63" for loc in e["locations"])]
    assert len(before) == len(after) == 1 and before[0]["id"] == after[0]["id"]
    assert len(after[0]["mentions"]) == 2


def test_the_id_of_an_absorbed_event_leads_to_the_event_that_took_its_reports(seeds_store):
    import sqlalchemy as sa

    from sitrep.store import events as rows

    first, second = [e["id"] for e in _events(seeds_store)][:2]
    with seeds_store.engine.begin() as conn:
        moved = [m["id"] for m in rows.members(conn, [first])[first]]
        for mention_id in moved:
            rows.assign(conn, mention_id, second, 1.0, "test: moved by hand")
        rows.delete(conn, first, into=second)
        assert conn.execute(sa.text("SELECT count(*) FROM events WHERE id = :e"), {"e": first}).scalar() == 0
    found = service.get_event(seeds_store, first)
    assert found is not None and found["id"] == second
    assert set(moved) <= set(found["mentions"])
    assert service.get_event(seeds_store, "no-such-event") is None


# ---- rules of the matcher, on invented reports ---------------------------------------------------

def _report(mention_id: str, etype: str, date: str, places: list[tuple[str, str | None]], **kw) -> dict:
    """A stored mention as the matcher sees it: places are (country, admin1 or None)."""
    locations = [{"name": admin1 or country, "country": country, "admin1": admin1, "lat": None, "lon": None,
                  "precision": "admin1" if admin1 else "country", "role": "place" if etype == "battle" else "target",
                  "geonames_id": None} for country, admin1 in places]
    return {"id": mention_id, "article_id": mention_id, "type": etype, "subtype": kw.get("subtype", "clash"),
            "date": date, "date_precision": "day", "date_source": "text", "locations": locations,
            "initiator": kw.get("initiator"), "target": kw.get("target"), "figures": [], "weapons": [],
            "claimant": None}


def _event(first: dict) -> dict:
    return {k: first[k] for k in ("type", "subtype", "date", "date_precision")}


def test_reports_of_fighting_a_day_apart_in_one_region_are_one_battle():
    friday = _report("a", "battle", "2024-05-10", [("UA", "UA-63")])
    saturday = _report("b", "battle", "2024-05-11", [("UA", "UA-63")], subtype="territory")
    verdict = judge(saturday, _event(friday), [friday])
    assert verdict is not None and "same region UA-63" in verdict.reason


def test_strikes_a_day_apart_in_one_region_are_two_attacks():
    friday = _report("a", "attack", "2024-05-10", [("UA", "UA-63")], subtype="air")
    saturday = _report("b", "attack", "2024-05-11", [("UA", "UA-63")], subtype="air")
    assert judge(saturday, _event(friday), [friday]) is None


def test_a_strike_on_several_regions_is_no_country_wide_wave():
    """A report naming several regions (extraction has already cut lists of places hit into one
    report each) is one strike on them, not the wave over the country reported the same day."""
    salvo = _report("a", "attack", "2022-06-25", [("UA", "UA-74"), ("UA", "UA-32"), ("UA", "UA-59")], subtype="air")
    wave = _report("b", "attack", "2022-06-25", [("UA", None)], subtype="air")
    assert judge(wave, _event(salvo), [salvo]) is None
    assert not linked(wave, salvo)


def test_a_report_kept_whole_is_no_report_of_one_of_its_cities():
    """A salvo from one launch site, or one count of drones over several regions, stays one
    report (extraction keeps it whole): a report of one of its cities that day is another event,
    and two reports of that city are one."""
    whole = _report("a", "attack", "2023-03-14", [("UA", "UA-74"), ("UA", "UA-59"), ("UA", "UA-32")],
                    subtype="air", initiator="RU", target="UA")
    whole["locations"].append({**whole["locations"][0], "name": "Belarus", "country": "BY", "admin1": None,
                               "precision": "country", "role": "origin"})
    city = _report("b", "attack", "2023-03-14", [("UA", "UA-59")], subtype="air", initiator="RU", target="UA")
    again = _report("c", "attack", "2023-03-14", [("UA", "UA-59")], subtype="air", initiator="RU", target="UA")
    assert judge(city, _event(whole), [whole]) is None
    assert judge(whole, _event(city), [city]) is None
    verdict = judge(again, _event(city), [city])
    assert verdict is not None and "UA-59" in verdict.reason


def test_cities_listed_in_one_report_join_the_reports_of_each_city(tmp_path, stores):
    (tmp_path / "a.txt").write_text(
        "Strikes across Ukraine\n20230315\nhttps://one.example.org/c\n"
        "Ukraine's air command counted 45 Russian missiles launched at the country on 14 March 2023. "
        "Regional chiefs said missiles hit Rivne, Poltava and Mykolaiv.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "Poltava hit\n20230315\nhttps://two.example.net/d\n"
        "A Russian missile struck Poltava on 14 March 2023, killing two people, the governor said.\n", encoding="utf-8")
    store = stores("e")
    service.ingest(store, [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    by_region = {frozenset(loc["admin1"] or loc["country"] for loc in e["locations"] if loc["role"] == "target"): e
                 for e in _events(store) if e["type"] == "attack"}
    assert set(by_region) == {frozenset({"UA"}), frozenset({"UA-56"}), frozenset({"UA-53"}), frozenset({"UA-48"})}
    assert by_region[frozenset({"UA-53"})]["sources"] == 2
