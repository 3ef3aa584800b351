"""Ingest pipeline: load → clean → metadata → split → targets → index."""
import assistant as _assistant  # noqa: F401  (sets OpenMP/telemetry environment before any model loads)
