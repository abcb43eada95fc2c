"""One event per (type, date, place): an attack told over several regions is cut into one
event per region, and the country-wide wave it belongs to, when the article counts or names one.

Coding rule (shared/eval/README.md): a nationwide wave is one event at the country; a city hit
in it is a further event at the city; a region named only in a list ("Lviv, Kharkiv and Odesa
came under fire") is an event of its own. Kept whole: a salvo from one named launch site, and
one count of weapons over several regions ("six drones downed over four regions").
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sitrep.extract.candidates import Candidate
from sitrep.extract.lexicon import rules
from sitrep.extract.place_cues import cues
from sitrep.model import Figure, Place, Span

Key = tuple[str | None, object]  # (country, region or None for the country as a whole)
COUNTS = ("launched", "intercepted")


def region_key(p: Place) -> Key:
    if p.precision == "country":
        return p.country, None
    region = p.admin1 or p.geonames_id or p.name
    return p.country, rules("split.yaml")["city_regions"].get(region, region)


def _targets(c: Candidate) -> list[Place]:
    return [p for p in c.places if p.role != "origin"]


def _spans(c: Candidate) -> list[Span]:
    return sorted({c.evidence, *c.extra_evidence}, key=lambda s: s.start)


def _inside(p: Place, s: Span) -> bool:
    return p.start is not None and s.start <= p.start < s.end


def _amount_at(f: Figure) -> int | None:
    """Where the figure's words stand in the text (its evidence is the whole sentence)."""
    if f.evidence is None:
        return None
    at = f.evidence.text.find(f.text or "\0")
    return f.evidence.start + (at if at >= 0 else 0)


def _figure_key(f: Figure, c: Candidate, places: list[Place], root: dict[Key, Key]) -> Key | None:
    """The region a figure is counted for: the place nearest it in its sentence, unless that
    place is one of a list of regions (the figure is then the country's); the country when its
    sentence gives only the reach of a wave or scopes the country ("across Ukraine"); else the
    last place of the sentence before it ("Three were killed in Belgorod. Later the toll rose
    to five."); None (the country) when no sentence before names one."""
    at, sent = _amount_at(f), f.evidence
    if at is None or sent is None:
        return None
    here = [p for p in places if _inside(p, sent)]
    near = [p for p in here if not _extent(p, sent)]
    if near:
        nearest = min(near, key=lambda p: abs(p.start - at))
        return None if _listed(nearest, near, sent, root) else region_key(nearest)
    if here or any(_inside(p, sent) and _wide(c, p) for p in _targets(c) if p.precision == "country"):
        return None
    before = [p for p in places if p.start < sent.start and any(_inside(p, s) for s in _spans(c))]
    return region_key(max(before, key=lambda p: p.start)) if before else None


def _extent(p: Place, s: Span) -> bool:
    """ "spanning from Lviv in the west to Kharkiv in the east": the reach of a wave, not a
    place its figures are counted for."""
    before = s.text[max(0, p.start - s.start - 60):p.start - s.start]
    return bool(cues().extent.search(before))


def _listed(p: Place, near: list[Place], s: Span, root: dict[Key, Key]) -> bool:
    """Whether a place is one of a list of places in regions cut apart: a figure next to it
    then counts for them all ("killed 12 people across Lviv, Kharkiv and Odesa"), not for it."""
    def gap(a: Place, b: Place) -> bool:
        return bool(cues().list_gap.fullmatch(s.text, a.end - s.start, b.start - s.start))
    return any(root[region_key(q)] != root[region_key(p)] and (gap(p, q) if p.start < q.start else gap(q, p))
               for q in near if q.end is not None and p.end is not None)


def _find(root: dict[Key, Key], k: Key) -> Key:
    while root[k] != k:
        root[k] = root[root[k]]  # path halving: later finds are short
        k = root[k]
    return k


def _joined(c: Candidate, places: list[Place]) -> dict[Key, Key]:
    """Regions that stay one event: those one count of weapons is given for together (a
    union-find over regions; each region mapped to its group's representative)."""
    root: dict[Key, Key] = {region_key(p): region_key(p) for p in places}
    for f in c.figures:
        if f.kind not in COUNTS or f.evidence is None:
            continue
        keys = list(dict.fromkeys(region_key(p) for p in places if _inside(p, f.evidence)))
        if len(keys) >= 2 and all(k[1] is not None for k in keys):
            for k in keys[1:]:
                root[_find(root, k)] = _find(root, keys[0])
    return {k: _find(root, k) for k in root}


def _wide(c: Candidate, p: Place) -> bool:
    """A country named as the scope of the strikes ("across Ukraine", "other parts of the
    country"), not only as the side attacked."""
    for s in _spans(c):
        if _inside(p, s):
            words = s.text[p.start - s.start:p.end - s.start]
            return bool(cues().wide.search(words))
    return False


def parts(c: Candidate, country_names: dict[str, str]) -> list[Candidate]:
    """The candidate cut into one per region (and one for the country), or itself."""
    places = _targets(c)
    keys = list(dict.fromkeys(region_key(p) for p in places))
    if c.type != "attack" or len(keys) < 2 or len({k[0] for k in keys}) != 1:
        return [c]
    if any(p.role == "origin" and p.precision != "country" for p in c.places):
        return [c]  # a salvo from one launch site, whatever it hit
    below = [p for p in places if p.precision != "country"]
    root = _joined(c, below)
    country = keys[0][0], None
    groups: dict[Key, dict] = {}
    for p in places:
        k = root.get(region_key(p), country)
        groups.setdefault(k, {"places": [], "figures": []})["places"].append(p)
    for f in c.figures:
        k = _figure_key(f, c, below, root)
        groups.setdefault(root.get(k, country) if k else country, {"places": [], "figures": []})["figures"].append(f)
    if len(groups) < 2:
        return [c]
    ordered = sorted(groups.items(), key=_order(c))
    return [_part(c, k, g, i == 0, country_names) for i, (k, g) in enumerate(ordered)]


def _order(c: Candidate) -> Callable[[tuple[Key, dict]], tuple[bool, int]]:
    """The part naming a place of the candidate's own sentence first: it keeps its anchor and
    id; the others are told apart in their ids by their regions."""
    def key(item: tuple[Key, dict]) -> tuple[bool, int]:
        places = item[1]["places"]
        return not any(_inside(p, c.evidence) for p in places), min((p.start or 0 for p in places), default=0)
    return key


def _part(c: Candidate, k: Key, g: dict, first: bool, country_names: dict[str, str]) -> Candidate:
    places: list[Place] = g["places"]
    if not places:  # counts for the country as a whole, with no country named
        places = [Place(country_names.get(k[0] or "", k[0] or ""), k[0], precision="country", role="target")]
    named = [s for s in _spans(c) if any(_inside(p, s) for p in places)]
    named += [f.evidence for f in g["figures"] if f.evidence is not None]
    evidence = min(named, key=lambda s: s.start) if named else c.evidence
    own = [p.start for p in places if p.start is not None] or [a for f in g["figures"] if (a := _amount_at(f))]
    anchor = c.trigger_at if first else min(own, default=c.trigger_at)
    wide = all(p.precision == "country" for p in places)
    origins = tuple(p for p in c.places if p.role == "origin")
    # a figure keeps the source of the report it came from, whatever report it ends up in
    figures = tuple(f if f.claimant else replace(f, claimant=c.claimant) for f in g["figures"])
    return replace(c, places=tuple(places) + origins, figures=figures, evidence=evidence,
                   extra_evidence=tuple(s for s in dict.fromkeys(named) if s != evidence), trigger_at=anchor,
                   scope="country" if wide else "specific", part="" if first else f"{k[0]}|{k[1]}")


def is_wide(c: Candidate) -> bool:
    """A country-wide part that the text itself scopes, or that has counts of its own."""
    return bool(c.figures) or any(_wide(c, p) for p in _targets(c))
