"""Tests for assistant.compose.pinyin_names: proper names an English question writes in pinyin."""
from __future__ import annotations

from assistant.compose.pinyin_names import name_words, reading_as


def test_capitalised_words_inside_the_question_may_be_pinyin_names() -> None:
    words = name_words("What does Hunan's plan intend to do with the Xiangjiang Science City?")
    assert "xiangjiang" in words and "hunan" not in words  # a region's pinyin is the region's business
    assert "what" not in words  # the question's first word


def test_a_pinyin_word_is_the_chinese_word_that_reads_so() -> None:
    texts = ["高标准规划建设湘江科学城,集聚一批大学研究基地。", "湘江新区"]
    assert reading_as("xiangjiang", texts) == "湘江"
    assert reading_as("science", texts) is None
    assert reading_as("qinchuangyuan", ["深化秦创原创新驱动平台建设"]) == "秦创原"


def test_an_english_question_finds_a_project_by_its_pinyin(assistant_over):
    plan = ("株洲市科技创新行动方案\n一、主要任务\n1.建设西部科学城。协同推进西部科学城建设,布局一批新型研发机构。\n"
            "2.建设湘江科学城。高标准规划建设湘江科学城,集聚一批大学研究基地和重大科技基础设施。\n"
            "3.建设创新平台。新建省级重点实验室5家。\n")
    ans = assistant_over(zhuzhou=plan).ask("What does Zhuzhou's plan intend to do with the Xiangjiang Science City?")
    assert "大学研究基地" in ans.answer and "新型研发机构" not in ans.answer
