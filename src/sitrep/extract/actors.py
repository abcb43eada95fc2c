"""Sides of an event as ISO alpha-2: who acted and who was acted on.

Country words, demonyms, capitals used as metonyms ("the Kremlin", "Kyiv's air defences") and
the names of leaders all point at a country; where the words sit decides the role.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sitrep.extract.lexicon import Lexicon, rules
from sitrep.model import Actors, Place

_ACCUSE = re.compile(r"\b(?:accus\w+|blam\w+)\s+(?P<who>[\w’'.]+(?:\s[\w’'.]+)?)\s+(?:of|for)\b", re.IGNORECASE)
_LAUNCHES = re.compile(r"^(?:’s|'s)?\s+(?:forces\s+|military\s+|army\s+)?(?:has\s+|have\s+|had\s+|also\s+|again\s+)?"
                       r"(?:launched|fired|attacked|struck|shelled|bombed|targeted|hit|pounded|unleashed|sent)\b", re.IGNORECASE)
_OF_BEFORE = re.compile(r"\b(?:of|for)\s+(?:the\s+)?$", re.IGNORECASE)
_AIR_DEFENCE = re.compile(r"^\W*(?:air[- ]defen[cs]es?|anti-aircraft)", re.IGNORECASE)
_INTERCEPTS = re.compile(r"[^,.;]{0,80}?\b(?:shot down|shoot down|shooting down|downed|intercept\w*|repelled|repulsed)\b",
                         re.IGNORECASE)


@cache
def _weaponish() -> re.Pattern:
    """A weapon or force within two words after a side: "Russian missiles", "Moscow launched
    drones"; not when a reporting or reacting verb comes between ("Ukraine confirmed the
    strikes") or a speaking one after ("Russian forces said")."""
    words = rules("actors.yaml")
    speech = rules("claimants.yaml")["speech_verbs"]
    aside = "|".join([speech, *words["reacting"]])
    return re.compile(rf"^\W*(?:(?!(?:{aside}|\d)\b)[A-Za-z][\w-]*\s+){{0,2}}?(?:{'|'.join(words['arms'])})\b"
                      rf"(?!,?\s+(?:{'|'.join(words['speaking'])})\b)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ActorWord:
    code: str
    start: int
    end: int
    attacker: bool  # modifies a weapon or force ("Russian missiles", "Moscow's forces")
    defender: bool  # "Kyiv's air defences", "Ukrainian air defence"


class _Memo:
    """The actor words of the last text by span: one clause is asked about up to six times
    (both sides, the defender, the country named), a third of the calls are new. Replaced in one
    assignment per text, so a thread never reads another text's words."""

    last: tuple[str, Lexicon, dict[tuple[int, int], list[ActorWord]]] = ("", None, {})  # type: ignore[assignment]


def actor_words(text: str, lo: int, hi: int, lex: Lexicon) -> list[ActorWord]:
    """Every country word or person in text[lo:hi] with its role (callers must not modify the list)."""
    last_text, last_lex, found = _Memo.last
    if last_text is not text or last_lex is not lex:
        found = {}
        _Memo.last = (text, lex, found)
    words = found.get((lo, hi))
    if words is None:
        words = found[(lo, hi)] = _actor_words(text, lo, hi, lex)
    return words


def _actor_words(text: str, lo: int, hi: int, lex: Lexicon) -> list[ActorWord]:
    out = []
    for m in lex.actor_pattern.finditer(text, lo, hi):
        word = m.group()
        code = lex.country_words.get(word) or lex.people.get(word)
        after = text[m.end():min(hi, m.end() + 60)]
        owned = bool(_OF_BEFORE.search(text, max(lo, m.start() - 12), m.start()))  # "head of Ukraine's forces"
        air_defence = bool(_AIR_DEFENCE.match(after))
        attacker = not air_defence and not owned and (bool(_weaponish().match(after)) or bool(_LAUNCHES.match(after)))
        defender = air_defence or (not attacker and bool(_INTERCEPTS.match(text, m.end(), hi)))
        out.append(ActorWord(code, m.start(), m.end(), attacker, defender))
    return out


def _accused(text: str, lo: int, hi: int, lex: Lexicon) -> str | None:
    m = _ACCUSE.search(text, lo, hi)
    if not m:
        return None
    first = m.group("who").split()[0]
    return lex.country_words.get(first) or lex.people.get(first)


def _place_country(places: tuple[Place, ...], role: str) -> str | None:
    return next((p.country for p in places if p.role == role and p.country), None)


def _other_side(code: str | None, lex: Lexicon) -> str | None:
    if code is None:
        return None
    return lex.belligerents.get(lex.allies.get(code, code))


def _attack_sides(words: list[ActorWord], places: tuple[Place, ...], text: str, clause: tuple[int, int],
                  lex: Lexicon) -> Actors:
    initiator = _accused(text, clause[0], clause[1], lex) or next((w.code for w in words if w.attacker), None)
    target = _place_country(places, "target") or next((w.code for w in words if w.defender), None)
    origin = _place_country(places, "origin")
    if initiator is None and origin is not None:
        initiator = lex.allies.get(origin, origin)
    if initiator is None and target is not None:
        initiator = _other_side(target, lex)
    if target is None or target == initiator:
        target = _other_side(initiator, lex) or target
    return Actors(initiator, target if target != initiator else None)


def _incursion_sides(words: list[ActorWord], places: tuple[Place, ...]) -> Actors:
    target = _place_country(places, "target") or _place_country(places, "place")
    origin = _place_country(places, "origin")
    initiator = next((w.code for w in words if w.attacker and w.code != target), None) or origin
    return Actors(initiator, target)


def _listed_sides(words: list[ActorWord], trigger_at: int) -> Actors:
    """Diplomacy, posture, battle: the side named just before the verb acts ("Putin meets",
    "Belarus summoned"), the next other side after it is acted on."""
    if not words:
        return Actors()
    before = [w for w in words if w.end <= trigger_at]
    first = (before[-1] if before else words[0]).code
    first = next((w.code for w in words if w.attacker), first)  # "Russian troops arrived": the troops act
    after = [w.code for w in words if w.start >= trigger_at and w.code != first]
    second = after[0] if after else next((w.code for w in words if w.code != first), None)
    return Actors(first, second)


def sides(event_type: str, text: str, clause: tuple[int, int], places: tuple[Place, ...], lex: Lexicon,
          trigger_at: int | None = None) -> Actors:
    words = actor_words(text, clause[0], clause[1], lex)
    if event_type == "attack":
        return _attack_sides(words, places, text, clause, lex)
    if event_type == "incursion":
        return _incursion_sides(words, places)
    return _listed_sides(words, clause[1] if trigger_at is None else trigger_at)
