"""How much the news talks about each region: a prior for same-named villages.

A text that names one village of a common name ("shelling in Pavlivka") and nothing else
gives no context to choose among the dozens of villages so called. The news this tool reads
is about a war, and it names some regions far more often than others; among villages alike
in everything else, one in a region the news names often is the likelier. The counts come
from a news corpus (never from the evaluation data), written once to
``data/geo/salience.yaml``:

    .venv/bin/python -m sitrep.geo.salience NEWS.jsonl [...] --exclude IDS \\
        -o src/sitrep/data/geo/salience.yaml

(IDS: the ids of articles to leave out, such as those of a gold set, one a line.)

Each article is geoparsed (no country hint, and without this prior: counts made with it
would feed on themselves) and every town- or region-level place it resolves counts once per
article for its region.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import yaml

from sitrep.geo import finder, lexicon, resolve
from sitrep.geo.gazetteer import Gazetteer

_FILE = lexicon.DATA_DIR / "salience.yaml"
# Regions named in fewer articles than this are left out (too few to say anything).
_MIN_ARTICLES = 5


def count(texts: Iterable[str], gaz: Gazetteer) -> Counter[str]:
    """Articles naming each ISO 3166-2 region (through the region or one of its towns),
    resolved without the news prior these counts make."""
    counts: Counter[str] = Counter()
    for text in texts:
        picks = resolve.resolve(finder.find(text, gaz), gaz, None, news_prior=False)
        counts.update({r.candidate.admin1 for r in picks
                       if r.candidate.admin1 and r.candidate.kind in ("place", "admin1")})
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


def _texts(paths: list[Path], skip: frozenset[str] = frozenset()) -> Iterable[str]:
    """The texts of JSON Lines news files, but those whose "id" is in ``skip``."""
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue  # a blank line (often the file's last) holds no record
                record = json.loads(line)
                text = record.get("text")
                if text and record.get("id") not in skip:
                    yield text


def _ids(path: Path | None) -> frozenset[str]:
    """Ids to leave out, one a line (blank lines and "#" comments ignored)."""
    if path is None:
        return frozenset()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return frozenset(line for line in lines if line)


def render(counts: Counter[str], sources: list[str], left_out: str = "") -> str:
    """The data file's text: a header naming the sources (and what was left out of them),
    then the regions named often enough."""
    kept = {code: n for code, n in counts.most_common() if n >= _MIN_ARTICLES}
    header = ("# Articles of a news corpus naming each region (written by "
              "`python -m sitrep.geo.salience`;\n# see that module). Sources: "
              + ", ".join(sources) + "\n")
    if left_out:
        header += f"# Left out: {left_out}\n"
    return header + yaml.safe_dump({"articles": kept}, sort_keys=False, allow_unicode=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="news JSON Lines (id, text, ...)")
    parser.add_argument("-o", "--output", type=Path, default=None,
                        help="file to write (default: standard output)")
    parser.add_argument("--exclude", type=Path, default=None,
                        help="file of article ids to leave out (evaluation data), one a line")
    args = parser.parse_args(argv)
    skip = _ids(args.exclude)
    counts = count(_texts(args.paths, skip), Gazetteer.open())
    left_out = f"{len(skip)} article ids listed in {args.exclude.name}" if args.exclude else ""
    text = render(counts, [p.name for p in args.paths], left_out)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
