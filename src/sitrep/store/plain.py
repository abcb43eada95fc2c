"""Many rows of plain values (text, numbers) through the driver's own executemany.

SQLAlchemy's executemany builds and converts each row's parameters in Python, ~3 us a row: an
ingest of 4k articles writes ~170k rows (bands, moves, merge reasons), most of them values that
need no converting. A statement is compiled once per dialect and set of keys here; one whose
values do need converting (JSON, bytes) goes through SQLAlchemy as before.
"""
from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa


@lru_cache(maxsize=256)
def _compiled(statement: sa.Executable, dialect: sa.Dialect, keys: tuple[str, ...]
              ) -> tuple[str, tuple[str, ...] | None] | None:
    """The SQL and the order of the parameters (None: the driver takes them by name), or None
    when some parameter needs converting (a float column makes an integer a float) or is not
    one of the row's (a constant of the statement's own)."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    for name, bind in compiled.binds.items():
        if name not in keys or bind.expanding or bind.type.dialect_impl(dialect).bind_processor(dialect) is not None:
            return None
    return compiled.string, tuple(compiled.positiontup) if compiled.positional else None


def execute_many(conn: sa.Connection, statement: sa.Executable, rows: list[dict]) -> None:
    """``conn.execute(statement, rows)``, every row with the same keys."""
    if not rows:
        return
    found = _compiled(statement, conn.dialect, tuple(rows[0]))
    if found is None:
        conn.execute(statement, rows)
        return
    sql, order = found
    conn.exec_driver_sql(sql, [tuple(r[k] for k in order) for r in rows] if order is not None else rows)
