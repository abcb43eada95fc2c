"""A readable view of one event: what, when, where, who says what, and the sentences."""
from __future__ import annotations

from typing import Callable


def _places(event: dict) -> str:
    parts = []
    for loc in event["locations"]:
        code = loc.get("admin1") or loc.get("country") or "?"
        parts.append(f"{loc['name']} [{code}]" + (" (origin)" if loc.get("role") == "origin" else ""))
    return ", ".join(parts) or "-"


def _claim_line(c: dict) -> str:
    q = "" if c["qualifier"] == "exact" else c["qualifier"].replace("_", " ") + " "
    value = c["value"] if c["value"] is not None else (c.get("text") or "?")
    return f"{q}{value}  — {c['claimant'] or 'the article itself'}  (mention {c['mention_id']})"


def _figures(event: dict) -> list[str]:
    lines = []
    for f in event["figures"]:
        span = f"{f['low']}..{f['high']}" if f["low"] != f["high"] else f"{f['low']}"
        flag = "  CONFLICT" if f["conflict"] else ""
        lines.append(f"  {f['kind']} ({f['unit']}): {span}{flag}")
        lines.extend(f"      {_claim_line(c)}" for c in f["claims"])
    return lines or ["  (no figures)"]


def render(event: dict, mentions: list[dict], article: Callable[[str], dict]) -> str:
    sides = event["actors"]
    weapons = ", ".join(w["category"] + (f" {w['model']}" if w.get("model") else "") for w in event["weapons"]) or "-"
    out = [f"event {event['id']}: {event['type']}/{event['subtype']} on {event['date'] or 'unknown date'}",
           f"  where:   {_places(event)}",
           f"  sides:   {sides['initiator'] or '?'} -> {sides['target'] or '?'}",
           f"  weapons: {weapons}",
           f"  reported by {event['sources']} outlet(s) in {len(mentions)} mention(s)", "", "figures:"]
    out += _figures(event)
    reasons = {r["mention_id"]: r["reason"] for r in event["merges"]}
    for m in mentions:
        a = article(m["article_id"])
        out += ["", f"mention {m['id']} — {a.get('outlet') or '-'}, {a.get('published') or 'undated'}: "
                    f"{a.get('title') or a['source']}",
                f"  claimant: {m['claimant'] or '-'}; date {m['date'] or 'unknown'} ({m['date_source']})",
                f"  merged: {reasons.get(m['id'], '-')}"]
        out += [f"  > {ev['text']}  [{ev['start']}:{ev['end']}]" for ev in m["evidence"]]
    return "\n".join(out)
