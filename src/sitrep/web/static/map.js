// The map: country outlines from world-atlas (TopoJSON) drawn with d3-geo, events as points coloured by
// type and sized by casualties, gathered into clusters where they crowd on screen. Pan by
// dragging, zoom with the wheel or the buttons; every view change redraws from the projection.
/* global d3, topojson */
import { TYPE_COLOURS, casualties, casualtyText, describeEvent, getJSON, mainLocation, placeNames, svg } from "./common.js";

// Ukraine, Belarus, Poland and western Russia (Moscow, St Petersburg), as [lon, lat] corners.
const HOME = { type: "MultiPoint", coordinates: [[14, 43.5], [45, 60.5]] };
const CELL = 44;  // px: events this close on screen to a cluster's first event join it
const PAD = 16;

export class EventMap {
  constructor(node, { onSelect, onDrawn }) {
    this.node = node;
    this.onSelect = onSelect;
    this.onDrawn = onDrawn;
    this.events = [];
    this.selected = null;
    this.projection = d3.geoMercator();
    this.world = null;
    this.root = node.appendChild(svg("g"));
    this.land = this.root.appendChild(svg("path", { class: "land" }));
    this.borders = this.root.appendChild(svg("path", { class: "borders" }));
    this.markers = this.root.appendChild(svg("g", { class: "markers" }));
    this.frame = null;
    this.measure();
    this.home(false);
    this.listen();
  }

  async loadWorld(url) {
    const topo = await getJSON(url);
    this.world = {
      land: topojson.feature(topo, topo.objects.countries),
      borders: topojson.mesh(topo, topo.objects.countries, (a, b) => a !== b),
    };
    this.render();
  }

  measure() {
    this.width = Math.max(200, this.node.clientWidth);
    this.height = Math.max(200, this.node.clientHeight);
    this.node.setAttribute("viewBox", `0 0 ${this.width} ${this.height}`);
    this.projection.clipExtent([[0, 0], [this.width, this.height]]);
  }

  home(draw = true) {
    this.projection.fitExtent([[PAD, PAD], [this.width - PAD, this.height - PAD]], HOME);
    this.homeScale = this.projection.scale();
    if (draw) this.render();
  }

  // Frames the events drawn now; a single place gets a regional view rather than a street.
  fit() {
    const points = this.events.map(mainLocation).filter(Boolean).map((l) => [l.lon, l.lat]);
    if (points.length === 0) return this.home();
    this.projection.fitExtent([[4 * PAD, 4 * PAD], [this.width - 4 * PAD, this.height - 4 * PAD]],
      { type: "MultiPoint", coordinates: points });
    this.projection.scale(Math.min(this.projection.scale(), this.homeScale * 8));
    const [x, y] = this.projection(d3.geoCentroid({ type: "MultiPoint", coordinates: points }));
    this.pan(this.width / 2 - x, this.height / 2 - y);
  }

  zoomBy(k, at = [this.width / 2, this.height / 2]) {
    const scale = this.projection.scale();
    const next = Math.min(this.homeScale * 64, Math.max(this.homeScale / 8, scale * k));
    const f = next / scale;
    const [tx, ty] = this.projection.translate();
    this.projection.scale(next).translate([at[0] - (at[0] - tx) * f, at[1] - (at[1] - ty) * f]);
    this.schedule();
  }

  pan(dx, dy) {
    const [tx, ty] = this.projection.translate();
    this.projection.translate([tx + dx, ty + dy]);
    this.schedule();
  }

  setEvents(events) {
    this.events = events;
    this.renderMarkers();
  }

  // Rings the point of the event shown in the panel (null: none).
  highlight(id) {
    this.selected = id;
    for (const node of this.markers.querySelectorAll(".point")) node.classList.toggle("selected", node.dataset.id === id);
  }

  schedule() {
    if (this.frame === null) {
      this.frame = requestAnimationFrame(() => { this.frame = null; this.render(); });
    }
  }

  render() {
    this.root.removeAttribute("transform");
    if (this.world) {
      const path = d3.geoPath(this.projection);
      this.land.setAttribute("d", path(this.world.land) || "");
      this.borders.setAttribute("d", path(this.world.borders) || "");
    }
    this.renderMarkers();
  }

  renderMarkers() {
    const { clusters, offscreen, unplaced } = this.clusters();
    const group = svg("g", { class: "markers" });
    let drawn = 0;
    for (const c of clusters) {
      group.appendChild(c.items.length === 1 ? this.point(c.items[0]) : this.cluster(c));
      drawn += c.items.length;
    }
    this.root.replaceChild(group, this.markers);
    this.markers = group;
    Object.assign(this.node.dataset, { drawn, markers: clusters.length, offscreen, unplaced });
    this.node.dataset.state = this.world ? "ready" : "outlines-pending";
    this.onDrawn({ drawn, offscreen, unplaced });
  }

  // Greedy clustering on the screen: an event joins the first cluster whose seed lies within CELL
  // pixels, else it seeds a new one. Seeds are then more than CELL apart, so circles drawn at the
  // seeds with radii under CELL / 2 never overlap. A grid of CELL squares finds the nearby seeds.
  clusters() {
    const grid = new Map();
    const clusters = [];
    let offscreen = 0, unplaced = 0;
    for (const event of this.events) {
      const loc = mainLocation(event);
      if (!loc) { unplaced += 1; continue; }
      const [x, y] = this.projection([loc.lon, loc.lat]);
      if (!(x >= 0 && x <= this.width && y >= 0 && y <= this.height)) { offscreen += 1; continue; }
      const [gx, gy] = [Math.floor(x / CELL), Math.floor(y / CELL)];
      let home = nearSeed(grid, gx, gy, x, y);
      if (home === null) {
        home = { x, y, items: [] };
        clusters.push(home);
        const key = `${gx},${gy}`;
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(home);
      }
      home.items.push({ event, loc, x, y });
    }
    return { clusters, offscreen, unplaced };
  }

  point({ event, loc, x, y }) {
    const hurt = casualties(event);
    const r = Math.min(22, 5 + 1.3 * Math.sqrt(hurt.high || hurt.low));
    const hurtText = casualtyText(event);
    const selected = event.id === this.selected ? " selected" : "";
    const g = svg("g", { class: `marker point precision-${loc.precision}${selected}`, "data-count": 1, "data-id": event.id,
      "data-type": event.type, transform: `translate(${x.toFixed(1)},${y.toFixed(1)})`, tabindex: 0, role: "button" });
    g.appendChild(svg("circle", { r: r.toFixed(1), fill: TYPE_COLOURS[event.type] || "#555" }));
    const title = [describeEvent(event), placeNames(event), hurtText && `killed and injured ${hurtText}`];
    g.appendChild(svg("title", {}, title.filter(Boolean).join(" · ")));
    this.activate(g, () => this.onSelect([event], false));
    return g;
  }

  cluster({ x, y, items }) {
    const types = new Map();
    for (const { event } of items) types.set(event.type, (types.get(event.type) || 0) + 1);
    const main = [...types.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const g = svg("g", { class: "marker cluster", "data-count": items.length,
      transform: `translate(${x.toFixed(1)},${y.toFixed(1)})`, tabindex: 0, role: "button" });
    const r = Math.min(CELL / 2 - 1, 10 + 2.5 * Math.log2(items.length));
    g.appendChild(svg("circle", { r: r.toFixed(1), stroke: TYPE_COLOURS[main] || "#555" }));
    g.appendChild(svg("text", { "text-anchor": "middle", dy: "0.35em" }, items.length));
    const summary = [...types.entries()].map(([t, n]) => `${t} ${n}`).join(", ");
    g.appendChild(svg("title", {}, `${items.length} events: ${summary} (click to zoom in)`));
    this.activate(g, () => { this.onSelect(items.map((i) => i.event), true); this.zoomBy(2, [x, y]); });
    return g;
  }

  activate(node, action) {
    node.addEventListener("click", (e) => { if (!this.dragged) action(); e.stopPropagation(); });
    node.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); action(); } });
  }

  listen() {
    this.node.addEventListener("wheel", (e) => {
      e.preventDefault();
      const box = this.node.getBoundingClientRect();
      this.zoomBy(Math.exp(-e.deltaY * 0.0015), [e.clientX - box.left, e.clientY - box.top]);
    }, { passive: false });
    this.node.addEventListener("pointerdown", (e) => this.startDrag(e));
    window.addEventListener("resize", () => { this.measure(); this.schedule(); });
  }

  // While dragging only a transform moves; the projection changes once, when the drag ends.
  startDrag(start) {
    if (start.button !== 0) return;
    this.dragged = false;
    const move = (e) => {
      const dx = e.clientX - start.clientX, dy = e.clientY - start.clientY;
      if (Math.abs(dx) + Math.abs(dy) > 3) this.dragged = true;
      if (this.dragged) this.root.setAttribute("transform", `translate(${dx},${dy})`);
    };
    const end = (e) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", end);
      if (this.dragged) this.pan(e.clientX - start.clientX, e.clientY - start.clientY);
      setTimeout(() => { this.dragged = false; }, 0);  // after the click this drag would cause
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", end);
  }
}

function nearSeed(grid, gx, gy, x, y) {
  for (let i = gx - 1; i <= gx + 1; i += 1) {
    for (let j = gy - 1; j <= gy + 1; j += 1) {
      for (const seed of grid.get(`${i},${j}`) || []) {
        if (Math.hypot(seed.x - x, seed.y - y) <= CELL) return seed;
      }
    }
  }
  return null;
}

export function drawLegend(node) {
  for (const [type, colour] of Object.entries(TYPE_COLOURS)) {
    const item = node.appendChild(document.createElement("li"));
    const swatch = item.appendChild(svg("svg", { width: 12, height: 12, "aria-hidden": "true" }));
    swatch.appendChild(svg("circle", { cx: 6, cy: 6, r: 5, fill: colour }));
    item.appendChild(document.createTextNode(` ${type}`));
  }
  const size = node.appendChild(document.createElement("li"));
  size.textContent = "size: killed and injured · ring: cluster";
}
