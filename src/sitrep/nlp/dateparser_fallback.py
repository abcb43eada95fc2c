"""What dateparser makes of a time phrase the rules of ``nlp.dates`` do not know, guarded so
that it is asked only about phrases that can be dates."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sitrep.model import EventDate
from sitrep.nlp import datemath as dm


def resolve(phrase: str, pub: date | None, date_words: frozenset[str]) -> EventDate:
    """Forms the rules miss ("the 29th of December", "a fortnight ago"), guarded: a phrase with
    no digit and none of ``date_words`` is never handed over (dateparser reads "We" as Wednesday)."""
    if not _has_date_word(phrase, date_words):
        return dm.unknown(phrase)
    base = pub or date(2000, 1, 1)
    found = _dateparser_parse(phrase, base)
    if found is None:
        return dm.unknown(phrase)
    if pub is None and _dateparser_parse(phrase, date(2010, 7, 15)) != found:
        return dm.unknown(phrase)  # the answer moves with the base: relative, and no base given
    day, period = found
    if period == "month":
        return dm.month_date(day.year, day.month, phrase)
    if period == "year":
        return dm.span(date(day.year, 1, 1), date(day.year, 12, 31), phrase)
    if period == "week":
        monday = day - timedelta(days=day.weekday())
        return dm.span(monday, monday + timedelta(days=6), phrase)
    return dm.day(day, phrase)


def _has_date_word(phrase: str, date_words: frozenset[str]) -> bool:
    words = set(re.findall(r"[a-z]+", phrase.lower()))
    return bool(re.search(r"\d", phrase)) or bool(words & date_words)


def _dateparser_parse(phrase: str, base: date) -> tuple[date, str] | None:
    data = _parser(base).get_date_data(phrase)
    return None if data.date_obj is None else (data.date_obj.date(), str(data.period))


@lru_cache(maxsize=32)
def _parser(base: date) -> Any:
    from dateparser.date import DateDataParser  # slow to import: only when the fallback runs

    settings = {"RELATIVE_BASE": datetime(base.year, base.month, base.day), "PREFER_DATES_FROM": "past"}
    return DateDataParser(languages=["en"], settings=settings)
