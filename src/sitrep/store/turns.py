"""Writers that must take turns: the next ``seq`` of a table is read and written in one go.

SQLite has one writer at a time by itself. PostgreSQL lets transactions write side by side, so
two ingests (or an ingest and an ``unmerge``) could both read the same ``max(seq)``, or both
merge the same pending mentions.
"""
from __future__ import annotations

import sqlalchemy as sa


def take_turn(conn: sa.Connection, table: sa.Table) -> None:
    """On PostgreSQL, wait until no other transaction writes ``table`` and hold it until this
    transaction ends; readers are never blocked (SHARE ROW EXCLUSIVE excludes writers only)."""
    if conn.dialect.name != "postgresql":
        return
    name = conn.dialect.identifier_preparer.format_table(table)
    conn.execute(sa.text(f"LOCK TABLE {name} IN SHARE ROW EXCLUSIVE MODE"))
