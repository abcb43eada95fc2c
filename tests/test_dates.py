"""Time expressions resolved against the publication date."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sitrep.model import EventDate, TimePhrase
from sitrep.nlp.dates import BACKGROUND, RELATIVE, find_time_phrases, offset_days, resolve, shift

SAT = date(2022, 6, 25)  # a Saturday
TUE = date(2022, 12, 20)  # a Tuesday
FRI = date(2022, 12, 30)  # a Friday
SAT2 = date(2023, 12, 30)  # a Saturday


def value(phrase: str, published: date | None) -> str | None:
    return resolve(phrase, published).value


def only(text: str, published: date | str | None) -> TimePhrase:
    found = find_time_phrases(text, published)
    assert len(found) == 1, found
    return found[0]


# ---- days relative to publication -------------------------------------------------------------


def test_yesterday_today_and_overnight() -> None:
    assert resolve("yesterday", FRI) == EventDate("2022-12-29", "day", phrase="yesterday")
    assert value("today", FRI) == "2022-12-30"
    assert value("this morning", FRI) == "2022-12-30"
    assert value("the day before yesterday", FRI) == "2022-12-28"
    assert resolve("overnight", FRI) == EventDate("2022-12-29/2022-12-30", "range", phrase="overnight")
    assert value("last night", FRI) == "2022-12-29/2022-12-30"


def test_weekday_on_the_day_of_publication_is_that_day() -> None:
    # dateparser with PREFER_DATES_FROM='past' would move this a week back
    assert value("on Saturday", SAT) == "2022-06-25"
    assert value("Saturday morning", SAT) == "2022-06-25"


def test_weekday_before_publication() -> None:
    assert value("On Friday", SAT2) == "2023-12-29"
    assert value("on Friday", SAT) == "2022-06-24"
    assert value("on Sunday", TUE) == "2022-12-18"


def test_weekday_modifiers() -> None:
    assert value("last Saturday", SAT) == "2022-06-18"
    assert value("next Monday", SAT) == "2022-06-27"
    assert value("late on Sunday", TUE) == "2022-12-18"


def test_between_sunday_and_yesterday_is_a_range() -> None:
    phrase = only("They said it killed four people between Sunday and yesterday.", TUE)
    assert phrase.text == "between Sunday and yesterday"
    assert (phrase.date.value, phrase.date.precision) == ("2022-12-18/2022-12-19", "range")


def test_counted_days_ago_and_earlier() -> None:
    assert value("three days ago", FRI) == "2022-12-27"
    assert value("two days earlier", FRI) == "2022-12-28"
    assert value("a week ago", FRI) == "2022-12-23"
    assert value("almost 10 months ago", TUE) == "2022-02"


# ---- periods, months, written dates ------------------------------------------------------------


def test_weeks_and_months_around_publication() -> None:
    assert value("last week", TUE) == "2022-12-12/2022-12-18"
    assert value("this week", FRI) == "2022-12-26/2022-12-30"
    assert value("last month", FRI) == "2022-11"
    expected = EventDate("2022-06-01/2022-06-24", "range", phrase="earlier this month")
    assert resolve("earlier this month", SAT) == expected


def test_month_names_take_the_most_recent_such_month() -> None:
    assert resolve("in October", FRI) == EventDate("2022-10", "month", phrase="in October")
    assert value("in late February", SAT) == "2022-02"
    assert value("early March", SAT) == "2022-03"
    assert value("in November", SAT) == "2021-11"
    assert value("in October 2021", FRI) == "2021-10"


def test_a_bare_may_or_march_is_no_month() -> None:
    assert find_time_phrases("We may march on, said May.", FRI) == []


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("on 24 February", "2022-02-24"),
        ("February 24", "2022-02-24"),
        ("Feb. 24", "2022-02-24"),
        ("24 Feb 2022", "2022-02-24"),
        ("2022-12-29", "2022-12-29"),
        ("December 30, 2023", "2023-12-30"),
        ("on the night of 9-10 October", "2022-10-09/2022-10-10"),
        ("the 3rd of May", "2022-05-03"),
    ],
)
def test_written_dates(phrase: str, expected: str) -> None:
    assert value(phrase, SAT if "October" not in phrase else FRI) == expected


def test_a_day_month_soon_after_publication_is_upcoming() -> None:
    assert value("on January 5", FRI) == "2023-01-05"
    assert value("on December 28", date(2023, 1, 3)) == "2022-12-28"


def test_weekday_with_a_written_date_keeps_the_written_date() -> None:
    phrase = only("It happened on Friday, 18 February.", SAT)
    assert (phrase.text, phrase.date.value) == ("on Friday, 18 February", "2022-02-18")


# ---- no publication date ----------------------------------------------------------------------


@pytest.mark.parametrize("phrase", ["yesterday", "on Saturday", "overnight", "last week", "in October", "Feb. 24",
                                    "three days ago"])
def test_relative_phrases_stay_unresolved_without_publication(phrase: str) -> None:
    got = resolve(phrase, None)
    assert (got.value, got.precision, got.source) == (None, "unknown", "text")
    assert got.phrase == phrase


def test_absolute_dates_resolve_without_publication() -> None:
    assert value("24 February 2022", None) == "2022-02-24"
    assert value("in October 2022", None) == "2022-10"
    assert value("2022-12-29", None) == "2022-12-29"


def test_publication_as_string_or_datetime() -> None:
    assert value("yesterday", "2022-12-30") == "2022-12-29"
    assert value("yesterday", "2022-12-30T08:15:00+02:00") == "2022-12-29"


# ---- background and relative phrases ----------------------------------------------------------


def test_since_phrases_are_background() -> None:
    found = find_time_phrases("Moscow has shelled the grid since October and since the war began.", FRI)
    assert [(p.text, p.date.source) for p in found] == [("since October", BACKGROUND),
                                                       ("since the war began", BACKGROUND)]
    assert found[0].date.value == "2022-10"  # still resolved: the value is known, only not an event's


def test_a_date_inside_a_since_clause_is_background() -> None:
    text = "Ever since Moscow's offensive began in February, fears grew. In April, talks failed."
    found = find_time_phrases(text, FRI)
    sources = {p.text: p.date.source for p in found}
    assert sources["in February"] == BACKGROUND
    assert sources["In April"] == "text"


def test_long_past_periods_are_background_short_ones_are_not() -> None:
    assert resolve("over the past month", FRI).source == BACKGROUND
    short = resolve("in the past 24 hours", FRI)
    assert (short.value, short.source) == ("2022-12-29/2022-12-30", "text")


def test_phrases_anchored_on_another_event_are_relative() -> None:
    phrase = only("The strike came three days after a raid on the port.", FRI)
    assert (phrase.text, phrase.date.value, phrase.date.source) == ("three days after", None, RELATIVE)
    assert resolve("the next day", FRI).source == RELATIVE


def test_offsets_and_shift() -> None:
    assert offset_days("three days after") == 3
    assert offset_days("two days earlier") == -2
    assert offset_days("the day before") == -1
    assert offset_days("a week later") == 7
    assert offset_days("on Saturday") is None
    assert shift("2022-12-19", -3) == "2022-12-16"
    assert shift("2022-12-29/2022-12-30", 1) == "2022-12-30/2022-12-31"
    with pytest.raises(ValueError):
        shift("2022-10", 3)


# ---- times of day -------------------------------------------------------------------------------


def test_time_joins_its_date_and_the_utc_form_wins() -> None:
    phrase = only("Rockets struck at around 04:00 a.m. (01:00 GMT) on Saturday, officials said.", SAT)
    assert phrase.text == "at around 04:00 a.m. (01:00 GMT) on Saturday"
    assert (phrase.time, phrase.date.value) == ("01:00Z", "2022-06-25")


@pytest.mark.parametrize(
    ("text", "time"),
    [("after 6am on Sunday", "06:00"), ("at 9.30pm on Monday", "21:30"), ("on Monday at 23:10", "23:10"),
     ("at 0400 GMT on Monday", "04:00Z"), ("at 02:15 GMT+3 on Monday", "02:15+03:00"),
     ("at midnight on Monday", "00:00")],
)
def test_times_of_day(text: str, time: str) -> None:
    phrase = only(text, TUE)
    assert (phrase.time, phrase.date.precision) == (time, "day")


def test_a_time_without_a_date_stands_alone() -> None:
    phrase = only("Sirens sounded at 03:40 across the city.", TUE)
    assert (phrase.time, phrase.date.value) == ("03:40", None)


def test_written_date_with_a_clock_time() -> None:
    phrase = only("Posted 14 March 2023, 09:12", None)
    assert (phrase.date.value, phrase.time) == ("2023-03-14", "09:12")


# ---- dateparser only behind the rules ---------------------------------------------------------


def test_fallback_forms_and_guarded_words() -> None:
    assert value("29/12/2022", None) == "2022-12-29"
    assert value("a fortnight ago", FRI) == "2022-12-16"
    assert value("a fortnight ago", None) is None  # relative, and no base
    assert value("We", FRI) is None  # dateparser alone would say Wednesday


# ---- the real seeds, read at run time ----------------------------------------------------------


@pytest.mark.corpus
def test_gold_dates_of_the_seeds_are_among_the_phrases(corpus: Path, shared: Path) -> None:
    gold = json.loads((shared / "eval" / "gold" / "seeds.gold.json").read_text(encoding="utf-8"))
    for article in gold["articles"]:
        text = (corpus / "seeds" / article["source"]).read_text(encoding="utf-8")
        found = find_time_phrases(text, article["published"])
        values = {p.date.value for p in found if p.date.source == "text"}
        for event in article["events"]:
            if event.get("optional") or event.get("date_needs_corpus") or event["date"] is None:
                continue
            assert event["date"] in values, (article["source"], event["id"], sorted(v for v in values if v))


@pytest.mark.corpus
def test_without_publication_no_relative_phrase_of_a_seed_resolves(corpus: Path) -> None:
    text = next((corpus / "seeds").glob("001_*.txt")).read_text(encoding="utf-8")
    for p in find_time_phrases(text, None):
        assert p.date.value is None or any(ch.isdigit() for ch in p.text), p


@pytest.mark.parametrize("text", [
    "At 05:00 a.m. (02:00 GMT) and 0200 GMT+3, then noon, MIDNIGHT and at midday.",
    "12:30",
    "x12:30, 7pm-8pm, 10.15am; (3 p.m.) 1700 hrs and 23:59 Kyiv time; afternoon",
])
def test_time_scan_finds_what_the_time_pattern_finds(text: str) -> None:
    from sitrep.nlp import dates
    from sitrep.nlp.scan import matches_at

    expected = [m.span() for m in dates._rules().time.finditer(text)]
    assert [m.span() for m in matches_at(dates._rules().time, text, dates._number_starts(text))] == expected
    assert expected


@pytest.mark.parametrize("text", [
    "24 February 2022, 2022-02-24 and 9-10 October; x24 February, a2022-02-24 _3 May, (3 May) 3rd of May",
    "1 May", "٣ May and 2022-02-24T10:00",
])
def test_date_rules_tried_where_numbers_start_find_what_each_finds_alone(text: str) -> None:
    from sitrep.nlp import dates

    scan = dates._date_scan()
    expected = [[m.span() for m in p.finditer(text)] for p in scan.patterns]
    assert [[m.span() for m in found] for found in scan.matches(text, dates._number_starts(text))] == expected
    assert any(expected[i] for i in scan.alone)
