"""The one error of the load stage."""
from __future__ import annotations

from pathlib import Path


class LoadError(Exception):
    """A file could not be turned into text; ``str(err)`` names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"Cannot load {self.path}: {reason}")
