"""Tests for assistant.compose.support: the calibrated answer/refuse score."""
from __future__ import annotations

from types import SimpleNamespace

from assistant.compose.support import passing


def test_the_answer_is_the_best_ranked_of_the_well_supported_candidates() -> None:
    title_line = SimpleNamespace(p=0.34)  # ranked first (retrieval), weakly supported
    answer = SimpleNamespace(p=0.60)
    other = SimpleNamespace(p=0.45)
    assert passing([title_line, answer, other], 0.4) == [answer, other]
    assert passing([title_line], 0.4) == []  # nothing supports an answer: refuse
