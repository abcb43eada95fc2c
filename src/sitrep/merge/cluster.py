"""Placing mentions into events in memory, in one canonical order. Matching only: the store
reads and writes happen in merge/__init__.py.

An event is re-formed from its reports: its ``id`` is chosen when it is written.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from sitrep.merge.match import SIDES, Report, Verdict, judge_report, possible, sides_clash
from sitrep.store.events import LONGEST, date_span

PRECISE = {"day": 0, "range": 1, "month": 2, "unknown": 3}
WINDOW_DAYS = 2  # as far as the store's candidate query looks
INDEXED = ("admin1", "country")  # the location fields the index looks clusters up by


@dataclass(eq=False)  # one cluster is itself only: index buckets remove it by identity
class Cluster:
    event: dict  # type, subtype, date, date_precision
    members: list[dict] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)  # of its members, as judge compares them
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # mention id -> how it joined
    id: str | None = None
    order: int = 0  # when it was founded: ties are settled by it, never by memory or hashing
    # of its members, kept as they join: a placement asks them of every cluster near a mention
    articles: set[str] = field(default_factory=set)
    # countries of their target places (Places.countries): every place score needs one in common
    countries: set[str | None] = field(default_factory=set)
    sides: dict[str, set[str]] = field(default_factory=lambda: {key: set() for key in SIDES})  # match.named_sides
    keys: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in INDEXED})  # _keys, for the index

    def add(self, r: Report, verdict: Verdict) -> None:
        m = r.mention
        self.members.append(m)
        self.reports.append(r)
        self.verdicts[m["id"]] = verdict
        self.articles.add(m["article_id"])
        self.countries |= r.places.countries
        for key in SIDES:
            if m[key]:
                self.sides[key].add(m[key])
        for f in INDEXED:
            self.keys[f] |= _keys(m, f)
        redated = better_date(self.event, m)
        if redated:
            self.event.update(date=m["date"], date_precision=m["date_precision"])
        if self.event["date"]:
            for x in self.members if redated else [m]:  # undated reports borrow the event's date
                if not x["date"] or x["date_source"] == "borrowed":
                    x.update(date=self.event["date"], date_precision=self.event["date_precision"],
                             date_source="borrowed")


def better_date(event: dict, m: dict) -> bool:
    if not m["date"] or m["date_source"] == "borrowed":
        return False
    if not event["date"]:
        return True
    return PRECISE.get(m["date_precision"], 3) < PRECISE.get(event["date_precision"], 3)


def undate(m: dict) -> dict:
    """A mention as its article dated it: a borrowed date is the event's, not the report's."""
    if m["date_source"] != "borrowed":
        return m
    return {**m, "date": None, "date_precision": "unknown", "date_source": "none"}


def _keys(m: dict, field: str) -> set[str]:
    return {loc[field] for loc in m["locations"] if loc[field]}


class Index:
    """The clusters of one type by day and by region and country: a mention is compared with
    the clusters that the store's candidate query (store/events.py) would give it, so that
    what is formed in memory and what is found in the store agree."""

    def __init__(self) -> None:
        # sets, not lists: a cluster is taken out of its buckets each time it grows, and a
        # country's bucket holds thousands; ``near`` sorts what it finds
        self.by_day: dict[tuple[str, int], set[Cluster]] = defaultdict(set)
        self.by_place: dict[tuple[str, str, str], set[Cluster]] = defaultdict(set)
        self.undated: dict[tuple[str, str], set[Cluster]] = defaultdict(set)  # by region
        self._where: dict[int, list[set[Cluster]]] = defaultdict(list)

    def put(self, c: Cluster) -> None:
        for bucket in self._where.pop(id(c), []):
            bucket.discard(c)
        kind, span = c.event["type"], date_span(c.event["date"])
        regions = c.keys["admin1"]
        buckets = [self.by_place[(kind, "admin1", k)] for k in regions]
        buckets += [self.by_place[(kind, "country", k)] for k in c.keys["country"]]
        if not c.event["date"]:
            buckets += [self.undated[(kind, k)] for k in regions]
        if span is not None and span[1] - span[0] <= LONGEST:
            buckets += [self.by_day[(kind, d)] for d in range(span[0], span[1] + 1)]
        for bucket in buckets:
            bucket.add(c)
        self._where[id(c)] = buckets

    def near(self, m: dict) -> list[Cluster]:
        kind, span = m["type"], date_span(m["date"])
        found: set[Cluster] = set()
        if span is None:
            for f in ("admin1", "country"):
                for k in _keys(m, f):
                    found.update(self.by_place.get((kind, f, k), ()))
        else:
            if span[1] - span[0] <= LONGEST:
                for d in range(span[0] - WINDOW_DAYS, span[1] + WINDOW_DAYS + 1):
                    found.update(self.by_day.get((kind, d), ()))
            for k in _keys(m, "admin1"):
                found.update(self.undated.get((kind, k), ()))
        return sorted(found, key=lambda c: c.order)


@dataclass
class Placer:
    """Greedy placement in the order given: each mention joins the best-judged cluster it may
    join, or founds one. ``barred(m)`` gives the mentions ``m`` must never be put with."""

    barred: Callable[[dict], set[str]]
    index: Index = field(default_factory=Index)
    clusters: list[Cluster] = field(default_factory=list)

    def place_all(self, mentions: Iterable[dict]) -> list[Cluster]:
        for m in mentions:
            self.place(m)
        return self.clusters

    def place(self, m: dict) -> None:
        r = Report.of(m)
        best = self._best(r)
        if best is None:
            best = (Cluster(event={k: m[k] for k in ("type", "subtype", "date", "date_precision")},
                            order=len(self.clusters)), Verdict(1.0, "founded the event"))
            self.clusters.append(best[0])
        best[0].add(r, best[1])
        self.index.put(best[0])

    def _best(self, r: Report) -> tuple[Cluster, Verdict] | None:
        m = r.mention
        bar, countries = self.barred(m), r.places.countries
        best: tuple[Cluster, Verdict] | None = None
        for c in self.index.near(m):
            if m["article_id"] in c.articles or (bar and not bar.isdisjoint(c.verdicts)):
                continue  # one article reports one event once: its other mentions are other events
            if countries.isdisjoint(c.countries) or not possible(m, c.event) or sides_clash(m, c.sides):
                continue  # judge would refuse it: no place in common, dates too far apart, other sides
            verdict = judge_report(r, c.event, c.reports)
            if verdict and (best is None or verdict.score > best[1].score):
                best = (c, verdict)
        return best
