"""The answer step's parameters (assistant/data/answer_params.json): term weights, limits, and the
support model's weights and threshold (fitted by ``python -m evals.fit``). Read once."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from base.vocab import load_json

PARAMS_FILE = Path(__file__).resolve().parents[1] / "data" / "answer_params.json"


def params() -> dict[str, Any]:
    return load_json(PARAMS_FILE)
