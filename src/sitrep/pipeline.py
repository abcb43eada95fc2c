"""The orchestrator: the one place that knows the order of the stages.

    read -> clean -> (seen?) -> dedup -> extract -> store

Documents stream through in small batches (extraction is faster on batches); every article is
written in one transaction with everything derived from it, so a run killed at any point and
run again ends with exactly the articles of one clean run. Every input that does not become an
article is a Rejection with a reason, counted in the summary.
"""
from __future__ import annotations

import hashlib
import logging
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice
from typing import Callable, Iterable, Iterator

from sitrep import dedup, merge
from sitrep.clean import clean
from sitrep.extract import Extractor
from sitrep.geo import Gazetteer, geoparse
from sitrep.model import Article, Mention, Place, RawDocument, Rejection
from sitrep.read import iter_documents
from sitrep.store import Store
from sitrep.store.articles import NewArticle

log = logging.getLogger(__name__)

BATCH = 32
EXTRACTED_LANGUAGES = {"en"}


class Analysis:
    """Geocoding then extraction: the stages that read an article's content. Loaded once per
    process (the gazetteer and the lexicons), never at import time."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or Gazetteer.open()
        self.extractor = Extractor()

    def mentions(self, article: Article) -> list[Mention]:
        if not self.extractor.worth_reading(article):
            return []  # no event word at all: geocoding it would find places for nothing
        places = geoparse(article.text, self.gazetteer)
        return [self._located(m) for m in self.extractor.extract(article, places)]

    def _located(self, mention: Mention) -> Mention:
        """Countries that extraction named itself ("across Ukraine") get the gazetteer's point."""
        if all(p.lat is not None or p.precision != "country" for p in mention.locations):
            return mention
        return replace(mention, locations=tuple(self._point(p) for p in mention.locations))

    def _point(self, place: Place) -> Place:
        found = self.gazetteer.country(place.country) if place.lat is None and place.country else None
        if found is None or place.precision != "country":
            return place
        return replace(place, lat=found.lat, lon=found.lon, geonames_id=place.geonames_id or found.geonames_id)

    def extract_many(self, articles: list[Article]) -> list[list[Mention]]:
        return [self.mentions(a) for a in articles]


@dataclass
class Summary:
    """What one ingest run did; every input read is counted exactly once."""

    read: int = 0
    new: int = 0
    present: int = 0
    duplicates: int = 0
    not_extracted: Counter = field(default_factory=Counter)  # language -> articles stored only
    rejected: Counter = field(default_factory=Counter)  # reason -> inputs
    notes: Counter = field(default_factory=Counter)  # reason -> repaired inputs
    mentions: int = 0
    events: int = 0  # new events founded by this run's mentions

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def line(self) -> str:
        def by_reason(c: Counter) -> str:
            return f" ({', '.join(f'{k} {v}' for k, v in sorted(c.items()))})" if c else ""
        parts = [f"read {self.read}", f"new {self.new}", f"already present {self.present}",
                 f"duplicates {self.duplicates}", f"rejected {self.rejected_total}{by_reason(self.rejected)}"]
        if self.notes:
            parts.append(f"repaired {sum(self.notes.values())}{by_reason(self.notes)}")
        if self.not_extracted:
            parts.append(f"not extracted {sum(self.not_extracted.values())}{by_reason(self.not_extracted)}")
        parts.append(f"mentions {self.mentions}, new events {self.events}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Hooks:
    """How the caller hears about progress; the pipeline itself prints nothing."""

    on_item: Callable[[], None] = lambda: None
    on_reject: Callable[[Rejection], None] = lambda r: None


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _batches(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class _Done:
    """A result computed on the spot, shaped like a Dask future."""

    def __init__(self, value) -> None:
        self._value = value

    def result(self):
        return self._value


@lru_cache(maxsize=1)
def _worker_analysis() -> Analysis:
    """One Analysis per worker process, made on first use (never at import)."""
    return Analysis()


def analyse_batch(articles: list[Article]) -> list[list[Mention]]:
    """Run on a Dask worker: geocoding and extraction of one batch."""
    return _worker_analysis().extract_many(articles)


def ingest(paths: Iterable[str], store: Store, extractor: Analysis | None = None,
           hooks: Hooks = Hooks(), executor=None, depth: int = 4) -> Summary:
    """Read, clean and store in order; the analysis of each batch runs on ``executor`` (a Dask
    client) when given, a few batches ahead, so the store never waits for it idly."""
    summary = Summary()
    merger = merge.Merger(store.engine)
    in_flight: deque = deque()
    admitted: set[str] = set()  # ids read but not stored yet: a second copy is "present"
    for batch in _batches(iter_documents(paths), BATCH):
        fresh = _unique([a for a in (_admit(doc, store, summary, hooks, admitted) for doc in batch) if a])
        in_flight.append((fresh, _analyse([a for a, _ in fresh], extractor, executor, summary)))
        if len(in_flight) > (depth if executor is not None else 0):
            _finish(*in_flight.popleft(), store, merger, summary, hooks, admitted)
    while in_flight:
        _finish(*in_flight.popleft(), store, merger, summary, hooks, admitted)
    summary.events += merger.merge_pending().founded
    return summary


def _unique(fresh: list[tuple[Article, str]]) -> list[tuple[Article, str]]:
    seen: set[str] = set()
    return [(a, d) for a, d in fresh if not (a.id in seen or seen.add(a.id))]


def _analyse(articles: list[Article], extractor: Analysis | None, executor, summary: Summary):
    todo = [a for a in articles if a.language in EXTRACTED_LANGUAGES]
    summary.not_extracted.update(a.language for a in articles if a.language not in EXTRACTED_LANGUAGES)
    if not todo or (extractor is None and executor is None):
        return _Done({})
    if executor is not None:  # the text as read stays here: the analysis reads only the cleaned text
        future = executor.submit(analyse_batch, [replace(a, raw_text="") for a in todo], pure=False)
    else:
        future = _Done(extractor.extract_many(todo))
    return _Keyed([a.id for a in todo], future)


class _Keyed:
    """A batch's mentions by article id, once the analysis is done."""

    def __init__(self, ids: list[str], future) -> None:
        self.ids, self.future = ids, future

    def result(self) -> dict[str, list[Mention]]:
        return dict(zip(self.ids, self.future.result()))


def _finish(fresh: list[tuple[Article, str]], future, store: Store, merger: merge.Merger,
            summary: Summary, hooks: Hooks, admitted: set[str]) -> None:
    found = future.result()
    prepared: list[NewArticle] = []
    for a, d in fresh:
        prepared.append(_with_duplicate(a, d, store, prepared))
    written = [(new, found.get(new.article.id, [])) for new in prepared]
    store.add_articles(written)  # one transaction a batch
    for new, mentions in written:
        admitted.discard(new.article.id)
        summary.new += 1
        summary.duplicates += new.article.duplicate_of is not None
        summary.mentions += len(mentions)
        summary.notes.update(n.reason for n in new.article.notes)
        hooks.on_item()
    summary.events += merger.merge_due(sum(len(mentions) for _, mentions in written)).founded


def _reject(rej: Rejection, summary: Summary, hooks: Hooks) -> None:
    summary.rejected[rej.reason] += 1
    hooks.on_reject(rej)
    hooks.on_item()


def _admit(doc: RawDocument | Rejection, store: Store, summary: Summary, hooks: Hooks, admitted: set[str]):
    """Read and clean one input; None when it is rejected or already in the store."""
    summary.read += 1
    if isinstance(doc, Rejection):
        _reject(doc, summary, hooks)
        return None
    raw_digest = digest(doc.text)
    if store.article_for_source(doc.source, raw_digest):
        summary.present += 1  # the same source with the same text: skip before cleaning
        hooks.on_item()
        return None
    article = _clean(doc)
    if isinstance(article, Rejection):
        _reject(article, summary, hooks)
        return None
    if article.id in admitted:  # the same text earlier in this run, not stored yet
        summary.present += 1
        hooks.on_item()
        return None
    if store.has_article(article.id):
        store.add_source(doc.source, raw_digest, article.id)
        summary.present += 1
        hooks.on_item()
        return None
    admitted.add(article.id)
    return article, raw_digest


def _clean(doc: RawDocument) -> Article | Rejection:
    try:
        return clean(doc)
    except Exception as err:  # a bug on one input must not stop the batch: counted, reported
        log.exception("cleaning failed for %s", doc.source)
        return Rejection(doc.source, "internal_error", f"cleaning failed: {type(err).__name__}: {err}")


def _with_duplicate(article: Article, raw_digest: str, store: Store, earlier: list[NewArticle]) -> NewArticle:
    """Mark a near-copy of a stored article, or of one earlier in the same batch."""
    sig = dedup.signature(article.text)
    keys = dedup.buckets(sig)
    in_batch = [(n.article.id, n.signature) for n in earlier if set(n.buckets) & set(keys)]
    match = dedup.best_match(sig, store.dedup_candidates(list(keys)) + in_batch)
    if match:
        article = replace(article, duplicate_of=match[0])
    return NewArticle(article=article, digest=raw_digest, signature=sig, buckets=keys)
