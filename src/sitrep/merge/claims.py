"""Claims per event and figure kind, side by side, with the range they allow and whether they
conflict. No averaging: every claim is kept with who made it and where."""
from __future__ import annotations

from collections import Counter

UNIT_FAMILY = {"cruise_missile": "missile", "ballistic_missile": "missile", "air_defence_missile": "missile"}
ABOUT = 0.2  # "about 100" allows 80..120


def _bounds(value: int, qualifier: str, value_max: int | None) -> tuple[float, float]:
    if value_max is not None:
        return value, value_max
    if qualifier == "at_least":
        return value, float("inf")
    if qualifier == "at_most":
        return 0, value
    if qualifier == "about":
        return value * (1 - ABOUT), value * (1 + ABOUT)
    return value, value


def _family(unit: str) -> str:
    return UNIT_FAMILY.get(unit, unit)


def _claims(members: list[dict], roots: dict[str, str]) -> dict[tuple[str, str], list[dict]]:
    """Figures grouped by (kind, unit family); a syndicated copy repeating its original's claim
    is one source, so its duplicate claims are dropped."""
    groups: dict[tuple[str, str], list[dict]] = {}
    seen: set[tuple] = set()
    for m in members:
        root = roots.get(m["article_id"], m["article_id"])
        for f in m["figures"]:
            key = (f["kind"], _family(f["unit"]))
            ident = (root, key, f["value"], f["qualifier"])
            if ident in seen:
                continue
            seen.add(ident)
            groups.setdefault(key, []).append({
                "value": f["value"], "qualifier": f["qualifier"], "value_max": f["value_max"],
                "claimant": f["claimant"] or m["claimant"], "mention_id": m["id"], "text": f["text"]})
    return groups


def _summary(kind: str, unit: str, claims: list[dict]) -> dict:
    known = [c for c in claims if c["value"] is not None]
    bounds = [_bounds(c["value"], c["qualifier"], c["value_max"]) for c in known]
    low = max((b[0] for b in bounds), default=None)  # the range every claim allows
    high = min((b[1] for b in bounds), default=None)
    conflict = bool(bounds) and low > high
    lows = [b[0] for b in bounds]
    highs = [b[1] for b in bounds if b[1] != float("inf")]
    common = Counter(c["value"] for c in known).most_common(1)
    return {
        "kind": kind, "unit": unit, "value": common[0][0] if common else None,
        "low": int(min(lows)) if lows else None, "high": int(max(highs)) if highs else None,
        "claims": claims, "conflict": conflict,
    }


def figure_claims(members: list[dict], roots: dict[str, str]) -> list[dict]:
    return [_summary(kind, unit, claims) for (kind, unit), claims in sorted(_claims(members, roots).items())]
