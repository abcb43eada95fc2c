"""EXTRACT: figures, claimants, dates, sides, coalescing and event types on short invented texts.

Every text here was written for these tests in news style; none is taken from an article. The
seeds from the shared corpus are read at run time and checked for structural invariants only.
Tests that show a known bug are marked ``xfail(strict=True)``: they turn into failures the day
the bug is fixed, so the mark must then be removed.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from sitrep.clean import article_id, clean
from sitrep.extract import Extractor, _distinct_ids
from sitrep.extract.candidates import clauses
from sitrep.extract.claimants import attributions, claimant_at
from sitrep.extract.figures import classify, figures
from sitrep.extract.lexicon import Lexicon, load
from sitrep.extract.weapons import find_weapons
from sitrep.geo import Gazetteer, geoparse
from sitrep.model import Article, Figure, Mention, Span
from sitrep.nlp.numbers import find_amounts
from sitrep.nlp.sentences import split
from sitrep.read import iter_documents

PUBLISHED = "2023-03-10"  # a Friday: "on Thursday" is 2023-03-09, "on Monday" 2023-03-06

SUBTYPES = {
    "attack": {"air", "ground", "sabotage", "unknown"},
    "incursion": {"airspace", "ground", "debris"},
    "diplomacy": {"meeting", "visit", "summons", "accusation", "threat", "agreement", "statement"},
    "posture": {"deployment", "exercise", "mobilization", "arms_transfer"},
    "battle": {"clash", "territory"},
}
KINDS = {"launched", "intercepted", "hit", "killed", "injured", "missing", "evacuated", "aircraft"}
QUALIFIERS = {"exact", "at_least", "at_most", "about"}
WEAPONS = {"missile", "cruise_missile", "ballistic_missile", "rocket", "drone", "aircraft", "artillery",
           "air_defence_missile", "bomb", "unknown"}
UNITS = WEAPONS | {"person"}
ROLES = {"target", "origin", "place"}
PRECISIONS = {"place", "admin1", "country"}
STATUSES = {"reported", "denied", "planned"}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
TIME = re.compile(r"^\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})?$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
ADMIN1 = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


# ---- fixtures and helpers -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.open()  # built once into ~/.cache/sitrep, then reused


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="session")
def lex() -> Lexicon:
    return load()


def make_article(text: str, published: str | None = PUBLISHED) -> Article:
    return Article(id=article_id(text), source="test", text=text, raw_text=text, language="en",
                   published=published)


@pytest.fixture(scope="session")
def extract(gazetteer: Gazetteer, extractor: Extractor):
    """text (and publication date) -> the mentions extraction finds, evidence checked on the way."""
    def run(text: str, published: str | None = PUBLISHED) -> list[Mention]:
        article = make_article(text, published)
        mentions = extractor.extract(article, geoparse(text, gazetteer))
        assert_evidence(article, mentions)
        return mentions
    return run


def assert_evidence(article: Article, mentions: list[Mention]) -> None:
    """Evidence and offsets point into the article's cleaned text, exactly."""
    text = article.text
    for m in mentions:
        assert m.evidence, f"mention without evidence: {m}"
        for span in m.evidence:
            assert 0 <= span.start < span.end <= len(text)
            assert text[span.start:span.end] == span.text
        for f in m.figures:
            if f.evidence is not None:
                assert 0 <= f.evidence.start < f.evidence.end <= len(text)
                assert text[f.evidence.start:f.evidence.end] == f.evidence.text
                if f.text:
                    assert f.text in f.evidence.text
        for p in m.locations:
            if p.start is not None:
                assert 0 <= p.start < p.end <= len(text)
    ids = [m.id for m in mentions]
    assert len(ids) == len(set(ids)), f"mention ids repeat within one article: {ids}"


def of_type(mentions: list[Mention], etype: str) -> list[Mention]:
    return [m for m in mentions if m.type == etype]


def one(mentions: list[Mention], etype: str = "attack") -> Mention:
    found = of_type(mentions, etype)
    assert len(found) == 1, f"expected one {etype} mention, got {[(m.type, m.subtype) for m in mentions]}"
    return found[0]


def pairs(figs) -> set[tuple[str, int | None]]:
    return {(f.kind, f.value) for f in figs}


def all_figures(mentions: list[Mention]) -> list[Figure]:
    return [f for m in mentions for f in m.figures]


def admin1s(m: Mention, role: str | None = None) -> set[str | None]:
    return {p.admin1 for p in m.locations if role is None or p.role == role}


def sentence_figures(sentence: str, lex: Lexicon) -> list[Figure]:
    """The figures of one sentence read as one clause: amounts -> counted -> figures."""
    clause = (0, len(sentence))
    counted = classify(find_amounts(sentence), find_weapons(sentence), sentence, clause, lex)
    return figures(counted, sentence, clause, Span(0, len(sentence), sentence), None, lex)


# ---- figures ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "expected"), [
    ("Air defences shot down 47 out of 62 missiles.", {("launched", 62), ("intercepted", 47)}),
    ("All 14 missiles fired at the port were shot down.", {("launched", 14), ("intercepted", 14)}),
    ("The army launched 31 drones and air defences shot down 26 of them.",
     {("launched", 31), ("intercepted", 26)}),
    ("At least 27 people were killed.", {("killed", 27)}),
    ("The strike killed four civilians and wounded 13.", {("killed", 4), ("injured", 13)}),
    ("Two people were killed and five injured.", {("killed", 2), ("injured", 5)}),
    ("Thirty rockets hit the town.", {("hit", 30)}),
    ("Air defences destroyed 40 of the 52 missiles.", {("launched", 52), ("intercepted", 40)}),
])
def test_sentence_figures(sentence: str, expected: set, lex: Lexicon) -> None:
    assert pairs(sentence_figures(sentence, lex)) == expected


def test_figure_units_and_qualifiers(lex: Lexicon) -> None:
    by_kind = {f.kind: f for f in sentence_figures("At least 27 people were killed.", lex)}
    assert by_kind["killed"].qualifier == "at_least" and by_kind["killed"].unit == "person"
    rockets = sentence_figures("Thirty rockets hit the town.", lex)
    assert [(f.unit, f.qualifier, f.value) for f in rockets] == [("rocket", "exact", 30)]
    drones = sentence_figures("Air defences shot down 47 out of 62 drones.", lex)
    assert {f.unit for f in drones} == {"drone"}


def test_vague_amount_has_no_value(lex: Lexicon) -> None:
    found = sentence_figures("The army launched dozens of drones at the region.", lex)
    assert [(f.kind, f.value, f.unit) for f in found] == [("launched", None, "drone")]
    assert found[0].text == "dozens"


def test_range_keeps_its_upper_end(lex: Lexicon) -> None:
    found = sentence_figures("Between 10 and 12 people were injured.", lex)
    assert [(f.kind, f.value, f.value_max) for f in found] == [("injured", 10, 12)]


@pytest.mark.parametrize("sentence", [
    "Russian missiles struck 11 regions overnight.",
    "A missile came down 70 kilometres from the front line.",
    "Shelling hit the town, which has a population of 7,500 people.",
    "The missile flew 45 kilometres before it was shot down.",
    "Drones attacked the city for 6 hours.",
])
def test_counts_of_other_things_are_not_figures(sentence: str, lex: Lexicon) -> None:
    values = {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", sentence)}
    assert not {f.value for f in sentence_figures(sentence, lex)} & values


def test_figures_end_to_end(extract) -> None:
    m = one(extract("Russia launched 31 drones at Odesa on Thursday, and air defences shot down "
                    "26 of them, the regional military administration said."))
    assert pairs(m.figures) == {("launched", 31), ("intercepted", 26)}
    assert {f.unit for f in m.figures} == {"drone"}


def test_population_is_not_a_casualty_figure_when_a_clause_merely_has_none(extract) -> None:
    m = one(extract("Russian shelling hit the town of Vovchansk, which has a population of 7,500 people, "
                    "on Thursday."))
    assert 7500 not in {f.value for f in m.figures}


def test_population_beside_a_casualty_is_not_a_figure(extract) -> None:
    m = one(extract("Russian shelling killed two people in Vovchansk, a town with a population of 7,500 "
                    "people, on Thursday."))
    assert pairs(m.figures) == {("killed", 2)}


def test_of_them_reaches_back_to_the_previous_sentence(extract) -> None:
    m = one(extract("Russia launched 31 drones at Kyiv on Thursday. Air defences shot down 26 of them, "
                    "the city administration said."))
    assert pairs(m.figures) == {("launched", 31), ("intercepted", 26)}


@pytest.mark.parametrize("text", [
    "Russia fired 44 missiles at Lviv on Thursday, of which 35 were intercepted, the air force said.",
    "Of the 44 missiles fired at Lviv on Thursday, 35 were shot down, the air force said.",
])
def test_elliptical_interception_count(text: str, extract) -> None:
    assert pairs(all_figures(extract(text))) == {("launched", 44), ("intercepted", 35)}


def test_breakdown_of_a_count_is_not_another_count(extract) -> None:
    m = one(extract("A Russian missile hit a school in Kramatorsk on Thursday, killing five people, "
                    "two of them children."))
    assert pairs(m.figures) == {("killed", 5)}


def test_cumulative_total_at_the_end_is_not_an_event_figure(extract) -> None:
    found = extract("Russian strikes have killed 8,000 civilians across Ukraine since the war began, "
                    "the UN said on Thursday.")
    assert 8000 not in {f.value for f in all_figures(found)}


@pytest.mark.parametrize("text", [
    "Since the start of the war, Russian strikes have killed 8,000 civilians across Ukraine, the UN said "
    "on Thursday.",
    "Since the full-scale invasion, Russian attacks have killed 8,000 civilians across Ukraine.",
])
def test_cumulative_total_after_a_leading_since_is_not_an_event_figure(text: str, extract) -> None:
    assert 8000 not in {f.value for f in all_figures(extract(text))}


def test_toll_of_the_war_so_far_is_not_an_event_figure(extract) -> None:
    found = extract("The UN said on Thursday that 8,000 civilians had been killed in the war so far.")
    assert 8000 not in {f.value for f in all_figures(found)}


# ---- claimants ----------------------------------------------------------------------------------

def claimant_of(sentence: str, word: str, lex: Lexicon, previous: str | None = None) -> str | None:
    """Who the sentence says reports what is written at ``word``."""
    found = attributions(sentence, 0, len(sentence), lex, previous)
    return claimant_at(found, sentence.index(word))


def test_according_to(lex: Lexicon) -> None:
    s = "Missiles hit Lviv on Thursday, according to the regional military administration."
    assert claimant_of(s, "hit", lex) == "the regional military administration"


def test_verb_at_sentence_end_covers_what_came_before(lex: Lexicon) -> None:
    s = "Drones hit a fuel depot in Kursk, the regional governor said on Telegram."
    assert claimant_of(s, "hit", lex) == "the regional governor"  # "on Telegram" is not part of the name


def test_said_that_covers_what_follows(lex: Lexicon) -> None:
    s = "The defence ministry said that Ukrainian drones attacked an airfield."
    assert claimant_of(s, "attacked", lex) == "The defence ministry"
    assert claimant_of(s, "defence", lex) is None  # the claimant does not report itself


def test_pronoun_takes_the_previous_claimant(lex: Lexicon) -> None:
    s = "It added that two people were injured."
    assert claimant_of(s, "injured", lex, previous="the regional governor") == "the regional governor"
    assert attributions(s, 0, len(s), lex, None) == []  # nobody to point back to


@pytest.mark.parametrize("previous", [None, "the air force"])
def test_passive_report_has_no_claimant(previous: str | None, lex: Lexicon) -> None:
    s = "Casualties were reported in the city."
    assert attributions(s, 0, len(s), lex, previous) == []


def test_the_governor_resolves_to_a_named_governor(lex: Lexicon) -> None:
    s = "Two people were wounded, the governor said."
    assert "governor" in (claimant_of(s, "wounded", lex, previous="regional governor Oleh Petrenko") or "")


def test_the_governor_first_named_is_a_claimant(lex: Lexicon) -> None:
    s = "Two people were wounded, the governor said."
    assert claimant_of(s, "wounded", lex) == "the governor"


def test_the_governor_does_not_become_an_unrelated_claimant(lex: Lexicon) -> None:
    s = "Two people were wounded, the governor said."
    assert "governor" in (claimant_of(s, "wounded", lex, previous="the air force") or "")


def test_claimants_end_to_end(extract) -> None:
    m = one(extract("Russian missiles hit Kyiv on Thursday, according to the city's mayor."))
    assert "mayor" in (m.claimant or "")
    m = one(extract("Russian missiles struck Lviv on Thursday, the regional governor said. "
                    "It added that two people were injured."))
    assert "governor" in (m.claimant or "")
    injured = [f for f in m.figures if f.kind == "injured"]
    assert [f.value for f in injured] == [2] and "governor" in (injured[0].claimant or "")
    m = one(extract("Casualties were reported after a missile hit Zhytomyr on Thursday."))
    assert m.claimant is None


def test_city_figure_keeps_its_own_claimant(extract) -> None:
    found = extract("Russia launched 70 missiles across Ukraine on Thursday, the air force said. In Zhytomyr, "
                    "a missile hit a power station, killing four people, the governor said.")
    killed = [f for f in all_figures(found) if f.kind == "killed"]
    assert [f.value for f in killed] == [4]
    assert "governor" in (killed[0].claimant or "")


# ---- dates --------------------------------------------------------------------------------------

@pytest.mark.parametrize("published", ["2023-03-10", "2023-03-10T08:15", "2023-03-10T23:40+02:00"])
def test_yesterday_is_the_day_before_publication(published: str, extract) -> None:
    m = one(extract("Russian missiles hit Kharkiv yesterday, the regional governor said.", published))
    assert (m.date.value, m.date.precision) == ("2023-03-09", "day")


def test_weekday_is_the_last_one_before_publication(extract) -> None:
    m = one(extract("Russian missiles hit Poltava on Saturday, the regional governor said."))
    assert (m.date.value, m.date.precision) == ("2023-03-04", "day")


def test_overnight_is_a_two_day_range(extract) -> None:
    m = one(extract("Russian drones attacked Odesa overnight, the military said."))
    assert (m.date.value, m.date.precision) == ("2023-03-09/2023-03-10", "range")


def test_weekday_without_publication_date_stays_unresolved(extract) -> None:
    m = one(extract("Russian missiles hit Poltava on Saturday, the regional governor said.", None))
    assert m.date.value is None
    assert m.date.precision == "unknown"


def test_undated_sentence_inherits_the_previous_event_date(extract) -> None:
    text = ("Russian missiles struck Kharkiv on Thursday, the governor of the region said.\n\n"
            "Officials in the capital met to discuss the response.\n\n"
            "Russian shelling hit Kherson on Sunday, the regional administration said. "
            "Artillery also struck Nikopol, wounding three people.")
    attacks = of_type(extract(text), "attack")
    by_place = {a: m for m in attacks for a in admin1s(m)}
    assert by_place["UA-63"].date.value == "2023-03-09"  # Kharkiv: the lead
    assert by_place["UA-65"].date.value == "2023-03-05"  # Kherson
    assert by_place["UA-12"].date.value == "2023-03-05"  # Nikopol: Kherson's date, not the lead's


# ---- sides and places ---------------------------------------------------------------------------

def test_russian_missiles_on_a_ukrainian_city(extract) -> None:
    m = one(extract("Russian missiles hit Kyiv on Thursday."))
    assert (m.actors.initiator, m.actors.target) == ("RU", "UA")
    assert m.subtype == "air"
    assert admin1s(m, "target") == {"UA-30"}


def test_ukrainian_drones_over_a_russian_region(extract) -> None:
    m = one(extract("Ukrainian drones were shot down over the Belgorod region on Thursday."))
    assert (m.actors.initiator, m.actors.target) == ("UA", "RU")
    assert admin1s(m, "target") == {"RU-BEL"}


def test_capital_air_defences_are_an_actor_not_a_place(extract) -> None:
    m = one(extract("Kyiv's air defences shot down 12 drones on Thursday, the military said."))
    assert not any(p.name.startswith("Kyiv") for p in m.locations)
    assert m.actors.target == "UA"
    assert pairs(m.figures) == {("intercepted", 12)}


def test_shelling_is_a_ground_attack(extract) -> None:
    m = one(extract("Russian forces shelled Kherson on Sunday."))
    assert (m.subtype, m.actors.initiator, m.actors.target) == ("ground", "RU", "UA")


def test_missiles_fired_at_a_country_are_located_there(extract) -> None:
    m = one(extract("Russia launched 70 missiles at Ukraine on Thursday, the air force said."))
    assert {(p.country, p.precision) for p in m.locations if p.role == "target"} == {("UA", "country")}


def test_distance_from_a_city_is_a_reference_point_not_an_origin(extract) -> None:
    m = one(extract("A Russian missile hit a village 70 kilometres from Zaporizhzhia on Thursday, the regional "
                    "governor said."))
    assert "UA-23" in admin1s(m, "target")


# ---- coalescing ---------------------------------------------------------------------------------

def test_two_sentences_about_one_strike_are_one_mention(extract) -> None:
    text = ("Russian missiles hit Dnipro on Thursday morning. The strike on Dnipro on Thursday destroyed "
            "a shopping centre, the mayor said.")
    m = one(extract(text))
    assert len(m.evidence) == 2
    assert admin1s(m) == {"UA-12"}


def test_wave_and_city_hit_in_it_are_two_mentions(extract) -> None:
    text = ("Russia launched 70 missiles across Ukraine on Thursday, the air force said. In Zhytomyr, a missile "
            "hit a power station, killing four people.")
    attacks = of_type(extract(text), "attack")
    assert len(attacks) == 2
    wave = next(m for m in attacks if all(p.precision == "country" for p in m.locations))
    city = next(m for m in attacks if "UA-18" in admin1s(m))
    assert {(p.country, p.role) for p in wave.locations} == {("UA", "target")}
    assert pairs(wave.figures) == {("launched", 70)}
    assert pairs(city.figures) == {("killed", 4)}
    assert wave.date.value == city.date.value == "2023-03-09"


def _by_region(attacks: list[Mention]) -> dict[frozenset, Mention]:
    return {frozenset(p.admin1 or p.country for p in m.locations if p.role == "target"): m for m in attacks}


def test_cities_listed_in_one_clause_are_one_event_each(extract) -> None:
    text = ("Ukraine's air command counted 55 Russian missiles launched at the country on Thursday. Regional "
            "chiefs in Rivne, Poltava, and Mykolaiv reported that missiles had struck their areas.")
    attacks = _by_region(of_type(extract(text), "attack"))
    assert set(attacks) == {frozenset({"UA"}), frozenset({"UA-56"}), frozenset({"UA-53"}), frozenset({"UA-48"})}
    assert pairs(attacks[frozenset({"UA"})].figures) == {("launched", 55)}
    assert all(not m.figures for k, m in attacks.items() if k != frozenset({"UA"}))
    assert {m.date.value for m in attacks.values()} == {"2023-03-09"}


def test_a_region_of_a_list_joins_the_report_of_that_region(extract) -> None:
    text = ("Russian drones struck Sumy and Dnipro on Thursday. In Sumy, the strikes killed three people, "
            "the governor said.")
    attacks = _by_region(of_type(extract(text), "attack"))
    assert set(attacks) == {frozenset({"UA-59"}), frozenset({"UA-12"})}
    assert pairs(attacks[frozenset({"UA-59"})].figures) == {("killed", 3)}


def test_a_country_named_only_as_the_side_attacked_is_no_wave(extract) -> None:
    text = "Russia's attack on Ukraine hit Kharkiv and Sumy on Thursday, officials said."
    attacks = _by_region(of_type(extract(text), "attack"))
    assert set(attacks) == {frozenset({"UA-63"}), frozenset({"UA-59"})}


def test_one_count_over_several_regions_stays_one_event(extract) -> None:
    text = ("Air defences destroyed 9 Ukrainian drones over the Kursk and Belgorod regions on Thursday, "
            "the Russian Defence Ministry said.")
    m = one(extract(text))
    assert admin1s(m, "target") == {"RU-KRS", "RU-BEL"}
    assert pairs(m.figures) == {("intercepted", 9)}


def test_a_count_in_a_sentence_naming_no_place_is_the_countrys(extract) -> None:
    text = ("The air force said it shot down 30 of 40 drones on Thursday. Fresh attacks hit the regions of "
            "Sumy and Dnipro.")
    attacks = _by_region(of_type(extract(text), "attack"))
    assert pairs(attacks[frozenset({"UA"})].figures) == {("launched", 40), ("intercepted", 30)}
    assert {frozenset({"UA-59"}), frozenset({"UA-12"})} <= set(attacks)


def test_a_toll_in_the_next_sentence_stays_with_the_place_before_it(extract) -> None:
    text = ("Russian missiles hit Kharkiv and Poltava on Thursday. Later the toll rose to five dead, the "
            "mayor said.")
    attacks = _by_region(of_type(extract(text), "attack"))
    assert pairs(attacks[frozenset({"UA-53"})].figures) == {("killed", 5)}


def test_the_reach_of_a_wave_takes_no_figures(extract) -> None:
    text = ("Russian attacks on Thursday injured about 60 civilians in a dozen regions, stretching from "
            "Uzhhorod to Sumy.")
    attacks = _by_region(of_type(extract(text), "attack"))
    assert pairs(attacks[frozenset({"UA"})].figures) == {("injured", 60)}
    assert attacks[frozenset({"UA-21"})].figures == ()  # Uzhhorod: a place reached, not a launch site
    assert attacks[frozenset({"UA-21"})].locations[0].role == "target"


def test_a_wave_cut_by_region_gives_each_part_an_id_of_its_own(extract) -> None:
    """The country's part names no place of its own and shares the sentence of the first part."""
    text = "Russia sent 35 drones on Monday towards sites stretching from Rivne to Poltava."
    attacks = of_type(extract(text), "attack")  # ids checked unique by the fixture
    assert len(attacks) == 2
    assert {m.id for m in of_type(extract(text), "attack")} == {m.id for m in attacks}  # the same on every run


def test_mentions_of_one_article_never_share_an_id() -> None:
    """Whatever rule lets two mentions of an article collide, the article is still stored."""
    m = Mention(id="abc", article_id="x", type="attack", subtype="air")
    ids = [x.id for x in _distinct_ids([m, m, m])]
    assert ids[0] == "abc" and len(set(ids)) == 3
    assert ids == [x.id for x in _distinct_ids([m, m, m])]


def test_a_toll_over_a_list_of_cities_is_the_countrys(extract) -> None:
    for text in ("On Thursday Russian shelling killed nine people in Kherson, Nikopol and Sumy.",
                 "On Thursday Russian shelling in Kherson, Nikopol and Sumy killed nine people."):
        attacks = _by_region(of_type(extract(text), "attack"))
        assert set(attacks) == {frozenset({"UA"}), frozenset({"UA-65"}), frozenset({"UA-12"}), frozenset({"UA-59"})}
        assert pairs(attacks[frozenset({"UA"})].figures) == {("killed", 9)}
    attacks = _by_region(of_type(extract("Russian shelling on Thursday hit Kherson and killed four in Sumy."),
                                 "attack"))
    assert pairs(attacks[frozenset({"UA-59"})].figures) == {("killed", 4)}  # named with the toll: its own


def test_across_the_country_is_the_country_of_the_city_named_with_it(extract) -> None:
    text = "Blasts shook Vinnytsia on Thursday amid Russian drone attacks all over the country."
    attacks = _by_region(of_type(extract(text), "attack"))
    assert set(attacks) == {frozenset({"UA-05"}), frozenset({"UA"})}


def test_a_salvo_from_one_launch_site_stays_one_event(extract) -> None:
    text = ("On Thursday Russian bombers fired missiles from the town of Mazyr in Belarus at the Chernihiv "
            "and Sumy regions, the army said.")
    m = one(extract(text))
    assert {"UA-74", "UA-59"} <= admin1s(m, "target")


def test_missiles_fired_from_a_neighbour_on_a_stated_day_strike_the_side_attacked(extract) -> None:
    m = one(extract("Russian cruise missiles were launched on Thursday by aircraft that flew over Belarus, "
                    "Ukrainian commanders said."))
    assert {(p.country, p.role) for p in m.locations} == {("BY", "origin"), ("UA", "target")}
    assert m.date.value == "2023-03-09"


def test_weapons_based_somewhere_are_launched_from_there(extract) -> None:
    m = one(extract("Missiles were fired by Russian bombers based in Belarus at Kyiv on Thursday."))
    assert {(p.admin1 or p.country, p.role) for p in m.locations} == {("BY", "origin"), ("UA-30", "target")}


def test_people_based_somewhere_are_no_launch_site(extract) -> None:
    m = one(extract("A Ukrainian drone on Thursday killed two Russian servicemen stationed in Horlivka."))
    assert admin1s(m, "target") == {"UA-14"} and admin1s(m, "origin") == set()
    m = one(extract("A think tank based in Washington said Russian shelling hit Kherson on Thursday."))
    assert {p.role for p in m.locations} == {"target"} and admin1s(m) == {"UA-65"}


def test_a_border_is_no_launch_site(extract) -> None:
    m = one(extract("On Thursday a Russian missile hit a base in Lviv, 20 km from the border with Poland."))
    assert m.type == "attack" and {p.country for p in m.locations} == {"UA"}
    m = one(extract("Missiles struck Chernihiv on Thursday, some 60km from the border with Belarus."))
    assert m.type == "attack" and {(p.admin1, p.role) for p in m.locations} == {("UA-74", "target")}


def test_a_border_town_is_a_launch_site(extract) -> None:
    m = one(extract("On Tuesday Russian troops shelled Sumy from the border village of Tyotkino."))
    assert admin1s(m, "origin") == {"RU-KRS"} and admin1s(m, "target") == {"UA-59"}
    assert (m.actors.initiator, m.actors.target) == ("RU", "UA")


def test_a_trigger_far_from_its_place_is_no_event(extract) -> None:
    mentions = extract("The foreign minister travelled to Irpin on Thursday, well away from the battles in Donbas.")
    assert of_type(mentions, "battle") == []
    assert one(mentions, "diplomacy").subtype == "visit"


def test_a_planned_attack_is_no_attack(extract) -> None:
    text = "Minsk claimed on Thursday that Ukrainian commanders were planning a strike against Belarusian territory."
    assert of_type(extract(text), "attack") == []


def test_reacting_to_strikes_is_not_launching_them(extract) -> None:
    for verb in ("condemned", "confirmed", "mourned"):
        m = one(extract(f"A spokesman for Ukraine {verb} the missile strikes on Zaporizhzhia on Thursday."))
        assert (m.actors.initiator, m.actors.target) == ("RU", "UA"), verb


def test_an_attack_told_as_what_came_before_has_no_date_of_its_own(extract) -> None:
    """Not the publication day: some day before it, which a report of the same strike may give."""
    m = one(extract("The talks came after Russia fired missiles at Kharkiv, officials said."))
    assert m.date.value is None and admin1s(m) == {"UA-63"}
    m = one(extract("Ten people were killed after a missile hit a building in Dnipro."))  # what it led to
    assert m.date.value == PUBLISHED


def test_a_joint_force_or_grouping_of_troops_is_a_deployment(extract) -> None:
    m = one(extract("On Monday the two defence ministers set up a joint rapid reaction force in Belarus."), "posture")
    assert m.subtype == "deployment" and {p.country for p in m.locations} == {"BY"}
    assert m.date.value == "2023-03-06"
    m = one(extract("On Monday Minsk began to deploy a ‘western grouping of forces’ near Brest."),
            "posture")
    assert m.subtype == "deployment" and m.date.value == "2023-03-06"


def test_a_ground_assault_in_a_region_is_a_battle_there(extract) -> None:
    m = one(extract("On Thursday Moscow's troops began a ground assault in the Sumy region."), "battle")
    assert admin1s(m) == {"UA-59"} and m.date.value == "2023-03-09"


def test_a_list_of_places_is_not_cut_by_its_commas_into_a_claimant(lex: Lexicon) -> None:
    text = "Mayors of Rivne, Poltava, and Mykolaiv told reporters about the damage."
    found = [a.claimant for a in attributions(text, 0, len(text), lex, None)]
    assert found == ["Mayors of Rivne, Poltava, and Mykolaiv"]
    text = "Around 20 of the drones targeted Kharkiv, Synehubov said on television."  # a name, no list
    assert [a.claimant for a in attributions(text, 0, len(text), lex, None)] == ["Synehubov"]


def test_vague_background_is_no_event(extract) -> None:
    assert extract("Moscow has repeatedly targeted Ukraine's energy infrastructure with missiles and drones.") == []
    text = ("Russian forces shelled Kherson on Sunday. "
            "Moscow has repeatedly targeted energy infrastructure in the south.")
    m = one(extract(text))
    assert [e.text for e in m.evidence] == ["Russian forces shelled Kherson on Sunday."]


def test_interception_over_poland_is_an_incursion(extract) -> None:
    found = extract("Polish air defences shot down a missile over eastern Poland on Thursday, the Polish army said.")
    assert of_type(found, "attack") == []
    m = one(found, "incursion")
    assert m.subtype == "airspace"
    assert {p.country for p in m.locations if p.role == "target"} == {"PL"}
    assert m.actors.target == "PL"


def test_stray_missile_over_belarus_is_an_incursion(extract) -> None:
    found = extract("The Belarusian military said it had shot down a Ukrainian S-300 missile over the Brest region "
                    "on Thursday.")
    assert of_type(found, "attack") == []
    m = one(found, "incursion")
    assert (m.actors.initiator, m.actors.target) == ("UA", "BY")
    assert admin1s(m, "target") == {"BY-BR"}
    assert any(w.model == "S-300" for w in m.weapons)


# ---- diplomacy and posture ----------------------------------------------------------------------

def test_meeting_in_a_capital(extract) -> None:
    m = one(extract("Vladimir Putin met Alexander Lukashenko in Minsk on Tuesday to discuss military "
                    "cooperation."), "diplomacy")
    assert m.subtype == "meeting"
    assert m.date.value == "2023-03-07"
    assert [(p.name, p.country, p.role) for p in m.locations] == [("Minsk", "BY", "place")]
    assert (m.actors.initiator, m.actors.target) == ("RU", "BY")
    assert m.figures == ()


def test_summons(extract) -> None:
    m = one(extract("Poland's foreign ministry summoned the Russian ambassador on Wednesday to protest the "
                    "incident."), "diplomacy")
    assert (m.subtype, m.date.value, m.actors.initiator) == ("summons", "2023-03-08", "PL")


def test_troops_arriving_are_a_deployment(extract) -> None:
    m = one(extract("Russian troops arrived in Belarus on Monday, the Belarusian defence ministry said."), "posture")
    assert (m.subtype, m.date.value, m.actors.initiator) == ("deployment", "2023-03-06", "RU")
    assert {p.country for p in m.locations} == {"BY"}


def test_troops_arriving_are_no_visit(extract) -> None:
    found = extract("Russian troops arrived in Belarus on Monday, the Belarusian defence ministry said.")
    assert of_type(found, "diplomacy") == []


def test_joint_drills_are_an_exercise(extract) -> None:
    m = one(extract("Russia and Belarus began joint military drills in Belarus on Monday, the Belarusian "
                    "defence ministry said."), "posture")
    assert (m.subtype, m.date.value) == ("exercise", "2023-03-06")
    assert {p.country for p in m.locations} == {"BY"}
    assert of_type([m], "attack") == []


# ---- sentences and clauses ----------------------------------------------------------------------

def test_sentences_know_their_paragraph() -> None:
    text = "First sentence here. Second one follows.\n\nA new paragraph."
    got = [(text[s.start:s.end], s.paragraph) for s in split(text)]
    assert got == [("First sentence here.", 0), ("Second one follows.", 0), ("A new paragraph.", 1)]


def test_clauses_break_at_conjunctions_and_leading_subordinates() -> None:
    text = "As the drones approached Kyiv, air defences opened fire, and 18 of them were shot down; none hit."
    got = [text[s:e] for s, e in clauses(text, 0, len(text))]
    assert got[0].startswith("As the drones approached Kyiv")
    assert any(c.startswith("and 18 of them") for c in got)
    assert got[-1] == "none hit."
    spans = clauses(text, 0, len(text))
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # in order, not overlapping


# ---- evidence over many texts -------------------------------------------------------------------

EVIDENCE_TEXTS = [
    "Russian missiles hit Kyiv on Thursday, according to the city's mayor.\n\nAir defences shot down 47 out of 62 "
    "missiles, the air force said. At least 27 people were killed in Dnipro, the governor said.",
    "“Thirty rockets hit the town of Nikopol,” the regional governor wrote on Telegram on Thursday.",
    "Poland's foreign ministry summoned the Russian ambassador on Wednesday.\n\nRussian troops arrived in Belarus "
    "on Monday. Joint military drills began in Belarus on Tuesday.",
    "Russia launched dozens of drones at Odesa overnight; all 14 missiles fired at the port were shot down.",
]


@pytest.mark.parametrize("text", EVIDENCE_TEXTS)
def test_every_mention_has_exact_evidence(text: str, extract) -> None:
    found = extract(text)  # the fixture checks offsets, slices and figure evidence
    assert found
    assert len({m.id for m in found}) == len(found)


# ---- the seeds: structural invariants only ------------------------------------------------------

@pytest.fixture(scope="module")
def seed_articles(corpus: Path) -> list[Article]:
    out = []
    for raw in iter_documents([str(corpus / "seeds")]):
        article = clean(raw)
        assert isinstance(article, Article), f"seed rejected: {article}"
        out.append(article)
    if not out:
        pytest.skip(f"no seeds under {corpus / 'seeds'}")
    return out


def _check_date(m: Mention) -> None:
    value, precision = m.date.value, m.date.precision
    assert m.date.source  # how the date was found; the set of values is still moving
    if precision == "day":
        date.fromisoformat(value)
    elif precision == "range":
        first, last = value.split("/")
        assert date.fromisoformat(first) <= date.fromisoformat(last)
    elif precision == "month":
        assert MONTH.match(value)
    else:
        assert (precision, value) == ("unknown", None)
    if m.time is not None:
        assert TIME.match(m.time), m.time


def _check_mention(m: Mention, article: Article) -> None:
    assert m.article_id == article.id
    assert m.subtype in SUBTYPES[m.type]
    assert m.status in STATUSES
    _check_date(m)
    for code in (m.actors.initiator, m.actors.target):
        assert code is None or COUNTRY.match(code)
    for p in m.locations:
        assert p.role in ROLES and p.precision in PRECISIONS
        assert p.country is None or COUNTRY.match(p.country)
        assert p.admin1 is None or (ADMIN1.match(p.admin1) and p.admin1.startswith(p.country or "?"))
        if p.role != "origin":
            assert (p.role == "target") == (m.type in ("attack", "incursion"))
    assert all(w.category in WEAPONS for w in m.weapons)
    for f in m.figures:
        assert f.kind in KINDS and f.qualifier in QUALIFIERS and f.unit in UNITS
        assert f.value is None or f.value >= 0
    if m.type not in ("attack", "incursion"):
        assert m.figures == ()


def test_seed_mentions_are_well_formed(seed_articles: list[Article], gazetteer: Gazetteer,
                                       extractor: Extractor) -> None:
    total = 0
    for article in seed_articles:
        mentions = extractor.extract(article, geoparse(article.text, gazetteer))
        assert_evidence(article, mentions)
        assert len({m.id for m in mentions}) == len(mentions)
        for m in mentions:
            _check_mention(m, article)
        total += len(mentions)
    assert total > 0  # war news: extraction finds something in them
