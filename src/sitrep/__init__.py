"""sitrep: structured, geocoded, source-attributed event records from conflict news."""

__version__ = "0.1.0"
