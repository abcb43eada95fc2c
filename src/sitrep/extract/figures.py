"""Amounts -> figures: what each number counts (weapons launched, intercepted, hit; people
killed, injured...) decided by the noun after it and the verbs around it in its clause."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sitrep.extract.lexicon import Lexicon
from sitrep.model import Amount, Figure, Span, Weapon

NOUN_GAP = re.compile(r"^(?:\s+(?:of\s+)?(?:the\s+)?(?:[\w’'-]+\s+){0,3}?)")
_OF_THEM = re.compile(r"\s+(?:of|out of) (?:them|those|these|which)\b", re.IGNORECASE)
_BARE_VERB = re.compile(r"^\s+(?:were|was|had been|have been|are|people were)?\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Counted:
    """An amount with what it counts: a weapon category or "person"."""

    amount: Amount
    unit: str
    model: str | None = None


def _weapon_after(amount: Amount, weapons: list[tuple[Weapon, int, int]], text: str) -> tuple[Weapon, int] | None:
    """A weapon word starting within a few modifier words after the amount ("23 self-exploding drones")."""
    for weapon, ws, we in weapons:
        gap = text[amount.end:ws]
        if 0 <= ws - amount.end <= 40 and NOUN_GAP.fullmatch(gap) is not None and not re.search(r"[,.;]", gap):
            return weapon, we
    return None


def _count_noun(amount: Amount, text: str, clause_end: int, lex: Lexicon) -> str | None:
    """ "person", "skip" (a count of something else) or None (no noun: elliptical)."""
    after = text[amount.end:min(clause_end, amount.end + 40)]
    m_person = lex.person_nouns.search(after)
    m_other = lex.not_counted.search(after)
    first = min((m for m in (m_person, m_other) if m and NOUN_GAP.fullmatch(after[:m.start()])),
                key=lambda m: m.start(), default=None)
    if first is None:
        return None
    return "person" if first is m_person else "skip"


def classify(amounts: list[Amount], weapons: list[tuple[Weapon, int, int]], text: str,
             clause: tuple[int, int], lex: Lexicon, antecedent: Counted | None = None) -> list[Counted]:
    """What each amount of a clause counts; amounts of other things are dropped. ``antecedent``
    is the last count of weapons of an earlier clause, for "18 of them"."""
    out: list[Counted] = []
    for a in amounts:
        hit = _weapon_after(a, weapons, text)
        if hit:
            out.append(Counted(a, hit[0].category, hit[0].model))
            continue
        noun = _count_noun(a, text, clause[1], lex)
        if noun == "person":
            out.append(Counted(a, "person"))
        elif noun is None and _OF_THEM.match(text, a.end) and (out or antecedent):
            ref = out[-1] if out else antecedent  # "18 of them": the count just before
            out.append(Counted(a, ref.unit, ref.model))
        elif noun is None and _near_casualty(a, text, clause, lex):
            out.append(Counted(a, "person"))  # "three were hurt", "wounded 11"
    return out


def _near_casualty(a: Amount, text: str, clause: tuple[int, int], lex: Lexicon) -> bool:
    after = text[a.end:clause[1]]
    gap = _BARE_VERB.match(after)
    if gap and lex.any_casualty.match(after, gap.end()):
        return True
    before = text[clause[0]:a.start].rstrip()
    return bool(re.search(rf"(?:{lex.any_casualty.pattern})$", before, re.IGNORECASE))


def _nearest(patterns: dict[str, re.Pattern], text: str, lo: int, hi: int, pos: int) -> str | None:
    best: tuple[int, str] | None = None
    for kind, pattern in patterns.items():
        for m in pattern.finditer(text, lo, hi):
            distance = m.start() - pos if m.start() >= pos else (pos - m.end()) + 1
            if best is None or distance < best[0]:
                best = (distance, kind)
    return best[1] if best else None


def _person_kind(c: Counted, text: str, clause: tuple[int, int], lex: Lexicon) -> str | None:
    return _nearest(lex.casualties, text, clause[0], clause[1], c.amount.end)


def _weapon_kinds(c: Counted, text: str, clause: tuple[int, int], lex: Lexicon) -> list[tuple[str, Amount]]:
    a = c.amount
    verb = _nearest(lex.weapon_kinds, text, clause[0], clause[1], a.end) or "launched"
    if a.total is not None:  # "54 out of 69 missiles shot down": 69 launched, 54 the verb's kind
        whole = Amount(a.total, a.start, a.end, a.text)
        return [("launched", whole), (verb if verb != "launched" else "intercepted", a)]
    if a.universal:  # "all 16 missiles fired at the capital were shot down"
        after = {k for k, p in lex.weapon_kinds.items() if k != "launched" and p.search(text, a.end, clause[1])}
        return [("launched", a)] + [(k, a) for k in sorted(after)]
    return [(verb, a)]


def figures(counted: list[Counted], text: str, clause: tuple[int, int], evidence: Span,
            claimant: str | None, lex: Lexicon) -> list[Figure]:
    out: list[Figure] = []
    for c in counted:
        if c.unit == "person":
            kind = _person_kind(c, text, clause, lex)
            pairs = [(kind, c.amount)] if kind else []
        elif c.unit == "aircraft":
            pairs = []  # the planes that carried the weapons are not coded as figures
        else:
            pairs = _weapon_kinds(c, text, clause, lex)
        out.extend(Figure(kind=k, value=a.value, qualifier=a.qualifier, unit=c.unit, claimant=claimant,
                          evidence=evidence, value_max=a.value_max, text=a.text) for k, a in pairs)
    return out
