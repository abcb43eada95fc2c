"""Page furniture removed by the rules in data/furniture.yaml.

Line rules match one whole line, so they cannot cut into a sentence; blocks remove an appeal
from its opening line to its closing line; captions go with the alt text repeated above them;
fixed boilerplate phrases are removed inside texts that lost their line breaks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sitrep.clean.data import load


@dataclass(frozen=True, slots=True)
class _LineRule:
    pattern: re.Pattern
    max_words: int | None = None
    min_words: int = 0

    def matches(self, line: str, words: int) -> bool:
        if words < self.min_words or (self.max_words is not None and words > self.max_words):
            return False
        return self.pattern.fullmatch(line) is not None


@dataclass(frozen=True, slots=True)
class _Block:
    start: re.Pattern
    end: re.Pattern
    max_lines: int


@dataclass(frozen=True, slots=True)
class _Rules:
    lines: tuple[_LineRule, ...]
    blocks: tuple[_Block, ...]
    credit_lines: tuple[re.Pattern, ...]
    credit_suffix: re.Pattern
    caption_max_words: int
    trailing: tuple[re.Pattern, ...]
    phrases: tuple[re.Pattern, ...]


def remove_furniture(text: str) -> str:
    """``text`` without the lines (and boilerplate phrases) the rules name as furniture."""
    lines = text.split("\n")
    drop: set[int] = set()
    _mark_blocks(lines, drop)
    _mark_lines(lines, drop)
    _mark_captions(lines, drop)
    text = "\n".join(_without_trailing([line for i, line in enumerate(lines) if i not in drop]))
    for phrase in _rules().phrases:
        text = phrase.sub("", text)  # the spaces left behind are collapsed later
    return text


def _mark_blocks(lines: list[str], drop: set[int]) -> None:
    for block in _rules().blocks:
        for i, line in enumerate(lines):
            if i in drop or not block.start.fullmatch(line.strip()):
                continue
            end = _block_end(lines, i, block)
            if end is not None:
                drop.update(range(i, end + 1))


def _block_end(lines: list[str], start: int, block: _Block) -> int | None:
    for j in range(start + 1, min(len(lines), start + 1 + block.max_lines)):
        if block.end.fullmatch(lines[j].strip()):
            return j
    return None


def _mark_lines(lines: list[str], drop: set[int]) -> None:
    rules = _rules().lines
    for i, line in enumerate(lines):
        stripped = line.strip()
        if i in drop or not stripped:
            continue
        words = stripped.count(" ") + 1
        if any(rule.matches(stripped, words) for rule in rules):
            drop.add(i)


def _mark_captions(lines: list[str], drop: set[int]) -> None:
    for i, line in enumerate(lines):
        stripped = line.strip()
        if i in drop or not stripped:
            continue
        body = _caption_body(stripped)
        if body is None:
            continue
        drop.add(i)
        above = _line_above(lines, i, drop)
        if above is not None and body and _same_caption(lines[above], body):
            drop.add(above)


def _caption_body(line: str) -> str | None:
    """The caption without its credit when ``line`` is a caption or credit, else None."""
    rules = _rules()
    if any(p.fullmatch(line) for p in rules.credit_lines):
        return ""
    if line.count(" ") + 1 > rules.caption_max_words:
        return None
    match = rules.credit_suffix.search(line)
    if match is None or match.start() == 0:
        return None
    return line[: match.start()]


def _line_above(lines: list[str], i: int, drop: set[int]) -> int | None:
    """The nearest non-blank line above ``i`` within two lines."""
    for j in range(i - 1, max(-1, i - 3), -1):
        if j not in drop and lines[j].strip():
            return j
    return None


def _same_caption(line: str, body: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(s.split()).rstrip(" .").casefold()
    return norm(line) == norm(body)


def _without_trailing(lines: list[str]) -> list[str]:
    """Drop link labels left at the very end ("Read more"), with the blank lines around them."""
    trailing = _rules().trailing
    while lines:
        last = lines[-1].strip()
        if last and not any(p.fullmatch(last) for p in trailing):
            break
        lines = lines[:-1]
    return lines


@cache
def _rules() -> _Rules:
    data = load("furniture.yaml")
    captions = data["captions"]
    agencies = "|".join(re.escape(a) for a in sorted(set(captions["agencies"]), key=len, reverse=True))
    return _Rules(
        lines=tuple(_line_rule(r) for r in data["lines"]),
        blocks=tuple(_Block(re.compile(b["start"]), re.compile(b["end"]), int(b["max_lines"]))
                     for b in data["blocks"]),
        credit_lines=tuple(re.compile(p.replace("{agencies}", agencies)) for p in captions["credit_lines"]),
        credit_suffix=re.compile("(?:" + "|".join(f"(?:{p})" for p in captions["credit_suffix"])
                                 .replace("{agencies}", agencies) + ")$"),
        caption_max_words=int(captions["max_words"]),
        trailing=tuple(re.compile(p) for p in data["trailing"]),
        phrases=tuple(re.compile(p) for p in data["phrases"]),
    )


def _line_rule(rule: str | dict) -> _LineRule:
    if isinstance(rule, str):
        return _LineRule(re.compile(rule))
    return _LineRule(re.compile(rule["pattern"]), rule.get("max_words"), int(rule.get("min_words", 0)))
