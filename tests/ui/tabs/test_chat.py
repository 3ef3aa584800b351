"""The chat tab's pure helpers (ui/tabs/chat.py): what counts as a question, bounded history."""
from __future__ import annotations

import pytest

from ui.tabs import chat as C


@pytest.mark.parametrize("q", ["咸", "?", "？？", "😀", "😀😀😀", "👍🏽", "…", "a", "1", "🇨🇳", "【】"])
def test_one_character_or_emoji_only_gets_a_request_for_a_real_question(q):
    assert C.question_problem(q) == C.NOT_A_QUESTION


@pytest.mark.parametrize("q", ["研发", "咸宁2024年高企多少家？", "R&D?", "GDP", "2024"])
def test_short_real_questions_pass(q):
    assert C.question_problem(q) is None


def turn(i, size=10):
    return {"id": i, "q": f"问题{i}", "a": "答" * size, "html": "<div>x</div>"}


def test_trim_turns_keeps_the_most_recent_within_both_bounds():
    turns = [turn(i) for i in range(40)]
    kept, dropped = C.trim_turns(turns, max_turns=30, max_bytes=10**9)
    assert [t["id"] for t in kept] == list(range(11, 40)) and dropped == 11  # room for one more
    big = [turn(i, size=2000) for i in range(10)]
    kept, dropped = C.trim_turns(big, max_turns=30, max_bytes=20_000)
    assert sum(C.turn_size(t) for t in kept) <= 20_000 and kept[-1]["id"] == 9 and dropped == 10 - len(kept)
    assert C.trim_turns([], 30, 1000) == ([], 0)


def test_messages_and_history_come_from_the_server_side_turns():
    turns = [turn(0), {"id": 1, "q": "<b>x</b>", "a": "", "error": True, "html": "err"}]
    msgs = C.messages(turns)
    assert [m["role"] for m in msgs] == ["user", "assistant", "user", "assistant"]
    assert "&lt;b&gt;" in msgs[2]["content"]  # the question is escaped
    assert C.history(turns) == [{"q": "问题0", "a": "答" * 10}]  # failed turns are no history
