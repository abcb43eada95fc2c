"""The orchestrator: the one place that knows the order of the stages.

    read -> (seen?) -> clean -> MinHash -> geocode + extract -> (stored? near-copy?) -> store

The middle stages need no store and run on Dask workers when there are some; the stages that
ask the store run here, in input order, one query per batch each.

Documents stream through in small batches (extraction is faster on batches); every article is
written in one transaction with everything derived from it, so a run killed at any point and
run again ends with exactly the articles of one clean run. Every input that does not become an
article is a Rejection with a reason, counted in the summary.
"""
from __future__ import annotations

import gc
import hashlib
import logging
from collections import Counter, deque
from contextlib import contextmanager
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
GROUP = 8  # batches a transaction (~3 s of an ingest): a commit costs ~10 ms of CPU on SQLite
EXTRACTED_LANGUAGES = {"en"}
GC_YOUNG = 20_000  # new objects between collections of the youngest generation (Python: 700)


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


class Done:
    """A result computed on the spot, shaped like a Dask future."""

    def __init__(self, value) -> None:
        self._value = value

    def result(self):
        return self._value


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document after the work that needs no store: cleaned (or rejected), its MinHash
    signature and buckets, its mentions. Made on a Dask worker when there is one; the text
    as read stays in the ingesting process (``raw_text`` is empty here)."""

    article: Article | Rejection
    signature: bytes = b""
    buckets: tuple[tuple[int, str], ...] = ()
    mentions: tuple[Mention, ...] = ()


def prepare(doc: RawDocument, analysis: Analysis | None) -> Prepared:
    """Clean, sign and (for the languages extraction reads, with an analysis) analyse."""
    article = _clean(doc)
    if isinstance(article, Rejection):
        return Prepared(article)
    sig = dedup.signature(article.text)
    read = analysis is not None and article.language in EXTRACTED_LANGUAGES
    mentions = tuple(analysis.mentions(article)) if read else ()
    return Prepared(replace(article, raw_text=""), sig, dedup.buckets(sig), mentions)


@lru_cache(maxsize=1)
def _worker_analysis() -> Analysis:
    """One Analysis per worker process, made on first use (never at import)."""
    return Analysis()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's collector looks for cycles every 700 new objects; an ingest makes millions of
    short-lived ones (tokens, spans, rows) in few cycles, and those collections took ~5 % of a
    worker's time and ~10 % of the ingesting process's. Every GC_YOUNG instead, while it runs."""
    before = gc.get_threshold()
    gc.set_threshold(max(GC_YOUNG, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def prepare_batch(docs: list[RawDocument]) -> list[Prepared]:
    """Run on a Dask worker: cleaning, MinHash and the analysis of one batch."""
    analysis = _worker_analysis()
    with _fewer_collections():
        return [prepare(doc, analysis) for doc in docs]


def ingest(paths: Iterable[str], store: Store, extractor: Analysis | None = None,
           hooks: Hooks = Hooks(), executor=None, depth: int = 4,
           on_prepared: Callable[[], None] = lambda: None) -> Summary:
    """Read and store in order; each batch's cleaning and analysis run on ``executor`` (a
    Dask client) when given, a few batches ahead, so the store never waits for them idly.
    Everything that needs the store (seen before? a near-copy of what?) is decided here, in
    input order, when the batch is written."""
    summary = Summary()
    merger = merge.Merger(store.engine)
    in_flight: deque = deque()
    with _fewer_collections():
        with store.together() as commit:
            writes = _Writes(store, merger, commit, summary, hooks)
            for batch in _batches(iter_documents(paths), BATCH):
                docs = _unseen(batch, store, summary, hooks)
                in_flight.append((docs, _prepare([doc for doc, _ in docs], extractor, executor)))
                if len(in_flight) > (depth if executor is not None else 0):
                    writes.finish(*in_flight.popleft())
            while in_flight:
                writes.finish(*in_flight.popleft())
        on_prepared()  # the executor is no longer needed
        summary.events += merger.merge_pending().founded
    return summary


def _unseen(batch: list, store: Store, summary: Summary, hooks: Hooks) -> list[tuple[RawDocument, str]]:
    """The documents of a batch to prepare, with their raw digests: rejections are counted,
    and a source read before with the same text is skipped before any cleaning."""
    docs = []
    for doc in batch:
        summary.read += 1
        if isinstance(doc, Rejection):
            _reject(doc, summary, hooks)
        else:
            docs.append((doc, digest(doc.text)))
    seen = store.seen_sources([(doc.source, d) for doc, d in docs])
    for _ in range(sum((doc.source, d) in seen for doc, d in docs)):
        _present(summary, hooks)
    return [(doc, d) for doc, d in docs if (doc.source, d) not in seen]


def _prepare(docs: list[RawDocument], extractor: Analysis | None, executor):
    if not docs:
        return Done([])
    if executor is not None:
        return executor.submit(prepare_batch, docs, pure=False)
    return Done([prepare(doc, extractor) for doc in docs])


def _present(summary: Summary, hooks: Hooks) -> None:
    summary.present += 1
    hooks.on_item()


class _Writes:
    """Batches are written ``GROUP`` to a transaction, each batch whole: a run killed part-way
    and run again still ends with the articles of one clean run. What is not committed yet is
    committed before a merge, which writes through a connection of its own."""

    def __init__(self, store: Store, merger: merge.Merger, commit: Callable[[], None],
                 summary: Summary, hooks: Hooks) -> None:
        self.store, self.merger, self.commit, self.summary, self.hooks = store, merger, commit, summary, hooks
        self.batches = 0

    def finish(self, docs: list[tuple[RawDocument, str]], future) -> None:
        added = _finish(docs, future, self.store, self.summary, self.hooks)
        self.batches += 1
        due = self.merger.due(added)
        if due or self.batches % GROUP == 0:
            self.commit()
        if due:
            self.summary.events += self.merger.merge_pending().founded


def _finish(docs: list[tuple[RawDocument, str]], future, store: Store, summary: Summary, hooks: Hooks) -> int:
    """Store a batch; the number of mentions written."""
    fresh, again = _sort_out(docs, future.result(), store, summary, hooks)
    candidates = store.dedup_candidates_many([p.buckets for _, _, p in fresh])
    written: list[tuple[NewArticle, list[Mention]]] = []
    for (article, raw_digest, p), stored_like in zip(fresh, candidates):
        new = _with_duplicate(article, raw_digest, p, stored_like, [n for n, _ in written])
        written.append((new, list(p.mentions)))
    store.add_articles(written)  # one transaction a batch
    for source, raw_digest, article_id in again:  # the same text from another source
        store.add_source(source, raw_digest, article_id)
    for new, mentions in written:
        summary.new += 1
        summary.duplicates += new.article.duplicate_of is not None
        summary.mentions += len(mentions)
        summary.notes.update(n.reason for n in new.article.notes)
        hooks.on_item()
    return sum(len(mentions) for _, mentions in written)


def _sort_out(docs: list[tuple[RawDocument, str]], prepared: list[Prepared], store: Store,
              summary: Summary, hooks: Hooks) -> tuple[list, list]:
    """The batch's new articles (with the text as read put back), and the sources whose text
    is an article already stored or earlier in the batch; rejections are counted."""
    stored = store.existing_articles({p.article.id for p in prepared if isinstance(p.article, Article)})
    fresh, again, taken = [], [], set()
    for (doc, raw_digest), p in zip(docs, prepared):
        if isinstance(p.article, Rejection):
            _reject(p.article, summary, hooks)
        elif p.article.id in stored or p.article.id in taken:
            again.append((doc.source, raw_digest, p.article.id))
            _present(summary, hooks)
        else:
            taken.add(p.article.id)
            if p.article.language not in EXTRACTED_LANGUAGES:
                summary.not_extracted[p.article.language] += 1
            fresh.append((replace(p.article, raw_text=doc.text), raw_digest, p))
    return fresh, again


def _reject(rej: Rejection, summary: Summary, hooks: Hooks) -> None:
    summary.rejected[rej.reason] += 1
    hooks.on_reject(rej)
    hooks.on_item()


def _clean(doc: RawDocument) -> Article | Rejection:
    try:
        return clean(doc)
    except Exception as err:  # a bug on one input must not stop the batch: counted, reported
        log.exception("cleaning failed for %s", doc.source)
        return Rejection(doc.source, "internal_error", f"cleaning failed: {type(err).__name__}: {err}")


def _with_duplicate(article: Article, raw_digest: str, p: Prepared,
                    stored_like: list[tuple[str, bytes]], earlier: list[NewArticle]) -> NewArticle:
    """Mark a near-copy of a stored article, or of one earlier in the same batch."""
    keys = set(p.buckets)
    in_batch = [(n.article.id, n.signature) for n in earlier if not keys.isdisjoint(n.buckets)]
    match = dedup.best_match(p.signature, stored_like + in_batch)
    if match:
        article = replace(article, duplicate_of=match[0])
    return NewArticle(article=article, digest=raw_digest, signature=p.signature, buckets=p.buckets)
