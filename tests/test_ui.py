"""The web pages, in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright), on a
live server over a store of the five seeds plus one invented article whose title, outlet, URL and
text carry markup. What the pages should show is read from the JSON API of the same server.

Without Chromium, Playwright or the npm assets these tests skip, saying why; with
SITREP_REQUIRE_BROWSER=1 (CI) they fail instead. The first few tests need no browser.
Screenshots go to $SITREP_ARTIFACTS, or build/artifacts/.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from conftest import ROOT
from sitrep import service
from sitrep.store import Store
from sitrep.web import assets as web_assets
from sitrep.web.app import create_app
from sitrep.web.assets import Assets

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE = "SITREP_REQUIRE_BROWSER"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-quic", "--disable-sync"]
ARTIFACTS = Path(os.environ.get("SITREP_ARTIFACTS") or ROOT / "build" / "artifacts")

# Invented for this test: markup in every untrusted field, an emoji before the evidence (JavaScript
# counts it as two characters, Python as one) and enough of an attack for an event to be found.
PWN = "window.__pwned=1"
MARKUP_ARTICLE = {
    "title": f'Strike report <script>{PWN}</script> <img src=x onerror="{PWN}">',
    "date": "2022-10-11", "url": f"javascript:{PWN}",
    "outlet": f'Invented Wire <img src=x onerror="{PWN}">',
    "text": (f"\U0001F680 Invented bulletin <script>{PWN}</script>.\n\nRussian missiles struck Kharkiv on "
             f'10 October 2022, killing 3 people, the governor said. <img src=x onerror="{PWN}"> '
             "Debris damaged a school."),
}


# ---- without a browser: headers, asset white-list, missing assets ------------------------------


@pytest.fixture
def fake_modules(tmp_path) -> Path:
    """A node_modules folder with a stand-in for each vendor file, and one file not on the list."""
    root = tmp_path / "node_modules"
    for rel in web_assets.VENDOR.values():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"/* stand-in for {rel} */\n")
    (root / "d3-geo" / "package.json").write_text("{}")
    return root


class Client:
    """GET on the app in process (no server, no browser)."""

    def __init__(self, app) -> None:
        self.app = app

    def get(self, path: str) -> httpx.Response:
        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://sitrep.test") as client:
                return await client.get(path)

        return asyncio.run(fetch())


@pytest.fixture
def client_with(tmp_path):
    """An app over an empty store, its browser files looked for in the folder given."""
    return lambda root: Client(create_app(str(tmp_path / "empty.db"), Assets(root)))


def _script_policy(csp: str) -> str:
    return next(part.strip() for part in csp.split(";") if part.strip().startswith("script-src"))


@pytest.mark.parametrize("path", ["/", "/docs"])
def test_pages_forbid_inline_scripts_and_eval(client_with, fake_modules, path):
    response = client_with(fake_modules).get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert _script_policy(response.headers["content-security-policy"]) == "script-src 'self'"
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert scripts and all(re.search(r'\bsrc="/(static|assets)/[\w.-]+"', s) for s in scripts)
    assert "://" not in response.text.replace("http://www.w3.org", ""), "a page loads nothing from elsewhere"


def test_only_listed_assets_are_served(client_with, fake_modules):
    client = client_with(fake_modules)
    for name, rel in web_assets.VENDOR.items():
        response = client.get(f"/assets/{name}")
        assert response.status_code == 200 and response.text == (fake_modules / rel).read_text()
        assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/index.js").headers["content-type"].startswith("text/javascript")
    for path in ["/assets/package.json", "/assets/d3-geo%2Fpackage.json", "/assets/..%2F..%2Fpyproject.toml",
                 "/static/..%2Fapp.py", "/static/pages.py", "/redoc"]:
        assert client.get(path).status_code == 404, path


def test_pages_without_npm_assets_say_what_to_run(client_with, tmp_path):
    client = client_with(tmp_path / "nowhere")
    for path in ["/", "/docs"]:
        response = client.get(path)
        assert response.status_code == 503 and "npm ci --no-audit --no-fund" in response.text
    assert client.get("/api/events").json() == {"total": 0, "total_exact": True, "items": []}


def test_assets_folder_is_configurable(monkeypatch, fake_modules):
    monkeypatch.setenv(web_assets.ASSETS_ENV, str(fake_modules))
    assert Assets.locate().root == fake_modules and Assets.locate().missing() == []
    monkeypatch.delenv(web_assets.ASSETS_ENV)
    assert Assets.locate().root == web_assets.REPO_ROOT / "node_modules"


# ---- a live server and a browser ------------------------------------------------------------------


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{reason}; {REQUIRE}=1 says the browser tests must run")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    missing = Assets.locate().missing()
    if missing:
        _unavailable(f"the npm assets are missing ({', '.join(missing)}): run `npm ci --no-audit --no-fund`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Site:
    base: str

    def api(self, path: str, **params) -> dict:
        response = httpx.get(self.base + path, params=params, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def site(corpus, tmp_path_factory):
    """uvicorn in a thread, on a free port, over the seeds and the markup article."""
    import uvicorn

    tmp = tmp_path_factory.mktemp("ui")
    db = str(tmp / "store.db")
    markup = tmp / "markup.jsonl"
    markup.write_text(json.dumps(MARKUP_ARTICLE) + "\n", encoding="utf-8")
    store = Store(db)
    service.ingest(store, [str(corpus / "seeds"), str(markup)])
    store.close()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(db), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield Site(f"http://127.0.0.1:{sock.getsockname()[1]}")
    server.should_exit = True
    thread.join(10)
    sock.close()


@dataclass
class Tab:
    """A page in its own browser context that may reach only the test server."""

    page: object
    site: Site
    errors: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)

    def open(self, path: str, loads: int = 1) -> None:
        self.page.goto(self.site.base + path)
        self.wait_loads(loads)

    def wait_loads(self, n: int) -> None:
        self.page.wait_for_function("n => Number(document.body.dataset.loads) >= n", arg=n, timeout=20000)

    def wait_map(self) -> None:
        self.page.wait_for_function("() => document.getElementById('map').dataset.state === 'ready'", timeout=20000)

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self) -> None:
        assert self.errors == [], "the page logged errors"
        assert self.elsewhere == [], "the page tried to reach another server"
        assert self.page.evaluate("typeof window.__pwned") == "undefined"


@pytest.fixture
def tab(browser, site):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = Tab(None, site)

    def only_local(route) -> None:
        url = route.request.url
        if url.startswith(site.base + "/"):
            route.continue_()
        else:
            tab.elsewhere.append(url)
            route.abort()

    context.route("**/*", only_local)
    tab.page = context.new_page()
    tab.page.on("pageerror", lambda err: tab.errors.append(str(err)))
    tab.page.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    context.close()


def _has_point(event: dict) -> bool:
    number = (int, float)
    return any(isinstance(loc["lat"], number) and isinstance(loc["lon"], number) for loc in event["locations"])


def _drawn(tab: Tab) -> dict[str, int]:
    """Events per marker kind on the map, and what the map says it left out."""
    counts = tab.page.eval_on_selector_all(
        "#map .marker", "ns => ns.map(n => [n.classList.contains('cluster') ? 'cluster' : 'point', +n.dataset.count])")
    data = tab.page.eval_on_selector("#map", "n => ({...n.dataset})")
    assert all((kind == "cluster") == (n > 1) for kind, n in counts)
    return {"events": sum(n for _, n in counts), "markers": len(counts),
            "clusters": sum(k == "cluster" for k, _ in counts),
            "offscreen": int(data["offscreen"]), "unplaced": int(data["unplaced"])}


def _timeline(tab: Tab) -> dict:
    """The bars of both charts by the first day of their bin, and how the axis was chosen."""
    events = tab.page.eval_on_selector_all("#chart-events .day",
                                           "ns => ns.map(n => [n.dataset.start, +n.dataset.count])")
    weapons = tab.page.eval_on_selector_all(
        "#chart-weapons .day",
        "ns => ns.map(n => [n.dataset.start, [+n.dataset.launched, +n.dataset.intercepted]])")
    axis = tab.page.eval_on_selector("#chart-events", "n => ({...n.dataset})")
    return {"events": dict(events), "weapons": {start: tuple(v) for start, v in weapons}, "unit": axis["unit"],
            "lo": axis["lo"], "hi": axis["hi"], "left_out": int(axis["leftOut"])}


def _bin(day: str, unit: str) -> str:
    d = date.fromisoformat(day)
    if unit == "month":
        return d.replace(day=1).isoformat()
    return (d - timedelta(days=d.weekday())).isoformat() if unit == "week" else day


def _check_timeline(drawn: dict, stats: dict) -> None:
    """The bars sum what /api/stats gives per day, within the range the chart chose."""
    assert drawn["unit"] in ("day", "week", "month")
    inside = lambda row: row["day"] and drawn["lo"] <= row["day"] <= drawn["hi"]  # noqa: E731
    events: dict[str, int] = defaultdict(int)
    weapons: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in filter(inside, stats["events"]):
        events[_bin(row["day"], drawn["unit"])] += row["count"]
    for row in filter(inside, stats["weapons"]):
        entry = weapons[_bin(row["day"], drawn["unit"])]
        entry[0] += row["launched"]
        entry[1] += row["intercepted"]
    assert drawn["events"] == events
    assert drawn["weapons"] == {k: tuple(v) for k, v in weapons.items()}
    dated = sum(row["count"] for row in stats["events"] if row["day"])
    assert sum(events.values()) + drawn["left_out"] == dated


@pytest.mark.slow
def test_map_shows_every_event_of_the_store(tab, site):
    tab.open("/")
    tab.wait_map()
    events = site.api("/api/events", limit=500)
    drawn = _drawn(tab)
    assert drawn["events"] + drawn["unplaced"] == events["total"] > 0
    assert drawn["unplaced"] == sum(not _has_point(e) for e in events["items"])
    assert drawn["offscreen"] == 0, "the first view frames Ukraine, Belarus, Poland and western Russia"
    assert drawn["clusters"] >= 1 and drawn["markers"] < drawn["events"], "events at one place are clustered"
    assert tab.page.get_attribute("#map path.land", "d").count("M") > 20, "country outlines are drawn"
    ids = set(tab.page.eval_on_selector_all("#map .point", "ns => ns.map(n => n.dataset.id)"))
    assert ids <= {e["id"] for e in events["items"]}
    assert tab.page.locator("#panel .event-row").count() == events["total"]
    _check_timeline(_timeline(tab), site.api("/api/stats"))
    assert tab.page.get_attribute("#json-events", "href") == "/api/events"
    tab.shot("map-seeds")
    cluster = tab.page.locator("#map .cluster").first  # a click lists its events and zooms in on them
    size = int(cluster.get_attribute("data-count"))
    outlines = tab.page.get_attribute("#map path.land", "d")
    cluster.click()
    assert tab.page.text_content("#panel h2") == f"{size} events here"
    assert tab.page.locator("#panel .event-row").count() == size
    tab.page.wait_for_function("d => document.querySelector('#map path.land').getAttribute('d') !== d", arg=outlines)
    tab.assert_clean()


def _narrowing_type(site: Site) -> str:
    """The commonest event type, provided some events have another."""
    items = site.api("/api/events", limit=500)["items"]
    types = [e["type"] for e in items]
    value = max(set(types), key=types.count)
    assert types.count(value) < len(types), "the store no longer has more than one event type"
    return value


@pytest.mark.slow
def test_a_filter_changes_the_map_the_timeline_and_the_url(tab, site):
    tab.open("/")
    tab.wait_map()
    before, timeline_before = _drawn(tab), _timeline(tab)
    value = _narrowing_type(site)
    tab.page.select_option("#filters select[name=type]", value)
    tab.page.click("#filters button[type=submit]")
    tab.wait_loads(2)
    expected = site.api("/api/events", limit=500, type=value)
    after = _drawn(tab)
    assert after["events"] + after["unplaced"] == expected["total"] < before["events"] + before["unplaced"]
    timeline = _timeline(tab)
    _check_timeline(timeline, site.api("/api/stats", type=value))
    assert timeline["events"] != timeline_before["events"]
    assert tab.page.url.endswith(f"/?type={value}")
    assert tab.page.get_attribute("#json-stats", "href") == f"/api/stats?type={value}"

    tab.page.go_back()  # the previous view, unfiltered, again
    tab.wait_loads(3)
    assert _drawn(tab)["events"] == before["events"] and _timeline(tab) == timeline_before
    assert tab.page.input_value("#filters select[name=type]") == ""

    tab.open(f"/?type={value}")  # the URL is the view: opened afresh it shows the same
    tab.wait_map()
    assert tab.page.input_value("#filters select[name=type]") == value
    assert _drawn(tab)["events"] == after["events"] and _timeline(tab) == timeline
    tab.shot("map-filtered")
    tab.assert_clean()


@pytest.mark.slow
def test_a_refused_filter_is_reported_on_the_page(tab):
    tab.open("/?since=2022-13")
    status = tab.page.locator("#status")
    assert "error" in status.get_attribute("class") and "since" in status.text_content()
    tab.errors = [e for e in tab.errors if "422" not in e]  # the browser logs the refused request itself
    tab.assert_clean()


def _merged(spans: list[dict]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s in sorted(spans, key=lambda s: s["start"]):
        if out and s["start"] < out[-1][1]:
            out[-1][1] = max(out[-1][1], s["end"])
        else:
            out.append([s["start"], s["end"]])
    return [tuple(s) for s in out]


def _check_report(tab: Tab, site: Site, mention: dict) -> None:
    article = site.api(f"/api/articles/{mention['article']['id']}")
    report = tab.page.locator(f'.report[data-mention="{mention["id"]}"]')
    assert report.locator(".title").text_content() == (article["title"] or "(untitled)")
    marks = report.locator("mark").all_text_contents()
    assert marks == [article["text"][start:end] for start, end in _merged(mention["evidence"])]
    assert all(any(ev["text"] in mark for mark in marks) for ev in mention["evidence"])
    evidence = sorted(mention["evidence"], key=lambda ev: ev["start"])
    if all(a["end"] <= b["start"] for a, b in zip(evidence, evidence[1:], strict=False)):  # no two overlap
        assert marks == [ev["text"] for ev in evidence]
    assert report.locator(".article-text").text_content() == article["text"]
    links = report.locator("a[target=_blank]")
    if (article["url"] or "").startswith(("http://", "https://")):
        assert links.count() == 1
        assert links.get_attribute("href") == tab.page.evaluate("url => new URL(url).href", article["url"])
    else:
        assert links.count() == 0


@pytest.mark.slow
def test_event_page_shows_claims_side_by_side_and_marks_the_evidence(tab, site):
    events = site.api("/api/events", limit=500)["items"]
    # the event with the most claims on one figure, then the most reports
    event = max(events, key=lambda e: (max((len(f["claims"]) for f in e["figures"]), default=0), len(e["mentions"]),
                                       sum(len(f["claims"]) for f in e["figures"]), e["id"]))
    detail = site.api(f"/api/events/{event['id']}")
    tab.open(f"/events/{event['id']}")
    for figure in event["figures"]:
        box = tab.page.locator(f'.figure[data-kind="{figure["kind"]}"][data-unit="{figure["unit"]}"]')
        cards = box.locator(".claim")
        assert cards.count() == len(figure["claims"]) > 0
        assert cards.locator("dd.value").all_text_contents() == [
            str(c["value"]) if c["value"] is not None else "no number" for c in figure["claims"]]
        assert cards.locator("dd.claimant").all_text_contents() == [
            c["claimant"] or "the outlet itself" for c in figure["claims"]]
        assert box.locator(".conflict").count() == int(figure["conflict"])
    assert len(detail["mentions"]) == len(event["mentions"]) and any(m["evidence"] for m in detail["mentions"])
    for mention in detail["mentions"]:
        _check_report(tab, site, mention)
    assert tab.page.get_attribute("#json-event", "href") == f"/api/events/{event['id']}"
    tab.shot("event-page")
    tab.assert_clean()


@pytest.mark.slow
def test_an_unknown_event_page_is_404(tab, site):
    response = tab.page.goto(site.base + "/events/0123456789abcdef")
    assert response.status == 404 and "0123456789abcdef" in tab.page.text_content("body")


def _markup_mention(site: Site) -> dict:
    for event in site.api("/api/events", limit=500)["items"]:
        for mention in site.api(f"/api/events/{event['id']}")["mentions"]:
            if mention["article"]["title"] == MARKUP_ARTICLE["title"]:
                return mention
    raise AssertionError("the markup article gave no event")


@pytest.mark.slow
def test_markup_in_an_article_is_shown_as_text_and_never_runs(tab, site):
    mention = _markup_mention(site)
    tab.open("/")
    tab.page.click(f'#panel .event-row[data-id="{mention["event_id"]}"]')
    tab.page.wait_for_selector("#panel .report .title")
    assert MARKUP_ARTICLE["title"] in tab.page.locator("#panel .report .title").all_text_contents()
    assert MARKUP_ARTICLE["outlet"] in tab.page.text_content("#panel")
    assert tab.page.locator("img").count() == 0 and tab.page.locator("a[href^=javascript]").count() == 0
    tab.shot("map-markup-panel")
    tab.assert_clean()

    tab.open(f"/events/{mention['event_id']}", loads=1)
    _check_report(tab, site, mention)
    body = tab.page.text_content("body")
    assert MARKUP_ARTICLE["title"] in body and f"<script>{PWN}</script>" in body and MARKUP_ARTICLE["outlet"] in body
    assert tab.page.locator("img").count() == 0 and tab.page.locator("a[href^=javascript]").count() == 0
    assert tab.page.locator("script").count() == 1, "only the page's own script"
    tab.shot("event-markup")
    tab.assert_clean()


@pytest.mark.slow
def test_docs_render_from_local_files_only(tab, site):
    tab.page.goto(site.base + "/docs")
    tab.page.wait_for_selector(".opblock-summary-path", timeout=20000)
    shown = set(tab.page.locator(".opblock-summary-path").all_text_contents())
    paths = set(site.api("/openapi.json")["paths"])
    assert paths and {p.replace("\u200b", "") for p in shown} == paths
    stats = tab.page.locator(".opblock").filter(has_text="/api/stats")  # try one request from the page
    stats.locator(".opblock-summary").click()
    stats.locator("button.try-out__btn").click()
    stats.locator("button.execute").click()
    answer = stats.locator(".responses-wrapper .live-responses-table .response-col_description pre").first
    answer.wait_for(timeout=20000)
    assert json.loads(answer.text_content())["total"] == site.api("/api/stats")["total"]
    tab.shot("docs")
    tab.assert_clean()
