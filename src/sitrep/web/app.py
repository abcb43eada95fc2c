"""The REST API: events with filters, one event with its reports, articles, daily counts;
and the web pages drawn from it (``sitrep.web.pages``).

``create_app(db)`` opens the store (a SQLite path or PostgreSQL URL, as ``sitrep --db``) and
returns the app; nothing happens at import. Answers are JSON only: article titles and texts
are untrusted and go out as JSON strings, with ``<``, ``>`` and ``&`` escaped so that no
browser can take any of it for markup.
"""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import FastAPI, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sitrep.store import Store, listing
from sitrep.web import schemas, views
from sitrep.web.assets import Assets
from sitrep.web.pages import add_page_routes
from sitrep.web.params import EventQuery, Filters

log = logging.getLogger(__name__)

# Inside JSON these can only occur in strings, so escaping them changes no value. Replaced one
# by one: str.translate looks every character up in a dict (25 ms for a 200 kB page of events).
_HTML_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
_HEADERS = {"X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}
ID = Annotated[str, Path(min_length=1, max_length=64, description="the record's id")]
NOT_FOUND = {404: {"model": schemas.Problem, "description": "no record with this id"}}

DESCRIPTION = """Source-attributed events from conflict news, read from a sitrep store.

Events are the records `sitrep export events` writes; an event's page adds every report of
it (mention records, with evidence offsets into the article's cleaned text) and why each
was merged. Article texts, titles and outlets come from the news as they were and are
returned as JSON strings only."""


class SafeJSONResponse(JSONResponse):
    """UTF-8 JSON with the characters that could open markup escaped."""

    def render(self, content: Any) -> bytes:
        text = content if isinstance(content, views.JSONText) else listing.dumps(content)
        for char, escaped in _HTML_SAFE:
            text = text.replace(char, escaped)
        return text.encode("utf-8")


def _answer(content: Any, status_code: int = 200) -> SafeJSONResponse:
    return SafeJSONResponse(content, status_code=status_code, headers=_HEADERS)


def _not_found(what: str, key: str) -> SafeJSONResponse:
    return _answer({"detail": f"no {what} with id {key!r}"}, status_code=404)


def _add_error_handlers(app: FastAPI) -> None:
    async def invalid(_request: Request, exc: RequestValidationError) -> SafeJSONResponse:
        return _answer({"detail": jsonable_encoder(exc.errors())}, status_code=422)

    async def http_error(_request: Request, exc: StarletteHTTPException) -> SafeJSONResponse:
        return _answer({"detail": exc.detail}, status_code=exc.status_code)

    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)


def _add_event_routes(app: FastAPI, store: Store) -> None:
    @app.get("/api/events", response_model=schemas.EventPage, tags=["events"], summary="Events, filtered and paged")
    def list_events(params: Annotated[EventQuery, Query()]) -> SafeJSONResponse:
        """Events matching every filter given, `limit` at a time from `offset`, in `sort` order;
        `total` counts them on all pages, exactly up to 10,000: beyond that `total` is 10,000,
        `total_exact` is false and the count is a lower bound (page on until a page comes back
        short to read them all). Each event lists at most its first 20 mention ids (and their
        merge reasons), with `n_mentions` counting them all; locations, weapons, figures and
        sources come from every mention, and `/api/events/{id}` gives them all."""
        return _answer(views.search_events(store, params.to_filter(), params.sort, params.limit, params.offset))

    @app.get("/api/events/{event_id}", response_model=schemas.EventDetail, responses=NOT_FOUND, tags=["events"],
             summary="One event with its reports")
    def get_event(event_id: ID) -> SafeJSONResponse:
        """The event record, every mention of it (one per reporting article, with the evidence
        sentences and their offsets) and why each mention was merged into it."""
        found = views.event_detail(store, event_id)
        return _answer(found) if found is not None else _not_found("event", event_id)


def _add_other_routes(app: FastAPI, store: Store) -> None:
    kept = views.StatsKept()  # answers of /api/stats while the daily totals stay as they were

    @app.get("/api/articles/{article_id}", response_model=schemas.Article, responses=NOT_FOUND, tags=["articles"],
             summary="One article with its cleaned text")
    def get_article(article_id: ID) -> SafeJSONResponse:
        """The article record as `sitrep export articles` writes it, its cleaned text (which
        evidence offsets point into) and the mentions found in it."""
        found = views.article_detail(store, article_id)
        return _answer(found) if found is not None else _not_found("article", article_id)

    @app.get("/api/stats", response_model=schemas.Stats, tags=["stats"], summary="Daily counts")
    def get_stats(params: Annotated[Filters, Query()]) -> SafeJSONResponse:
        """Over the events matching the filters: `events` counts them per day and type;
        `weapons` gives, per day and weapon category, how many were launched and how many
        intercepted. For each event, kind and category the largest value any claim gives is
        taken (claims are never averaged; a syndicated copy is not a second claim), and these
        are summed over the day's events. Missile kinds count together as `missile`. A day is
        the event's date, or the first day of its range; `day` is null for events dated to a
        month or not at all."""
        return _answer(views.stats(store, params.to_filter(), kept))


def _one_process(dbapi_conn, _record) -> None:
    """PostgreSQL: no parallel workers for the API's queries. A page reads tens of rows; starting
    workers for it (which PostgreSQL plans for a semi-join walked in date order) cost 10-20 ms
    before the first row on a busy machine, more than the workers saved."""
    cur = dbapi_conn.cursor()
    cur.execute("SET max_parallel_workers_per_gather = 0")
    cur.close()
    dbapi_conn.commit()  # psycopg opened a transaction for the SET; the setting is the session's


def create_app(db: str | None = None, assets: Assets | None = None) -> FastAPI:
    """The API and the pages over the store at ``db`` (default: ``$SITREP_DB`` or ./sitrep.db),
    the pages' browser files from ``assets`` (default: ``$SITREP_ASSETS`` or ./node_modules)."""
    assets = assets or Assets.locate()
    store = Store(db)
    if store.dialect == "postgresql":
        sa.event.listen(store.engine, "connect", _one_process)
        store.engine.dispose()  # the connection that opened the store has not had it

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        store.close()

    # The stock docs pages load Swagger UI and ReDoc from a CDN; ours is served locally (pages.py).
    app = FastAPI(title="sitrep", description=DESCRIPTION, version="1", lifespan=lifespan,
                  default_response_class=SafeJSONResponse, docs_url=None, redoc_url=None)
    app.state.store = store
    _add_error_handlers(app)
    _add_event_routes(app, store)
    _add_other_routes(app, store)
    add_page_routes(app, store, assets)
    return app


def serve(db: str | None = None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the API and the pages with uvicorn until interrupted; the map is at /, docs at /docs."""
    import uvicorn  # only the server needs it

    assets = Assets.locate()
    app = create_app(db, assets)
    missing = assets.missing()
    if missing:
        log.warning("the web page's browser files are missing (%s): run `npm ci --no-audit --no-fund` in the "
                    "repository, or set SITREP_ASSETS to a node_modules folder; the JSON API works without them",
                    ", ".join(missing))
    uvicorn.run(app, host=host, port=port)
