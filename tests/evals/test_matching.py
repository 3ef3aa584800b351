"""The one matching rule (evals/matching.py): figures by value, numbers never cut."""
from __future__ import annotations

import pytest

from evals import metrics as M
from evals.matching import answer_text, contains, expected_text, same_figure


@pytest.mark.parametrize("answer,needle,found", [
    ("研发投入强度2.70%", "2.7", True),      # trailing zero: same value
    ("研发投入强度2.7%", "2.70", True),
    ("增长2.50倍", "增长2.5倍", True),        # a figure inside the needle
    ("共2000家", "2,000", True),             # thousands separator on either side
    ("共2,000家", "2000", True),
    ("20.0%", "20%", True),
    ("申报3100家", "310", False),             # a longer number is another number
    ("共1310家", "310", False),
    ("比重12.1%", "2.1", False),
    ("比重2.15%", "2.1", False),
    ("比重2.1%", "2.10", True),
    ("120%", "20%", False),
    ("答案见[1]", "1", False),                # citation markers never satisfy a figure
    ("到2024.10完成", "2024.1", False),       # a dotted year-month is year and month
    ("到2024.07完成", "2024.7", True),
    ("2021.7.26印发", "2021.7.26", True),
    ("1-2家", "1-2", True),
    ("about 2.7 billion", "2.7 billion", True),
    ("R&D 占 GDP 比重", "R&D占GDP", True),
])
def test_figures_match_by_value(answer, needle, found):
    assert contains(answer, needle) is found
    assert M.contains(answer, needle) is found  # the scorer uses the same function


def test_same_figure():
    assert same_figure("2.70", "2.7") and same_figure("007", "7")
    assert not same_figure("2.7", "27") and not same_figure("2024.1", "2024.10")


def test_scorer_counts_2_7_against_2_70_percent():
    item = {"must_include": ["2.7"], "any_of": [["2,000", "两千"]], "unanswerable": False}
    assert M.item_correct(item, {"answer": "强度达到2.70%,企业2000家[1]", "refused": False})
    assert not M.item_correct(item, {"answer": "强度达到12.7%,企业2000家", "refused": False})


def test_expected_and_answer_text():
    item = {"answer": "310家", "must_include": ["310"], "any_of": [["咸宁", "Xianning"], ["认定"]]}
    assert expected_text(item) == "310家 | must include: 310 | any of: 咸宁 | Xianning ; 认定"
    assert expected_text({"unanswerable": True, "answer": "没有"}).startswith("refusal (not in the documents)")
    assert answer_text({"answer": "x", "refused": True}) == "[refused] x"
    assert answer_text({"answer": "", "error": "boom"}) == "ERROR boom"
    assert M.expected_text is expected_text and M.answer_text is answer_text
