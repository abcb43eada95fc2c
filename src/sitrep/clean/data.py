"""The YAML rule files under src/sitrep/data/, each read once per process."""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from sitrep import yamlfile

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed contents of ``data/<name>`` (callers must not modify it)."""
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return yamlfile.parse(fh.read())
