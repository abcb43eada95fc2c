"""Clause-level event candidates: a trigger, and what its clause says about where, when,
with what, how many and according to whom. Merging them into mentions is coalesce.py's job."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache

from sitrep.extract import actors as sides
from sitrep.extract.claimants import Attribution, SpeechWords, claimant_at, in_name_list
from sitrep.extract.figures import Counted, classify, figures
from sitrep.extract.lexicon import Lexicon, Trigger
from sitrep.extract.place_cues import cues
from sitrep.model import Actors, Amount, EventDate, Figure, Place, Span, TimePhrase, Weapon
from sitrep.nlp.scan import word_pattern

AIR = {"missile", "cruise_missile", "ballistic_missile", "rocket", "drone", "aircraft", "bomb", "air_defence_missile"}
# Every break opens on a comma, semicolon, colon or space: written to take that character first
# and tell the kind of break by a lookbehind, so that the regex engine skips ahead to those
# characters instead of trying every alternative at every position. The breaks at a space all
# want one of a few characters after it: tested first, most spaces are passed at once.
_CLAUSE_BREAK = re.compile(
    r"[,;:\s](?:(?<=,)\s+(?=(?:and|but|while|although|though|whereas|which|who|with|including|as|before|after|"
    r"prompting|sparking|causing|saying|adding|leaving|killing)\b)|(?<=;)\s+|(?<=:)\s+(?=[\"“])"
    r"|(?<=\s)(?=[—–\-awbjotf\d])(?:[—–-]\s"
    r"|(?=(?:as|while|because|although|whereas)\s+(?:[A-Z]|the\s|a\s|its\s|his\s))"
    r"|(?<=\bcame\s)(?=as\b)|(?<=\bcome\s)(?=as\b)|(?<=\bcomes\s)(?=as\b)"
    r"|(?=(?:just\s+)?(?:a|one|two|three|four|five|\d+)\s+(?:days?|weeks?)\s+(?:after|before)\b)"
    r"|(?=(?:after|before|following)\s+(?:[A-Z]|the\s|a\s|an\s))))")
_LIST_TAIL = re.compile(r",\s+and\s+[A-Z]\w+(?:\s+(?:also|were|was|had|have|regions?|provinces?|oblasts?|cities))?\b")
_NAME_BEFORE = re.compile(r"[A-Z]\w+,\s+[A-Z]\w+$")
_LEAD_SUBORDINATE = re.compile(r"(?:As|While|When|After|Although|Though|Since|Before|Even as|Amid)\b[^,]{8,}?,\s+")
_TROOPS = re.compile(r"\b(?:troops|forces|soldiers|servicemen|units?|battalions?|brigades?|sabotage groups?|"
                     r"saboteurs|paratroopers|mercenaries|fighters|contingent|warships?|tanks|jets|bombers)\b"
                     r"[^,.;]{0,40}$", re.IGNORECASE)
_LOCATOR_BEFORE = re.compile(r"\b(?:near|outside|close to|not far from|(?:north|south|east|west)(?:-?\w+)? of|"
                             r"(?:km|kilometres|kilometers|miles) (?:from|of))\s+(?:the\s+)?(?:[A-Z]\w+\s+)?"
                             r"(?:(?:city|town|village|region) of\s+)?$", re.IGNORECASE)
_AIRSPACE_OF = re.compile(r"\b(?P<a>[A-Z]\w+)(?:’s|'s) air ?space|\bair ?space of (?:the )?(?P<b>[A-Z]\w+)|"
                          r"\b(?:entered|into|over|crossed) (?P<c>[A-Z]\w+)\b")
_LANDED = re.compile(r"\b(?:missiles?|rockets?|drones?|projectiles?|shells?)\b[^.;]{0,80}?\b(?:landed|fell|crashed|exploded|"
                     r"struck|hit|came down|killed|entered)\b|\b(?:landed|fell|crashed|exploded|came down)\b", re.IGNORECASE)
_AHEAD = re.compile(r"\b(?:starts?|begins?|opens?|will|due|scheduled|expected|planned|next)\s+(?:on\s+)?$", re.IGNORECASE)
NON_ATTACK_PLACE_CUE = re.compile(r"\b(?:in|at|to|into|visit(?:ed|s|ing)?|arriv\w+ (?:in|at))\s+(?:the\s+)?(?:\w+\s+){0,3}$",
                                  re.IGNORECASE)
_DEMONYM_ORIGIN = re.compile(r"\bfrom\s+(?:the\s+)?(?P<who>[A-Z][\w]+)\s+(?:territory|soil|airspace|side)\b")


# Searched in every clause: written to open on their first letters (nlp.scan.word_pattern), once.
@cache
def _the_place_words() -> re.Pattern:
    return word_pattern(r"\b(?:in|near|outside|on|of|at) the (?P<kind>city|town|village|settlement|region|province|oblast)\b",
                        re.IGNORECASE)


@cache
def _continues() -> re.Pattern:
    return word_pattern(r"\b(?:also|as well|too|again|likewise)\b", re.IGNORECASE)


@cache
def _debris() -> re.Pattern:
    return word_pattern(r"\b(?:debris|fragments|wreckage|remains)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    type: str
    subtype: str
    sentence: int
    paragraph: int
    clause: tuple[int, int]
    evidence: Span
    trigger_at: int
    places: tuple[Place, ...] = ()
    scope: str = "none"  # "specific" (a place below the country), "vicinity" (near one), "country", "none"
    weapons: tuple[Weapon, ...] = ()
    figures: tuple[Figure, ...] = ()
    date: EventDate | None = None
    date_how: str = "none"  # text | overnight | relative | context | default | borrowed
    time: str | None = None
    actors: Actors = field(default_factory=Actors)
    claimant: str | None = None
    status: str = "reported"
    anaphoric: bool = False
    background: bool = False
    extra_evidence: tuple[Span, ...] = ()  # sentences of candidates merged into this one
    last_at: int = 0  # the latest trigger merged in: what "the attack" after it points back to
    continues: bool = False  # "Artillery also struck Nikopol": goes on with the event told before
    part: str = ""  # the region a part of an attack cut by region stands for (split.py): in its id


@dataclass(frozen=True)
class Sentence:
    """A sentence with the annotations that fall inside it."""

    index: int
    paragraph: int
    start: int
    end: int
    triggers: list[tuple[int, int, Trigger]]
    weapons: list[tuple[Weapon, int, int]]
    places: list[Place]
    times: list[TimePhrase]
    attributions: list[Attribution]
    speech: SpeechWords  # the speech verbs and introducers in it
    context_places: list[Place] = field(default_factory=list)  # named in the sentences just before


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, pos = [], start
    lead = _LEAD_SUBORDINATE.match(text, start, end)
    if lead:
        spans.append((start, lead.end()))
        pos = lead.end()
    for m in _CLAUSE_BREAK.finditer(text, pos, end):
        if _LIST_TAIL.match(text, m.start()) and _NAME_BEFORE.search(text, pos, m.start()):
            continue  # "Lviv, Kharkov, and Odessa": a list of names, not a new clause
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, end))
    return [(s, e) for s, e in spans if e > s]


def _inside(start: int, end: int, span: tuple[int, int]) -> bool:
    return span[0] <= start and end <= span[1]


def _subtype(found: list[Trigger], weapons: list[Weapon]) -> str:
    explicit = [t.subtype for t in found if t.subtype != "auto"]
    if explicit:
        return explicit[0]
    categories = {w.category for w in weapons}
    if categories & AIR:
        return "air"
    return "ground" if "artillery" in categories else "unknown"


def _satisfied(t: Trigger, at: int, weapons: list, figs: list[Figure], text: str, clause: tuple[int, int],
               places: list[Place]) -> bool:
    if cues().away_from.search(text, max(clause[0], at - 40), at):
        return False  # "far from the fighting": where nothing of the kind happens
    needs = set(t.needs)
    if "place" in needs and not any(p.precision != "country" and _inside(p.start, p.end, clause) for p in places):
        return False
    if "weapon" in needs and not weapons and not any(f.unit != "person" for f in figs):
        return False
    if "casualty" in needs and not any(f.unit == "person" for f in figs):
        return False
    return not ("troops" in needs and not _TROOPS.search(text, max(clause[0], at - 80), at))


def _launch_site(text: str, lo: int, at: int) -> bool:
    """Whether text[lo:at] makes the place at ``at`` a launch site ("fired from the town of")."""
    return bool(cues().origin_before.search(text, lo, at)) and not cues().not_origin.search(text, lo, at)


def _with_roles(places: list[Place], text: str, clause: tuple[int, int], event_type: str) -> tuple[Place, ...]:
    out = []
    for p in places:
        role = p.role
        lo = max(clause[0], p.start - 60) if p.start is not None else 0
        if event_type in ("attack", "incursion") and p.start is not None and _launch_site(text, lo, p.start):
            role = "origin"
        elif event_type in ("attack", "incursion") and (role == "place" or role == "origin" and p.start is not None
                                                         and cues().not_origin.search(text, lo, p.start)):
            role = "target"  # "spanning from Lviv to Kharkiv", "heard from the district": not launch sites
        elif event_type not in ("attack", "incursion") and role == "target":
            role = "place"
        out.append(Place(p.name, p.country, p.admin1, p.lat, p.lon, p.precision, role, p.geonames_id, p.start, p.end))
    return tuple(out)


_EXCEPT = re.compile(r"\b(?:except|excluding|apart from|other than|but not)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_AIMED = re.compile(r"\b(?:attacks?|strikes?|fire[ds]?|firing|missiles?|drones?|rockets?|shell\w*|launch\w*|aimed|"
                    r"barrages?|bombardments?|assaults?|war|aggression|offensive|invasion|raids?)\b[^,.;]{0,25}$", re.IGNORECASE)


def _named_before(text: str, clause: tuple[int, int], pos: int, lex: Lexicon) -> str | None:
    words = [w for w in sides.actor_words(text, max(0, clause[0] - 300), pos, lex) if not w.attacker]
    return words[-1].code if words else None


def _country_place(code: str, name: str, role: str, m: re.Match) -> Place:
    return Place(name=name, country=code, precision="country", role=role, start=m.start(), end=m.end())


def _country_scope(text: str, clause: tuple[int, int], lex: Lexicon, target_side: str | None) -> list[Place]:
    """Country-wide places a clause names: "across Ukraine", "Ukrainian cities", "across the country"."""
    out = []
    for m in _DEMONYM_ORIGIN.finditer(text, *clause):
        code = lex.scope_words.get(m.group("who"))
        if code:
            out.append(_country_place(code, m.group("who"), "origin", m))
    for m in cues().country_scope.finditer(text, *clause):
        word = m.group("c") or m.group("d") or "country"  # "and other cities": the country attacked
        if (m.group("prep") or "").lower() in cues().aimed_preps \
                and not _AIMED.search(text, max(clause[0], m.start() - 40), m.start()):
            continue  # "came out against Russia", "sanctions on Russia": not where anything was aimed
        if m.group("c") and _launch_site(text, max(clause[0], m.start("c") - 60), m.start("c")):
            continue  # "bombers based in Belarus": where they were fired from
        code = lex.scope_words.get(word)
        if word in ("country", "nation"):  # the side attacked, else the country just named
            code = target_side or _named_before(text, clause, m.start(), lex)
        if code and not any(p.start <= m.start() < p.end for p in out):
            out.append(_country_place(code, lex.country_names.get(code, word), "target", m))
    return out


def _date(sent: Sentence, clause: tuple[int, int], text: str, lex: Lexicon, trigger_at: int) -> tuple[EventDate | None, str, str | None]:
    rel = lex.relative_after.search(text, max(sent.start, clause[0] - 20), trigger_at)  # "a day | after X"
    if rel:
        return None, f"relative:{rel.group('n')}", None
    usable = [t for t in sent.times if t.date.source not in ("background", "relative")
              and not _AHEAD.search(text, max(sent.start, t.start - 25), t.start)]
    in_clause = [t for t in usable if _inside(t.start, t.end, clause)]
    chosen = (in_clause or usable or [None])[0]
    if chosen is not None and chosen.date.value is not None:
        return chosen.date, "text", chosen.time
    if chosen is not None:  # a phrase this article alone cannot date ("on Saturday", no publication date)
        return chosen.date, "unresolved", chosen.time
    if lex.overnight.search(text, sent.start, sent.end):
        return None, "overnight", None
    if lex.same_day.search(text, *clause):
        return None, "same_day", None
    if cues().earlier.match(text, clause[0], clause[1]) and cues().came.search(text, max(sent.start, clause[0] - 20),
                                                                                clause[0]):
        return None, "earlier", None  # "His remarks came after Russia launched ...": some time before
    return None, "none", None


def _status(text: str, clause: tuple[int, int], lex: Lexicon, trigger_at: int) -> str:
    """Modality counts where it governs the trigger: the few words before it ("would hit",
    "is scheduled to visit"), not anywhere in the clause ("..., while he could only feel")."""
    before = (max(clause[0], trigger_at - 60), min(clause[1], trigger_at + 1))
    if lex.planned.search(text, *before):
        return "planned"
    return "denied" if lex.denied.search(text, *clause) else "reported"


def _amounts(find_amounts, text: str, clause: tuple[int, int]) -> list[Amount]:
    found = find_amounts(text[clause[0]:clause[1]])
    return [Amount(a.value, a.start + clause[0], a.end + clause[0], a.text, a.qualifier, a.value_max, a.total,
                   a.universal) for a in found]


def _metonym(text: str, p: Place, lex: Lexicon) -> bool:
    """ "Moscow has labelled", "Kyiv's forces": a capital standing for its government."""
    name = text[p.start:p.end]
    return name in lex.country_words and name not in lex.scope_words and bool(cues().metonym_acts.match(text, p.end))


def _attribution_spans(text: str, clause: tuple[int, int], sent: Sentence, lex: Lexicon) -> list[tuple[int, int]]:
    """Stretches that name a source, not a place of the event ("according to a think tank in
    Washington", "the Kyiv city administration said")."""
    said = sent.speech.within(text, clause, lex)
    spans = [(m.start(), clause[1]) for m in said.introducers]
    for m in said.verbs:
        comma = text.rfind(",", clause[0], m.start())
        while comma > clause[0] and in_name_list(text, comma, comma + 1):  # "officials in Lviv, Kharkiv, and Odesa"
            comma = text.rfind(",", clause[0], comma)
        head = max(comma + 1, clause[0])
        if m.start() - head < 60:
            spans.append((head, m.start()))
    return spans


def _the_place(sent: Sentence, clause: tuple[int, int], text: str, named: tuple[Place, ...]) -> tuple[Place, ...]:
    """ "Four people were killed in the city": the city named just before."""
    m = _the_place_words().search(text, *clause)
    if not m or any(p.precision != "country" for p in named):
        return ()
    want = "place" if m.group("kind").lower() in ("city", "town", "village", "settlement") else "admin1"
    found = next((p for p in reversed(sent.context_places) if p.precision == want), None)
    return (replace(found, role="target", start=m.start(), end=m.end()),) if found else ()


def _containers_of_origins(text: str, places: tuple[Place, ...]) -> tuple[Place, ...]:
    """ "from the town of Petrykaw in southern Belarus": the country holding an origin is one too."""
    ends = [p.end for p in places if p.role == "origin" and p.end is not None]
    def holds(p: Place) -> bool:
        return p.role == "target" and p.precision == "country" and p.start is not None and any(
            e <= p.start and not text[e:p.start].strip(" ,") for e in ends)
    return tuple(replace(p, role="origin") if holds(p) else p for p in places)


def _is_locator(text: str, clause: tuple[int, int], p: Place) -> bool:
    """ "near Kyiv", "outside the city of Kharkiv": a reference point, weaker than the place hit."""
    return bool(_LOCATOR_BEFORE.search(text, max(clause[0], p.start - 50), p.start))


def _scope(places: tuple[Place, ...], locators: set[int]) -> str:
    own = [p for p in places if p.role != "origin"]
    if any(p.precision != "country" and p.start not in locators for p in own):
        return "specific"
    return "country" if own else "none"


def _places_for(sent: Sentence, clause: tuple[int, int], text: str, etype: str, lex: Lexicon,
                target_side: str | None) -> tuple[tuple[Place, ...], str]:
    quoted = _attribution_spans(text, clause, sent, lex)
    here = [p for p in sent.places if p.start is not None and _inside(p.start, p.end, clause)
            and not _metonym(text, p, lex) and not _EXCEPT.search(text, max(clause[0], p.start - 30), p.start)]
    named = [p for p in here if not any(s <= p.start < e for s, e in quoted)]
    if not any(p.precision != "country" for p in named):  # "the governor of the Belgorod region said ..."
        named += [p for p in here if p not in named and p.precision != "country"]
    if etype in ("diplomacy", "posture"):  # where it happened, not every place it names
        named = [p for p in named if NON_ATTACK_PLACE_CUE.search(text, max(clause[0], p.start - 40), p.start)]
    else:  # a country named as a whole is an actor unless the clause scopes it ("across Ukraine")
        named = [p for p in named if p.precision != "country" or p.role == "origin"
                 or _launch_site(text, max(clause[0], p.start - 60), p.start)]
    places = _with_roles(named, text, clause, etype)
    if etype in ("attack", "incursion"):
        places += _the_place(sent, clause, text, places) + tuple(_country_scope(text, clause, lex, target_side))
        places = _containers_of_origins(text, places)
    locators = {p.start for p in places if p.start is not None and _is_locator(text, clause, p)}
    # a place that is only a reference point still locates an event that has figures
    scope = _scope(places, locators)
    if scope == "country" and any(p.start in locators for p in places):
        scope = "vicinity"
    if scope == "specific":  # "Cherkasy, 160 km south of Kyiv": Kyiv only locates Cherkasy
        places = tuple(p for p in places if p.start not in locators)
    return places, scope


def _airspace_owner(text: str, clause: tuple[int, int], lex: Lexicon) -> str | None:
    for m in _AIRSPACE_OF.finditer(text, *clause):
        code = lex.scope_words.get(m.group("a") or m.group("b") or m.group("c"))
        if code:
            return code
    return None


def _named_country(text: str, sent: Sentence, lex: Lexicon) -> str | None:
    """The first country a sentence names: what "the country" refers to when no side is known."""
    words = sides.actor_words(text, sent.start, sent.end, lex)
    return next((w.code for w in words if text[w.start:w.end] in lex.scope_words), None)


def attachment(text: str, sent: Sentence, lex: Lexicon) -> Candidate | None:
    """A sentence with no trigger that points back at an event and names where it came down
    ("The remains of the missile were found in the Brest region"): its places join that event."""
    if not sent.places or not lex.anaphora.search(text, sent.start, sent.end):
        return None
    clause = (sent.start, sent.end)
    places = _with_roles(sent.places, text, clause, "attack")
    return Candidate(type="", subtype="", sentence=sent.index, paragraph=sent.paragraph, clause=clause,
                     evidence=Span(sent.start, sent.end, text[sent.start:sent.end]), trigger_at=sent.start,
                     places=places, scope=_scope(places, set()), anaphoric=True)


def _default_place(etype: str, subtype: str, actors: Actors, sent_actors: list, lex: Lexicon) -> tuple[Place, ...]:
    """Diplomacy and posture with no place named happen in a side's country: the host of a
    deployment, the actor otherwise (a summons, a threat, an exercise)."""
    code = actors.initiator
    if subtype == "deployment":
        code = next((w.code for w in sent_actors if w.code != actors.initiator), code)
    if code is None:
        return ()
    return (Place(lex.country_names.get(code, code), code, precision="country", role="place"),)


def _retype(etype: str, subtype: str, places: tuple[Place, ...], actors: Actors, text: str,
            clause: tuple[int, int], lex: Lexicon, defender: str | None, weapons: list[Weapon]) -> tuple[str, str] | None:
    """An interception by, or a strike on a place in, a country not at war is an incursion;
    debris or a stray missile over one of the warring sides is part of the attack."""
    at_war = set(lex.belligerents)
    struck = next((p.country for p in places if p.role == "target" and p.country not in at_war), None)
    if struck and not (_debris().search(text, *clause) or _LANDED.search(text, *clause) or weapons):
        struck = None  # a place named beside an attack ("ahead of a summit in Madrid") was not hit
    target = defender or struck or actors.target
    if etype == "attack" and (defender or struck) and target not in at_war:
        return "incursion", "debris" if _debris().search(text, *clause) else "airspace"
    if etype == "incursion" and subtype in ("airspace", "debris") and target in at_war:
        return None
    return etype, subtype


def _build(etype: str, found: list[Trigger], sent: Sentence, clause: tuple[int, int], text: str,
           lex: Lexicon, figs: list[Figure], weapons: list[Weapon], trigger_at: int,
           background: bool = False) -> Candidate | None:
    span = (sent.start, sent.end) if etype in ("incursion", "posture") else clause
    first = sides.sides(etype, text, span, tuple(p for p in sent.places if _inside(p.start, p.end, clause)), lex)
    # "the country" is the side attacked, else the country of the places the clause names
    local = next((p.country for p in sent.places if _inside(p.start, p.end, clause) and p.precision != "country"), None)
    side = first.target or local or _named_country(text, sent, lex)
    places, scope = _places_for(sent, clause, text, etype, lex, side)
    actors = sides.sides(etype, text, span, places, lex, trigger_at)
    subtype = _subtype(found, weapons)
    defender = next((w.code for w in sides.actor_words(text, *clause, lex) if w.defender), None)
    retyped = _retype(etype, subtype, places, actors, text, clause, lex, defender, weapons)
    if retyped is None:
        return None
    if retyped[0] != etype:
        etype, subtype = retyped
        actors = sides.sides(etype, text, (sent.start, sent.end), places, lex)
    if etype == "incursion" and scope == "none":  # the country whose airspace or soil was entered
        code = _airspace_owner(text, clause, lex) or defender or actors.target or _named_country(text, sent, lex)
        if code:
            places += (Place(lex.country_names.get(code, code), code, precision="country", role="target"),)
            scope, actors = "country", Actors(actors.initiator if actors.initiator != code else None, code)
    if etype == "attack":  # an attack's targets are on one side of the war ("a summit in Bavaria" is not)
        at_war = set(lex.belligerents)
        kept = tuple(p for p in places if p.role == "origin" or p.country in at_war)
        if kept != places:
            places, actors = kept, sides.sides(etype, text, span, kept, lex, trigger_at)
            scope = _scope(places, set()) if scope == "specific" and not any(
                p.precision != "country" and p.role != "origin" for p in places) else scope
    if etype not in ("attack", "incursion") and not places:
        places = _default_place(etype, subtype, actors, sides.actor_words(text, sent.start, sent.end, lex), lex)
        scope = "country" if places else scope
    date, how, time = _date(sent, clause, text, lex, trigger_at)
    if etype == "attack" and how == "text" and actors.target and any(p.role == "origin" for p in places) \
            and not any(p.role == "target" for p in places):  # "on Saturday missiles were fired from Belarus"
        places += (Place(lex.country_names.get(actors.target, actors.target), actors.target, precision="country",
                         role="target"),)
        scope = "country"
    return Candidate(
        type=etype, subtype=subtype, sentence=sent.index, paragraph=sent.paragraph,
        clause=clause, evidence=Span(sent.start, sent.end, text[sent.start:sent.end]), trigger_at=trigger_at,
        places=places, scope=scope, weapons=tuple(dict.fromkeys(weapons)),
        figures=tuple(figs) if etype in ("attack", "incursion") else (),
        date=date, date_how=how, time=time, actors=actors,
        claimant=claimant_at(sent.attributions, trigger_at), status=_status(text, clause, lex, trigger_at),
        anaphoric=bool(lex.anaphora.search(text, *clause)),
        background=background or bool(lex.background.search(text, *clause)), last_at=trigger_at,
        continues=bool(_continues().search(text, *clause)))


def sentence_candidates(text: str, sent: Sentence, lex: Lexicon, find_amounts,
                        antecedent: Counted | None = None) -> tuple[list[Candidate], Counted | None]:
    """The candidates of one sentence, and the last count of weapons in it (the antecedent of
    "18 of them" in a later clause or sentence)."""
    out: list[Candidate] = []
    # "Since the war began, ...": the leading clause makes the whole sentence background
    lead_background = text.startswith("Since ", sent.start)
    for clause in clauses(text, sent.start, sent.end):
        found = sorted(((s, t) for s, e, t in sent.triggers if _inside(s, e, clause)), key=lambda x: x[0])
        weapon_hits = [(w, s, e) for w, s, e in sent.weapons if _inside(s, e, clause)]
        counted = classify(_amounts(find_amounts, text, clause), weapon_hits, text, clause, lex, antecedent)
        antecedent = next((c for c in reversed(counted) if c.unit != "person"), antecedent)
        if not found:
            continue
        claimant = claimant_at(sent.attributions, found[0][0])
        evidence = Span(sent.start, sent.end, text[sent.start:sent.end])
        figs = figures(counted, text, clause, evidence, claimant, lex)
        weapons = [w for w, _, _ in weapon_hits]
        built = []
        for etype in dict.fromkeys(t.type for _, t in found):
            ok = [(s, t) for s, t in found if t.type == etype and _satisfied(t, s, weapons, figs, text, clause, sent.places)]
            c = _build(etype, [t for _, t in ok], sent, clause, text, lex, figs, weapons, ok[0][0], lead_background) if ok else None
            if c is not None:
                built.append(c)
        out.extend(_one_reading(built))
    return _listed_places(text, sent, _inherit_places(out)), antecedent


def _one_reading(built: list[Candidate]) -> list[Candidate]:
    """One clause, one reading where two compete: an incursion describes the strike it is
    part of; troops arriving are a deployment, not a visit."""
    types = {c.type for c in built}
    if "incursion" in types:
        built = [c for c in built if c.type != "attack"]
    if "posture" in types:
        built = [c for c in built if not (c.type == "diplomacy" and c.subtype == "visit")]
    return built


def _listed_places(text: str, sent: Sentence, cands: list[Candidate]) -> list[Candidate]:
    """ "..., where one person died, and the Kharkiv region": a trailing clause with places and
    no trigger of its own adds its places to the candidate before it."""
    if not cands:
        return cands
    last = cands[-1]
    tails = [p for p in sent.places if p.start is not None and p.start > last.clause[1]
             and p.precision != "country" and text[last.clause[1]:p.start].lstrip(" ,").startswith("and ")]
    if last.type in ("attack", "incursion") and tails:
        cands[-1] = replace(last, places=last.places + tuple(replace(p, role="target") for p in tails))
    return cands


def _inherit_places(cands: list[Candidate]) -> list[Candidate]:
    """A clause with no place of its own ("but forces shot down 18 of them") is about the
    places of the clause before it in the same sentence."""
    out: list[Candidate] = []
    for c in cands:
        prev = out[-1] if out else None
        if prev and c.scope == "none" and prev.type == c.type and prev.scope != "none":
            c = replace(c, places=prev.places + c.places, scope=prev.scope)
        out.append(c)
    return out
