"""Shared fixtures: the real corpus beside the checkout, in-memory stores."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SHARED = Path(os.environ.get("SITREP_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """``../shared/corpus``; tests that read real articles skip where it is absent."""
    path = SHARED / "corpus"
    if not path.is_dir():
        pytest.skip(f"real corpus not found at {path} (set SITREP_SHARED to the shared/ folder)")
    return path


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared folder not found at {SHARED}")
    return SHARED
