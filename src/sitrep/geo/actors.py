"""Capitals that stand for their governments, and "the capital" as a place.

"Kyiv's air defences", "Moscow officials", "Kyiv said", "Moscow has targeted", "talks with
Moscow" and "the Kremlin" name actors, not places: such mentions are flagged ``actor`` and
kept out of the places. "the capital", "the Ukrainian capital", "Belarus's capital" and "the
capital of Belarus" name a capital city; "the capital region" the region around it.
"""
from __future__ import annotations

import re
from itertools import compress, count

from sitrep.geo import cues
from sitrep.geo.mention import Found, Mention

_CHAIN_GAP = re.compile(r"\s*(?:,|,?\s+and|,?\s+or)\s*")


def _capital_like(m: Mention) -> bool:
    return m.mode == "bare" and any(c.capital and c.kind == "place" for c in m.candidates)


def _chains(found: Found) -> list[list[int]]:
    """Runs of mentions joined by "and" or commas ("Moscow and Kiev have ...")."""
    chains: list[list[int]] = []
    for k, m in enumerate(found.mentions):
        prev = found.mentions[k - 1] if k else None
        if prev is not None and _CHAIN_GAP.fullmatch(found.text[prev.end:m.start]):
            chains[-1].append(k)
        else:
            chains.append([k])
    return chains


def _possessive_actor(found: Found, m: Mention) -> bool:
    """"Kyiv's air defences" (actor) against "Kyiv's outskirts" (place)."""
    toks = found.tokens
    if not toks.possessive[m.last] or m.last + 1 >= len(toks.text):
        return False
    if not found.links[m.last] or toks.capitalised[m.last + 1]:
        return False
    return toks.lower[m.last + 1] not in cues.words("possessive_place_nouns")


def _actor_after(found: Found, m: Mention) -> bool:
    """"Moscow officials", "Kiev insists", "Moscow has targeted" (but "Kyiv was hit")."""
    if found.tokens.possessive[m.last]:
        return False
    after = cues.words_after(found, m.last, limit=6)
    if after and after[0] in cues.words("actor_nouns"):
        return True
    before = cues.strip_fillers(cues.words_before(found, m.first))
    if before and before[-1] in cues.words("place_preps"):
        return False  # "officials in Kyiv said": Kyiv is where they are
    auxiliaries = cues.words("auxiliaries")
    i = 0
    while i < len(after) and after[i] in auxiliaries:
        i += 1
    if i == len(after):
        return False
    passive = any(w in cues.words("be_forms") for w in after[:i])
    if passive and after[i] in cues.words("passive_place_verbs"):
        return False
    return after[i] in cues.words("actor_verbs")


def _actor_before(found: Found, m: Mention) -> bool:
    """"talks with Moscow", "push Minsk into", "between Moscow and Beijing"."""
    before = cues.words_before(found, m.first, limit=4)
    return cues.ends_with(before, "actor_before") is not None


def mark(found: Found) -> None:
    """Flags capitals used for their governments, and seats of government, as actors."""
    ms = found.mentions
    names = cues.words("actor_names")
    for m in ms:
        if m.key in names:
            m.actor = True
    for chain in _chains(found):
        capitals = [k for k in chain if _capital_like(ms[k])]
        if not capitals:
            continue
        whole = _actor_before(found, ms[chain[0]]) or _actor_after(found, ms[chain[-1]])
        for k in capitals:
            if whole or _possessive_actor(found, ms[k]) or _actor_after(found, ms[k]):
                ms[k].actor = True


# ---- "the capital" --------------------------------------------------------------------


def _country_of(m: Mention) -> str | None:
    countries = {c.country for c in m.candidates if c.kind == "country" or c.source == "demonym"}
    return countries.pop() if len(countries) == 1 else None


def _mention_at(found: Found, token_index: int) -> Mention | None:
    for m in found.mentions:
        if m.first <= token_index <= m.last:
            return m
    return None


def _capital_ref(found: Found, i: int) -> tuple[str | None, int, bool]:
    """Which country "capital" at token ``i`` belongs to, where the phrase starts, and
    whether it is a capital phrase at all."""
    toks = found.tokens
    before = cues.words_before(found, i, limit=2)
    after = cues.words_after(found, i, limit=3)
    if after[:1] == ["of"]:
        owner = _mention_at(found, i + 2)
        if owner is not None and _country_of(owner):
            return _country_of(owner), _phrase_start(found, i), True
    prev = _mention_at(found, i - 1) if i else None
    if prev is not None and _country_of(prev) and (
            toks.possessive[i - 1] or before[-2:-1] in (["the"], ["its"])):
        return _country_of(prev), prev.start, True
    ok = bool(before) and before[-1] in ("the", "its", "their")
    return None, _phrase_start(found, i), ok


def _phrase_start(found: Found, i: int) -> int:
    """Where "capital" at token ``i`` starts as written: with its "the"."""
    before = cues.words_before(found, i, limit=1)
    return found.tokens.start[i - 1 if before == ["the"] else i]


def capital_mentions(found: Found) -> list[Mention]:
    """Mentions for "the capital" phrases, with the country they name when they name one."""
    out = []
    toks = found.tokens
    capital_words = cues.words("capital_words")
    # the word is rare: found by C-level maps rather than a loop over every token
    for i in compress(count(), map(capital_words.__contains__, toks.lower)):
        after = cues.word_after(found, i)
        if after in cues.words("capital_not_before"):
            continue
        country, start, ok = _capital_ref(found, i)
        if not ok:
            continue
        region = after in cues.words("capital_region_words")
        end = toks.end[i + 1] if region else toks.end[i]
        out.append(Mention(start, end, "capital", (), i, i + int(region),
                           mode="capital_region" if region else "capital", cue="strong",
                           country_ref=country))
    return out
