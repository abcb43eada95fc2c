"""Guards the hand-coded development gold set (tests/gold/dev.gold.json) against the corpus.

The gold stores no article text: evidence is character offsets into each record's ``text``.
These checks keep it honest: every record exists and matches, every offset pair lies inside
its text, links resolve, and every code comes from the sets the scoring rules allow.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pycountry
import pytest

GOLD = Path(__file__).resolve().parent / "gold" / "dev.gold.json"

SUBTYPES = {
    "attack": {"air", "ground", "sabotage", "unknown"},
    "incursion": {"airspace", "ground", "debris"},
    "diplomacy": {"meeting", "visit", "summons", "accusation", "threat", "agreement", "statement"},
    "posture": {"deployment", "exercise", "mobilization", "arms_transfer"},
    "battle": {"clash", "territory"},
}
KINDS = {"launched", "intercepted", "hit", "killed", "injured", "missing", "evacuated", "aircraft"}
QUALIFIERS = {"exact", "at_least", "at_most", "about"}
ROLES = {"target", "origin", "place"}
WEAPONS = {"missile", "cruise_missile", "ballistic_missile", "rocket", "drone", "aircraft", "artillery",
           "air_defence_missile", "bomb", "unknown"}
STATUSES = {"reported", "denied", "planned"}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
LONGEST_STORED_PHRASE = 60  # strings this long that occur in the article would be copied text


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def records(corpus: Path, gold: dict) -> dict[str, dict]:
    """The corpus records the gold names, keyed by ``FILE#ID``."""
    wanted: dict[str, set[str]] = {}
    for art in gold["articles"]:
        wanted.setdefault(art["corpus_file"], set()).add(art["corpus_id"])
    found: dict[str, dict] = {}
    for name, ids in wanted.items():
        path = corpus / "news" / name
        if not path.is_file():
            pytest.fail(f"gold names {name}, which is not in {corpus / 'news'}")
        found.update(_read_records(path, ids))
    return found


def _read_records(path: Path, ids: set[str]) -> dict[str, dict]:
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec.get("id") in ids:
                out[f"{path.name}#{rec['id']}"] = rec
    return out


def _events(gold: dict):
    for art in gold["articles"]:
        for event in art["events"]:
            yield art, event


def _parse_day(text: str) -> date:
    return date.fromisoformat(text)


def _date_bounds(value: str) -> tuple[date, date]:
    """The first and last day a gold date allows."""
    if "/" in value:
        lo, hi = value.split("/", 1)
        assert DAY.match(lo) and DAY.match(hi), value
        return _parse_day(lo), _parse_day(hi)
    if MONTH.match(value):
        return _parse_day(value + "-01"), _parse_day(value + "-28")
    assert DAY.match(value), value
    return _parse_day(value), _parse_day(value)


def test_every_source_is_a_corpus_record_with_matching_metadata(gold, records):
    assert len(gold["articles"]) >= 25
    for art in gold["articles"]:
        assert art["source"] == f"{art['corpus_file']}#{art['corpus_id']}"
        rec = records.get(art["source"])
        assert rec is not None, f"{art['source']} is not in the corpus"
        assert art["published"] == rec["date"], art["source"]
        assert art["title"] == (rec.get("title") or None), art["source"]
        assert art["outlet"] == rec.get("outlet"), art["source"]


def test_evidence_offsets_lie_inside_the_record_text(gold, records):
    for art, event in _events(gold):
        text = records[art["source"]]["text"]
        assert event["evidence"], f"{event['id']} has no evidence"
        for span in event["evidence"]:
            assert set(span) == {"start", "end"}, f"{event['id']}: evidence must be offsets only"
            assert 0 <= span["start"] < span["end"] <= len(text), (event["id"], span)
            assert text[span["start"]:span["end"]].strip(), (event["id"], span)


def test_event_ids_are_unique(gold):
    counts = Counter(event["id"] for _, event in _events(gold))
    assert [i for i, n in counts.items() if n > 1] == []


def test_same_as_points_to_an_event_of_another_article(gold):
    owner = {event["id"]: art["source"] for art, event in _events(gold)}
    links = [(art, event) for art, event in _events(gold) if "same_as" in event]
    assert links, "the dev set must exercise cross-article merging"
    for art, event in links:
        assert event["same_as"] in owner, f"{event['id']} links to unknown {event['same_as']}"
        assert owner[event["same_as"]] != art["source"], f"{event['id']} links inside its own article"


def test_types_subtypes_and_statuses_are_allowed(gold):
    for _, event in _events(gold):
        assert event["subtype"] in SUBTYPES.get(event["type"], set()), event["id"]
        assert event.get("status", "reported") in STATUSES, event["id"]
        assert set(event.get("weapons", [])) <= WEAPONS, event["id"]


def test_dates_are_well_formed_and_not_after_publication(gold):
    for art, event in _events(gold):
        if event["date"] is None:
            assert event.get("optional"), f"{event['id']}: only optional events may lack a date"
            continue
        lo, hi = _date_bounds(event["date"])
        assert lo <= hi, event["id"]
        assert lo <= _parse_day(art["published"]), f"{event['id']} starts after its article"


def test_figures_use_allowed_kinds_qualifiers_and_units(gold):
    for _, event in _events(gold):
        for fig in event["figures"]:
            assert fig["kind"] in KINDS, event["id"]
            assert fig["qualifier"] in QUALIFIERS, event["id"]
            assert set(fig["unit"].split("+")) <= WEAPONS | {"person"}, event["id"]
            value = fig["value"]
            if value is None:
                assert fig.get("optional"), f"{event['id']}: a vague amount must be optional"
            else:
                assert isinstance(value, int) and not isinstance(value, bool) and value >= 0, event["id"]


def test_places_use_real_country_and_subdivision_codes(gold):
    for _, event in _events(gold):
        for code in (event.get("initiator"), event.get("target")):
            assert code is None or pycountry.countries.get(alpha_2=code), (event["id"], code)
        for loc in event["locations"]:
            assert loc["role"] in ROLES, event["id"]
            assert pycountry.countries.get(alpha_2=loc["country"]), (event["id"], loc)
            admin1 = loc["admin1"]
            if admin1 is not None:
                assert admin1.startswith(loc["country"] + "-"), (event["id"], admin1)
                assert pycountry.subdivisions.get(code=admin1), (event["id"], admin1)


def test_primary_events_have_a_target_place(gold):
    for _, event in _events(gold):
        if event["type"] in {"attack", "incursion"}:
            assert any(loc["role"] == "target" for loc in event["locations"]), event["id"]


def test_gold_stores_no_article_text(gold, records):
    for art, event in _events(gold):
        text = records[art["source"]]["text"]
        for value in _strings(event):
            assert len(value) < LONGEST_STORED_PHRASE or value not in text, (event["id"], value[:40])


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def test_negatives_are_short_furniture_of_gold_articles(gold, records):
    sources = {art["source"] for art in gold["articles"]}
    for neg in gold["negatives"]:
        assert neg["source"] in sources, neg["source"]
        assert len(neg["text"]) < LONGEST_STORED_PHRASE, neg["text"]
        assert neg["text"] in records[neg["source"]]["text"], neg["text"]


def test_no_evidence_quotes_page_furniture(gold, records):
    furniture = {}
    for neg in gold["negatives"]:
        furniture.setdefault(neg["source"], []).append(neg["text"].lower())
    for art, event in _events(gold):
        text = records[art["source"]]["text"]
        for span in event["evidence"]:
            quoted = text[span["start"]:span["end"]].lower()
            assert not any(f in quoted for f in furniture.get(art["source"], [])), event["id"]
