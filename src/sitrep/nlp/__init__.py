"""Annotation building blocks shared by the stages: counts, time expressions, sentences."""
