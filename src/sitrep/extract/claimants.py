"""Who an article says reports something: "according to X", "X said", "..., X said on Telegram".

An attribution has a scope in its sentence: what follows the verb ("X said that ...") or, when the
verb ends the sentence ("..., X said."), what comes before the claimant.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sitrep.extract.lexicon import Lexicon
from sitrep.nlp.scan import per_span

MAX_WORDS = 12
_BOUNDARY = re.compile(r"(?:^|[,;:“”\"(]|\s[—–-]\s|\b(?:and|but|while|although|as|that|after|with|which|because)\b)\s*", re.IGNORECASE)
_NP_END = re.compile(r"\s*(?:[,;:.!?“”\"()]|\s[—–]\s|\b(?:that|who|which|when|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|in a statement)\b)", re.IGNORECASE)
_TAIL = re.compile(r"^[\s,]*(?:(?:in|on|to|via|at|late|early|earlier|later|yesterday|today|a|an|the|its|his|her|their|"
                   r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|this|last|overnight|separately)\b"
                   r"(?![^,;:.!?]*\bthat\b)(?:\s*[\w’'-]++){0,7})?[.!?”\"]*\s*$", re.IGNORECASE)
_PARTICIPLE = re.compile(r"ing$")
_LEADING = re.compile(r"^(?:(?:but|and|as|while|although|that|with|however|what|meanwhile|earlier|later|separately|"
                      r"(?:earlier |later )?(?:this|last) (?:week|month|year)|yesterday|today|on \w+day|in a statement)\b,?\s*)+",
                      re.IGNORECASE)
_ADVERB = re.compile(r"(?:\s+\w+ly)+$")
_AUX = re.compile(r"\s+(is|are|was|were|has|have|had|been|be|will|would)$", re.IGNORECASE)
_DETERMINER = re.compile(r"\b(?:its|his|her|their|our|the|a|an|these|those|such|whose|of|against|about|amid|despite|following|denied|denies|deny|rejected|dismissed|confirmed|media|news|unconfirmed|initial|early)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Attribution:
    claimant: str
    start: int  # scope the claimant covers, absolute offsets
    end: int
    verb_at: int


def _clean_np(np_text: str, lex: Lexicon) -> str:
    np_text = lex.trailing.sub("", np_text.strip(" ,;:\"“”'"))
    np_text = _ADVERB.sub("", _LEADING.sub("", np_text))
    return np_text.strip(" ,;:")


def _strip_auxiliary(np_text: str, verb: str) -> str | None:
    """ "X is claiming", "X has said" keep X; "casualties were reported" is a passive: no claimant."""
    m = _AUX.search(np_text)
    if not m:
        return np_text
    if m.group(1).lower() in ("is", "are", "was", "were", "been", "be") and not verb.endswith("ing"):
        return None
    return np_text[:m.start()]


def _valid(np_text: str, lex: Lexicon) -> bool:
    n = len(np_text.split())
    if not np_text or n > MAX_WORDS:
        return False
    if lex.pronouns.match(np_text):
        return True
    has_name = any(w[:1].isupper() for w in np_text.split()[1:]) or (np_text[:1].isupper() and np_text.isalpha())
    return bool(lex.claimant_nouns.search(np_text)) or has_name


def _np_before(text: str, lo: int, verb: int) -> tuple[int, str]:
    """The noun phrase ending just before a verb, starting at the last clause boundary (the
    commas and "and" of a list of names are none: "officials in Lviv, Kharkiv and Odesa said")."""
    segment = text[lo:verb]
    # the last boundary that counts: looked for from the end, most boundaries are never asked about
    bounds = reversed(list(_BOUNDARY.finditer(segment)))
    start = next((m.end() for m in bounds if not in_name_list(segment, m.start(), m.end())), 0)
    return lo + start, segment[start:]


_NAME_BEFORE = re.compile(r"\b[A-Z][\w’'-]+,?\s*(?:and\s*)?$")
_NAME_AFTER = re.compile(r"\s*(?:and\s+)?[A-Z][\w’'-]+")
_LIST_REST = re.compile(r"\s*(?:[A-Z][\w’'-]+(?:,\s*[A-Z][\w’'-]+)*,?\s+)?and\s+[A-Z]")  # "Kharkiv, and Odesa"


def in_name_list(text: str, start: int, end: int) -> bool:
    """Whether a comma or "and" at text[start:end] joins names of a list ("Lviv, Kharkiv, and
    Odesa"); a comma before a name with no "and" to come is none ("... hit Kyiv, Klitschko said")."""
    sep = text[start:end].strip()
    # the name ends where the separator starts: a short window, not the whole text before it
    if sep not in (",", "and", ", and") or not _NAME_BEFORE.search(text, max(0, start - 80), start):
        return False
    return bool(_LIST_REST.match(text, end)) if sep == "," else bool(_NAME_AFTER.match(text, end))


def _np_after(text: str, pos: int, hi: int) -> str:
    m = _NP_END.search(text, pos, hi)
    return text[pos:m.start() if m else hi]


def _introduced(text: str, lo: int, hi: int, lex: Lexicon, found: Iterable[re.Match[str]]) -> list[Attribution]:
    out = []
    for m in found:
        np_text = _clean_np(_np_after(text, m.end(), hi), lex)
        if _valid(np_text, lex) and not lex.pronouns.match(np_text):
            out.append(Attribution(np_text, lo, hi, m.start()))
    return out


def _scope(text: str, lo: int, hi: int, np_start: int, verb_end: int) -> tuple[int, int]:
    """A verb with nothing but a tail after it ("said on Telegram.") reports what came before."""
    if _TAIL.match(text[verb_end:hi]):
        return lo, np_start
    return verb_end, hi


def _spoken(text: str, lo: int, hi: int, lex: Lexicon, previous: str | None,
            found: Iterable[re.Match[str]]) -> list[Attribution]:
    out = []
    for m in found:
        if not m.group().islower() or _DETERMINER.search(text, max(lo, m.start() - 8), m.start()):
            continue  # "United States", "its claims": not a verb
        np_start, np_text = _np_before(text, lo, m.start())
        if text[lo:m.start()].rstrip().endswith(",") and not np_text.strip():
            np_start, np_text = _np_before(text, lo, text.rindex(",", lo, m.start()))  # "NAME, the head of X, wrote"
        np_text = _strip_auxiliary(_clean_np(np_text, lex), m.group())
        if np_text is None:
            continue
        if not np_text and _PARTICIPLE.search(m.group()):
            continue  # "..., claiming that": the subject is elsewhere in the sentence
        if not np_text:  # inverted: "..., said the governor"
            np_text = _clean_np(_np_after(text, m.end(), hi), lex)
            np_start = m.start()
        if not _valid(np_text, lex):
            continue
        if lex.pronouns.match(np_text):
            if previous is None:
                continue
            np_text = previous
        s, e = _scope(text, lo, hi, np_start, m.end())
        out.append(Attribution(np_text, s, e, m.start()))
    return out


def attributions(text: str, lo: int, hi: int, lex: Lexicon, previous: str | None) -> list[Attribution]:
    """Every attribution in the sentence text[lo:hi]; ``previous`` resolves "it", "the ministry"."""
    return _introduced(text, lo, hi, lex, lex.introducers.finditer(text, lo, hi)) + \
        _spoken(text, lo, hi, lex, previous, lex.speech_verbs.finditer(text, lo, hi))


@dataclass(frozen=True, slots=True)
class SpeechWords:
    """The speech verbs and introducers of one span, as ``finditer`` over it finds them."""

    verbs: list[re.Match[str]]
    introducers: list[re.Match[str]]

    def within(self, text: str, span: tuple[int, int], lex: Lexicon) -> SpeechWords:
        """Those of a part of the span (a clause of the sentence): taken from these, not scanned again."""
        return SpeechWords(per_span(self.verbs, lex.speech_verbs, text, [span])[0],
                           per_span(self.introducers, lex.introducers, text, [span])[0])


def speech_words(text: str, spans: list[tuple[int, int]], lex: Lexicon) -> list[SpeechWords]:
    """The speech verbs and introducers of each span (ascending), found in one scan of the text."""
    verbs, introducers = lex.attribution_scan.matches(text)
    return [SpeechWords(v, i) for v, i in zip(per_span(verbs, lex.speech_verbs, text, spans),
                                              per_span(introducers, lex.introducers, text, spans))]


def sentence_attributions(text: str, spans: list[tuple[int, int]], lex: Lexicon,
                          said: list[SpeechWords]) -> list[list[Attribution]]:
    """``attributions`` of each sentence (ascending spans), each resolving pronouns to the last
    claimant named before it; ``said`` holds each sentence's ``speech_words``."""
    out: list[list[Attribution]] = []
    previous = None
    for (lo, hi), words in zip(spans, said):
        found = _introduced(text, lo, hi, lex, words.introducers) + _spoken(text, lo, hi, lex, previous, words.verbs)
        previous = found[-1].claimant if found else previous
        out.append(found)
    return out


def claimant_at(found: list[Attribution], pos: int) -> str | None:
    """The claimant whose scope covers a position; the nearest one when several do."""
    covering = [a for a in found if a.start <= pos < a.end]
    if not covering:
        return None
    return min(covering, key=lambda a: abs(a.verb_at - pos)).claimant
