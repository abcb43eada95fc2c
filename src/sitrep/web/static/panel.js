// The map page's side panel: the list of events shown (or of one cluster's), and one event's summary
// from /api/events/{id} with the titles, outlets and evidence of its reports, all set as text.
import { ApiError, clear, describeEvent, el, figureRange, getJSON, ownLink, placeNames, sourceLink } from "./common.js";

const LIST_LIMIT = 300;

export class Panel {
  constructor(node, { onShow }) {
    this.node = node;
    this.onShow = onShow;  // told the id of the event shown, or null for a list
    this.events = [];
    this.token = 0;
  }

  showAll(events) {
    this.events = events;
    this.showList(events, `${events.length} event${events.length === 1 ? "" : "s"} shown`);
  }

  showList(events, heading) {
    this.token += 1;
    this.onShow(null);
    clear(this.node);
    this.node.appendChild(el("h2", {}, heading));
    const list = this.node.appendChild(el("ul", { class: "event-list" }));
    for (const event of events.slice(0, LIST_LIMIT)) {
      const button = el("button", { type: "button", class: "event-row", "data-id": event.id });
      button.appendChild(el("span", { class: `type type-${event.type}` }, describeEvent(event)));
      button.appendChild(el("span", { class: "places" }, placeNames(event) || "no place"));
      button.addEventListener("click", () => this.showEvent(event.id));
      list.appendChild(el("li")).appendChild(button);
    }
    if (events.length > LIST_LIMIT) this.node.appendChild(el("p", { class: "note" }, `and ${events.length - LIST_LIMIT} more`));
  }

  select(events, isCluster) {
    if (isCluster || events.length !== 1) this.showList(events, `${events.length} events here`);
    else this.showEvent(events[0].id);
  }

  async showEvent(id) {
    const token = ++this.token;
    this.onShow(id);
    clear(this.node).appendChild(el("p", { class: "note" }, "Loading…"));
    let detail;
    try {
      detail = await getJSON(`/api/events/${encodeURIComponent(id)}`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      clear(this.node).appendChild(el("p", { class: "error" }, err.message));
      return;
    }
    if (token === this.token) this.renderEvent(detail);
  }

  renderEvent({ event, mentions }) {
    clear(this.node);
    const back = this.node.appendChild(el("button", { type: "button", class: "back" }, "← all events shown"));
    back.addEventListener("click", () => this.showAll(this.events));
    this.node.appendChild(el("h2", { class: `type-${event.type}` }, describeEvent(event)));
    this.node.appendChild(el("p", {}, placeNames(event) || "no place"));
    const links = this.node.appendChild(el("p", { class: "links" }));
    links.append(ownLink(`/events/${encodeURIComponent(event.id)}`, "event page"), " · ",
      ownLink(`/api/events/${encodeURIComponent(event.id)}`, "JSON"));
    const figures = this.node.appendChild(el("ul", { class: "figures" }));
    for (const f of event.figures) {
      figures.appendChild(el("li", {}, `${f.kind} ${f.unit}: ${figureRange(f)}${f.conflict ? " (sources disagree)" : ""}`));
    }
    this.node.appendChild(el("h3", {}, `Reports (${mentions.length})`));
    for (const mention of mentions) this.node.appendChild(report(mention));
  }
}

function report(mention) {
  const box = el("div", { class: "report", "data-mention": mention.id });
  const { article } = mention;
  box.appendChild(el("p", { class: "title" }, article.title || "(untitled)"));
  const meta = box.appendChild(el("p", { class: "meta" }, [article.outlet, article.published].filter(Boolean).join(" · ")));
  const link = sourceLink(article.url, "source");
  if (link) meta.append(" · ", link);
  if (mention.evidence.length) box.appendChild(el("blockquote", {}, mention.evidence[0].text));
  return box;
}
