"""Store rows -> the dicts of the export contract. One builder per record kind."""
from __future__ import annotations

from typing import Iterable, Iterator

ARTICLE_FIELDS = ("id", "source", "url", "title", "outlet", "published", "language", "duplicate_of")
ARTICLE_REF = ("id", "source", "url", "title", "outlet", "published")
LOCATION_FIELDS = ("name", "country", "admin1", "lat", "lon", "precision", "role", "geonames_id")


def article_record(row: dict) -> dict:
    rec = {k: row.get(k) for k in ARTICLE_FIELDS}
    rec["author"] = row.get("author")
    return rec


def _quote(text: str, start: int | None, end: int | None) -> dict | None:
    if start is None or end is None:
        return None
    return {"start": start, "end": end, "text": text[start:end]}


def _figure(f: dict, text: str) -> dict:
    return {"kind": f["kind"], "value": f["value"], "value_max": f["value_max"], "qualifier": f["qualifier"],
            "unit": f["unit"], "claimant": f["claimant"], "text": f["text"],
            "evidence": _quote(text, f["start"], f["end"])}


def mention_record(row: dict, article: dict) -> dict:
    text = article["text"]
    return {
        "id": row["id"], "event_id": row["event_id"],
        "article": {k: article.get(k) for k in ARTICLE_REF},
        "type": row["type"], "subtype": row["subtype"],
        "date": row["date"], "date_precision": row["date_precision"], "date_source": row["date_source"],
        "time": row["time"],
        "actors": {"initiator": row["initiator"], "target": row["target"]},
        "locations": [{k: loc.get(k) for k in LOCATION_FIELDS} | {"start": loc.get("start"), "end": loc.get("end")}
                      for loc in row["locations"]],
        "weapons": row["weapons"],
        "figures": [_figure(f, text) for f in row["figures"]],
        "claimant": row["claimant"], "status": row["status"],
        "evidence": row["evidence"],
    }


def mention_records(rows: Iterable[dict], get_article) -> Iterator[dict]:
    """Mentions come ordered by article, so each article's text is fetched once."""
    current: dict | None = None
    for row in rows:
        if current is None or current["id"] != row["article_id"]:
            current = get_article(row["article_id"])
        yield mention_record(row, current)


def _most_common(values: list) -> str | None:
    present = [v for v in values if v]
    return max(set(present), key=present.count) if present else None


def _union_locations(members: list[dict]) -> list[dict]:
    out, seen = [], set()
    for m in members:
        for loc in m["locations"]:
            key = (loc.get("geonames_id") or loc.get("admin1") or loc.get("country"), loc.get("role"))
            if key not in seen:
                seen.add(key)
                out.append({k: loc.get(k) for k in LOCATION_FIELDS})
    return out


def event_record(event: dict, members: list[dict], roots: dict[str, tuple[str, str | None]],
                 claims: list[dict], reasons: list[dict]) -> dict:
    """The merged view of one event. ``roots`` maps article id -> (original article, outlet)."""
    def source(article_id: str) -> str:
        # a syndicated copy counts as the outlet of the original it copies, when that is here too
        root, outlet = roots.get(article_id, (article_id, None))
        if root != article_id and root in roots:
            return source(root)
        return outlet or root
    outlets = {source(m["article_id"]) for m in members}
    weapons = list({(w["category"], w.get("model")): w for m in members for w in m["weapons"]}.values())
    return {
        "id": event["id"], "type": event["type"], "subtype": event["subtype"],
        "date": event["date"], "date_precision": event["date_precision"],
        "locations": _union_locations(members),
        "actors": {"initiator": _most_common([m["initiator"] for m in members]),
                   "target": _most_common([m["target"] for m in members])},
        "weapons": weapons,
        "mentions": [m["id"] for m in members],
        "sources": len(outlets),
        "outlets": sorted(outlets),
        "figures": claims,
        "merges": [{"mention_id": r["mention_id"], "score": r["score"], "reason": r["reason"]} for r in reasons],
    }
