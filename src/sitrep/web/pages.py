"""The HTML pages: a map with a timeline and filters at ``/``, one event at ``/events/{id}``,
and the API docs at ``/docs``. Each page is a fixed shell from ``static/``: it holds no data,
and its scripts draw everything from the JSON API (its "JSON twin"), setting untrusted text
only as text. The pages forbid inline scripts and eval through their Content-Security-Policy,
so that markup smuggled into an article could not run even if it reached the DOM.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, Response

from sitrep.store import Store
from sitrep.web.assets import Assets, media_type, own_file

_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_PAGE_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                 "Cache-Control": "no-cache"}
EVENT_ID = Annotated[str, PathParam(min_length=1, max_length=64)]


def _page(name: str) -> Response:
    """A page shell; Swagger UI (/docs) runs under the same policy as ours: it only fetches
    /openapi.json and the API, and sets styles through the DOM, which style-src allows."""
    path = own_file(name)
    assert path is not None, f"{name} is not one of the page shells"
    return HTMLResponse(path.read_text(encoding="utf-8"), headers=_PAGE_HEADERS | {"Content-Security-Policy": _CSP})


def missing_assets_page(assets: Assets) -> Response:
    """What a page answers while `npm ci` has not been run: what to do, and the API still works."""
    where = html.escape(str(assets.root))
    missing = "".join(f"<li><code>{html.escape(rel)}</code></li>" for rel in assets.missing())
    body = ("<!doctype html><html lang=en><meta charset=utf-8><title>sitrep: web assets missing</title>"
            "<h1>The map's browser files are not installed</h1>"
            "<p>Run <code>npm ci --no-audit --no-fund</code> in the sitrep repository (it installs them into "
            f"<code>node_modules/</code>), or set <code>SITREP_ASSETS</code> to a node_modules folder "
            f"that has them. Looked in <code>{where}</code>; missing:</p><ul>{missing}</ul>"
            "<p>The JSON API works without them: <a href=/api/events>/api/events</a>, "
            "<a href=/api/stats>/api/stats</a>, <a href=/openapi.json>/openapi.json</a>.</p></html>")
    return HTMLResponse(body, status_code=503, headers=_PAGE_HEADERS | {"Content-Security-Policy": _CSP})


def _not_found_page(what: str) -> Response:
    body = ("<!doctype html><html lang=en><meta charset=utf-8><title>sitrep: not found</title>"
            f"<h1>Not found</h1><p>{html.escape(what)}</p><p><a href=/>The map</a></p></html>")
    return HTMLResponse(body, status_code=404, headers=_PAGE_HEADERS | {"Content-Security-Policy": _CSP})


def _file(path: Path, cache: str) -> Response:
    return FileResponse(path, media_type=media_type(path),
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": cache})


def add_page_routes(app: FastAPI, store: Store, assets: Assets) -> None:
    """The HTML pages and the files they load, none of them in the OpenAPI schema."""

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        return missing_assets_page(assets) if assets.missing() else _page("index.html")

    @app.get("/events/{event_id}", include_in_schema=False)
    def event_page(event_id: EVENT_ID) -> Response:
        # needs none of the npm files: served with or without them
        if store.get_event(event_id) is None:
            return _not_found_page(f"There is no event with id {event_id!r}.")
        return _page("event.html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return missing_assets_page(assets) if assets.missing() else _page("docs.html")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        path = own_file(name)
        return _file(path, "no-cache") if path is not None else _not_found_page(f"No file {name!r}.")

    @app.get("/assets/{name}", include_in_schema=False)
    def vendor(name: str) -> Response:
        path = assets.vendor_file(name)
        return _file(path, "max-age=86400") if path is not None else _not_found_page(f"No asset {name!r}.")
