"""Exports in the shape of the export contract (../shared/spec/export.md)."""
