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
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Callable, Iterable, Iterator

from sitrep import dedup, merge
from sitrep.clean import clean
from sitrep.extract import Extractor
from sitrep.geo import Gazetteer, geoparse
from sitrep.model import Article, Mention, RawDocument, Rejection
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
        return self.extractor.extract(article, places)

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


def ingest(paths: Iterable[str], store: Store, extractor: Analysis | None = None,
           hooks: Hooks = Hooks()) -> Summary:
    summary = Summary()
    merger = merge.Merger(store.engine)
    merger.merge_pending()  # what an interrupted run left unmerged
    for batch in _batches(iter_documents(paths), BATCH):
        fresh = [a for a in (_admit(doc, store, summary, hooks) for doc in batch) if a is not None]
        _store_batch(fresh, store, extractor, summary, hooks)
        summary.events += merger.merge_pending().founded
    return summary


def _reject(rej: Rejection, summary: Summary, hooks: Hooks) -> None:
    summary.rejected[rej.reason] += 1
    hooks.on_reject(rej)
    hooks.on_item()


def _admit(doc: RawDocument | Rejection, store: Store, summary: Summary, hooks: Hooks):
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
    if store.has_article(article.id):
        store.add_source(doc.source, raw_digest, article.id)
        summary.present += 1
        hooks.on_item()
        return None
    return article, raw_digest


def _clean(doc: RawDocument) -> Article | Rejection:
    try:
        return clean(doc)
    except Exception as err:  # a bug on one input must not stop the batch: counted, reported
        log.exception("cleaning failed for %s", doc.source)
        return Rejection(doc.source, "internal_error", f"cleaning failed: {type(err).__name__}: {err}")


def _store_batch(fresh: list[tuple[Article, str]], store: Store, extractor: Analysis | None,
                 summary: Summary, hooks: Hooks) -> None:
    seen: set[str] = set()
    unique = [(a, d) for a, d in fresh if not (a.id in seen or seen.add(a.id))]
    summary.present += len(fresh) - len(unique)  # the same text twice within one batch
    prepared: list[NewArticle] = []
    for a, d in unique:
        prepared.append(_with_duplicate(a, d, store, prepared))
    mentions = _extract([p.article for p in prepared], extractor, summary)
    for new, found in zip(prepared, mentions):
        store.add_article(new, found)
        summary.new += 1
        summary.duplicates += new.article.duplicate_of is not None
        summary.mentions += len(found)
        summary.notes.update(n.reason for n in new.article.notes)
        hooks.on_item()


def _with_duplicate(article: Article, raw_digest: str, store: Store, earlier: list[NewArticle]) -> NewArticle:
    """Mark a near-copy of a stored article, or of one earlier in the same batch."""
    sig = dedup.signature(article.text)
    keys = dedup.buckets(sig)
    in_batch = [(n.article.id, n.signature) for n in earlier if set(n.buckets) & set(keys)]
    match = dedup.best_match(sig, store.dedup_candidates(list(keys)) + in_batch)
    if match:
        article = replace(article, duplicate_of=match[0])
    return NewArticle(article=article, digest=raw_digest, signature=sig, buckets=keys)


def _extract(articles: list[Article], extractor: Analysis | None, summary: Summary) -> list[list[Mention]]:
    out: list[list[Mention]] = [[] for _ in articles]
    todo = [i for i, a in enumerate(articles) if a.language in EXTRACTED_LANGUAGES]
    for i, a in enumerate(articles):
        if a.language not in EXTRACTED_LANGUAGES:
            summary.not_extracted[a.language] += 1
    if extractor is None or not todo:
        return out
    for i, found in zip(todo, extractor.extract_many([articles[i] for i in todo])):
        out[i] = found
    return out
