// What every page shares: building DOM from untrusted data (text only, never markup), links that
// can only lead to http(s), the API's filters, colours and the small formats used on the pages.

export const TYPES = ["attack", "incursion", "diplomacy", "posture", "battle"];
// The API's weapon categories (sitrep.web.params.WeaponCategory).
export const WEAPONS = ["missile", "cruise_missile", "ballistic_missile", "rocket", "drone", "aircraft",
  "artillery", "air_defence_missile", "bomb", "unknown"];
export const TYPE_COLOURS = {
  attack: "#c0392b", incursion: "#e67e22", diplomacy: "#2e86c1", posture: "#7d3c98", battle: "#1e8449",
};
// Query parameters the pages pass on to the API; anything else in the URL is ignored.
export const FILTERS = ["since", "until", "type", "subtype", "country", "admin1", "weapon", "claimant", "q", "bbox"];

const SVG_NS = "http://www.w3.org/2000/svg";

// An element with attributes and text. Attribute names are ours; values may be data, which is safe
// for these attributes (never on*, style, or href: links go through safeHref).
export function el(tag, attrs = {}, text = null) {
  return fill(document.createElement(tag), attrs, text);
}

export function svg(tag, attrs = {}, text = null) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, text);
}

function fill(node, attrs, text) {
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith("on") || name === "style" || name === "href") throw new Error(`unsafe attribute ${name}`);
    if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  if (text !== null && text !== undefined) node.textContent = String(text);
  return node;
}

// The URL if it is an absolute http(s) URL, else null: javascript:, data: and relative URLs from
// an article never become links.
export function safeHref(url) {
  if (typeof url !== "string") return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (err) {
    if (err instanceof TypeError) return null;  // not a URL at all
    throw err;
  }
}

// A link to one of our own pages or API paths (built by us, never from article data).
export function ownLink(path, text) {
  const a = el("a", {}, text);
  a.setAttribute("href", path);
  return a;
}

export function sourceLink(url, text) {
  const href = safeHref(url);
  if (href === null) return null;
  const a = el("a", { rel: "noopener noreferrer nofollow", target: "_blank" }, text);
  a.setAttribute("href", href);
  return a;
}

export class ApiError extends Error {}

// GET a JSON path of our API. A non-2xx answer, an answer that is not JSON, or no answer at all
// becomes an ApiError saying so (with the API's own detail where it gave one).
export async function getJSON(path) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: "application/json" } });
  } catch (err) {
    if (err instanceof TypeError) throw new ApiError(`the server could not be reached (${err.message})`);
    throw err;
  }
  let body;
  try {
    body = await response.json();
  } catch (err) {
    if (err instanceof SyntaxError) throw new ApiError(`the server answered ${response.status}, not with JSON`);
    throw err;
  }
  if (!response.ok) throw new ApiError(describeProblem(response.status, body));
  return body;
}

function describeProblem(status, body) {
  const detail = body && body.detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => `${(d.loc || []).slice(-1)[0]}: ${d.msg}`).join("; ");
  }
  return typeof detail === "string" ? detail : `the API answered ${status}`;
}

// The filters present in a query string, in FILTERS order, empty values left out.
export function filtersFrom(search) {
  const given = new URLSearchParams(search);
  const out = new URLSearchParams();
  for (const name of FILTERS) {
    const value = (given.get(name) || "").trim();
    if (value) out.set(name, value);
  }
  return out;
}

export function apiPath(path, params) {
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function setStatus(text, isError = false) {
  const node = document.getElementById("status");
  node.textContent = text;
  node.classList.toggle("error", isError);
}

// Casualties reported for an event: killed and injured, the low and high ends of the claims.
export function casualties(event) {
  let low = 0, high = 0, open = false;
  for (const f of event.figures || []) {
    if (f.kind !== "killed" && f.kind !== "injured") continue;
    low += f.low ?? f.value ?? 0;
    if (f.high === null || f.high === undefined) open = true;
    high += f.high ?? f.low ?? f.value ?? 0;
  }
  return { low, high, open };
}

// Killed and injured as "3", "3–5" or "39+" (claims with no upper bound); null when none is reported.
export function casualtyText(event) {
  const { low, high, open } = casualties(event);
  if (!low && !high) return null;
  return open ? `${low}+` : high > low ? `${low}–${high}` : `${low}`;
}

export function figureRange(f) {
  const low = f.low ?? f.value;
  if (low === null || low === undefined) return "no number";
  if (f.high === null || f.high === undefined) return `${low}+`;
  return f.high === low ? `${low}` : `${low}–${f.high}`;
}

// The location to draw an event at: a target or place with a point, the most precise first.
const PRECISION = { place: 0, admin1: 1, country: 2 };
const ROLE = { target: 0, place: 1, origin: 2 };
export function mainLocation(event) {
  const located = (event.locations || []).filter((l) => typeof l.lat === "number" && typeof l.lon === "number");
  located.sort((a, b) => (ROLE[a.role] ?? 3) - (ROLE[b.role] ?? 3)
    || (PRECISION[a.precision] ?? 3) - (PRECISION[b.precision] ?? 3));
  return located[0] || null;
}

export function placeNames(event) {
  return (event.locations || []).map((l) => l.name).filter(Boolean).join(", ");
}

export function describeEvent(event) {
  return `${event.date || "undated"} · ${event.type}/${event.subtype}`;
}

// Marks the end of a load for the tests and anyone watching: data-loads counts completed loads.
export function loaded() {
  document.body.dataset.loads = String(Number(document.body.dataset.loads || 0) + 1);
}
