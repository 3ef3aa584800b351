"""The claim vocabulary (``assistant/data/claims.json``: negation, rank, comparison and
organisation words, unit classes, clause breaks) and the regex and span helpers built on it."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Iterable

from base.vocab import load_json

CLAIMS_PATH = Path(__file__).resolve().parents[2] / "data" / "claims.json"


def claims() -> dict[str, Any]:
    """The claim vocabulary (assistant/data/claims.json), loaded once."""
    return load_json(CLAIMS_PATH)


def longest_first(words: Iterable[str]) -> list[str]:
    return sorted(set(words), key=len, reverse=True)


@cache
def alternation(key: tuple[str, ...]) -> re.Pattern[str]:
    """Regex alternation of the words at claims()[key[0]][key[1]]…, longest first."""
    node: Any = claims()
    for k in key:
        node = node[k]
    return re.compile("|".join(re.escape(w) for w in longest_first(node)))


@cache
def en_rx(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])", re.I)


def spans(rx: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(text)]


def free(a: int, b: int, taken: list[tuple[int, int]]) -> bool:
    return not any(x < b and a < y for x, y in taken)
