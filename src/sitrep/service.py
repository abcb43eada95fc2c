"""The functions the CLI, the API and the web page all call."""
from __future__ import annotations

import json
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import IO, Iterable

import sqlalchemy.exc

from sitrep import merge, pipeline
from sitrep.export import records, show
from sitrep.export.writers import WRITERS
from sitrep.merge.claims import figure_claims
from sitrep.store import Store

EXPORTABLE = ("articles", "mentions", "events")


class StoreUnavailable(Exception):
    """The database cannot be reached or used (wrong URL, server down, wrong encoding)."""


def open_store(db: str | None = None) -> Store:
    try:
        return Store(db)
    except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.ArgumentError, ValueError) as err:
        raise StoreUnavailable(str(err).splitlines()[0]) from err


def sample_dir() -> Path:
    """The sample articles shipped with the package (written for sitrep from reported facts)."""
    return Path(str(resources.files("sitrep") / "data" / "samples"))


def ingest(store: Store, paths: Iterable[str], hooks: pipeline.Hooks = pipeline.Hooks(),
           analysis: pipeline.Analysis | None = None, workers: int | None = None,
           cluster: str | None = None) -> pipeline.Summary:
    """Ingest in this process, or with the analysis on Dask workers: a local cluster of
    ``workers`` processes, or an existing cluster at ``cluster`` (tcp://host:8786)."""
    if not workers and not cluster:
        return pipeline.ingest(paths, store, extractor=analysis or pipeline.Analysis(), hooks=hooks)
    if cluster:
        with _remote_client(cluster) as client:
            depth = 2 * max(1, len(client.scheduler_info()["workers"]))
            return pipeline.ingest(paths, store, hooks=hooks, executor=client, depth=depth)
    with _Local(workers or 1) as executor:
        return pipeline.ingest(paths, store, hooks=hooks, executor=executor, depth=2 * max(1, workers or 1),
                               on_prepared=executor.close_soon)  # the cluster goes while the merge runs


@contextmanager
def _remote_client(cluster: str):
    from dask.distributed import Client  # heavy: only for distributed runs

    logging.getLogger("distributed").setLevel(logging.WARNING)  # its INFO chatter is not ours
    with Client(cluster) as client:
        yield client


# What a local cluster does on its own clock, for dashboards and clusters of many machines we
# do not have. The workers' sampling profiler walked the stack every 10 ms (~8 % of an ingest's
# wall time on 2 cores); the rest, ticks every 20 ms, system and memory monitors and work
# stealing, cost an idle 2-worker cluster 0.12 s of CPU a second (0.02 s with these settings).
# Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which turns off glibc's adaptive mmap
# threshold: every buffer over 128 KB (each MinHash's numpy arrays) was mapped and faulted in
# afresh, ~400 page faults an article, and signing took twice as long as in this process.
_QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,  # one thread a worker, tasks queued at the scheduler
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,  # None: not set
}


def _start_local(workers: int):
    import dask  # heavy: only for distributed runs
    from dask.distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.WARNING)  # its INFO chatter is not ours
    with dask.config.set(_QUIET_CLUSTER):  # the config goes with the workers
        local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                             dashboard_address=None, silence_logs=logging.WARNING)
    try:
        return local, Client(local)
    except BaseException:
        local.close()
        raise


class _Local:
    """A local cluster and its client, as an executor; up before the first batch goes out. The
    ingesting process waits for it (~2 s) rather than analysing the first batches itself
    meanwhile: that work shared the GIL with the cluster's start and delayed the workers by as
    much again. ``close_soon`` closes it in the background once nothing more will be submitted
    (the merge runs meanwhile); leaving the ``with`` block waits for that."""

    def __init__(self, workers: int) -> None:
        self.cluster, self.client = _start_local(workers)
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._closing: Future | None = None

    def __enter__(self) -> _Local:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def submit(self, fn, *args, **kwargs):
        return self.client.submit(fn, *args, **kwargs)

    def close_soon(self) -> None:
        if self._closing is None:
            self._closing = self._pool.submit(self._close)

    def close(self) -> None:
        self.close_soon()
        try:
            self._closing.result()
        finally:
            self._pool.shutdown()

    def _close(self) -> None:
        try:
            self.client.close()
        finally:
            self.cluster.close()  # its worker processes go even if the client's close failed


def iter_export(store: Store, what: str) -> Iterable[dict]:
    if what == "articles":
        return (records.article_record(row) for row in store.iter_articles())
    if what == "mentions":
        return records.mention_records(store.iter_mentions(), store.get_article)
    if what == "events":
        return (_event(*row) for row in store.iter_events())
    raise ValueError(f"cannot export {what!r}: choose one of {', '.join(EXPORTABLE)}")


def export(store: Store, what: str, fmt: str, out: IO[str]) -> int:
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(WRITERS)}")
    if fmt == "acled" and what != "events":
        raise ValueError("the ACLED format is for events: sitrep export events --format acled")
    return WRITERS[fmt](iter_export(store, what), out)


def _event(event: dict, members: list[dict], roots: dict, reasons: list[dict]) -> dict:
    claims = figure_claims(members, {a: r[0] for a, r in roots.items()})
    return records.event_record(event, members, roots, claims, reasons)


def get_event(store: Store, event_id: str) -> dict | None:
    row = store.get_event(event_id)
    return _event(*row) if row else None


def serve(db: str | None = None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """The REST API over HTTP until interrupted (docs at /docs)."""
    from sitrep.web.app import serve as run  # FastAPI and uvicorn: only for the server

    run(db, host, port)


def show_event(store: Store, event_id: str) -> str | None:
    row = store.get_event(event_id)
    if row is None:
        return None
    return show.render(_event(*row), row[1], store.get_article)


def unmerge(store: Store, mention_id: str) -> str | None:
    """Take a mention out of its event for good; returns the event it left."""
    left, _ = merge.unmerge(store.engine, mention_id)
    return left


def geoparse_documents(lines: Iterable[str], gazetteer=None) -> Iterable[dict]:
    """Places in text: JSON Lines records ``{"id", "text", "date"}`` (one result per record) or,
    when the input is not JSON Lines, the whole input as one plain-text document."""
    from sitrep.geo import Gazetteer, geoparse

    gaz = gazetteer or Gazetteer.open()
    for doc_id, text, error in _documents(lines):
        if error:
            yield {"id": doc_id, "error": error, "places": []}
        else:
            yield {"id": doc_id, "places": [_place_json(p) for p in geoparse(text, gaz)]}


def _documents(lines: Iterable[str]) -> Iterable[tuple[object, str, str | None]]:
    """(id, text, error): a bad record gets its error and the others go on."""
    it = iter(lines)
    first = next(it, "")
    if not first.lstrip().startswith("{"):
        yield None, first + "".join(it), None
        return
    for n, line in enumerate(_chain(first, it), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            yield n, "", f"line {n}: not JSON ({err.msg} at column {err.colno})"
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            yield n, "", f'line {n}: a record needs a "text" string'
            continue
        yield rec.get("id", n), rec["text"], None


def _chain(first: str, rest) -> Iterable[str]:
    yield first
    yield from rest


def _place_json(p) -> dict:
    return {"name": p.name, "country": p.country, "admin1": p.admin1, "lat": p.lat, "lon": p.lon,
            "precision": p.precision, "role": p.role, "geonames_id": p.geonames_id, "start": p.start, "end": p.end}
