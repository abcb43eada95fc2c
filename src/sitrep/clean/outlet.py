"""Which outlet published an article: from its URL's domain, or from furniture that signs it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from sitrep.clean.data import load

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


@dataclass(frozen=True, slots=True)
class _Outlets:
    domains: dict[str, str]
    suffixes: frozenset[str]
    signatures: tuple[re.Pattern, ...]
    names: dict[str, str]  # casefolded name -> name


def find_outlet(url: str | None, text: str) -> str | None:
    """A known outlet by URL, else one that signs ``text`` (uncleaned), else the bare domain."""
    return known_outlet(url) or outlet_from_text(text) or registered_domain(url)


def known_outlet(url: str | None) -> str | None:
    """The outlet's name when the URL's domain (or a parent domain) is listed, else None."""
    host = _host(url)
    if not host:
        return None
    table = _outlets()
    labels = host.split(".")
    for i in range(len(labels) - 1):
        name = table.domains.get(".".join(labels[i:]))
        if name is not None:
            return name
    return None


def registered_domain(url: str | None) -> str | None:
    """The domain an organisation registered: "russiaherald.com" for www.russiaherald.com."""
    host = _host(url)
    if not host:
        return None
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and ".".join(labels[-2:]) in _outlets().suffixes else 2
    return ".".join(labels[-keep:])


def outlet_from_text(text: str) -> str | None:
    """A known outlet named by a signature line ("Support The Moscow Times!"), or None."""
    table = _outlets()
    for pattern in table.signatures:
        for match in pattern.finditer(text):
            name = table.names.get(" ".join(match["outlet"].split()).casefold())
            if name is not None:
                return name
    return None


def _host(url: str | None) -> str | None:
    if not url or not url.strip():
        return None
    url = url.strip()
    if not _SCHEME.match(url):
        url = "http://" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:  # malformed URL (bad port, bad IPv6 literal): no outlet from it
        return None
    if not host or "." not in host:
        return None
    return host.removeprefix("www.").rstrip(".")


@cache
def _outlets() -> _Outlets:
    data = load("outlets.yaml")
    domains = {k.lower(): v for k, v in data["domains"].items()}
    return _Outlets(
        domains=domains,
        suffixes=frozenset(data["second_level_suffixes"]),
        signatures=tuple(re.compile(p) for p in data["signatures"]),
        names={name.casefold(): name for name in domains.values()},
    )
