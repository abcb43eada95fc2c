"""Shared fixtures: the real corpus beside the checkout, stores on SQLite and PostgreSQL."""
from __future__ import annotations

import os
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

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


# ---- store backends ------------------------------------------------------------------------
# Tests that take ``db_url`` run once on SQLite and once on PostgreSQL. PostgreSQL runs where
# $SITREP_TEST_PG names a server the tests may create databases on (``scripts/pg start DIR``
# starts a throwaway one and prints its URL); elsewhere those runs skip, saying so.

PG_ENV = "SITREP_TEST_PG"
BACKENDS = ("sqlite", "postgresql")
# A collation that ignores punctuation at first (as glibc's en_US does): a query that relies on
# the byte order of ids or dates gives other rows here than on SQLite, and the tests see it.
PG_TEST_COLLATION = "en-US-u-ka-shifted"


def pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture(scope="session")
def pg_admin() -> str:
    """The PostgreSQL server of $SITREP_TEST_PG; the test skips where none is configured."""
    url = pg_admin_url()
    if url is None:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV}=postgresql://USER@HOST:PORT/DB, a server "
                    "where tests may CREATE DATABASE (scripts/pg start DIR starts a throwaway one)")
    return url


@contextmanager
def new_database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty store: a SQLite file in ``folder``, or a PostgreSQL database
    made for the caller and dropped (with whatever still holds it open) afterwards."""
    if kind == "sqlite":
        yield str(folder / "store.db")
        return
    import sqlalchemy as sa

    from sitrep.store.db import to_url

    admin_url = pg_admin_url()
    assert admin_url, f"{PG_ENV} is not set"
    admin = sa.create_engine(to_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"sitrep_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                                 f"LOCALE_PROVIDER icu ICU_LOCALE '{PG_TEST_COLLATION}'"))
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> Iterator[str]:
    """A new, empty store on each backend, dropped after the test."""
    if request.param == "postgresql":
        request.getfixturevalue("pg_admin")  # skips with its message where none is configured
    with new_database(request.param, tmp_path) as url:
        yield url
