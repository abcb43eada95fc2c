"""Cross-article merging: events, borrowed dates, claims and conflicts, unmerge, stable ids."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitrep import service
from sitrep.store import Store

# Two reports of one invented strike, in our own words, that disagree on the toll.
REPORT_A = ("Missiles hit Kharkiv on Tuesday\n20230314\nhttps://one.example.org/a\n"
            "Russian missiles struck the city of Kharkiv on Tuesday morning, damaging a power plant. "
            "Three people were killed and eight injured, regional governor Oleh Synehubov said.\n")
REPORT_B = ("Deadly strike on Kharkiv\n20230314\nhttps://two.example.net/b\n"
            "A Russian missile attack on Kharkiv on Tuesday killed five people and injured at least 8, "
            "a local news channel reported, citing rescuers.\n")


def _events(store: Store) -> list[dict]:
    return list(service.iter_export(store, "events"))


def _mentions(store: Store) -> list[dict]:
    return list(service.iter_export(store, "mentions"))


@pytest.fixture()
def seeds_store(corpus, tmp_path) -> Store:
    store = Store(str(tmp_path / "seeds.db"))
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


def test_event_ids_are_the_same_when_everything_is_ingested_again(corpus, tmp_path):
    ids = []
    for name in ("one.db", "two.db"):
        store = Store(str(tmp_path / name))
        service.ingest(store, [str(corpus / "seeds")])
        ids.append(sorted(e["id"] for e in _events(store)))
    assert ids[0] == ids[1] and ids[0]


def test_conflicting_tolls_are_kept_side_by_side(tmp_path):
    (tmp_path / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(REPORT_B, encoding="utf-8")
    store = Store(str(tmp_path / "c.db"))
    service.ingest(store, [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    events = [e for e in _events(store) if any(loc["admin1"] == "UA-63" for loc in e["locations"])]
    assert len(events) == 1 and events[0]["sources"] == 2
    figures = {f["kind"]: f for f in events[0]["figures"]}
    killed, injured = figures["killed"], figures["injured"]
    assert killed["conflict"] and (killed["low"], killed["high"]) == (3, 5)
    assert {c["value"] for c in killed["claims"]} == {3, 5}
    assert any("Synehubov" in (c["claimant"] or "") for c in killed["claims"])
    assert not injured["conflict"]  # 8 and "at least 8" agree


def test_a_syndicated_copy_is_one_source(corpus, tmp_path):
    rec = tmp_path / "rt.jsonl"
    with open(corpus / "news" / "r2nery-ukraine-media.jsonl", encoding="utf-8") as fh:
        rec.write_text(next(line for line in fh if '"id": "r2nery-01587"' in line), encoding="utf-8")
    store = Store(str(tmp_path / "syn.db"))
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
