"""Tests for assistant.compose.figure: several figures asked in one question."""
from __future__ import annotations

PLAN = """包头市石拐区“十三五”科学技术发展规划
石拐区科学技术局
2016年6月1日
一、发展基础
“十二五”期间,全区科技创新能力明显增强,获得自治区科技进步奖12项,占全市获奖总数的18.5%,获得包头市科技进步奖30项,占全市的11.2%。
"""


def test_a_count_and_its_share_are_both_answered(assistant_over):
    ans = assistant_over(shiguai=PLAN).ask("石拐区拿了多少项自治区科技进步奖?占全市多大比例?")
    assert "12项" in ans.answer and "18.5%" in ans.answer  # 占全市获奖总数的: a share, not a total
    assert "11.2%" not in ans.answer
    assert ans.answer.count("获得自治区科技进步奖12项") == 1  # quoted once, with both figures


def test_measure_words_conflict_within_their_category() -> None:
    from assistant.compose.figure import asked_measure, measure_conflict

    assert asked_measure("黄石高新技术产业增加值是“十一五”末的多少倍?") == "倍"
    assert measure_conflict("倍", "%")  # a multiple asked, a percentage given
    assert measure_conflict("名", "家")  # people asked, organisations counted
    assert not measure_conflict("项", "%")  # 多少项…占多大比例: the share is asked too
    assert not measure_conflict("倍", "倍") and not measure_conflict("", "家")
