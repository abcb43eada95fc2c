"""The geo stage's data files (``sitrep/data/geo/*.yaml``), read once per process."""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"


class _WordLoader(yaml.SafeLoader):
    """YAML 1.1 reads on/off/yes/no as booleans; our word lists need them as words."""


_WordLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed YAML file ``data/geo/<name>.yaml`` (cached: callers must not mutate it)."""
    text = (DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_WordLoader)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(data, dict):
        raise ValueError(f"data/geo/{name}.yaml must hold a mapping")
    return data


@cache
def word_set(name: str, key: str) -> frozenset[str]:
    """A list from a data file as a set of lower-case words or phrases."""
    return frozenset(str(w).lower() for w in load(name).get(key, ()))


def data_version(names: tuple[str, ...]) -> str:
    """A short hash of the named data files, stored in the gazetteer to spot stale builds."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update((DATA_DIR / f"{name}.yaml").read_bytes())
    return digest.hexdigest()[:12]
