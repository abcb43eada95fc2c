"""Amounts -> figures: what each number counts (weapons launched, intercepted, hit; people
killed, injured...) decided by the noun after it and the verbs around it in its clause."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sitrep.extract.lexicon import Lexicon
from sitrep.model import Amount, Figure, Span, Weapon

# Words allowed between an amount and its noun: modifiers, never function words or plurals
# ("23 self-exploding drones", "120 Russian cruise missiles"; not "two explosions when the missiles").
_GAP_WORD = re.compile(r"[A-Z][\w’'-]*|[\w-]*-[\w-]+|[a-z]+(?<!s)")
_FUNCTION = frozenset("when that which who and or but from at in on to by after before as while with of the "
                      "a an were was are is had have has been be".split())
_OF_THEM = re.compile(r"\s+(?:of|out of) (?:them|those|these|which|whom)\b", re.IGNORECASE)
_BARE_VERB = re.compile(r"\s+(?:were|was|had been|have been|are|people were)?\s*", re.IGNORECASE)
_MORE = re.compile(r"\s+(?:more|additional|further)\b", re.IGNORECASE)
_AND_GAP = re.compile(r"\s+(?:and|or|&)\s+(?:[\w-]+\s+){0,2}", re.IGNORECASE)
_OTHERS = re.compile(r"\s+others?\b", re.IGNORECASE)
_TOLL = re.compile(r"(?:death toll|toll|number of (?:dead|deaths|people killed))\s+(?:\w+\s+){0,2}(?:to|of|at|reached|stands at|"
                   r"rose to|climbed to|risen to)\s*$", re.IGNORECASE)
_TIMES = re.compile(r"\s+(?:times|strikes|hits|impacts)\b", re.IGNORECASE)
_NOT_A_COUNT_BEFORE = re.compile(r"(?:population|aged?|ages|no\.|number|page|grade|category)\s+(?:of\s+)?(?:\w+\s+)?$",
                                 re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Counted:
    """An amount with what it counts: a weapon category or "person"; ``kind`` when the words
    around it already say which figure it is ("shot down 56", "the death toll rose to 5")."""

    amount: Amount
    unit: str
    model: str | None = None
    kind: str | None = None


def _gap_ok(gap: str) -> bool:
    words = gap.split()
    if len(words) > 3 or re.search(r"[,.;:]", gap):
        return False
    return all(w.lower() not in _FUNCTION and _GAP_WORD.fullmatch(w) for w in words)


def _weapon_after(amount: Amount, weapons: list[tuple[Weapon, int, int]], text: str) -> Weapon | None:
    """A weapon word starting within a few modifier words after the amount; "120 missiles and
    drones" counts weapons of several kinds together: unit unknown."""
    for i, (weapon, ws, we) in enumerate(weapons):
        gap = re.sub(r"^\s+of(?:\s+the)?\b", " ", text[amount.end:ws])  # "dozens of drones", "30 of the drones"
        if 0 <= ws - amount.end <= 40 and _gap_ok(gap):
            nxt = weapons[i + 1] if i + 1 < len(weapons) else None
            if nxt and nxt[0].category != weapon.category and _AND_GAP.fullmatch(text[we:nxt[1]]):
                return Weapon("unknown")
            return weapon
    return None


def _count_noun(amount: Amount, text: str, clause_end: int, lex: Lexicon) -> str | None:
    """ "person", "skip" (a count of something else) or None (no noun: elliptical)."""
    after = text[amount.end:min(clause_end, amount.end + 40)]
    found = [m for m in (lex.person_nouns.search(after), lex.not_counted.search(after)) if m]
    found = [m for m in found if _gap_ok(after[:m.start()])]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    return "person" if lex.person_nouns.fullmatch(first.group()) else "skip"


def _verb_before(a: Amount, text: str, clause: tuple[int, int], lex: Lexicon) -> str | None:
    """ "shot down 56", "intercepted 41": the verb right before a bare amount names its kind."""
    before = text[max(clause[0], a.start - 30):a.start].rstrip()
    for kind, pattern in lex.weapon_kinds.items():
        if any(m.end() == len(before) for m in pattern.finditer(before)):
            return kind
    return None


def _verb_after(a: Amount, text: str, clause: tuple[int, int], lex: Lexicon) -> str | None:
    """ "35 were shot down", "of which 35 were intercepted"."""
    gap = _BARE_VERB.match(text, a.end, clause[1])
    if not gap or gap.end() == a.end:
        return None
    for kind, pattern in lex.weapon_kinds.items():
        if pattern.match(text, gap.end(), clause[1]):
            return kind
    return None


def _special(a: Amount, text: str, clause: tuple[int, int], lex: Lexicon, ref: Counted | None) -> Counted | None:
    """Amounts whose kind the surrounding words fix without a noun."""
    if _TOLL.search(text, max(clause[0], a.start - 40), a.start):
        return Counted(a, "person", kind="killed")
    hits = _TIMES.match(text, a.end)  # "Kyiv was hit three times", "noting five strikes in Kyiv"
    if hits and ("times" not in hits.group().lower() or lex.weapon_kinds["hit"].search(text, max(clause[0], a.start - 30), a.start)):
        return Counted(a, "unknown", kind="hit")
    kind = _verb_before(a, text, clause, lex) or _verb_after(a, text, clause, lex)
    if kind and ref is not None:
        return Counted(a, ref.unit, ref.model, kind=kind)
    return None


def _skipped(a: Amount, text: str, clause: tuple[int, int], lex: Lexicon) -> bool:
    if _NOT_A_COUNT_BEFORE.search(text, max(clause[0], a.start - 30), a.start):
        return True  # "a population of 7,500 people", "aged 67"
    if _MORE.match(text, a.end):
        return True  # "two more bodies": an increment, not the count
    m = _OF_THEM.match(text, a.end)
    return bool(m and lex.person_nouns.match(text, m.end() + 1))  # "five killed, two of them children"


def classify(amounts: list[Amount], weapons: list[tuple[Weapon, int, int]], text: str,
             clause: tuple[int, int], lex: Lexicon, antecedent: Counted | None = None) -> list[Counted]:
    """What each amount of a clause counts; amounts of other things are dropped. ``antecedent``
    is the last count of weapons before this clause, for "18 of them", "shot down 56"."""
    out: list[Counted] = []
    for a in amounts:
        ref = next((c for c in reversed(out) if c.unit != "person"), antecedent)
        if _skipped(a, text, clause, lex):
            continue
        weapon = _weapon_after(a, weapons, text)
        if weapon:
            out.append(Counted(a, weapon.category, weapon.model))
            continue
        special = _special(a, text, clause, lex, ref)
        noun = None if special else _count_noun(a, text, clause[1], lex)
        if special:
            out.append(special)
        elif noun == "person":
            out.append(Counted(a, "person"))
        elif noun is None and _OF_THEM.match(text, a.end) and ref is not None:
            out.append(Counted(a, ref.unit, ref.model))  # "18 of them": the count before
        elif noun is None and (_near_casualty(a, text, clause, lex) or _OTHERS.match(text, a.end)):
            out.append(Counted(a, "person"))  # "three were hurt", "wounded 11", "and four others"
    return out


def _near_casualty(a: Amount, text: str, clause: tuple[int, int], lex: Lexicon) -> bool:
    gap = _BARE_VERB.match(text, a.end, clause[1])
    if gap and lex.any_casualty.match(text, gap.end(), clause[1]):
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


def _weapon_kinds(c: Counted, text: str, clause: tuple[int, int], lex: Lexicon) -> list[tuple[str, Amount]]:
    a = c.amount
    verb = c.kind or _nearest(lex.weapon_kinds, text, clause[0], clause[1], a.end) or "launched"
    if a.total is not None:  # "54 out of 69 missiles shot down": 69 launched, 54 the verb's kind
        whole = Amount(a.total, a.start, a.end, a.text)
        return [("launched", whole), (verb if verb != "launched" else "intercepted", a)]
    if a.universal:  # "all 16 missiles fired at the capital were shot down"
        after = {k for k, p in lex.weapon_kinds.items() if k != "launched" and p.search(text, a.end, clause[1])}
        return [("launched", a)] + [(k, a) for k in sorted(after)]
    return [(verb, a)]


def _casualty_kind(a: Amount, text: str, clause: tuple[int, int], sentence: tuple[int, int], lex: Lexicon) -> str | None:
    """The casualty verb right before the count ("killing at least one"), else the nearest in
    the clause, else in the sentence ("four killed in Kyiv, and four others in Sumy")."""
    before = text[max(clause[0], a.start - 25):a.start]
    for kind, pattern in lex.casualties.items():
        if any(not before[m.end():].strip() for m in pattern.finditer(before)):
            return kind
    return (_nearest(lex.casualties, text, clause[0], clause[1], a.end)
            or _nearest(lex.casualties, text, sentence[0], sentence[1], a.end))


def figures(counted: list[Counted], text: str, clause: tuple[int, int], evidence: Span,
            claimant: str | None, lex: Lexicon) -> list[Figure]:
    out: list[Figure] = []
    for c in counted:
        if c.unit == "person":
            kind = c.kind or _casualty_kind(c.amount, text, clause, (evidence.start, evidence.end), lex)
            pairs = [(kind, c.amount)] if kind else []
        elif c.unit == "aircraft" and c.kind is None:
            pairs = []  # the planes that carried the weapons are not coded as figures
        else:
            pairs = _weapon_kinds(c, text, clause, lex)
        out.extend(Figure(kind=k, value=a.value, qualifier=a.qualifier, unit=c.unit, claimant=claimant,
                          evidence=evidence, value_max=a.value_max, text=a.text) for k, a in pairs)
    return out
