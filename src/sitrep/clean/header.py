"""Header lines at the top of a text: title, date, URL and byline, read and removed.

Plain text keeps whatever header a converter or a copy-paste left: a ` date 2022-12-30`
prefix glued to the first line, a title line followed by a `YYYYMMDD` line and a URL line,
a dateline (`30 December 2023, 15:48`), a byline (`By Jane Doe`). The scan stops at the
first line that is none of these: everything below is the article.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from sitrep.clean.data import load

_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_SENTENCE_END = re.compile(r"[.!?…:;,\-–—]['\"”’»)\]]*$")
_SENTENCE_BREAK = re.compile(r"[a-z][.!?]['\"”’)]*\s*[A-Z]")  # two sentences: not a title
_WORD = re.compile(r"\S+")
_AFFIX = re.compile(r"\s*(?:[,|]|\s[-–—])\s*")
_AND = re.compile(r"\s+(?:and|&)\s+")
_PLACE_TAIL = re.compile(r"\s+in\s+[A-Z][\w'’ -]{1,40}$")  # "By Jane Doe in Kyiv"
_NAME_WORD = re.compile(r"(?:[A-Z][\w'’.-]*|de|van|von|der|den|al|bin|ibn|la|le|du|da|dos|del|di)")


@dataclass(frozen=True, slots=True)
class Header:
    """What the header lines said."""

    title: str | None = None
    published: str | None = None
    url: str | None = None
    author: str | None = None


@dataclass(slots=True)
class _Found:
    title: str | None = None
    published: str | None = None
    url: str | None = None
    author: str | None = None
    dropped_title: bool = False

    def header(self) -> Header:
        return Header(self.title, self.published, self.url, self.author)


def parse_header(text: str, known_title: str | None = None) -> tuple[Header, str]:
    """The header found at the top of ``text``, and the text without those lines.

    ``known_title`` (from the container) is not looked for again, but a first line repeating
    it is removed.
    """
    lines: list[str | None] = list(text.split("\n"))
    found = _Found()
    _take_prefix(lines, found)
    seen = 0
    for i, line in enumerate(lines):
        if line is None or not line.strip():
            continue
        seen += 1
        if seen > _config()["max_header_lines"] or not _take(lines, i, found, known_title):
            break
        lines[i] = None
    return found.header(), "\n".join(line for line in lines if line is not None)


def more_precise(first: str | None, second: str | None) -> str | None:
    """``first``, or ``second`` when it adds a time to the same day (or ``first`` is None)."""
    if first is None:
        return second
    if second and len(first) == 10 and len(second) > 10 and second.startswith(first):
        return second
    return first


def parse_date(value: str) -> str | None:
    """An ISO date or date-time for a dateline or date string, or None when it is not one."""
    match = _dateline().fullmatch(value.strip())
    if match is None:
        return None
    return _iso(match)


# ---- the scan ------------------------------------------------------------------------------


def _take_prefix(lines: list[str | None], found: _Found) -> None:
    first = next((i for i, line in enumerate(lines) if line and line.strip()), None)
    if first is None:
        return
    match = _prefix().match(lines[first])
    if match is None or _valid_day(match["date"]) is None:
        return
    hour, _, minute = (match["time"] or "").partition(":")
    found.published = match["date"] + (f"T{int(hour):02d}:{minute}" if minute else "")
    rest = lines[first][match.end():].strip()
    lines[first] = rest or None


def _take(lines: list[str | None], i: int, found: _Found, known_title: str | None) -> bool:
    """Read line ``i`` as a header line into ``found``; False when it belongs to the article."""
    line = (lines[i] or "").strip()
    if _URL.fullmatch(line):
        found.url = found.url or line
        return True
    date = parse_date(line)
    if date is not None:
        found.published = more_precise(found.published, date)
        return True
    author = parse_byline(line)
    if author is not None:
        found.author = found.author or author
        return True
    return _take_title(lines, i, line, found, known_title)


def _take_title(lines: list[str | None], i: int, line: str, found: _Found, known_title: str | None) -> bool:
    if found.title is not None or found.dropped_title:
        return False
    if known_title is not None:
        found.dropped_title = _same(line, known_title)
        return found.dropped_title
    if not _looks_like_title(line) or not _header_follows(lines, i):
        return False
    found.title = line
    return True


def _looks_like_title(line: str) -> bool:
    cfg = _config()
    if len(line) > 20 * cfg["title_max_words"]:
        return False  # a paragraph (cheap test first: texts without line breaks are one long line)
    words = len(_WORD.findall(line))
    if not cfg["title_min_words"] <= words <= cfg["title_max_words"]:
        return False
    if _SENTENCE_END.search(line) or _SENTENCE_BREAK.search(line):
        return False
    return line[0].isupper() or line[0].isdigit() or line[0] in "\"'‘“"


def _header_follows(lines: list[str | None], i: int) -> bool:
    """A title stands apart: a blank line, or another header line, comes after it."""
    rest = [line for line in lines[i + 1:] if line is not None]
    if not rest or not any(line.strip() for line in rest):
        return False  # a lone short line is the whole text, not a title
    nxt = rest[0].strip()
    return not nxt or bool(_URL.fullmatch(nxt)) or parse_date(nxt) is not None or parse_byline(nxt) is not None


def _same(a: str, b: str) -> bool:
    """Equal once spaces, case and a final full stop are set aside. Both sides keep one space
    fewer than they have words, so a different count of words settles it without normalising a
    whole text (texts without line breaks are one long first line)."""
    words = len(b.split())
    if max(len(a.split(None, words)) - 1, 0) != max(words - 1, 0):
        return False
    return " ".join(a.split()).casefold().rstrip(".") == " ".join(b.split()).casefold().rstrip(".")


# ---- bylines --------------------------------------------------------------------------------


def parse_byline(line: str) -> str | None:
    """The author(s) of a byline ("By Jane Doe and John Roe, Reuters"), or None."""
    if not (line.startswith(("By ", "BY ")) and len(line) < 160):
        return None
    parts = [p for p in _AFFIX.split(_PLACE_TAIL.sub("", line[3:].strip())) if p]
    # the first part is always names; later ones may be an agency or a role
    names = parts[:1] + [p for p in parts[1:] if not _is_affiliation(p)]
    if not names or not all(_is_names(p) for p in names):
        return None
    return ", ".join(names)


def _is_affiliation(part: str) -> bool:
    low = part.casefold()
    cfg = _config()
    return low in cfg["_agencies"] or any(w in cfg["byline_roles"] for w in low.split()) or low.startswith("in ")


def _is_names(part: str) -> bool:
    not_names = _config()["not_names"]
    for name in _AND.split(part):
        words = name.split()
        if not 1 <= len(words) <= 5 or words[0][0].islower():
            return False
        if any(not _NAME_WORD.fullmatch(w) or w.casefold() in not_names for w in words):
            return False
    return True


# ---- dates ----------------------------------------------------------------------------------


def _iso(match: re.Match) -> str | None:
    groups = {k: v for k, v in match.groupdict().items() if v is not None}
    year, month, day = _ymd(groups)
    date = _valid_day(f"{year}-{month:02d}-{day:02d}") if year else None
    if date is None:
        return None
    if "hh" not in groups:
        return date
    hour = _hour(int(groups["hh"]), groups.get("ampm"))
    if hour > 23 or int(groups["mm"]) > 59:
        return None
    return f"{date}T{hour:02d}:{groups['mm']}{_offset(groups.get('tz'))}"


def _hour(hour: int, ampm: str | None) -> int:
    if ampm is None:
        return hour
    return hour % 12 + (12 if ampm.lower().startswith("p") else 0)


def _ymd(groups: dict[str, str]) -> tuple[int, int, int]:
    months = _config()["months"]
    for n in "1234":
        if f"y{n}" in groups:
            month = groups[f"m{n}"]
            number = int(month) if month.isdigit() else months[month.lower().rstrip(".")]
            return int(groups[f"y{n}"]), number, int(groups[f"d{n}"])
    return 0, 0, 0


def _valid_day(text: str) -> str | None:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return text if 1990 <= day.year <= 2100 else None


def _offset(zone: str | None) -> str:
    if not zone:
        return ""
    if zone[0] in "+-":
        digits = zone.replace(":", "")
        return f"{digits[:3]}:{digits[3:5]}"
    zones = _config()["_zones"]
    return zones.get(zone.casefold()) or ""


# ---- rules from data/furniture.yaml ---------------------------------------------------------


@cache
def _config() -> dict[str, Any]:
    data = load("furniture.yaml")
    cfg = dict(data["header"])
    cfg["not_names"] = frozenset(cfg["not_names"])
    cfg["byline_roles"] = frozenset(cfg["byline_roles"])
    cfg["_agencies"] = frozenset(a.casefold() for a in data["captions"]["agencies"])
    cfg["_zones"] = {k.casefold(): v for k, v in cfg["timezones"].items()}
    return cfg


@cache
def _prefix() -> re.Pattern:
    return re.compile(_config()["date_prefix"])


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _dateline() -> re.Pattern:
    cfg = _config()
    months, days = _alternation(list(cfg["months"])), _alternation(cfg["weekdays"])
    lead = rf"(?:(?:{_alternation(cfg['dateline_lead'])})(?:\s+on)?\s*:?\s*)?"
    weekday = rf"(?:(?:{days})\.?,?\s+)?"
    dmy = rf"(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{months})\.?,?\s+(?P<y1>\d{{4}})"
    mdy = rf"(?P<m2>{months})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})"
    iso = r"(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})"
    compact = r"(?P<y4>\d{4})(?P<m4>\d{2})(?P<d4>\d{2})"
    time = (r"(?:(?:\s*[,|–—-]\s*|\s+|T)(?:at\s+)?(?P<hh>\d{1,2})[:.](?P<mm>\d{2})(?::\d{2}(?:\.\d+)?)?"
            r"\s*(?P<ampm>[ap]\.?m\.?)?)?")
    zone = rf"(?:\s*\(?(?P<tz>{_alternation(list(cfg['timezones']))}|[+-]\d{{2}}:?\d{{2}})\)?)?"
    return re.compile(rf"{lead}{weekday}(?:{dmy}|{mdy}|{iso}|{compact}){time}{zone}\.?", re.I)
