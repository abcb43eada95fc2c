"""Time expressions in text, resolved against the article's publication date.

``find_time_phrases(text, published)`` finds "yesterday", "on Saturday", "overnight",
"last week", "in October", "24 Feb 2022", "the night of 9-10 October", "three days ago",
"between Sunday and yesterday", times of day ("at around 05:00 a.m. (02:00 GMT)") and more,
with explicit rules whose words live in ``sitrep/data/dates.yaml``. ``resolve(phrase, published)``
does the same for one phrase and falls back on dateparser for forms the rules do not know
(``nlp.dateparser_fallback``).

What comes back, as an ``EventDate``:
- a day "YYYY-MM-DD", a range "YYYY-MM-DD/YYYY-MM-DD" or a month "YYYY-MM";
- "overnight" and "last night" are the two-day range publication-1 / publication;
- a weekday is the most recent such day on or before publication (an article of a Saturday
  saying "on Saturday" means that day); "last Saturday" is strictly before;
- "earlier this month" is the range 1st .. publication-1 (never a day after the article);
- with no publication date, relative phrases stay ``EventDate(None, "unknown", phrase=...)`` for
  a later merge to fill; absolute dates with a year still resolve;
- ``source="background"`` marks cumulative or background phrases ("since October", "since the
  war began", "over the past month", any date after "since" in the same clause): they date no
  event of their own. The value is still given where it can be resolved;
- ``source="relative"`` marks phrases anchored on another event ("three days after", "the
  next day"): value None; ``offset_days`` gives the signed offset and ``shift`` applies it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache, partial
from pathlib import Path
from collections.abc import Callable, Iterable
from typing import Any

from sitrep import yamlfile
from sitrep.model import EventDate, TimePhrase
from sitrep.nlp import dateparser_fallback, datemath as dm
from sitrep.nlp.scan import OnePass, gap_before, matches_at, opens_on_literals, word_start

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "dates.yaml"

# A digit opening a word: the rules that open on one are tried only where a number starts
# (``_number_starts``), not scanned for along the whole text (``\d`` is slow to skip along).
_NUMBER = r"\d(?<!\w\d)"
_LEAD_WINDOW = 48  # how far back lead words ("on the night of", "at around") are looked for
# What may stand between a time and its date: "at 05:00 on Saturday", "30 December 2023, 15:48".
_TIME_GAP = re.compile(r"[\s,]*(?i:on|of|in\s+the\s+(?:early\s+)?(?:morning|evening|afternoon|hours)\s+of)?[\s,]*")
_RANGE_BEFORE = re.compile(r"(?i:\b(?P<w>between|from)\s+)\Z")
_SINCE = re.compile(r"(?i:\bsince\b)[^,.;:!?()\n\"“”]*\Z")  # "since" earlier in the same clause

BACKGROUND = "background"  # EventDate.source of cumulative / background phrases
RELATIVE = "relative"  # EventDate.source of phrases anchored on another event

# A rule's resolver: the core match, the lead match (None when absent), the publication date.
Resolver = Callable[[re.Match[str], re.Match[str] | None, date | None], EventDate | None]


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    date: EventDate
    kind: str  # "date" | "time" (a time of day not joined to any date)
    time: str | None = None


# ---- public API ---------------------------------------------------------------------------


def find_time_phrases(text: str, published: date | str | None) -> list[TimePhrase]:
    """Every time expression in ``text`` with what it resolves to, in order."""
    pub = dm.as_date(published)
    numbers = _number_starts(text)
    hits = _select(_date_hits(text, pub, numbers))
    hits = _join_ranges(text, hits)
    hits = _attach_times(text, hits, _time_hits(text, numbers))
    return [_to_phrase(text, _mark_background(text, h)) for h in hits]


def resolve(phrase: str, published: date | str | None) -> EventDate:
    """What one time phrase means; dateparser answers only forms the rules do not cover."""
    found = find_time_phrases(phrase, published)
    if found:
        return max(found, key=lambda p: p.end - p.start).date
    return dateparser_fallback.resolve(phrase.strip(), dm.as_date(published), _date_words())


def shift(date_value: str, days: int) -> str:
    """A day "YYYY-MM-DD" or a range "A/B" moved by ``days`` ("three days after" -> +3)."""
    parts = date_value.split("/")
    if not all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", p) for p in parts) or len(parts) > 2:
        raise ValueError(f"can only shift a day or a day range, not {date_value!r}")
    return "/".join((date.fromisoformat(p) + timedelta(days=days)).isoformat() for p in parts)


def offset_days(phrase: str) -> int | None:
    """The signed offset a relative phrase states: "three days after" 3, "two days earlier" -2,
    "the day before" -1; None when the phrase states none."""
    fixed = _table("anchored_days").get(_norm(phrase))
    if fixed is not None:
        return int(fixed)
    m = _rules().counted.search(phrase)
    if m is None:
        return None
    sign = int(_table("directions")[_norm(m.group("dir"))]["sign"])
    return sign * _count(m.group("n")) * int(_table("span_units")[_norm(m.group("u"))])


# ---- rules: a weekday before a written date is taken in by the date ("Friday, 18 February") --


@dataclass(frozen=True, slots=True)
class _Rule:
    """A core pattern that starts on a telling word (a weekday, a month, a digit: fast to scan
    for) and the words it may take in before it, matched backwards from the core ("in late"
    before "February"); ``needs_lead``: without those words it is no time phrase ("in" 2014)."""

    core: re.Pattern[str]
    lead: re.Pattern[str] | None
    resolve: Resolver
    needs_lead: bool = False


@dataclass(frozen=True, slots=True)
class _Rules:
    date_rules: tuple[_Rule, ...]
    time: re.Pattern[str]
    time_lead: re.Pattern[str]
    counted: re.Pattern[str]


@cache
def _data() -> dict[str, Any]:
    data = yamlfile.parse(DATA_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{DATA_FILE} must hold a mapping")
    return data


def _strs(items: Iterable[Any], key: str) -> list[str]:
    items = list(items)
    if not all(isinstance(i, str) for i in items):
        raise ValueError(f"{DATA_FILE}: {key} holds non-strings (quote them)")
    return items


def _alt(phrases: Iterable[str]) -> str:
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


def _ci(key: str) -> str:
    """A case-insensitive alternation of the data file's list or mapping ``key``."""
    return f"(?i:{_alt(_strs(_data()[key], key))})"


def _word(alternation: str, ignore_case: bool = True) -> str:
    r"""``\b(?:alternation)``, fast to scan for when every alternative opens on a letter or a
    digit (``nlp.scan``: there ``\b`` is the same as "no word character before")."""
    if opens_on_literals(alternation):
        return "(?:" + word_start(alternation, r"\w", ignore_case) + ")"
    return rf"\b(?:(?i:{alternation}))" if ignore_case else rf"\b(?:{alternation})"


def _wci(key: str) -> str:
    r"""``\b`` and the case-insensitive alternation of the data file's ``key``."""
    return _word(_alt(_strs(_data()[key], key)))


def _norm(phrase: str) -> str:
    return " ".join(phrase.lower().replace("’", "'").split())


@cache
def _table(key: str) -> dict[str, Any]:
    """A mapping of the data file, keys normalised: ``_table("relative_days")["yesterday"]``."""
    if key == "weekdays":
        return {w: i for i, w in enumerate(_strs(_data()[key], key))}
    if key == "months":
        return {_norm(k): int(v) for k, v in {**_data()["months"], **_data()["month_abbreviations"]}.items()}
    return {_norm(k): v for k, v in _data()[key].items()}


def _rule(core: str, lead: str | None, resolver: Resolver, needs_lead: bool = False) -> _Rule:
    lead_re = re.compile(rf"(?<![\w-])(?:{lead})\Z") if lead else None
    return _Rule(re.compile(core), lead_re, resolver, needs_lead)


@cache
def _rules() -> _Rules:
    count, units = rf"(?:\d{{1,3}}|{_ci('count_words')})", _ci("span_units")
    utc, local = _ci("utc_zones"), _ci("local_zones")
    time = rf"{_time_core('a')}{_zone('a', utc, local)}(?:\s*\(\s*{_time_core('b')}{_zone('b', utc, local)}\s*\))?"
    return _Rules(
        date_rules=_date_rules(count),
        time=re.compile(time),
        time_lead=re.compile(rf"(?<![\w-])(?:(?:{_ci('time_cues')})\s+)+\Z"),
        counted=re.compile(rf"\b(?P<n>{count})\s+(?P<u>{units})\s+(?P<dir>{_ci('directions')})\b"),
    )


def _date_rules(count: str) -> tuple[_Rule, ...]:
    d = _data()
    months = {**d["months"], **d["month_abbreviations"]}
    wd, parts, mods = _ci("weekdays"), _ci("day_parts"), _ci("day_modifiers")
    month_any = f"(?:{_alt(months)})"
    # rule cores open on their first letters (``_word``): fast to scan for
    month_start, full_month_start = _word(_alt(months), False), _word(_alt(d["months"]), False)
    year_start = rf"(?P<y>{_word('19|20', False)}\d{{2}})(?![\d/-])"
    ordinal, year = r"(?i:st|nd|rd|th)?", r"(?P<y>(?:19|20)\d{2})(?![\d/-])"
    day_span = rf"(?P<d>{_NUMBER}\d?){ordinal}(?:\s*(?:[-–]|(?i:and|to))\s*(?P<d2>\d{{1,2}}){ordinal})?"
    return (
        _rule(rf"(?P<rel>{_wci('relative_days')})(?:\s+(?P<part>{parts}))?\b", rf"{mods}\s+", _relative_day),
        _rule(rf"(?P<over>{_wci('overnight')})(?:\s+(?i:into|to|on|before)\s+(?P<wd>{wd}))?\b", None, _overnight),
        _rule(rf"(?P<wd1>{_wci('weekdays')})\s+(?i:to|into|and)\s+(?P<wd>{wd})\b",
              r"(?i:(?:on\s+|during\s+)?the\s+night\s+(?:of|from)\s+)", _overnight, True),
        _rule(rf"(?P<wd>{_wci('weekdays')})(?:\s+(?P<part>{parts}))?\b",
              rf"(?:(?i:(?P<mod>last|this\s+past|past|this\s+coming|coming|next|this))\s+|{mods}\s+"
              rf"|(?P<name>{_alt(_strs(d['weekday_names'], 'weekday_names'))})\s+)?(?i:on\s+)?"
              r"(?i:the\s+(?:early\s+hours|morning|afternoon|evening|night)\s+of\s+)?", _weekday),
        _rule(rf"(?P<period>{_wci('periods')})\b", None, _period),
        _rule(rf"{day_span}\s+(?i:of\s+)?(?P<m>{month_any})\b(?:\.(?=,?\s*\d))?(?:,?\s+{year})?",
              rf"(?i:on\s+)?(?:{wd},?\s+)?(?i:the\s+night\s+of\s+)?(?i:the\s+)?", _day_month),
        _rule(rf"(?P<m>{month_start})\.?\s+(?P<d>\d{{1,2}}){ordinal}(?:\s*[-–]\s*(?P<d2>\d{{1,2}}){ordinal})?"
              rf"(?![\d:])(?:,?\s+{year})?", rf"(?i:on\s+)?(?:{wd},?\s+)?", _day_month),
        _rule(rf"(?P<m>{full_month_start})\b(?:\s+{year})?",
              r"(?:(?P<cue>(?i:in|during|until|till|by|from|between|since|through|throughout|before|after|last|this|next))"
              r"\s+)?(?:(?P<pos>(?i:early|late|mid|the\s+(?:end|beginning|start|middle)\s+of|(?:end|beginning|start|"
              r"middle)\s+of))[\s-]+)?", _month),
        _rule(year_start, r"(?i:in|during|throughout|until|by|from|since|early|late|mid)[\s-]+"
              r"(?:(?i:early|late|mid)[\s-]+)?", _year, True),
        _rule(rf"(?P<y>{_NUMBER}\d{{3}})-(?P<m>\d{{2}})-(?P<d>\d{{2}})\b", None, _iso),
        _rule(rf"(?P<u>{_wci('span_units')})\s+(?P<dir>{_ci('directions')})\b", rf"(?P<n>{count})\s+", _counted, True),
        _rule(rf"(?P<anch>{_wci('anchored_days')})\b", None, partial(_unresolved, RELATIVE)),
        _rule(rf"(?P<u>{_word('hours?|nights?|' + _alt(_strs(d['span_units'], 'span_units')))})\b",
              rf"(?i:(?:in|over|during|for|within)\s+the\s+(?:past|last|previous)\s+)(?:(?P<n>{count})\s+)?",
              _past_period, True),
        _rule(_background_pattern(), None, partial(_unresolved, BACKGROUND)),
    )


def _background_pattern() -> str:
    owners, words, starts = _ci("background_owners"), _ci("background_words"), _ci("background_starts")
    vague = _alt(_strs(_data()["background_vague"], "background_vague"))
    since = (rf"since\s+(?:{owners}\s+)?(?:{starts})\s+of\s+(?:{owners}\s+)?(?:{words})"
             rf"|since\s+(?:{owners}\s+)?(?:{words})\s+(?:began|started|begun|broke\s+out|was\s+launched)")
    return rf"(?:{_word(f'{since}|{vague}')})\b"


def _time_core(tag: str) -> str:
    """One time of day; ``tag`` keeps the group names of two times in one pattern apart."""
    return (rf"(?:\b(?P<h{tag}>\d{{1,2}})(?:[:.](?P<mi{tag}>\d{{2}}))?\s*(?P<ap{tag}>(?i:[ap]\.m\.|[ap]m))(?![A-Za-z])"
            rf"|\b(?P<hh{tag}>\d{{1,2}}):(?P<mm{tag}>\d{{2}})(?![\d:])"
            rf"|\b(?P<hhmm{tag}>[0-2]\d[0-5]\d)(?=\s*(?:hrs|GMT|UTC)\b)"
            rf"|\b(?P<w{tag}>{_ci('time_words')})\b)")


def _zone(tag: str, utc: str, local: str) -> str:
    return (rf"(?:\s*(?P<z{tag}>{utc})(?P<off{tag}>[+-]\d{{1,2}}(?::?\d{{2}})?)?(?![A-Za-z])"
            rf"|\s+(?:hrs\s+)?(?P<loc{tag}>{local})\b|\s*hrs\b)?")


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _table("count_words")[_norm(word)]


# ---- resolvers: one per rule --------------------------------------------------------------


def _relative_day(m: re.Match[str], lead: re.Match[str] | None, pub: date | None) -> EventDate:
    if pub is None:
        return dm.unknown(m.group(0))
    return dm.day(pub + timedelta(days=_table("relative_days")[_norm(m.group("rel"))]), m.group(0))


def _overnight(m: re.Match[str], lead: re.Match[str] | None, pub: date | None) -> EventDate:
    if pub is None:
        return dm.unknown(m.group(0))
    end = _weekday_on_or_before(pub, m.group("wd")) if m.group("wd") else pub
    return dm.span(end - timedelta(days=1), end, m.group(0))


def _weekday_on_or_before(pub: date, name: str) -> date:
    return pub - timedelta(days=(pub.weekday() - _table("weekdays")[name.lower()]) % 7)


def _weekday(m: re.Match[str], lead: re.Match[str] | None, pub: date | None) -> EventDate | None:
    if lead is not None and lead.group("name"):
        return None  # "Good Friday", "Black Friday": a name, not a day of this week
    if pub is None:
        return dm.unknown(m.group(0))
    wd = _table("weekdays")[m.group("wd").lower()]
    mod = _norm(lead.group("mod") or "") if lead else ""
    if mod in ("last", "past", "this past"):
        day = pub - timedelta(days=(pub.weekday() - wd) % 7 or 7)
    elif mod in ("next", "coming", "this coming"):
        day = pub + timedelta(days=(wd - pub.weekday()) % 7 or 7)
    elif mod == "this":
        day = pub + timedelta(days=wd - pub.weekday())
    else:
        day = pub - timedelta(days=(pub.weekday() - wd) % 7)
    return dm.day(day, m.group(0))


def _period(m: re.Match[str], lead: re.Match[str] | None, pub: date | None) -> EventDate:
    if pub is None:
        return dm.unknown(m.group(0))
    spec = _table("periods")[_norm(m.group("period"))]
    first, last = dm.period_bounds(pub, str(spec["unit"]), int(spec["offset"]))
    until = spec["until"]
    if until == "end" and spec["unit"] == "month":
        return dm.month_date(first.year, first.month, m.group(0))
    if until == "published":
        last = min(last, pub)
    elif until == "before":
        last = min(last, pub - timedelta(days=1))
    elif until == "after":  # "later this month": the rest of the period
        first = max(first, min(last, pub + timedelta(days=1)))
    return dm.span(first, max(first, last), m.group(0))


def _day_month(m: re.Match[str], lead: re.Match[str] | None, pub: date | None) -> EventDate | None:
    month = _table("months")[_norm(m.group("m"))]
    d1, d2 = int(m.group("d")), int(m.group("d2") or m.group("d"))
    if m.group("y"):
        years = [int(m.group("y"))]
    elif pub is None:
        return dm.unknown(m.group(0))
    else:
        years = [dm.nearest_year(pub, month, d1, int(_data()["future_days"]))]
    try:
        return dm.span(date(years[0], month, d1), date(years[0], month, d2), m.group(0))
    except ValueError:
        return None  # "31 February": not a date after all


def _month(m: re.Match[str], lead: re.Match[str] | None, pub: date | None) -> EventDate | None:
    month = _table("months")[_norm(m.group("m"))]
    cue = _norm(lead.group("cue") or "") if lead else ""
    joined = re.search(r"\b(?:to|and)\s+\Z", m.string[max(0, m.start() - 5):m.start()])  # "October to December"
    if not (lead and lead.group(0)) and not m.group("y") and not joined:
        return None  # a bare "May" or "March" is a name or a verb as often as a month
    if m.group("y"):
        return dm.month_date(int(m.group("y")), month, m.group(0))
    if pub is None:
        return dm.unknown(m.group(0))
    if cue == "last":
        year = pub.year if month < pub.month else pub.year - 1
    elif cue == "next":
        year = pub.year if month > pub.month else pub.year + 1
    elif cue == "this":
        year = pub.year
    else:
        year = pub.year if month <= pub.month else pub.year - 1
    return dm.month_date(year, month, m.group(0))


def _year(m: re.Match[str], lead: re.Match[str] | None, pub: date | None) -> EventDate:
    y = int(m.group("y"))
    return dm.span(date(y, 1, 1), date(y, 12, 31), m.group(0))


def _iso(m: re.Match[str], lead: re.Match[str] | None, pub: date | None) -> EventDate | None:
    try:
        return dm.day(date(int(m.group("y")), int(m.group("m")), int(m.group("d"))), m.group(0))
    except ValueError:
        return None


def _counted(m: re.Match[str], lead: re.Match[str] | None, pub: date | None) -> EventDate:
    direction = _table("directions")[_norm(m.group("dir"))]
    sign, anchor = int(direction["sign"]), direction["anchor"]
    if anchor != "publication":
        return dm.unknown(m.group(0), RELATIVE)
    if pub is None:
        return dm.unknown(m.group(0))
    n, unit = _count(lead.group("n")) if lead else 1, _table("span_units")[_norm(m.group("u"))]
    if unit == 30:
        return dm.month_date(*dm.add_months(pub.year, pub.month, sign * n), m.group(0))
    if unit == 365:
        y = pub.year + sign * n
        return dm.span(date(y, 1, 1), date(y, 12, 31), m.group(0))
    return dm.day(pub + timedelta(days=sign * n * unit), m.group(0))


def _past_period(m: re.Match[str], lead: re.Match[str] | None, pub: date | None) -> EventDate:
    n = _count(lead.group("n")) if lead and lead.group("n") else 1
    unit = m.group("u").lower()
    days = -(-n // 24) if unit.startswith("hour") else n * _table("span_units").get(unit, 1)
    source = BACKGROUND if days >= int(_data()["background_min_days"]) else "text"
    if pub is None:
        return dm.unknown(m.group(0), source)
    return replace(dm.span(pub - timedelta(days=days), pub, m.group(0)), source=source)


def _unresolved(source: str, m: re.Match[str], lead: re.Match[str] | None, pub: date | None) -> EventDate:
    """Anchored on another event ("the next day") or background ("since the war began")."""
    return dm.unknown(m.group(0), source)


# ---- finding and merging ------------------------------------------------------------------


@cache
def _date_scan() -> OnePass:
    """The rule cores scanned together (14 scans of the text were the hottest part of dates);
    those that cannot be part of the pass must open on a number (tried where one starts)."""
    scan = OnePass([rule.core for rule in _rules().date_rules])
    if not all(_opens_on_number(scan.patterns[i]) for i in scan.alone):
        raise ValueError(f"{DATA_FILE}: a date rule opens neither on listed words nor on a number")
    return scan


def _opens_on_number(core: re.Pattern[str]) -> bool:
    return re.match(rf"\(\?P<\w+>{re.escape(_NUMBER)}", core.pattern) is not None


def _date_hits(text: str, pub: date | None, numbers: list[int]) -> list[_Hit]:
    """The date rules' hits; ``numbers``: where a number can start (``_number_starts``)."""
    hits = []
    for rule, found in zip(_rules().date_rules, _date_scan().matches(text, numbers)):
        for m in found:
            lead = _lead(text, m.start(), rule.lead)
            if rule.needs_lead and not (lead and lead.group(0)):
                continue
            resolved = rule.resolve(m, lead, pub)
            if resolved is not None:
                start = lead.start() if lead else m.start()
                phrase = text[start:m.end()]  # a new record only where lead words were taken in
                hits.append(_Hit(start, m.end(), resolved if resolved.phrase == phrase else replace(resolved, phrase=phrase), "date"))
    return hits


def _lead(text: str, start: int, pattern: re.Pattern[str] | None) -> re.Match[str] | None:
    """The lead words ending right at ``start`` (the longest: the search is leftmost)."""
    return pattern.search(text, max(0, start - _LEAD_WINDOW), start) if pattern is not None else None


def _select(hits: list[_Hit]) -> list[_Hit]:
    """Longest first, then leftmost; a hit overlapping a kept one is dropped."""
    kept: list[_Hit] = []
    for h in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        if all(h.end <= k.start or k.end <= h.start for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.start)


def _join_ranges(text: str, hits: list[_Hit]) -> list[_Hit]:
    """"between Sunday and yesterday", "from Monday to Wednesday": one range."""
    out: list[_Hit] = []
    for h in hits:
        prev = out[-1] if out else None
        lead = _range_lead(text, prev) if prev is not None else None
        if prev is not None and lead is not None and _range_gap(text[prev.end:h.start], lead[0]):
            start = lead[1]
            out[-1] = _Hit(start, h.end, _range_date(prev.date, h.date, text[start:h.end]), "date")
        else:
            out.append(h)
    return out


def _range_lead(text: str, hit: _Hit) -> tuple[str, int] | None:
    """"between" or "from" opening a range, and where it starts: before the hit or inside it
    ("from October" is one month phrase)."""
    own = re.match(r"(?i:between|from)\b", text[hit.start:hit.end])
    if own:
        return own.group(0).lower(), hit.start
    lead = _RANGE_BEFORE.search(text, max(0, hit.start - 12), hit.start)
    return (lead.group("w").lower(), lead.start()) if lead else None


def _range_gap(gap: str, lead: str) -> bool:
    gap = _norm(gap)
    return gap == "and" if lead == "between" else gap in ("to", "until", "till", "through", "-", "–")


def _range_date(a: EventDate, b: EventDate, phrase: str) -> EventDate:
    first, last = dm.bounds(a), dm.bounds(b)
    source = BACKGROUND if BACKGROUND in (a.source, b.source) else "text"
    if first is None or last is None:
        return dm.unknown(phrase, source)
    return replace(dm.span(first[0], max(first[0], last[1]), phrase), source=source)


@cache
def _time_starts() -> re.Pattern[str]:
    r"""The character before each place a time of day can start: every way ``_time_core`` opens
    is ``\b`` then a digit or a time word. Skipping along non-word characters is far faster
    than trying the time pattern at every position."""
    return re.compile(gap_before(rf"\d|{_ci('time_words')}"))


def _number_starts(text: str) -> list[int]:
    """Where a time of day or a date rule that opens on a number can start (a few more places)."""
    return [0, *(m.end() for m in _time_starts().finditer(text))]


def _time_hits(text: str, numbers: list[int]) -> list[_Hit]:
    """Times of day; ``numbers``: where a number can start (``_number_starts``)."""
    hits = []
    r = _rules()
    for m in matches_at(r.time, text, numbers):
        value = _time_value(m, "b") if _zoned(m, "b") else None
        value = value or _time_value(m, "a")
        if value is not None:
            lead = _lead(text, m.start(), r.time_lead)
            start = lead.start() if lead else m.start()
            hits.append(_Hit(start, m.end(), dm.unknown(text[start:m.end()]), "time", value))
    return hits


def _zoned(m: re.Match[str], tag: str) -> bool:
    return bool(m.group(f"z{tag}") or m.group(f"off{tag}"))


def _time_value(m: re.Match[str], tag: str) -> str | None:
    """"05:00 a.m." -> "05:00", "02:00 GMT" -> "02:00Z", "0200 GMT+3" -> "02:00+03:00"."""
    g = m.group
    if g(f"w{tag}"):
        hhmm = _table("time_words")[_norm(g(f"w{tag}"))]
        hour, minute = int(hhmm[:2]), int(hhmm[3:])
    elif g(f"hhmm{tag}"):
        hour, minute = int(g(f"hhmm{tag}")[:2]), int(g(f"hhmm{tag}")[2:])
    elif g(f"hh{tag}"):
        hour, minute = int(g(f"hh{tag}")), int(g(f"mm{tag}"))
    elif g(f"h{tag}"):
        hour, minute = int(g(f"h{tag}")), int(g(f"mi{tag}") or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if g(f"ap{tag}").lower().startswith("p") else 0)
    else:
        return None
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}{_offset(m, tag)}"


def _offset(m: re.Match[str], tag: str) -> str:
    off = m.group(f"off{tag}")
    if off:
        sign, digits = off[0], off[1:].replace(":", "")
        hours, minutes = digits[:-2] if len(digits) > 2 else digits, digits[-2:] if len(digits) > 2 else "00"
        return f"{sign}{int(hours):02d}:{minutes}"
    return "Z" if m.group(f"z{tag}") else ""


def _attach_times(text: str, dates: list[_Hit], times: list[_Hit]) -> list[_Hit]:
    """A time beside a date joins it ("at 05:00 on Saturday", "30 December 2023, 15:48");
    a time beside no date stands alone with an unknown date."""
    out = list(dates)
    gap = _TIME_GAP
    for t in times:
        if any(t.start < h.end and h.start < t.end for h in out if h.kind != "time"):
            continue  # inside a date phrase ("24 February 2022" is no time)
        after = next((i for i, h in enumerate(out) if h.start >= t.end and h.time is None and h.kind != "time"
                      and gap.fullmatch(text, t.end, h.start)), None)
        before = next((i for i, h in reversed(list(enumerate(out))) if h.end <= t.start and h.time is None
                       and h.kind != "time" and gap.fullmatch(text, h.end, t.start)), None)
        i = after if after is not None else before
        if i is None:
            out.append(t)
            continue
        h = out[i]
        start, end = min(h.start, t.start), max(h.end, t.end)
        out[i] = _Hit(start, end, replace(h.date, phrase=text[start:end]), h.kind, t.time)
    return sorted(out, key=lambda h: h.start)


def _mark_background(text: str, hit: _Hit) -> _Hit:
    """A date after "since" in the same clause dates no event: "since October", "since
    Russia's invasion began in February"."""
    if hit.date.source != "text":
        return hit
    own = text[hit.start:hit.end].lower().startswith("since")
    if not own and _SINCE.search(text, max(0, hit.start - 80), hit.start) is None:
        return hit
    return replace(hit, date=replace(hit.date, source=BACKGROUND))


def _to_phrase(text: str, hit: _Hit) -> TimePhrase:
    return TimePhrase(hit.start, hit.end, text[hit.start:hit.end], hit.date, hit.time)


@cache
def _date_words() -> frozenset[str]:
    """The words that make a phrase with no digit worth handing to dateparser."""
    return frozenset({*_table("months"), *_table("weekdays"), *_table("span_units"), *_table("relative_days"), "ago"})
