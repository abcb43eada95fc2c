"""Files the browser loads: our own (``static/``, shipped in the package) and the few
third-party ones installed by ``npm ci`` into ``node_modules/`` (d3, topojson, the world atlas,
Swagger UI). Nothing comes from a CDN; only the files named here are ever served, so that a
request cannot walk into the rest of node_modules or the disk.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ASSETS_ENV = "SITREP_ASSETS"
STATIC = Path(__file__).resolve().parent / "static"
# src/sitrep/web/assets.py -> the repository root, where `npm ci` puts node_modules/ (editable install)
REPO_ROOT = Path(__file__).resolve().parents[3]

# URL name -> path under node_modules/, from package.json's pinned packages.
VENDOR = {
    "d3-array.min.js": "d3-array/dist/d3-array.min.js",
    "d3-geo.min.js": "d3-geo/dist/d3-geo.min.js",
    "topojson-client.min.js": "topojson-client/dist/topojson-client.min.js",
    "countries-50m.json": "world-atlas/countries-50m.json",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}
# Our own files: the page shells, their scripts and the style sheet.
OWN = ("index.html", "event.html", "docs.html", "style.css",
       "common.js", "map.js", "timeline.js", "panel.js", "index.js", "event.js", "docs.js")

MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
               ".json": "application/json", ".html": "text/html; charset=utf-8"}


def node_modules() -> Path:
    """``$SITREP_ASSETS`` (a node_modules folder), else ``node_modules/`` at the repository root."""
    configured = os.environ.get(ASSETS_ENV)
    return Path(configured) if configured else REPO_ROOT / "node_modules"


@dataclass(frozen=True)
class Assets:
    """Where the vendor files are, and which of them are missing."""

    root: Path

    @classmethod
    def locate(cls) -> Assets:
        return cls(node_modules())

    def missing(self) -> list[str]:
        return [rel for rel in VENDOR.values() if not (self.root / rel).is_file()]

    def vendor_file(self, name: str) -> Path | None:
        rel = VENDOR.get(name)
        return self.root / rel if rel is not None and (self.root / rel).is_file() else None


def own_file(name: str) -> Path | None:
    return STATIC / name if name in OWN else None


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix, "application/octet-stream")
