"""The weapons lexicon: categories, models, spelling variants, longest match."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from sitrep.extract import weapons
from sitrep.extract.weapons import CATEGORIES, find_weapons


def found(text: str) -> list[tuple[str, str | None, str]]:
    return [(w.category, w.model, text[s:e]) for w, s, e in find_weapons(text)]


def one(text: str) -> tuple[str, str | None, str]:
    hits = found(text)
    assert len(hits) == 1, hits
    return hits[0]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Russia fired cruise missiles at the port.", "cruise_missile"),
        ("Two ballistic missiles struck the airfield.", "ballistic_missile"),
        ("A missile hit a warehouse.", "missile"),
        ("Rockets fell on the suburbs.", "rocket"),
        ("Drones circled the city.", "drone"),
        ("UAVs were spotted at dawn.", "drone"),
        ("unmanned aerial vehicles crossed the border", "drone"),
        ("kamikaze drones targeted substations", "drone"),
        ("self-exploding drones hit the district", "drone"),
        ("loitering munitions were used", "drone"),
        ("strategic bombers took off", "aircraft"),
        ("fighter jets patrolled the border", "aircraft"),
        ("Warplanes struck the bridge.", "aircraft"),
        ("helicopters flew low over the river", "aircraft"),
        ("Enemy shelling continued all day.", "artillery"),
        ("heavy artillery pounded the town", "artillery"),
        ("mortars were fired at the checkpoint", "artillery"),
        ("MLRS units moved north", "artillery"),
        ("an air-defence missile fell in a field", "air_defence_missile"),
        ("an air defense missile fell in a field", "air_defence_missile"),
        ("a surface-to-air missile exploded", "air_defence_missile"),
        ("guided bombs were dropped", "bomb"),
        ("glide bombs hit the front line", "bomb"),
    ],
)
def test_generic_nouns(text: str, category: str) -> None:
    assert one(text)[:2] == (category, None)


def test_longest_match_wins() -> None:
    long_name = "anti-aircraft guided missile"
    assert one(f"an {long_name} was found")[::2] == ("air_defence_missile", long_name)
    assert one("cruise missiles were launched")[::2] == ("cruise_missile", "cruise missiles")
    assert one("multiple rocket launchers fired")[::2] == ("artillery", "multiple rocket launchers")


@pytest.mark.parametrize(
    ("text", "model", "category"),
    [
        ("an S-300 was launched", "S-300", "air_defence_missile"),
        ("an S300 was launched", "S-300", "air_defence_missile"),
        ("an S 300 was launched", "S-300", "air_defence_missile"),
        ("S-400 batteries", "S-400", "air_defence_missile"),
        ("Shaheds buzzed overhead", "Shahed-136", "drone"),
        ("a Shahed 136 was downed", "Shahed-136", "drone"),
        ("Geran-2 drones", "Shahed-136", "drone"),
        ("Kalibr missiles from the Black Sea", "Kalibr", "cruise_missile"),
        ("a Kh 101 was intercepted", "Kh-101", "cruise_missile"),
        ("an X-101 was intercepted", "Kh-101", "cruise_missile"),
        ("Kh-555 and", "Kh-555", "cruise_missile"),
        ("a Kh-22 hit the mall", "Kh-22", "cruise_missile"),
        ("Kh-59 rounds", "Kh-59", "cruise_missile"),
        ("Kinzhal hypersonic", "Kinzhal", "ballistic_missile"),
        ("an Iskander-M launcher", "Iskander-M", "ballistic_missile"),
        ("Iskander strikes", "Iskander-M", "ballistic_missile"),
        ("a Tochka U hit the station", "Tochka-U", "ballistic_missile"),
        ("a Tu-143 Reys crashed", "Tu-143 Reys", "drone"),
        ("an Orlan-10 spotter", "Orlan-10", "drone"),
        ("Lancet strikes on guns", "Lancet", "drone"),
        ("a Tor system", "Tor", "air_defence_missile"),
        ("Pantsir crews", "Pantsir", "air_defence_missile"),
        ("Patriot batteries", "Patriot", "air_defence_missile"),
        ("HIMARS launchers", "HIMARS", "artillery"),
        ("Storm Shadow strikes", "Storm Shadow", "cruise_missile"),
        ("ATACMS were used", "ATACMS", "ballistic_missile"),
        ("a Bayraktar TB2 flew", "Bayraktar TB2", "drone"),
        ("BM-21 launchers", "Grad", "artillery"),
        ("Uragan and", "Uragan", "artillery"),
        ("Smerch fire", "Smerch", "artillery"),
        ("Tu-95 bombers", "Tu-95", "aircraft"),
        ("a Tu-160 took off", "Tu-160", "aircraft"),
        ("Tu-22M3 jets", "Tu-22M3", "aircraft"),
        ("two Su-25s", "Su-25", "aircraft"),
        ("an Su-34 was lost", "Su-34", "aircraft"),
        ("MiG-31 interceptors", "MiG-31", "aircraft"),
        ("a Ka-52 gunship", "Ka-52", "aircraft"),
        ("an Mi-8 crashed", "Mi-8", "aircraft"),
    ],
)
def test_models(text: str, model: str, category: str) -> None:
    hits = [(c, m) for c, m, _ in found(text) if m is not None]
    assert hits[0] == (category, model)


def test_a_model_before_a_generic_noun_is_one_match_with_the_model_category() -> None:
    assert one("10 Shahed drones were shot down") == ("drone", "Shahed-136", "Shahed drones")
    assert one("an S-300 anti-aircraft guided missile landed") == (
        "air_defence_missile", "S-300", "S-300 anti-aircraft guided missile")
    assert one("Kalibr cruise missiles were fired") == ("cruise_missile", "Kalibr", "Kalibr cruise missiles")


def test_ordinary_words_are_not_weapons() -> None:
    assert found("a true patriot wrote about the tor network and a lancet incision") == []
    assert found("anti-drone guns and the bombing campaign") == []
    assert found("He dropped a bombshell.") == []
    assert found("There is a 50% chance that a tank fires first.") == []
    assert found("Shells of various calibres.") == [("artillery", None, "Shells")]


def test_every_category_in_the_lexicon_is_in_the_contract() -> None:
    text = ("missiles cruise missiles ballistic missiles rockets drones aircraft shelling "
            "air-defence missiles bombs")
    assert {c for c, _, _ in found(text)} == CATEGORIES - {"unknown"}


def test_offsets_and_order() -> None:
    text = "Drones and then, later, a Kinzhal."
    hits = find_weapons(text)
    assert [(text[s:e], w.category) for w, s, e in hits] == [("Drones", "drone"), ("Kinzhal", "ballistic_missile")]


@pytest.mark.corpus
def test_gold_weapons_of_the_seeds_are_found(corpus: Path, shared: Path) -> None:
    gold = json.loads((shared / "eval" / "gold" / "seeds.gold.json").read_text(encoding="utf-8"))
    for article in gold["articles"]:
        text = (corpus / "seeds" / article["source"]).read_text(encoding="utf-8")
        hits = find_weapons(text)
        categories = {w.category for w, _, _ in hits}
        models = {w.model.lower() for w, _, _ in hits if w.model}
        for event in article["events"]:
            assert set(event.get("weapons", [])) <= categories, (article["source"], event["id"])
            for model in event.get("weapon_models", []):
                assert any(m.startswith(model.lower()) for m in models), (event["id"], model)


def test_the_kelvin_sign_is_the_only_other_letter_that_lowercases_to_ascii_of_the_same_length() -> None:
    """find_weapons scans lower-cased text; it falls back to word-by-word lookup where that
    would put ASCII letters the text has not (weapons._KELVIN, or a change of length)."""
    odd = {c for c in map(chr, range(sys.maxunicode + 1))
           if not ("A" <= c <= "Z" or "a" <= c <= "z") and re.search("[a-z]", c.lower()) and len(c.lower()) == 1}
    assert odd == {weapons._KELVIN}


@pytest.mark.parametrize("text", [
    "A \u212ah-101 and an S-300 were fired.",  # the Kelvin sign is no letter of a name
    "\u0130 then Kh-101 and S-300 missiles.",  # lower-casing lengthens the text
    "Kh-101 opened the text, 3 drones later.",
])
def test_the_lower_cased_scan_agrees_with_the_word_by_word_one(text: str) -> None:
    lexicon = weapons._lexicon()
    word_by_word = [(m.start(), w) for m in weapons._TOKEN.finditer(text)
                    if (w := m.group().lower()) in lexicon.by_first_word]
    assert weapons._first_words(text, lexicon) == word_by_word
    assert weapons._first_words(text.replace("\u212a", "K").replace("\u0130", "I"), lexicon) == [
        (m.start(), w) for m in weapons._TOKEN.finditer(text.replace("\u212a", "K").replace("\u0130", "I"))
        if (w := m.group().lower()) in lexicon.by_first_word]
