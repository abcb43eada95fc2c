"""Writing records as JSON Lines, CSV or GeoJSON."""
from __future__ import annotations

import csv
import json
from typing import IO, Iterable

from sitrep.export import acled

FIGURE_KINDS = ("launched", "intercepted", "hit", "killed", "injured", "missing", "evacuated", "aircraft")


def write_jsonl(records: Iterable[dict], out: IO[str]) -> int:
    n = 0
    for rec in records:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def _cell(value) -> str | int | float | None:
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "; ".join(_list_item(v) for v in value)
    return value


def _list_item(v) -> str:
    if isinstance(v, dict) and "name" in v:  # a location
        code = v.get("admin1") or v.get("country") or "?"
        return f"{v['name']} ({code}, {v.get('role')})"
    if isinstance(v, dict) and "category" in v:  # a weapon
        return v["category"] + (f":{v['model']}" if v.get("model") else "")
    if isinstance(v, dict) and "start" in v:  # evidence
        return v.get("text") or f"{v['start']}-{v['end']}"
    return json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v)


def _figure_text(f: dict) -> str:
    q = "" if f.get("qualifier") in (None, "exact") else f"{f['qualifier']} "
    who = f" ({f['claimant']})" if f.get("claimant") else ""
    value = f.get("value") if f.get("value") is not None else (f.get("text") or "?")
    return f"{q}{value}{who}"


def flatten(rec: dict) -> dict:
    """One CSV row: nested objects as dotted columns, figures as one column per kind."""
    row: dict = {}
    for key, value in rec.items():
        if key == "figures":
            for kind in FIGURE_KINDS:
                row[kind] = "; ".join(_figure_text(f) for f in value if f.get("kind") == kind)
        elif isinstance(value, dict) and key in ("article", "actors"):
            row.update({f"{key}.{k}": _cell(v) for k, v in value.items()})
        else:
            row[key] = _cell(value)
    return row


def write_csv(records: Iterable[dict], out: IO[str]) -> int:
    writer = None
    n = 0
    for rec in records:
        row = flatten(rec)
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row), extrasaction="ignore")
            writer.writeheader()
        writer.writerow(row)
        n += 1
    return n


def _point(rec: dict) -> dict | None:
    """The first located place, targets before others."""
    locs = sorted(rec.get("locations") or [], key=lambda loc: loc.get("role") != "target")
    for loc in locs:
        if loc.get("lat") is not None and loc.get("lon") is not None:
            return {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]}
    return None


def write_geojson(records: Iterable[dict], out: IO[str]) -> int:
    """A FeatureCollection written as it streams; records without a point get geometry null."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for rec in records:
        feature = {"type": "Feature", "id": rec.get("id"), "geometry": _point(rec), "properties": rec}
        out.write((",\n" if n else "") + json.dumps(feature, ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n


def write_acled(records: Iterable[dict], out: IO[str]) -> int:
    """Events in the columns of an ACLED export (mapping: docs/acled.md)."""
    writer = csv.DictWriter(out, fieldnames=list(acled.COLUMNS))
    writer.writeheader()
    n = 0
    for rec in records:
        writer.writerow(acled.acled_row(rec))
        n += 1
    return n


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "geojson": write_geojson, "acled": write_acled}
