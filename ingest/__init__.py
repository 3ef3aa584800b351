"""Ingest pipeline: load → clean → metadata → split → targets → a new store generation."""
import base as _base  # noqa: F401  (sets OpenMP/telemetry environment before any model loads)
