"""The times a question names: years, periods, years relative to a document's own, and times that
name a document rather than the figure asked."""
from __future__ import annotations

from assistant.timewords import (find_period, find_years, mask_baselines, period_names_plan, relative_years,
                                 year_names_report)


def test_a_comparisons_base_is_no_year_asked() -> None:
    assert find_years("亳州2019年比2015年增长多少?") == [2019]
    assert mask_baselines("比上年增长15%").strip().startswith("增长")
    assert find_period("“十四五”期间要达到多少?") == list(range(2021, 2026))


def test_years_relative_to_a_documents_own() -> None:
    assert relative_years("南昌去年独角兽企业达到多少家?", "zh") == [-1]
    assert relative_years("What target did it set for the coming year?", "en") == [1]
    assert relative_years("比上年增长多少?", "zh") == []  # a comparison's base


def test_a_period_or_year_naming_a_document() -> None:
    assert period_names_plan("江苏省“十三五”科技创新规划中说,高新区达到了多少家?", "zh")
    assert not period_names_plan("“十三五”期间高新技术企业要达到多少家?", "zh")
    assert year_names_report("What was the R&D intensity according to its 2023 S&T work conference report?", "en")
    assert not year_names_report("神木市2022年计划新增多少家高新技术企业?", "zh")


def test_english_dating_words_are_scoped_and_the_period_kept_by_its_chinese_name() -> None:
    from assistant.timewords import en_time_phrases

    text, names = en_time_phrases("How many platforms had Anhui built by the end of the 13th Five-Year Plan period?")
    assert names == ["十三五"] and "end" not in text and "Plan" not in text and "period" not in text
    assert "platforms" in text and "built" in text
    assert en_time_phrases("What will Anhui reach by the end of 2025?")[0].strip().endswith("2025?")
    assert en_time_phrases("How many plans are there?") == ("How many plans are there?", [])
