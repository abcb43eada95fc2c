"""The role a place plays, read from the words right before it.

origin: "fired from X", "launched from X", "from the town of X" (in an attack sentence);
target: "hit/struck/targeted/shelled X", "over X", "in X" (in an attack sentence);
place: anything else, and "arrived in X", "talks in X" whatever the sentence says.
Members of a list take the role of its first member ("hit targets in the Kyiv and Sumy
regions"); a container takes the role of what it holds ("from Petrykaw in southern Belarus").
"""
from __future__ import annotations

from functools import cache, lru_cache

from sitrep.geo import cues, lexicon
from sitrep.geo.mention import Found, Mention

_AFTER_WINDOW = 4


@cache
def _attack_phrases() -> tuple[frozenset[str], tuple[str, ...]]:
    words = cues.words("attack_words")
    return (frozenset(w for w in words if " " not in w),
            tuple(w for w in words if " " in w))


def _near_attack(found: Found, m: Mention) -> bool:
    """An attack word shortly before the place, or just after it, in its sentence."""
    window = int(lexicon.load("cues")["attack_window"])
    start, end = found.sentences[m.sentence]
    toks = found.tokens
    near = [toks.lower[k] for k in range(max(0, m.first - window),
                                         min(len(toks.text), m.last + 1 + _AFTER_WINDOW))
            if start <= toks.start[k] < end]
    singles, multi = _attack_phrases()
    if not singles.isdisjoint(near):
        return True
    joined = " ".join(near)
    return any(p in joined for p in multi)


@cache
def _demonyms() -> frozenset[str]:
    lists = lexicon.load("countries")["demonyms"].values()
    return frozenset(d.lower() for names in lists for d in names)


_INTROS = ("place_intro", "region_intro")
_ROLE_LISTS = ("place_before", "origin_before", "target_before", "origin_preps", "target_preps")


@cache
def _soft_words() -> frozenset[str]:
    """The words ``_lead`` may take off: fillers, demonyms and the words of intros."""
    intros = frozenset(w for name in _INTROS for phrase in cues.phrases(name) for w in phrase)
    return cues.words("fillers") | _demonyms() | intros


@cache
def _role_ends() -> frozenset[str]:
    """The last words of the phrases that give a role (``_lead_role``)."""
    return frozenset(phrase[-1] for name in _ROLE_LISTS for phrase in cues.phrases(name)
                     if phrase)


def _lead(seq: tuple[str, ...]) -> tuple[str, ...]:
    """The words before a mention with fillers, demonyms ("the Russian border city of") and
    "the town of" intros taken off."""
    if not seq or seq[-1] not in _soft_words():
        return seq  # the usual case: nothing to take off (every word taken off is soft)
    while True:
        trimmed = cues.strip_fillers(seq)
        while trimmed and trimmed[-1] in _demonyms():
            trimmed = cues.strip_fillers(trimmed[:-1])
        intro = cues.ends_with(trimmed, "place_intro") or cues.ends_with(trimmed, "region_intro")
        if intro:
            trimmed = trimmed[: len(trimmed) - len(intro)]
        if trimmed == seq:
            return seq
        seq = trimmed


@lru_cache(maxsize=16384)
def _lead_role(before: tuple[str, ...]) -> str:
    """The role the words before a name give it, or "origin?" / "target?" when that takes an
    attack word near the name too (cached: the same few leads come back all the time)."""
    lead = _lead(before)
    if not lead or lead[-1] not in _role_ends():
        return "place"  # the usual case: no phrase of the lists below ends so
    if cues.ends_with(lead, "place_before"):
        return "place"
    if cues.ends_with(lead, "origin_before"):
        return "origin"
    if cues.ends_with(lead, "target_before"):
        return "target"
    if cues.ends_with(lead, "origin_preps"):
        return "origin?"
    return "target?" if cues.ends_with(lead, "target_preps") else "place"


def local_role(found: Found, m: Mention) -> str:
    """The role the words right before ``m`` give it ("Russia's" is never a target)."""
    if found.tokens.possessive[m.last]:
        return "place"
    prev = cues.word_before(found, m.first)
    if prev not in _soft_words() and prev not in _role_ends():
        return "place"  # the usual case, known from one word (see ``_lead_role``)
    role = _lead_role(tuple(cues.words_before(found, m.first, limit=10)))
    if role.endswith("?"):
        return role[:-1] if _near_attack(found, m) else "place"
    return role


def _target_after(found: Found, m: Mention) -> bool:
    """"Sumy region came under fire", "Chernigov, Kiev and Sumy regions suffered"."""
    last = m.last + 1 if m.end > found.tokens.end[m.last] else m.last
    if cues.word_after(found, last) not in cues.first_words("target_after"):
        return False  # the usual case, known from one word
    after = cues.words_after(found, last, limit=4)
    return cues.starts_with(after, "target_after") is not None


def roles(found: Found) -> list[str]:
    """The role of every mention of ``found``, in order."""
    ms = found.mentions
    out = [local_role(found, m) if m.head is None else "" for m in ms]
    tails: dict[int, int] = {}
    for k, m in enumerate(ms):
        if m.head is not None:
            out[k] = out[m.head] or local_role(found, m)
        tails[m.head if m.head is not None else k] = k
    for head, tail in tails.items():
        if out[head] == "place" and _target_after(found, ms[tail]):
            for k, m in enumerate(ms):
                if k == head or m.head == head:
                    out[k] = "target"
    for k, m in enumerate(ms):
        if m.within is not None and out[k] != "place":
            out[m.within] = out[k]
    return out
