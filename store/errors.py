"""Errors of the index store."""
from __future__ import annotations


class IndexError_(RuntimeError):
    """The index is missing, locked or unreadable."""


class IndexMissing(IndexError_):
    pass
