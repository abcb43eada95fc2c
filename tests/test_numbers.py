"""Counts found in text: values, qualifiers, ranges, totals, vague amounts and what is not a count."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitrep.model import Amount
from sitrep.nlp.numbers import find_amounts


def amounts(text: str) -> list[tuple[str, int | None]]:
    return [(a.text, a.value) for a in find_amounts(text)]


def only(text: str) -> Amount:
    found = find_amounts(text)
    assert len(found) == 1, found
    return found[0]


# ---- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Air defences downed 122 drones overnight.", 122),
        ("Officials counted 1,000 damaged homes.", 1000),
        ("The city of 4.5 million people lost power.", 4_500_000),
        ("Thirty rockets landed near the border.", 30),
        ("They fired one hundred and twenty-two shells.", 122),
        ("Seven soldiers were wounded.", 7),
        ("The raid involved a dozen helicopters.", 12),
        ("Crews reported two dozen fires.", 24),
        ("Half a dozen villages were evacuated.", 6),
        ("Aid reached 2.3bn people, the agency said.", 2_300_000_000),
    ],
)
def test_values_from_digits_and_words(text: str, value: int) -> None:
    assert only(text).value == value


def test_offsets_point_into_the_original_text() -> None:
    text = "Sirens sounded as Forty-Five drones and one hundred and six missiles approached."
    found = find_amounts(text)
    assert [(a.value, text[a.start:a.end]) for a in found] == [
        (45, "Forty-Five"), (106, "one hundred and six")]
    assert all(a.text == text[a.start:a.end] for a in found)


def test_two_number_words_side_by_side_stay_two_numbers() -> None:
    assert [a.value for a in find_amounts("between two and five villages")] == [2]  # a range
    assert only("between two and five villages").value_max == 5
    assert [a.value for a in find_amounts("Scores were two, three and nine.")] == [2, 3, 9]


# ---- qualifiers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "qualifier", "value"),
    [
        ("At least 41 people died in the strike.", "at_least", 41),
        ("more than 300 drones were launched", "at_least", 300),
        ("over 70 missiles hit the grid", "at_least", 70),
        ("upwards of 15 towns lost heating", "at_least", 15),
        ("no fewer than 9 interceptors fired", "at_least", 9),
        ("up to 40 shells a day", "at_most", 40),
        ("at most 3 aircraft took part", "at_most", 3),
        ("no more than 12 drones got through", "at_most", 12),
        ("fewer than 20 rockets", "at_most", 20),
        ("as many as 50 drones", "at_most", 50),
        ("about 60 missiles", "about", 60),
        ("around 2,500 residents", "about", 2500),
        ("some 800 soldiers", "about", 800),
        ("roughly 90 tanks", "about", 90),
        ("approximately 35 drones", "about", 35),
        ("nearly 200 buildings", "at_most", 200),
        ("almost 30 villages", "at_most", 30),
        ("an estimated 10,000 people fled", "about", 10000),
        ("close to 80 drones", "about", 80),
        ("Eleven people were rescued.", "exact", 11),
    ],
)
def test_qualifiers(text: str, qualifier: str, value: int) -> None:
    amount = only(text)
    assert (amount.qualifier, amount.value) == (qualifier, value)
    assert amount.text == text[amount.start:amount.end]


def test_qualifier_is_part_of_the_amount_text() -> None:
    assert only("Rescuers said at least 17 people were trapped.").text == "at least 17"


# ---- totals, universals, ranges --------------------------------------------------------------


def test_out_of_and_of_give_a_total() -> None:
    a = only("gunners destroyed 31 out of 40 drones")
    assert (a.value, a.total, a.text) == (31, 40, "31 out of 40")
    b = only("crews downed 7 of 9 missiles")
    assert (b.value, b.total) == (7, 9)
    c = only("Three of the 12 drones were jammed.")
    assert (c.value, c.total) == (3, 12)


def test_of_them_leaves_the_antecedent_to_extraction() -> None:
    a = only("forces intercepted 14 of them near the capital")
    assert (a.value, a.total) == (14, None)


def test_all_n_is_universal() -> None:
    a = only("all 9 rockets aimed at the port were stopped")
    assert (a.value, a.universal, a.text) == (9, True, "all 9")


@pytest.mark.parametrize(
    "text", ["between 10 and 12 drones", "10-12 drones", "10–12 drones", "10 to 12 drones", "from 10 to 12 drones"])
def test_ranges(text: str) -> None:
    a = only(text)
    assert (a.value, a.value_max) == (10, 12)


def test_a_falling_pair_is_not_a_range() -> None:
    assert all(a.value_max is None for a in find_amounts("numbers fell from 12 to 10 drones a night"))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Dozens of drones were shot down.", "Dozens"),
        ("hundreds of people sheltered in the metro", "hundreds"),
        ("scores of houses were damaged", "scores of"),
        ("several missiles hit the city", "several"),
        ("a number of drones crashed", "a number of"),
        ("tens of thousands of troops massed", "tens of thousands"),
    ],
)
def test_vague_amounts_have_no_value(text: str, words: str) -> None:
    a = only(text)
    assert (a.value, a.text, a.qualifier) == (None, words, "about")


# ---- what is not a count --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The treaty was signed in 2015.",
        "The 2019 election was disputed.",
        "Sanctions have applied since 1998.",
        "The talks began on March 3.",
        "They met on Oct. 9 in Geneva.",
        "The summit opened on 14 July.",
        "Sirens sounded at 04:30.",
        "The alert ended at 6am.",
        "It was the first attack and the third alarm.",
        "Turnout fell to 45% in the east.",
        "Turnout fell 45 per cent.",
        "Donations start from $5 a month.",
        "The deal was worth £7m.",
        "An S-400 battery, a Kh-59, a Tu-22M3, an Su-34 and a MiG-31 were seen.",
        "The S 400 and the Kh 101 are Russian designs.",
        "Shahed-131/136 drones were used.",
        "The school is 40 kilometres away.",
        "Residents waited for 12 hours.",
        "a 36-hour bombardment",
        "It lasted three days.",
        "The war is 20 months old.",
        "approximately 30-to-40 miles from the front",
        "Prime Minister Novak, 58, said so.",
        "A nurse, 31, was among the injured.",
        "He is aged 72.",
        "The pupils, aged 9 to 12, were moved.",
        "She left with her son, 4.",
        "It was one of the heaviest raids.",
        "This is the one that hit the depot.",
        "No one was injured.",
        "Call +44 20 7946 0018 for details.",
        "It was the No. 1 priority.",
        "Article 5 was invoked.",
        "The order number 20230411 was cited.",
        "Two-thirds of the region lost power.",
        "a one-sided contest",
        "The site is at https://example.org/news/20230501/item-7",
    ],
)
def test_not_counts(text: str) -> None:
    assert find_amounts(text) == []


def test_a_count_with_a_plural_noun_is_not_a_year() -> None:
    assert amounts("Officials said 2000 troops arrived.") == [("2000", 2000)]
    assert amounts("at least 1950 people fled") == [("at least 1950", 1950)]


def test_counts_beside_exclusions_are_kept() -> None:
    text = "Three days after the raid, three civilians and Two children were hurt in 11 central regions."
    assert amounts(text) == [("three", 3), ("Two", 2), ("11", 11)]


def test_one_as_a_count_is_kept() -> None:
    assert amounts("Four people were killed and one wounded.") == [("Four", 4), ("one", 1)]


# ---- the real seeds, read at run time --------------------------------------------------------


@pytest.mark.corpus
def test_gold_figures_of_the_seeds_are_found(corpus: Path, shared: Path) -> None:
    gold = json.loads((shared / "eval" / "gold" / "seeds.gold.json").read_text(encoding="utf-8"))
    for article in gold["articles"]:
        text = (corpus / "seeds" / article["source"]).read_text(encoding="utf-8")
        found = find_amounts(text)
        for event in article["events"]:
            for fig in event["figures"]:
                if fig.get("optional") or fig["value"] is None:
                    continue
                hits = [a for a in found if fig["value"] in (a.value, a.total)]
                assert hits, f"{article['source']}: no amount for {fig}"
                if any(a.value == fig["value"] for a in hits):
                    assert fig["qualifier"] in {a.qualifier for a in hits if a.value == fig["value"]}, fig


@pytest.mark.corpus
def test_seed_amounts_are_never_years_models_or_measures(corpus: Path) -> None:
    for path in sorted((corpus / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for a in find_amounts(text):
            assert a.text == text[a.start:a.end]
            assert not (a.value is not None and 1900 <= a.value <= 2099 and a.qualifier == "exact"), a
            assert not text[max(0, a.start - 2):a.start].rstrip().endswith("-"), a
            assert not text[a.end:a.end + 12].lstrip(" -").startswith(("hour", "kilomet", "month", "day")), a


# ---- the atom scan tries the atoms pattern only where an atom can start --------------------


@pytest.mark.parametrize("text", [
    "Twenty-two drones, a dozen missiles and 1,200 shells; dozens more.",
    "one",
    "S300s, Su25, 24th, 1990s, 5am and www.example.com/1 at 10:30 p.m. on 2022-02-24",
    "a hundred and twenty; A THOUSAND; ſeven (long s) and sEvEn; -three, _four, 4five",
    "anyone, someone, eleventh-hour, ten-year-old, fifty50, 7,000,000 and 3.5",
])
def test_atom_scan_finds_what_the_atoms_pattern_finds(text: str) -> None:
    from sitrep.nlp import numbers

    rules = numbers._rules()
    assert [m.span() for m in numbers._atom_matches(text, rules)] == [m.span() for m in rules.atoms.finditer(text)]
    assert rules.atom_words is not None  # the fast scan is on for the shipped word lists
