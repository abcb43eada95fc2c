"""Paragraphs and sentences by rule: fast, and right on news copy the statistical parser splits badly.

Blank lines end paragraphs (and so sentences); inside a paragraph a sentence ends at . ! or ?
(and a closing quote or bracket) followed by a capital, a digit or an opening quote — except
after an abbreviation. Texts scraped without their paragraph breaks glue sentences together
("allegations.Ukraine's"): a full stop between a lower-case letter and a capitalised word
ends a sentence too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset("""
mr mrs ms dr prof gen lt col maj capt sgt cpl adm sen rep gov st mt ft no nos vs etc jr sr inc ltd co corp
jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m approx est dept
""".split())

_PARA = re.compile(r"\n[ \t]*\n\s*")
# "[.!?]+ then a capital" or "a.Word", written to open on the stop itself so that the regex
# engine skips ahead to stops instead of trying every position.
_END = re.compile(r"""[.!?](?:[.!?]*["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])|(?<=[a-z]\.)(?=[A-Z][a-z]))""")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # index of the paragraph, to keep context local


def paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _PARA.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _is_abbreviation(text: str, dot: int, para_start: int) -> bool:
    m = _LAST_WORD.search(text, max(para_start, dot - 12), dot + 1)
    if not m:
        return False
    word = m.group(1).lower()
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or "." in word


def _split_paragraph(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for m in _END.finditer(text, start, end):
        if text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(text, m.start(), start):
            continue
        out.append((pos, m.end()))
        pos = m.end()
    out.append((pos, end))
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def split(text: str) -> list[Sentence]:
    sentences = []
    for i, (ps, pe) in enumerate(paragraphs(text)):
        for s, e in _split_paragraph(text, ps, pe):
            s, e = _trim(text, s, e)
            if e > s:
                sentences.append(Sentence(s, e, i))
    return sentences
