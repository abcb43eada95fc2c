// The timeline, from /api/stats: events per day stacked by type, and launched against intercepted per
// day (all weapon categories together; each bar's tooltip splits them). Time runs continuously, so
// gaps show as gaps. A long range is drawn in weeks or months; a few events dated far from all the
// others (a misread year) are left out of the range and counted in the note instead.
import { TYPES, TYPE_COLOURS, clear, svg } from "./common.js";

const HEIGHT = 130;
const MARGIN = { left: 48, right: 12, top: 10, bottom: 22 };
const DAY_MS = 86400000;
const TRIM_FROM = 50;      // events: fewer than this and every dated event is in the range
const TRIM_SHARE = 0.02;  // the share of events that may fall outside it at either end

const toTime = (day) => Date.parse(`${day}T00:00:00Z`);
const toDay = (time) => new Date(time).toISOString().slice(0, 10);

// The first day of the bin (day, ISO week from Monday, or month) that holds a day, and its last day.
export function binStart(day, unit) {
  if (unit === "month") return `${day.slice(0, 7)}-01`;
  if (unit === "week") return toDay(toTime(day) - ((new Date(toTime(day)).getUTCDay() + 6) % 7) * DAY_MS);
  return day;
}

export function binEnd(start, unit) {
  if (unit === "month") {
    const d = new Date(toTime(start));
    return toDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - DAY_MS);
  }
  return unit === "week" ? toDay(toTime(start) + 6 * DAY_MS) : start;
}

// The days holding all but a sliver of the events at either end.
function dayRange(counts) {
  const days = [...counts.keys()].sort();
  const total = [...counts.values()].reduce((s, n) => s + n, 0);
  if (total < TRIM_FROM) return [days[0], days[days.length - 1]];
  const cut = Math.floor(total * TRIM_SHARE);
  let seen = 0, lo = days[0], hi = days[days.length - 1];
  for (const day of days) { seen += counts.get(day); if (seen > cut) { lo = day; break; } }
  seen = 0;
  for (const day of [...days].reverse()) { seen += counts.get(day); if (seen > cut) { hi = day; break; } }
  return [lo, hi];
}

function eventsPerDay(stats) {
  const counts = new Map();
  for (const row of stats.events) if (row.day) counts.set(row.day, (counts.get(row.day) || 0) + row.count);
  return counts;
}

// The shared x axis: its bins, where each bin lies, and which days it covers.
export function timeAxis(stats, width) {
  const counts = eventsPerDay(stats);
  if (counts.size === 0) return null;
  const [lo, hi] = dayRange(counts);
  const span = (toTime(hi) - toTime(lo)) / DAY_MS;
  const unit = span <= 180 ? "day" : span <= 3 * 366 ? "week" : "month";
  const start = toTime(binStart(lo, unit));
  const end = toTime(binEnd(binStart(hi, unit), unit)) + DAY_MS;
  const plot = Math.max(50, width - MARGIN.left - MARGIN.right);
  const x = (time) => MARGIN.left + ((time - start) / (end - start)) * plot;
  const leftOut = [...counts].filter(([day]) => day < lo || day > hi).reduce((s, [, n]) => s + n, 0);
  return { unit, lo, hi, start, end, width, x, leftOut, inRange: (day) => day >= lo && day <= hi };
}

function compact(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : String(n);
}

function frame(node, axis, max) {
  clear(node);
  node.setAttribute("viewBox", `0 0 ${axis.width} ${HEIGHT}`);
  Object.assign(node.dataset, { unit: axis.unit, lo: axis.lo, hi: axis.hi, leftOut: axis.leftOut });
  const bottom = HEIGHT - MARGIN.bottom;
  node.appendChild(svg("line", { class: "axis", x1: MARGIN.left, x2: axis.width - MARGIN.right, y1: bottom, y2: bottom }));
  node.appendChild(svg("text", { class: "tick", x: MARGIN.left - 6, y: MARGIN.top + 8, "text-anchor": "end" }, compact(max)));
  node.appendChild(svg("text", { class: "tick", x: MARGIN.left - 6, y: bottom, "text-anchor": "end" }, 0));
  for (const { day, label } of ticks(axis)) {
    const x = axis.x(toTime(day));
    node.appendChild(svg("line", { class: "axis", x1: x, x2: x, y1: bottom, y2: bottom + 4 }));
    node.appendChild(svg("text", { class: "tick", x, y: HEIGHT - 6, "text-anchor": "middle" }, label));
  }
  return (value) => (bottom - MARGIN.top) * (value / Math.max(1, max));
}

// Month starts (or year starts), thinned to about eight; days when the range is under two months.
function ticks(axis) {
  const months = [];
  const first = new Date(axis.start);
  for (let m = first.getUTCMonth() + 1; Date.UTC(first.getUTCFullYear(), m, 1) < axis.end; m += 1) {
    months.push(toDay(Date.UTC(first.getUTCFullYear(), m, 1)));
  }
  if (months.length >= 2) {
    const years = months.filter((day) => day.endsWith("-01-01"));
    const use = months.length > 24 && years.length >= 2 ? years : months;
    const step = Math.ceil(use.length / 8);
    return use.filter((_, i) => i % step === 0).map((day) => ({ day, label: use === years ? day.slice(0, 4) : day.slice(0, 7) }));
  }
  const count = Math.round((axis.end - axis.start) / DAY_MS);
  const step = Math.max(1, Math.ceil(count / 8));
  return Array.from({ length: Math.ceil(count / step) }, (_, i) => toDay(axis.start + i * step * DAY_MS))
    .map((day) => ({ day, label: day }));
}

// Rows of one chart gathered per bin, those outside the range left out.
function binned(rows, axis) {
  const out = new Map();
  for (const row of rows) {
    if (!row.day || !axis.inRange(row.day)) continue;
    const start = binStart(row.day, axis.unit);
    if (!out.has(start)) out.set(start, []);
    out.get(start).push(row);
  }
  return out;
}

function binGroup(axis, start, title, onRange) {
  const end = binEnd(start, axis.unit);
  const label = start === end ? start : `${start} to ${end}`;
  const g = svg("g", { class: "day", "data-start": start, "data-end": end, tabindex: 0, role: "button" });
  g.appendChild(svg("title", {}, `${label}: ${title} (click: only these days)`));
  g.addEventListener("click", () => onRange(start, end));
  g.addEventListener("keydown", (e) => { if (e.key === "Enter") onRange(start, end); });
  const x0 = axis.x(toTime(start)), x1 = axis.x(toTime(end) + DAY_MS);
  const width = Math.max(3, (x1 - x0) * 0.8);
  return { g, left: (x0 + x1) / 2 - width / 2, width };
}

function sumBy(rows, key) {
  const out = new Map();
  for (const row of rows) out.set(row[key], (out.get(row[key]) || 0) + (row.count ?? 0));
  return out;
}

export function drawEvents(node, stats, axis, onRange) {
  const bins = binned(stats.events, axis);
  const totals = new Map([...bins].map(([start, rows]) => [start, rows.reduce((s, r) => s + r.count, 0)]));
  const height = frame(node, axis, Math.max(0, ...totals.values()));
  for (const [start, rows] of bins) {
    const types = [...sumBy(rows, "type")].sort((a, b) => TYPES.indexOf(a[0]) - TYPES.indexOf(b[0]));
    const { g, left, width } = binGroup(axis, start, types.map(([t, n]) => `${t} ${n}`).join(", "), onRange);
    g.setAttribute("data-count", totals.get(start));
    let y = HEIGHT - MARGIN.bottom;
    for (const [type, count] of types) {
      const h = height(count);
      y -= h;
      g.appendChild(svg("rect", { class: "bar", "data-type": type, "data-count": count, fill: TYPE_COLOURS[type] || "#555",
        x: left.toFixed(1), width: width.toFixed(1), y: y.toFixed(1), height: h.toFixed(1) }));
    }
    node.appendChild(g);
  }
}

export function drawWeapons(node, stats, axis, onRange) {
  const bins = new Map([...binned(stats.weapons, axis)].map(([start, rows]) => [start, {
    rows, launched: rows.reduce((s, r) => s + r.launched, 0), intercepted: rows.reduce((s, r) => s + r.intercepted, 0) }]));
  const height = frame(node, axis, Math.max(0, ...[...bins.values()].flatMap((b) => [b.launched, b.intercepted])));
  for (const [start, { rows, launched, intercepted }] of bins) {
    const split = (kind) => rows.filter((r) => r[kind]).map((r) => `${r.category} ${r[kind]}`).join(", ");
    const title = `launched ${launched} (${split("launched")}); intercepted ${intercepted} (${split("intercepted")})`;
    const { g, left, width } = binGroup(axis, start, title, onRange);
    Object.assign(g.dataset, { launched, intercepted });
    for (const [kind, value, x] of [["launched", launched, left], ["intercepted", intercepted, left + width / 2]]) {
      const h = height(value);
      g.appendChild(svg("rect", { class: `bar ${kind}`, x: x.toFixed(1), width: (width / 2).toFixed(1),
        y: (HEIGHT - MARGIN.bottom - h).toFixed(1), height: h.toFixed(1) }));
    }
    node.appendChild(g);
  }
}

function describe(stats, axis) {
  const undated = stats.events.filter((r) => !r.day).reduce((s, r) => s + r.count, 0);
  const unit = { day: "day", week: "week (from Monday)", month: "month" }[axis.unit];
  return `Bars per ${unit}, ${axis.lo} to ${axis.hi}. `
    + (axis.leftOut ? `${axis.leftOut} event(s) dated far outside this range are left out: filter by date to see them. ` : "")
    + (undated ? `${undated} event(s) dated only to a month, or not at all, are not on the timeline. ` : "")
    + "Launched (grey) and intercepted (green): for each event the largest figure any source gives, summed.";
}

export function drawTimeline(eventsNode, weaponsNode, noteNode, stats, onRange) {
  const axis = timeAxis(stats, Math.max(300, eventsNode.clientWidth));
  if (axis === null) {
    clear(eventsNode);
    clear(weaponsNode);
    noteNode.textContent = "No dated events.";
    return;
  }
  drawEvents(eventsNode, stats, axis, onRange);
  drawWeapons(weaponsNode, stats, axis, onRange);
  noteNode.textContent = describe(stats, axis);
}
