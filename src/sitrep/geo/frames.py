"""What the words around each found name say about it: a demonym or a designator ("the
village of X", "X region"), an introduction ("in southern X"), a list ("X and Y regions"), what
holds it ("X in southern Belarus", "Y, a village in the Z region") and names inside names.
Marks mentions found by ``finder``; picks nothing among homonyms (that is ``resolve``)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

from sitrep.geo import cues, lexicon
from sitrep.geo.mention import Found, Mention
from sitrep.geo.tokens import index_of
from sitrep.geo.variants import fold

_LIST_GAP = re.compile(r"\s*(?:,|,?\s+and|,?\s+or|&)\s*")
_RAION_WORDS = ("district", "raion", "rayon")

def _demonyms(found: Found) -> None:
    """A demonym names its country only before a territory noun ("Belarusian territory")."""
    nouns = [tuple(n.split()) for n in lexicon.load("countries")["territory_nouns"]]
    for m in found.mentions:
        if not any(c.source == "demonym" for c in m.candidates):
            continue
        m.candidates = tuple(c for c in m.candidates if c.source == "demonym")
        after = cues.words_after(found, m.last, limit=5)
        noun = max((n for n in nouns if tuple(after[: len(n)]) == n), key=len, default=None)
        # "the Russian border city of Belgorod": the noun qualifies another place word.
        compound = noun is not None and after[len(noun):len(noun) + 1] and \
            after[len(noun)] in designator_words()
        if noun is None or compound or found.tokens.possessive[m.last]:
            m.context_only = True
            continue
        m.mode, m.cue = "territory", "strong"
        m.end = found.tokens.end[m.last + len(noun)]


@cache
def _designator_sets() -> tuple[frozenset[str], frozenset[str]]:
    """The words after a name that make it a region, and those that make it a town."""
    regions = lexicon.load("regions")["designators"]
    return frozenset(regions["region"]), frozenset(regions["place"])


@cache
def designator_words() -> frozenset[str]:
    region_words, place_words = _designator_sets()
    return region_words | place_words


def _designators(found: Found) -> None:
    """"Brest region", "Kyiv city": the word after the name says what kind of place it is."""
    region_words, place_words = _designator_sets()
    designators = designator_words()
    for m in found.mentions:
        if m.context_only:
            continue
        own = found.tokens.lower[m.last]
        if m.first < m.last and own in region_words and m.candidates and \
                all(c.kind == "admin1" for c in m.candidates):
            # "Kharkiv Oblast" matched whole, as the region's own name
            m.mode, m.cue, m.designator = "region", "strong", own
        if found.tokens.possessive[m.last]:
            continue
        after = cues.word_after(found, m.last)
        if after in designators:
            m.mode = "region" if after in region_words else "place"
            m.cue, m.designator = "strong", after
            m.end = found.tokens.end[m.last + 1]


def _intros(found: Found) -> None:
    """"the village of X" makes X a town; "the regions of X" makes X a region; "in X" is a
    weak place cue."""
    lead_ends = _intro_ends()
    for m in found.mentions:
        if cues.word_before(found, m.first) not in lead_ends:
            continue  # the usual case: no intro, no preposition (see ``_intro_ends``)
        place, bare, region, prep = _intro_words(tuple(cues.words_before(found, m.first)))
        if m.mode == "bare" and (place or bare and _may_be_village(m)):
            m.mode, m.cue = "place", "strong"
        elif region and m.mode == "bare":
            m.mode, m.cue = "region", "strong"
        elif m.cue is None and prep is not None:
            m.cue, m.prep = "weak", prep


@cache
def _intro_ends() -> frozenset[str]:
    """The words a lead that ``_intro_words`` finds anything in may end with: an intro's
    last word, a filler or a preposition."""
    intros = ("place_intro", "place_intro_bare", "region_intro")
    return frozenset().union(*map(cues.last_words, intros), cues.words("fillers"),
                             cues.words("place_preps"))


@lru_cache(maxsize=16384)
def _intro_words(before: tuple[str, ...]) -> tuple[bool, bool, bool, str | None]:
    """What the words before a name introduce: a town ("the village of"), a town unless the
    name is a country's ("the village", see ``_may_be_village``), a region ("the regions
    of"), and the preposition of a weak cue ("in"). Cached: the same few leads come back."""
    stripped = cues.strip_fillers(before)
    weak = bool(stripped) and stripped[-1] in cues.words("place_preps")
    return (bool(cues.ends_with(before, "place_intro")),
            bool(cues.ends_with(before, "place_intro_bare")),
            bool(cues.ends_with(before, "region_intro")),
            _prep(stripped) if weak else None)


def _may_be_village(m: Mention) -> bool:
    """"the village Sulyhivka": a place intro without "of" never makes a village of a
    country's name ("the village Ukraine would rebuild")."""
    return not any(c.kind == "country" for c in m.candidates)


def _prep(before: Sequence[str]) -> str:
    """The preposition of a weak cue; "south of", "the shelling of" keep the word before "of"
    (those say a place is meant, "of" alone does not)."""
    if before[-1] == "of" and len(before) > 1 and before[-2] in cues.words("of_frames"):
        return f"{before[-2]} of"
    return before[-1]


def _chains(found: Found) -> list[list[int]]:
    """Runs of mentions joined by commas, "and" or "or"."""
    chains: list[list[int]] = []
    ms = found.mentions
    for k, m in enumerate(ms):
        gap = found.text[ms[k - 1].end:m.start] if k else ""
        if k and _LIST_GAP.fullmatch(gap) and _listable(ms[k - 1]) and _listable(m):
            chains[-1].append(k)
        else:
            chains.append([k])
    return chains


def _plural(m: Mention) -> bool:
    return m.designator is not None and m.designator.endswith("s") and m.mode == "region"


def _lists(found: Found) -> None:
    """"the Kyiv and Sumy regions", "the regions of Kherson and Zaporizhzhia": every member
    of a list takes the designator of its end (or the intro of its start). "Izyum, Kharkiv
    region" is no list: the region holds the town (see ``_containers``)."""
    ms = found.mentions
    for chain in _chains(found):
        if len(chain) < 2:
            continue
        last, first = ms[chain[-1]], ms[chain[0]]
        gap = found.text[ms[chain[-2]].end:last.start]
        joined = bool(re.search(r"\b(?:and|or)\b|&", gap))
        if last.mode == "region" and not (joined or _plural(last)):
            continue
        for k in chain[1:]:
            ms[k].head = chain[0]
        region_intro = first.mode == "region" and first.designator is None
        if (last.mode == "region" and last.designator) or region_intro:
            for k in chain:
                if ms[k].mode == "bare":
                    ms[k].mode, ms[k].cue = "region", "strong"


def _listable(m: Mention) -> bool:
    return not m.context_only and m.mode not in ("capital", "capital_region")


def _holds(m: Mention) -> bool:
    """A name that can hold another: a region, a country, or a town's district or raion
    ("Chervone in Huliaipole District")."""
    return m.mode == "region" or m.designator in _RAION_WORDS or any(
        c.kind in ("country", "admin1", "area") for c in m.candidates)


@cache
def _container_gaps() -> tuple[re.Pattern[str], ...]:
    """The gaps between a name and what holds it: "in", "of", a possessive, "near" (with
    fillers: "in southern Belarus")."""
    fillers = "|".join(re.escape(w) for w in sorted(cues.words("fillers")))
    gap_in = re.compile(rf"\s+in\s+(?:(?:{fillers})\s+)*", re.IGNORECASE)
    gap_of = re.compile(rf",?\s+(?:of|in)\s+(?:(?:{fillers})\s+)*|,\s*", re.IGNORECASE)
    possessive = re.compile(rf"['’ʼ]s?\s+(?:(?:{fillers})\s+)*", re.IGNORECASE)
    near = re.compile(rf",?\s+(?:near|outside|(?:on\s+)?the\s+outskirts\s+of)\s+"
                      rf"(?:(?:{fillers})\s+)*", re.IGNORECASE)
    return gap_in, gap_of, possessive, near


def _containers(found: Found) -> None:
    """"Mozyr in Belarus", "Petrikov, Belarus", "Desna in the northern Chernigiv region"."""
    gap_in, gap_of, possessive, near = _container_gaps()
    ms = found.mentions
    for k in range(len(ms) - 1):
        m, nxt = ms[k], ms[k + 1]
        gap = found.text[m.end:nxt.start]
        if near.fullmatch(gap) and _listable(m) and _listable(nxt):
            m.near = k + 1  # "the village of Novoselivka, near Chernihiv"
            continue
        if found.tokens.possessive[m.last] and possessive.fullmatch(gap) and \
                _listable(m) and _listable(nxt) and not m.actor:
            nxt.within = k  # "Crimea's Saki region", "Moscow's Krasnoselsky district"
            continue
        if m.designator in _RAION_WORDS and gap_of.fullmatch(gap) and \
                _listable(nxt) and any(c.kind == "place" for c in nxt.candidates):
            m.within = k + 1  # "the Podilskyi district of Kyiv", "Zhuralivka district, Kharkiv"
            continue
        if not _listable(m) or not _listable(nxt) or not _holds(nxt) or m.mode == "region" and \
                nxt.mode == "region" or all(c.kind == "country" for c in m.candidates):
            continue
        country = any(c.kind == "country" for c in nxt.candidates) and nxt.mode == "bare"
        region = nxt.mode == "region" and not _plural(nxt)
        # "Petrikov, Belarus", "Izyum, Kharkiv region", "Kakhovka Kherson Oblast"
        apposed = re.fullmatch(r",?[ \t\u00a0]*", gap) and nxt.head is None and (country or region)
        by_comma = not (apposed or gap_in.fullmatch(gap)) and _village_comma_region(found, k)
        if apposed or gap_in.fullmatch(gap) or by_comma:
            m.within, m.within_by_comma = k + 1, by_comma
            m.cue = "strong"
            nxt.head = None


def _village_comma_region(found: Found, k: int) -> bool:
    """"Pavlivka, Sumy", "Orikhove, Luhansk": a town that names no region, a comma, and a
    name that is also a region's, the two alone (not part of a longer list)."""
    ms, text = found.mentions, found.text
    m, nxt = ms[k], ms[k + 1]
    if not re.fullmatch(r",[ \t\u00a0]*", text[m.end:nxt.start]) or nxt.mode != "bare":
        return False
    if k > 0 and _LIST_GAP.fullmatch(text[ms[k - 1].end:m.start]):
        return False
    if k + 2 < len(ms) and _LIST_GAP.fullmatch(text[nxt.end:ms[k + 2].start]):
        return False
    kinds = {c.kind for c in m.candidates}
    return kinds == {"place"} and any(c.kind == "admin1" for c in nxt.candidates)


def _neighbour_names(found: Found, m: Mention) -> list[int]:
    """Capitalised words right before and after a mention: not stop words, not a sentence's
    first word ("Shelled Kharkiv School"), not adjectives like "Russian-occupied"."""
    toks, out = found.tokens, []
    stop = cues.words("words", "stopnames")
    if m.first > 0 and found.links[m.first - 1]:
        start, before = toks.start[m.first - 1], toks.text[m.first - 1]
        sentence_start = found.sentences[index_of(found.sentences, start)][0]
        opening = not found.text[sentence_start:start].strip(" \t\n\"“‘'(«")
        compound = "-" in before and before.rsplit("-", 1)[1].islower()
        if not opening and not compound:
            out.append(m.first - 1)
    last = m.last + 1 if m.end > toks.end[m.last] else m.last
    if last + 1 < len(toks.text) and found.links[last]:
        out.append(last + 1)
    return [i for i in out if toks.capitalised[i] and fold(toks.text[i]) not in stop]


def _embedded(found: Found) -> None:
    """Marks mentions inside longer capitalised names ("Casey Merriman", "Pearl Harbor").
    Regions, countries and demonyms beside a name do not count ("Kakhovka Kherson Oblast"),
    nor do words naming the town's own facilities ("Kherson Airbase")."""
    covering = {}
    for m in found.mentions:
        for i in range(m.first, m.last + 1):
            covering[i] = m
    facilities = cues.words("facility_words")
    for m in found.mentions:
        if m.context_only or m.mode in ("capital", "capital_region", "territory"):
            continue
        for i in _neighbour_names(found, m):
            other = covering.get(i)
            if other is not None and (other.context_only or other.mode == "region" or all(
                    c.kind in ("country", "admin1", "area") for c in other.candidates)):
                continue
            if i > m.last and found.tokens.lower[i] in facilities:
                continue
            m.embedded = "inner" if i < m.first else m.embedded or "lead"


def annotate(found: Found) -> None:
    """Every frame, in order: each reads what the ones before it marked."""
    _demonyms(found)
    _designators(found)
    _intros(found)
    _lists(found)
    _containers(found)
    _embedded(found)
