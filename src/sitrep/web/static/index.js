// The map page: the filters live in the URL's query string (so a view can be linked), and each change
// loads /api/events (every page of it) and /api/stats with the same filters, then redraws the map,
// the list and the timeline.
import { EventMap, drawLegend } from "./map.js";
import { Panel } from "./panel.js";
import { drawTimeline } from "./timeline.js";
import { ApiError, TYPES, WEAPONS, apiPath, el, filtersFrom, getJSON, loaded, setStatus } from "./common.js";

const PAGE = 500;        // the API's largest page
const MAX_EVENTS = 20000;  // beyond this the map would be unreadable anyway; the status says so

const form = document.getElementById("filters");
const panel = new Panel(document.getElementById("panel"), { onShow: (id) => map.highlight(id) });
const map = new EventMap(document.getElementById("map"), {
  onSelect: (events, isCluster) => panel.select(events, isCluster),
  onDrawn: showDrawn,
});
let loadToken = 0;
let lastStats = null;

function addOptions(select, values) {
  for (const value of values) select.appendChild(el("option", { value }, value.replaceAll("_", " ")));
}

function fillForm(params) {
  for (const input of form.elements) {
    if (input.name) input.value = params.get(input.name) || "";
  }
}

// The form's filters, plus any the form has no field for (subtype, admin1, bbox) kept from the URL.
function formFilters() {
  const params = filtersFrom(location.search);
  for (const input of form.elements) {
    if (!input.name) continue;
    if (input.value.trim()) params.set(input.name, input.value.trim());
    else params.delete(input.name);
  }
  return filtersFrom(params.toString());
}

function navigate(params) {
  const query = params.toString();
  history.pushState(null, "", query ? `?${query}` : location.pathname);
  load();
}

async function fetchEvents(params) {
  const items = [];
  let total = 0;
  let exact = true;
  do {
    const page = new URLSearchParams(params);
    page.set("limit", PAGE);
    page.set("offset", items.length);
    const body = await getJSON(apiPath("/api/events", page));
    total = body.total;
    exact = body.total_exact;
    items.push(...body.items);
    if (body.items.length < PAGE) break;  // the last page: nothing more to read
  } while ((!exact || items.length < total) && items.length < MAX_EVENTS);
  // an inexact total is a lower bound: once past it, what was read is the better count
  return { total: exact ? total : Math.max(total, items.length), exact: exact || items.length < MAX_EVENTS, items };
}

function showTwins(params) {
  document.getElementById("json-events").setAttribute("href", apiPath("/api/events", params));
  document.getElementById("json-stats").setAttribute("href", apiPath("/api/stats", params));
}

function onRange(since, until) {
  const params = formFilters();
  params.set("since", since);
  params.set("until", until);
  fillForm(params);
  navigate(params);
}

async function load() {
  const token = ++loadToken;
  const params = filtersFrom(location.search);
  fillForm(params);
  showTwins(params);
  setStatus("Loading…");
  try {
    const [events, stats] = await Promise.all([fetchEvents(params), getJSON(apiPath("/api/stats", params))]);
    if (token !== loadToken) return;
    map.setEvents(events.items);
    panel.showAll(events.items);
    lastStats = stats;
    drawTimeline(...charts(), stats, onRange);
    showCounts(events);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (token === loadToken) setStatus(`Nothing to show: ${err.message}`, true);
  } finally {
    if (token === loadToken) loaded();
  }
}

function charts() {
  return ["chart-events", "chart-weapons", "timeline-note"].map((id) => document.getElementById(id));
}

function showCounts(events) {
  const shown = events.items.length < events.total || !events.exact
    ? ` (the first ${events.items.length} are shown)` : "";
  const count = events.exact ? `${events.total}` : `At least ${events.total}`;
  setStatus(`${count} event${events.total === 1 ? "" : "s"} match${shown}.`);
}

function showDrawn({ drawn, offscreen, unplaced }) {
  document.getElementById("map-note").textContent = `${drawn} on the map`
    + (offscreen ? `, ${offscreen} outside this view` : "")
    + (unplaced ? `, ${unplaced} without a place to draw` : "") + ".";
}

function start() {
  addOptions(form.elements.type, TYPES);
  addOptions(form.elements.weapon, WEAPONS);
  drawLegend(document.getElementById("legend"));
  form.addEventListener("submit", (e) => { e.preventDefault(); navigate(formFilters()); });
  document.getElementById("clear").addEventListener("click", () => navigate(new URLSearchParams()));
  document.getElementById("zoom-in").addEventListener("click", () => map.zoomBy(2));
  document.getElementById("zoom-out").addEventListener("click", () => map.zoomBy(0.5));
  document.getElementById("zoom-home").addEventListener("click", () => map.home());
  document.getElementById("zoom-fit").addEventListener("click", () => map.fit());
  window.addEventListener("popstate", load);
  window.addEventListener("resize", () => { if (lastStats) drawTimeline(...charts(), lastStats, onRange); });
  map.loadWorld("/assets/countries-50m.json").catch((err) => setStatus(`The country outlines did not load: ${err.message}`, true));
  load();
}

start();
