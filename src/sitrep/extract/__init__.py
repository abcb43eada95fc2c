"""Extraction: an article and its places -> the events it reports (mentions).

    sentences -> triggers, weapons, time phrases, attributions (one pass each over the text)
              -> clause candidates (candidates.py) -> one per event (coalesce.py) -> Mention
"""
from __future__ import annotations

import hashlib
from bisect import bisect_right
from dataclasses import replace

from sitrep.extract import coalesce as coalescing
from sitrep.extract.candidates import Candidate, Sentence, attachment, sentence_candidates
from sitrep.extract.claimants import sentence_attributions, speech_words
from sitrep.extract.lexicon import Lexicon, load
from sitrep.extract.weapons import find_weapons
from sitrep.model import Article, EventDate, Mention, Place
from sitrep.nlp import sentences as splitter
from sitrep.nlp.dates import find_time_phrases
from sitrep.nlp.numbers import find_amounts


def _bucket(items: list, starts: list[int], key) -> list[list]:
    """Items grouped by the sentence their start falls in."""
    out: list[list] = [[] for _ in starts]
    for item in items:
        i = bisect_right(starts, key(item)) - 1
        if i >= 0:
            out[i].append(item)
    return out


def _triggers(text: str, lex: Lexicon) -> list:
    low = text.lower()
    if len(low) != len(text):  # a few letters change length when lower-cased: keep offsets true
        return [(m.start(), m.end(), t) for t in lex.triggers for m in t.pattern.finditer(text)]
    return [(m.start(), m.end(), t) for t in lex.triggers for m in t.lower.finditer(low)]


def annotate(article: Article, places: list[Place], lex: Lexicon) -> list[Sentence]:
    text = article.text
    spans = splitter.split(text)
    starts = [s.start for s in spans]
    trig = _bucket(_triggers(text, lex), starts, lambda t: t[0])
    weap = _bucket(find_weapons(text), starts, lambda w: w[1])
    plc = _bucket([p for p in places if p.start is not None], starts, lambda p: p.start)
    times = _bucket(find_time_phrases(text, article.published_date), starts, lambda t: t.start)
    bounds = [(s.start, s.end) for s in spans]
    speech = speech_words(text, bounds, lex)
    said = sentence_attributions(text, bounds, lex, speech)
    out = []
    for i, (s, found) in enumerate(zip(spans, said)):
        recent = [p for j in range(max(0, i - 2), i) for p in plc[j] if p.precision != "country"]
        out.append(Sentence(i, s.paragraph, s.start, s.end, trig[i], weap[i], plc[i], times[i], found, speech[i],
                            recent))
    return out


def _mention_id(article_id: str, c: Candidate) -> str:
    key = f"{article_id}|{c.type}|{c.subtype}|{c.evidence.start}|{c.trigger_at}"
    if c.part:  # parts of one attack cut by region share its sentence and may share its anchor
        key += f"|{c.part}"
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def _distinct_ids(mentions: list[Mention]) -> list[Mention]:
    """Ids unique within the article whatever the rules above missed: a repeated id gets a
    numbered suffix, the same on every run (the store refuses a repeated id, and one article
    must not stop a batch)."""
    seen: set[str] = set()
    out = []
    for m in mentions:
        base, n = m.id, 0
        while m.id in seen:
            n += 1
            m = replace(m, id=hashlib.sha1(f"{base}#{n}".encode()).hexdigest()[:16])
        seen.add(m.id)
        out.append(m)
    return out


def to_mention(article: Article, c: Candidate) -> Mention:
    date = replace(c.date, source=c.date_how) if c.date else EventDate(None, "unknown", source=c.date_how)
    return Mention(
        id=_mention_id(article.id, c), article_id=article.id, type=c.type, subtype=c.subtype,
        date=date, time=c.time, actors=c.actors, locations=c.places, weapons=c.weapons,
        figures=c.figures, claimant=c.claimant, status=c.status,
        evidence=tuple(sorted({c.evidence, *c.extra_evidence}, key=lambda s: s.start)))


class Extractor:
    """Holds the lexicons; one per process."""

    def __init__(self) -> None:
        self.lex = load()

    def worth_reading(self, article: Article) -> bool:
        """Whether any event word occurs at all (a cheap test before geocoding)."""
        low = article.text.lower()
        return any(t.lower.search(low) for t in self.lex.triggers)

    def extract(self, article: Article, places: list[Place]) -> list[Mention]:
        sents = annotate(article, places, self.lex)
        cands: list[Candidate] = []
        antecedent, paragraph = None, -1
        for s in sents:
            if s.paragraph != paragraph:
                antecedent, paragraph = None, s.paragraph  # "of them" looks back within a paragraph
            if s.triggers:
                found, antecedent = sentence_candidates(article.text, s, self.lex, find_amounts, antecedent)
                cands += found
            elif (extra := attachment(article.text, s, self.lex)) is not None:
                cands.append(extra)
        events = coalescing.coalesce(cands, article.published_date, self.lex.country_names)
        return _distinct_ids([to_mention(article, c) for c in events])
