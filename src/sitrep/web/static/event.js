// One event's page, from /api/events/{id} and /api/articles/{id}: its fields, its figures with every
// claim side by side, and each report's article text with the evidence sentences marked. Article text
// is untrusted: it goes into text nodes, and the marks are elements we create around slices of it.
import { ApiError, casualtyText, clear, el, figureRange, getJSON, loaded, ownLink, setStatus, sourceLink } from "./common.js";

const eventId = decodeURIComponent(location.pathname.split("/").pop());
const eventPath = `/api/events/${encodeURIComponent(eventId)}`;

// Offsets from the API count code points (Python strings); JavaScript strings count UTF-16 units, which
// differ after any character outside the BMP (an emoji). Map one to the other.
export function unitOffsets(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (cp) => cp;
  const units = [0];
  for (const ch of text) units.push(units[units.length - 1] + ch.length);
  return (cp) => units[Math.min(cp, units.length - 1)];
}

// Evidence spans sorted, overlapping ones merged, out-of-range ones dropped.
export function mergeSpans(spans, length) {
  const sorted = spans.filter((s) => s.start >= 0 && s.start < s.end && s.end <= length)
    .map((s) => ({ start: s.start, end: s.end })).sort((a, b) => a.start - b.start);
  const out = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else out.push(s);
  }
  return out;
}

export function markedText(text, spans) {
  const unit = unitOffsets(text);
  const length = [...text].length;
  const box = el("div", { class: "article-text" });
  let at = 0;
  for (const span of mergeSpans(spans, length)) {
    const [start, end] = [unit(span.start), unit(span.end)];
    box.appendChild(document.createTextNode(text.slice(at, start)));
    box.appendChild(el("mark", { class: "evidence", "data-start": span.start, "data-end": span.end }, text.slice(start, end)));
    at = end;
  }
  box.appendChild(document.createTextNode(text.slice(at)));
  return box;
}

function row(dl, term, value) {
  dl.appendChild(el("dt", {}, term));
  return dl.appendChild(el("dd", {}, value));
}

function renderSummary(event, mentions) {
  const node = clear(document.getElementById("summary"));
  node.appendChild(el("h2", { class: `type-${event.type}` }, `${event.type} / ${event.subtype}`));
  const dl = node.appendChild(el("dl", { class: "fields" }));
  row(dl, "id", event.id);
  row(dl, "date", `${event.date || "undated"} (precision: ${event.date_precision})`);
  row(dl, "sides", `${event.actors.initiator || "?"} → ${event.actors.target || "?"}`);
  row(dl, "weapons", event.weapons.map((w) => w.model ? `${w.category} (${w.model})` : w.category).join(", ") || "none named");
  row(dl, "killed and injured", casualtyText(event) ?? "none reported");
  row(dl, "reports", `${mentions.length} (from ${event.sources} outlet${event.sources === 1 ? "" : "s"})`);
  const places = row(dl, "places", "").appendChild(el("ul"));
  for (const l of event.locations) {
    const where = [l.country, l.admin1].filter(Boolean).join(" ");
    const point = typeof l.lat === "number" ? ` ${l.lat.toFixed(3)}, ${l.lon.toFixed(3)}` : "";
    places.appendChild(el("li", {}, `${l.name} — ${where}, ${l.role}, ${l.precision}${point}`));
  }
  const merges = row(dl, "merged because", "").appendChild(el("ul"));
  for (const m of event.merges) merges.appendChild(el("li", {}, `${m.mention_id}: ${m.reason} (score ${m.score})`));
}

// The sentence a claim came from: the reporting mention's figure with the same kind and value.
function claimEvidence(figure, claim, mention) {
  const found = (mention?.figures || []).find((f) => f.kind === figure.kind && f.value === claim.value && f.evidence);
  return found ? found.evidence.text : null;
}

function claimCard(figure, claim, mention) {
  const card = el("div", { class: "claim", "data-mention": claim.mention_id });
  const dl = card.appendChild(el("dl"));
  row(dl, "value", claim.value ?? "no number").classList.add("value");
  row(dl, "qualifier", claim.qualifier.replaceAll("_", " "));
  row(dl, "claimant", claim.claimant || "the outlet itself").classList.add("claimant");
  row(dl, "outlet", mention?.article.outlet || "unknown outlet").classList.add("outlet");
  row(dl, "article", mention?.article.title || "(untitled)");
  const sentence = claimEvidence(figure, claim, mention);
  if (sentence) card.appendChild(el("q", {}, sentence));
  card.appendChild(ownLink(`#report-${encodeURIComponent(claim.mention_id)}`, "the report"));
  return card;
}

function renderClaims(event, mentions) {
  const node = clear(document.getElementById("claims"));
  node.appendChild(el("h2", {}, "Figures: every claim, side by side"));
  if (event.figures.length === 0) node.appendChild(el("p", { class: "note" }, "No report gives a number for this event."));
  const byId = new Map(mentions.map((m) => [m.id, m]));
  for (const figure of event.figures) {
    const box = node.appendChild(el("div", { class: "figure", "data-kind": figure.kind, "data-unit": figure.unit }));
    const head = box.appendChild(el("h3", {}, `${figure.kind} (${figure.unit.replaceAll("_", " ")}): ${figureRange(figure)}`));
    head.appendChild(el("span", { class: "range" }, ` low ${figure.low ?? "?"}, high ${figure.high ?? "open"}`));
    if (figure.conflict) head.appendChild(el("span", { class: "conflict" }, "sources disagree"));
    const cards = box.appendChild(el("div", { class: "claims" }));
    for (const claim of figure.claims) cards.appendChild(claimCard(figure, claim, byId.get(claim.mention_id)));
  }
}

// Where an article came from when it has no http(s) URL to link to: the URL as text, or the input.
function sourceText(article) {
  const text = article.url ? `URL (not a web link): ${article.url}` : `source: ${article.source}`;
  return el("span", { class: "source" }, text);
}

function renderReport(mention, article) {
  const box = el("article", { class: "report", id: `report-${mention.id}`, "data-mention": mention.id });
  box.appendChild(el("h3", { class: "title" }, article.title || "(untitled)"));
  const about = [article.outlet || "unknown outlet", article.published].filter(Boolean).join(" · ");
  const meta = box.appendChild(el("p", { class: "meta" }, about));
  meta.append(" · ", sourceLink(article.url, "source") || sourceText(article), " · ",
    ownLink(`/api/articles/${encodeURIComponent(article.id)}`, "JSON"));
  const who = mention.claimant ? `reported as said by ${mention.claimant}` : "reported in the outlet's own voice";
  box.appendChild(el("p", { class: "note" }, `${mention.type}/${mention.subtype}, ${mention.date || "undated"}; ${who}; `
    + `${mention.evidence.length} evidence sentence${mention.evidence.length === 1 ? "" : "s"} marked`));
  box.appendChild(markedText(article.text, mention.evidence));
  return box;
}

async function renderReports(mentions) {
  const ids = [...new Set(mentions.map((m) => m.article.id))];
  const articles = new Map(await Promise.all(ids.map(async (id) => [id, await getJSON(`/api/articles/${encodeURIComponent(id)}`)])));
  const node = clear(document.getElementById("reports"));
  node.appendChild(el("h2", {}, "Reports, with the evidence marked in each article"));
  for (const mention of mentions) node.appendChild(renderReport(mention, articles.get(mention.article.id)));
}

async function start() {
  document.getElementById("json-event").setAttribute("href", eventPath);
  setStatus("Loading…");
  try {
    const { event, mentions } = await getJSON(eventPath);
    document.title = `sitrep: ${event.type} ${event.date || ""}`;
    renderSummary(event, mentions);
    renderClaims(event, mentions);
    await renderReports(mentions);
    setStatus("");
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    setStatus(err.message, true);
  } finally {
    loaded();
  }
}

start();
