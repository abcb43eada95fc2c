"""A run with the analysis on a 2-worker Dask LocalCluster stores exactly what one process does."""
from __future__ import annotations

import itertools
import json

import pytest

from sitrep import service
from sitrep.store import Store


def _contents(store: Store) -> tuple:
    articles = sorted((a["id"], a["duplicate_of"]) for a in store.iter_articles())
    mentions = sorted(json.dumps(m, sort_keys=True) for m in service.iter_export(store, "mentions"))
    events = sorted(json.dumps(e, sort_keys=True) for e in service.iter_export(store, "events"))
    return articles, mentions, events


@pytest.mark.slow
def test_two_dask_workers_store_what_one_process_stores(corpus, tmp_path):
    part = tmp_path / "part.jsonl"
    with open(corpus / "news" / "r2nery-ukraine-media.jsonl", encoding="utf-8") as fh:
        part.write_text("".join(itertools.islice(fh, 1580, 1700)), encoding="utf-8")
    inputs = [str(corpus / "seeds"), str(part)]
    alone, spread = Store(str(tmp_path / "alone.db")), Store(str(tmp_path / "spread.db"))
    one = service.ingest(alone, inputs)
    two = service.ingest(spread, inputs, workers=2)
    assert (one.new, one.mentions, one.events) == (two.new, two.mentions, two.events)
    assert one.mentions > 0
    assert _contents(alone) == _contents(spread)


def _malloc_trim_setting() -> str | None:
    import os
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


@pytest.mark.slow
def test_local_workers_keep_glibc_adaptive_malloc(monkeypatch):
    # Dask's default sets MALLOC_TRIM_THRESHOLD_ for its workers, which made every numpy buffer
    # of a MinHash a fresh mapping (twice the signing time); ours leave glibc's defaults
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    local, client = service._start_local(1)
    try:
        assert list(client.run(_malloc_trim_setting).values()) == [None]
    finally:
        client.close()
        local.close()
