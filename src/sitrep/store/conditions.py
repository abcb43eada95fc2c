"""A filter on events as SQL, in the forms a count and a page each read it."""
from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa


class Condition(NamedTuple):
    """A filter on events in two equivalent forms: ``among`` collects the events that pass
    from another table's index once (an IN list), ``each`` asks event by event (EXISTS). A
    count takes the first; a page of a filter most events pass takes the second on SQLite, which
    then stops after the page instead of collecting tens of thousands of events first.
    ``ids``, where given, reads the ids of passing events (repeated, in no order) from the
    filter's own index, so that a capped count can stop after enough of them."""

    among: sa.ColumnElement
    each: sa.ColumnElement
    ids: sa.Select | sa.TextualSelect | None = None  # one column: event ids (or seqs, ``key``)
    leads: bool = False  # a count reads ``ids`` even beside other conditions (a word search)
    unique: bool = False  # ``ids`` gives each event once, off a GIN index (PostgreSQL's event words)
    key: str = "id"  # the column of ``events`` that ``ids`` gives
    fts: str | None = None  # a SQLite search of words alone: its FTS5 query

