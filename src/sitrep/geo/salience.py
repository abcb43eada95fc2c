"""How much the news talks about each region: a prior for same-named villages.

A text that names one village of a common name ("shelling in Pavlivka") and nothing else
gives no context to choose among the dozens of villages so called. The news this tool reads
is about a war, and it names some regions far more often than others; among villages alike
in everything else, one in a region the news names often is the likelier. The counts come
from a news corpus (never from the evaluation data), written once to
``data/geo/salience.yaml``:

    .venv/bin/python -m sitrep.geo.salience NEWS.jsonl [NEWS.jsonl ...]

Each article is geoparsed (no country hint) and every town- or region-level place it resolves
counts once per article for its region.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import yaml

from sitrep.geo import lexicon
from sitrep.geo.gazetteer import Gazetteer

_FILE = lexicon.DATA_DIR / "salience.yaml"
# Regions named in fewer articles than this are left out (too few to say anything).
_MIN_ARTICLES = 5


def count(texts: Iterable[str], gaz: Gazetteer) -> Counter[str]:
    """Articles naming each ISO 3166-2 region (through the region or one of its towns)."""
    from sitrep.geo import geoparse  # the package imports this module's users

    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({p.admin1 for p in geoparse(text, gaz)
                       if p.admin1 and p.precision in ("place", "admin1")})
    return counts


@cache
def _table() -> dict[str, float]:
    """Region -> articles naming it, as read from the data file (empty when absent)."""
    if not _FILE.is_file():
        return {}
    data = lexicon.load("salience")
    return {str(k): float(v) for k, v in (data.get("articles") or {}).items()}


def articles(admin1: str | None) -> float:
    """How many articles of the corpus name ``admin1`` (0 when unknown or too few)."""
    return _table().get(admin1, 0.0) if admin1 else 0.0


def _texts(paths: list[Path]) -> Iterable[str]:
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                text = json.loads(line).get("text")
                if text:
                    yield text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="news JSON Lines (id, text, ...)")
    args = parser.parse_args(argv)
    counts = count(_texts(args.paths), Gazetteer.open())
    kept = {code: n for code, n in counts.most_common() if n >= _MIN_ARTICLES}
    header = ("# Articles of a news corpus naming each region (written by "
              "`python -m sitrep.geo.salience`;\n# see that module). Sources: "
              + ", ".join(p.name for p in args.paths) + "\n")
    body = yaml.safe_dump({"articles": kept}, sort_keys=False, allow_unicode=True)
    _FILE.write_text(header + body, encoding="utf-8")


if __name__ == "__main__":
    main()
