"""规划问答 — the answering side: analyse → scope → retrieve → compose → check, reading the store."""
import base as _base  # noqa: F401  (sets OpenMP/telemetry environment before any model loads)
