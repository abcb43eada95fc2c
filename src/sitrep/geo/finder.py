"""Finding place-name mentions in a text with the gazetteer (not NER).

Capitalised word runs are looked up longest first (exact forms, then spelling variants);
words around each hit then say what kind of place it is ("the village of X", "X and Y
regions") and what holds it ("X in southern Belarus"; see ``frames``), and whether it is a
person's name or a capital standing for its government (see ``actors``). Nothing here picks
among homonyms: that is ``resolve``.
"""
from __future__ import annotations

from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import compress, count
from typing import NamedTuple

from sitrep.geo import actors, cues, frames
from sitrep.geo.gazetteer import Candidate, Gazetteer
from sitrep.geo.mention import Found, Mention
from sitrep.geo.tokens import Tokens, index_of, paragraphs, sentences, split_words
from sitrep.geo.variants import fold

MAX_WORDS = 4
_MIN_VARIANT_LETTERS = 4
_MAX_ACRONYM = 5
_MIN_LOWERCASE = 5


class _Words(NamedTuple):
    """The word lists the matcher asks about for every capitalised word, fetched once (a
    cached call per question adds up over millions of words)."""

    stop: frozenset[str]  # stopnames: words
    titles: frozenset[str]  # stopnames: titles
    tails: frozenset[str]  # lower-case words that end Slavic names ("yar")
    connectors: frozenset[str]  # "on" in "Rostov on Don"
    actor_names: frozenset[str]
    first_names: frozenset[str]
    person_verbs: frozenset[str]  # stopnames: person_before
    person_triggers: frozenset[str]  # first names, titles and those verbs


@cache
def _words() -> _Words:
    titles, verbs = cues.words("titles", "stopnames"), cues.words("person_before", "stopnames")
    first_names = cues.words("first_names", "stopnames")
    return _Words(cues.words("words", "stopnames"), titles, cues.words("lowercase_name_tails"),
                  cues.words("name_connectors"), cues.words("actor_names"), first_names,
                  verbs, first_names | titles | verbs)


def _indices(flags: Iterator[bool]) -> Iterator[int]:
    """The positions of the true flags (in C: most words are not what a loop looks for)."""
    return compress(count(), flags)


# ---- people ---------------------------------------------------------------------------


def _person_tokens(found: Found) -> set[int]:
    """Tokens that belong to people's names: after a given name or a title, known surnames,
    and surnames seen after a given name anywhere in the text."""
    lower, capitalised = found.tokens.lower, found.tokens.capitalised
    words = _words()
    first_names, verbs = words.first_names, words.person_verbs
    surnames = set(cues.words("surnames", "stopnames"))
    person: set[int] = set()
    for i in _indices(map(words.person_triggers.__contains__, lower)):
        word = lower[i]
        titles_or_verbs = word in words.titles or word in verbs
        if word in first_names and capitalised[i] or titles_or_verbs:
            run = _capitalised_run(found, i + 1, limit=3)
            if not run:
                continue
            person.update(run if titles_or_verbs else [i, *run])
            # "said Kyiv region's air defence": a verb before a name is weaker evidence than a
            # given name or a title, so it blocks that one mention and is not learnt as a surname
            if word not in verbs:
                surnames.add(lower[run[-1]])
    known = _indices(map(surnames.__contains__, lower))
    person.update(i for i in known if capitalised[i])
    return person


def _capitalised_run(found: Found, i: int, limit: int) -> list[int]:
    """Capitalised words from token ``i`` on, each joined to the one before."""
    toks, linked = found.tokens, found.links
    capitalised = toks.capitalised
    run: list[int] = []
    while i < len(capitalised) and len(run) < limit and capitalised[i] and i > 0 and \
            linked[i - 1]:
        run.append(i)
        if toks.possessive[i]:
            break
        i += 1
    return run


# ---- matching names -----------------------------------------------------------------


def _link_ok(found: Found, j: int, words: _Words) -> bool:
    """Tokens ``j`` and ``j + 1`` may belong to one name: joined by spaces (or the period of
    "St."), the first without a possessive, the second capitalised, a connector ("on") or a
    lower-case word that ends many Slavic names ("Chasiv yar")."""
    toks = found.tokens
    if toks.possessive[j]:
        return False
    after = toks.lower[j + 1]
    if not (toks.capitalised[j + 1] or after in words.connectors or after in words.tails):
        return False
    if found.links[j]:
        return True
    gap = found.text[toks.end[j]:toks.start[j + 1]]
    return gap.startswith(".") and cues.joined_abbrev(toks.lower[j], gap)


def _span_ends(found: Found, i: int, blocked: set[int]) -> list[int]:
    """The last tokens ``j`` (longest first) for which tokens i..j can form one name: linked
    as ``_link_ok`` says, none of them blocked, ending in a capitalised word or a tail."""
    capitalised = found.tokens.capitalised
    if i in blocked or not capitalised[i]:
        return []
    words = _words()
    ends, j = [i], i
    stop = min(len(capitalised), i + MAX_WORDS) - 1
    while j < stop and j + 1 not in blocked and _link_ok(found, j, words):
        j += 1
        if capitalised[j] or found.tokens.lower[j] in words.tails:
            ends.append(j)
    return ends[::-1]


def _single_word_blocked(lower: str, key: str, lower_words: set[str]) -> bool:
    """A one-word name (folded to ``key``, ``lower`` in lower case) that is a stop word or a
    title, or a word the text also writes in lower case."""
    words = _words()
    return key in words.stop or key in words.titles or lower in lower_words


@lru_cache(maxsize=65536)
def _lookup(gaz: Gazetteer, surface: str, variants: bool, tail: bool) -> tuple[Candidate, ...]:
    """The entries ``surface`` may name (the same names come up in text after text, hence the
    cache); ``tail``: it holds a lower-case tail word (see ``_tail_countries``)."""
    if surface.isupper() and len(surface) <= _MAX_ACRONYM:
        # "TOS", "SBU": an acronym names a country or region ("US", "DPR"), never a town.
        found = gaz.exact(surface) if not variants else ()
        found = tuple(c for c in found if c.kind != "place")
    elif not variants:
        found = gaz.exact(surface)
        if found and not any(c.kind == "place" for c in found):
            # "Khmelnitsky" is written so only for the region: its town is a variant away
            found += tuple(c for c in gaz.variants(surface) if c.kind == "place")
    else:
        letters = sum(ch.isalpha() for ch in surface)
        found = tuple(gaz.variants(surface)) if letters >= _MIN_VARIANT_LETTERS else ()
    return _tail_countries(found) if found and tail else found


def _match_at(found: Found, gaz: Gazetteer, i: int, blocked: set[int],
              lower_words: set[str]) -> Mention | None:
    text, toks = found.text, found.tokens
    ends = _span_ends(found, i, blocked)
    if len(ends) == 1:
        return _match_word(found, gaz, i, lower_words)
    key = fold(toks.text[i])
    # "In Nova Kakhovka" must not start at "In" through a spelling variant
    passes = (False,) if key in _words().stop else (False, True)
    alone_blocked = _single_word_blocked(toks.lower[i], key, lower_words)
    start = toks.start[i]
    for variants in passes:
        for j in ends:
            if i == j and alone_blocked:
                continue
            surface = text[start:toks.end[j]]
            cands = _candidates(found, gaz, i, j, variants, surface)
            if cands and i == j and not variants:
                longer = _opener_variant(found, gaz, i, ends)
                if longer is not None:
                    return longer
            if cands or fold(surface) in _words().actor_names:
                return Mention(start, toks.end[j], fold(surface), cands, i, j)
    return None


def _match_word(found: Found, gaz: Gazetteer, i: int, lower_words: set[str]) -> Mention | None:
    """``_match_at`` for a word no other can join (most capitalised words): what it names
    depends on the word alone, so it is looked up once a process (see ``_word_names``); only
    whether the text also writes it in lower case (``_single_word_blocked``) is the text's."""
    toks = found.tokens
    if toks.lower[i] in lower_words:
        return None
    named = _word_names(gaz, toks.text[i])
    if named is None:
        return None
    key, cands = named
    return Mention(toks.start[i], toks.end[i], key, cands, i, i)


@lru_cache(maxsize=65536)
def _word_names(gaz: Gazetteer, word: str) -> tuple[str, tuple[Candidate, ...]] | None:
    """One word's folded key and the entries it alone may name, exact forms first, then
    spelling variants; () for an actor's name the gazetteer lacks; None for a stop word or a
    title ("In", "President": ``_single_word_blocked``) or a word naming nothing. A lone word
    has no tail and opens no longer name (see ``_opener_variant``)."""
    key = fold(word)
    words = _words()
    if key in words.stop or key in words.titles:
        return None
    for variants in (False, True):
        cands = _lookup(gaz, word, variants, False)
        if cands or key in words.actor_names:
            return key, cands
    return None


def _candidates(found: Found, gaz: Gazetteer, i: int, j: int, variants: bool,
                surface: str) -> tuple[Candidate, ...]:
    """The entries tokens i..j (written ``surface``) may name (see ``_lookup``)."""
    tail = i < j and _has_tail(found.tokens, i, j)
    return _lookup(gaz, surface, variants, tail)


def _has_tail(toks: Tokens, i: int, j: int) -> bool:
    """Tokens i..j hold a lower-case word from ``lowercase_name_tails`` ("Chasiv yar")."""
    tails = _words().tails
    return any(not toks.capitalised[k] and toks.lower[k] in tails for k in range(i + 1, j + 1))


def _tail_countries(cands: tuple[Candidate, ...]) -> tuple[Candidate, ...]:
    """"Chasiv yar" is a Slavic name written carelessly; "the North pole" is English: a name
    with a lower-case tail keeps only the entries of the countries whose names have them."""
    countries = cues.codes("lowercase_tail_countries")
    return tuple(c for c in cands if c.country in countries)


def _opener_variant(found: Found, gaz: Gazetteer, i: int, ends: list[int]) -> Mention | None:
    """"Stara Vyzhovka": a word that opens many compound names ("Stara", "Velyka") and is a
    place of its own (a Slovak town's other name) yields to the whole name spelt otherwise."""
    toks = found.tokens
    if fold(toks.text[i]) not in cues.words("compound_openers"):
        return None
    for j in ends:
        if j == i:
            continue
        surface = found.text[toks.start[i]:toks.end[j]]
        cands = _candidates(found, gaz, i, j, True, surface)
        if cands:
            return Mention(toks.start[i], toks.end[j], fold(surface), cands, i, j)
    return None


def _match_names(found: Found, gaz: Gazetteer) -> None:
    toks = found.tokens
    capitalised = toks.capitalised
    blocked = _person_tokens(found)
    lower_words = set(filter(str.islower, toks.text))
    things: list[Mention] = []
    resume = 0  # the token after the last mention: mentions never overlap
    for i in _name_starts(toks):
        if i < resume:
            continue
        if capitalised[i]:
            # (a capitalised word is never a lower-case slot)
            if i in blocked:
                continue
            mention = _match_at(found, gaz, i, blocked, lower_words)
        elif _lowercase_name_slot(found, i):
            mention = _lowercase_match(found, gaz, i)
        else:
            continue
        if mention is None:
            continue
        verdict = _names_something_else(found, mention)
        if verdict == "thing":
            things.append(mention)
        elif not verdict:
            found.mentions.append(mention)
        resume = mention.last + 1
    _keep_lone_things(found, things)
    _fuzzy_in_frames(found, gaz, blocked)
    _drop_speakers(found)


def _name_starts(toks: Tokens) -> list[int]:
    """The tokens a name may start at, in order: capitalised words and the words after "in",
    "near"... (see ``_lowercase_name_slot``)."""
    capitalised = _indices(toks.capitalised)
    after_prep = _indices(map(cues.words("lowercase_preps").__contains__, toks.lower))
    return sorted({*capitalised, *(i + 1 for i in after_prep if i + 1 < len(toks))})


def _framed_slot(found: Found, i: int) -> bool:
    """A capitalised word the words around call a place: "X region", "the village of X"."""
    if cues.word_after(found, i) in frames.designator_words():
        return True
    # most words come after no intro's last word ("of"): no need to read the words before
    return cues.word_before(found, i) in cues.last_words("place_intro") and \
        cues.ends_with(cues.words_before(found, i), "place_intro") is not None


def _fuzzy_in_frames(found: Found, gaz: Gazetteer, blocked: set[int]) -> None:
    """Misspelt names where the frame leaves no doubt that a place is meant ("Donestk
    oblast"): the closest spellings (rapidfuzz) among names with the same first letters."""
    covered = {i for m in found.mentions for i in range(m.first, m.last + 1)}
    stop = _words().stop
    added = []
    toks = found.tokens
    for i in _indices(toks.capitalised):
        word = toks.text[i]
        if i in covered or i in blocked or fold(word) in stop:
            continue
        if len(word) >= _MIN_VARIANT_LETTERS and _framed_slot(found, i):
            cands = tuple(c for c in gaz.fuzzy(word) if c.source != "demonym")
            if cands:
                added.append(Mention(toks.start[i], toks.end[i], fold(word), cands, i, i))
    found.mentions.extend(added)
    found.mentions.sort(key=lambda m: m.start)


def _lowercase_name_slot(found: Found, i: int) -> bool:
    """A lower-case word right after "in", "near"... that could be a careless town name
    (asked of every lower-case word: the cheap tests come first)."""
    toks = found.tokens
    word = toks.text[i]
    if i == 0 or len(word) < _MIN_LOWERCASE:
        return False
    if toks.lower[i - 1] not in cues.words("lowercase_preps") or not word.isalpha() or \
            not word.islower():
        return False
    return found.links[i - 1] and \
        fold(word) not in cues.words("words", "stopnames")


def _lowercase_match(found: Found, gaz: Gazetteer, i: int) -> Mention | None:
    toks = found.tokens
    word = toks.text[i]
    cands = tuple(c for c in gaz.exact(word) if c.source != "demonym")
    if not cands:
        return None
    return Mention(toks.start[i], toks.end[i], fold(word), cands, i, i, lowercase=True)


def _drop_speakers(found: Found) -> None:
    """"Danyk said": a one-word town name before a speech verb is a person's name (capitals
    before speech verbs are actors, see ``actors``)."""
    verbs = cues.words("speech_verbs")
    keep = []
    for m in found.mentions:
        if not (cues.word_after(found, m.last) in verbs and m.first == m.last and _town(m)):
            keep.append(m)
    found.mentions = keep


def _town(m: Mention) -> bool:
    """Every entry the mention may name is a town, and none a capital."""
    return any(c.kind == "place" for c in m.candidates) and not any(
        c.capital or c.kind != "place" for c in m.candidates)


def _keep_lone_things(found: Found, things: list[Mention]) -> None:
    """"Damage to the Mariupol market": a named thing alone in its sentence keeps its place
    (demonyms, lower-case words and names met only through another spelling do not count:
    "Russian tank firing in front of Mariupol mall")."""
    if not things:
        return  # the usual case: the mentions are in text order already
    taken = {index_of(found.sentences, m.start) for m in found.mentions
             if not m.lowercase and any(c.source not in ("demonym", "variant", "fuzzy")
                                        for c in m.candidates)}
    found.mentions.extend(m for m in things if index_of(found.sentences, m.start) not in taken)
    found.mentions.sort(key=lambda m: m.start)


def _names_something_else(found: Found, m: Mention) -> str:
    """"other" for "The Moscow Times", "the Minsk agreements", "Vulytsya Kalyuzhnoho",
    "Velyka Komyshuvakha" (a village the gazetteer lacks); "thing" for "Gorky Park",
    "Druzhba theatre"; "" for a place."""
    toks = found.tokens
    if cues.word_before(found, m.first) in cues.words("street_before"):
        return "other"
    if toks.possessive[m.last] or m.last + 1 >= len(toks.text):
        return ""
    if not found.links[m.last]:
        return ""
    after = toks.lower[m.last + 1]
    if after in cues.words("agreement_words"):
        return "other"
    if after in cues.words("named_thing_words"):
        return "thing"
    opener = m.first == m.last and m.key in cues.words("compound_openers")
    organisation = after in cues.words("organisation_words")
    return "other" if toks.capitalised[m.last + 1] and (opener or organisation) else ""


# ---- what the surrounding words say -------------------------------------------------------


def _locate(found: Found) -> None:
    for m in found.mentions:
        m.sentence = index_of(found.sentences, m.start)
        m.paragraph = index_of(found.paragraphs, m.start)
        lead = found.text[found.sentences[m.sentence][0]:m.start]
        m.initial = not lead.strip(" \t\n\"“‘'(«")


def find(text: str, gaz: Gazetteer) -> Found:
    """Every place-name mention in ``text``, with its candidates and local cues."""
    toks = split_words(text)
    found = Found(text, toks, sentences(text), paragraphs(text), links=cues.links(text, toks))
    _match_names(found, gaz)
    found.mentions.extend(actors.capital_mentions(found))
    found.mentions.sort(key=lambda m: m.start)
    frames.annotate(found)
    actors.mark(found)
    _locate(found)
    return found
