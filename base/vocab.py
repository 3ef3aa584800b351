"""The one loader of vocabulary and parameter files. Each layer keeps its data files in its own
``data/`` folder (``data_dir(__file__)``); files are read once per process."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

BASE_DATA = Path(__file__).resolve().parent / "data"


def data_dir(module_file: str) -> Path:
    """The ``data/`` folder of the package that holds ``module_file``."""
    return Path(module_file).resolve().parent / "data"


@lru_cache(maxsize=64)
def load_json(path: Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=64)
def load_lines(path: Path) -> tuple[str, ...]:
    """Non-blank lines that are not ``#`` comments, right-stripped."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return tuple(ln.rstrip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#"))


def load_tsv(path: Path) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(ln.split("\t")) for ln in load_lines(path))
