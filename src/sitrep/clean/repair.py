"""Character repairs: mojibake, quotes a converter turned into '?', and spacing.

Each repair runs only when the document shows the damage, so clean text is never touched.
"""
from __future__ import annotations

import re

from sitrep.model import Note

# A lead byte of UTF-8 read as cp1252/latin-1 ("Ã", "â", "Ð"...) followed by what a
# continuation byte looks like in those encodings: "Ã©", "â€™", "Ð¿Ñ€Ð¸".
_MOJIBAKE = re.compile(
    "[ÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîï]"
    "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
# The pattern is only a gate (real text can hold "é”"): ftfy decides what to change.

# A lost opening quote: "?" after a space (or at a line start) and right before a letter.
# A real question mark never sits like that.
_LETTER = r"[^\W\d_]"
_LOST_OPEN = re.compile(rf"(?:^|(?<=[\s(\[]))\?(?={_LETTER})", re.M)
_LOST_PAIR = re.compile(
    rf"(^|[\s(\[])\?({_LETTER}(?:[^?\n]|\?(?={_LETTER})){{0,300}}?[^\s?])\?(?=[\s.,;:!)\]]|$)", re.M)
_LOST_APOSTROPHE = re.compile(rf"(?<={_LETTER})\?(?=(?:s|t|d|m|ll|re|ve)\b)")
_LOST_PLURAL_APOSTROPHE = re.compile(r"(?<=s)\?(?= [a-z])")

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")  # no text needs them; databases refuse NUL
_SPACES = {"\r\n": "\n", "\r": "\n", "\f": "\n", "\v": "\n", "\u2028": "\n", "\u2029": "\n",
           "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u200b": "", "\ufeff": ""}
_SPACE_CHARS = re.compile("|".join(map(re.escape, _SPACES)))
_BLANK_RUN = re.compile(r"\n{3,}")


def normalise_characters(text: str) -> str:
    """Line ends to "\\n", no-break and zero-width spaces to plain ones (or none), controls out."""
    return _CONTROLS.sub("", _SPACE_CHARS.sub(lambda m: _SPACES[m.group()], text))


def normalise_whitespace(text: str) -> str:
    """Lines stripped, runs of blank lines cut to one (paragraph breaks kept), ends trimmed."""
    lines = [" ".join(line.split()) if "  " in line or "\t" in line else line.strip()
             for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


def repair(text: str) -> tuple[str, tuple[Note, ...]]:
    """``text`` with mojibake and lost quotes repaired, and a Note for each repair made."""
    notes: list[Note] = []
    text, lone = _fix_lone_surrogates(text)
    if lone:
        notes.append(Note("invalid_unicode", f"{lone} unpaired surrogate code points replaced"))
    fixed = _fix_mojibake(text)
    if fixed != text:
        notes.append(Note("repaired_mojibake", "mis-decoded characters repaired (ftfy)"))
    quoted, count = _fix_lost_quotes(fixed)
    if count:
        notes.append(Note("repaired_quotes", f"{count} quotation marks lost as '?' restored"))
    return quoted, tuple(notes)


def _fix_lone_surrogates(text: str) -> tuple[str, int]:
    """JSON escapes can carry half a surrogate pair, which no UTF-8 writer accepts."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.subn("\ufffd", text)
    return text, 0


def _fix_mojibake(text: str) -> str:
    if not _MOJIBAKE.search(text):
        return text
    import ftfy  # loaded only for the rare document that needs it

    config = ftfy.TextFixerConfig(
        unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
        fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
        remove_control_chars=False, normalization=None, explain=False)
    return ftfy.fix_text(text, config)


def _fix_lost_quotes(text: str) -> tuple[str, int]:
    if "?" not in text or not _LOST_OPEN.search(text):
        return text, 0
    quoted, pairs = _LOST_PAIR.subn(r'\1"\2"', text)
    if not pairs:
        return text, 0  # a stray "?word" alone is not evidence enough
    quoted, singles = _LOST_APOSTROPHE.subn("'", quoted)
    quoted, plurals = _LOST_PLURAL_APOSTROPHE.subn("'", quoted)
    return quoted, 2 * pairs + singles + plurals
