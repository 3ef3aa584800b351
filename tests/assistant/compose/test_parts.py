from __future__ import annotations

from assistant.compose.parts import merge_answers
from base.types import Answer, Citation


def _cite(n: int, start: int) -> Citation:
    return Citation(n=n, doc="a.txt", title="T", region="R", date=None, section="", quote="q", start=start, end=start + 5)


def test_the_parts_answers_are_one_answer_with_citations_numbered_anew() -> None:
    first = Answer(question="p1", answer="756件 [1]", refused=False, citations=[_cite(1, 10)])
    second = Answer(question="p2", answer="287件 [1]；同句 [2]", refused=False, citations=[_cite(1, 40), _cite(2, 10)],
                    parts=[{"kind": "sections", "items": [{"title": "t", "text": "287件 [1]", "citations": ["[1]", "[2]"]}]}])
    ans = merge_answers("whole", [first, second])
    assert ans.question == "whole" and not ans.refused
    assert ans.answer == "756件 [1]\n287件 [2]；同句 [1]"  # the passage both parts cite keeps its number
    assert [(c.n, c.start) for c in ans.citations] == [(1, 10), (2, 40)]
    assert ans.parts[0]["items"][0]["text"] == "287件 [2]" and ans.parts[0]["items"][0]["citations"] == ["[2]", "[1]"]
    assert ans.parts[0]["kind"] == "sections"
