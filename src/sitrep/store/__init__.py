"""The store: SQLAlchemy Core over SQLite (default) or PostgreSQL."""
from sitrep.store.db import Store, default_db

__all__ = ["Store", "default_db"]
