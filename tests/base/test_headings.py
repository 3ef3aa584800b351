"""Tests for base.headings: headings of Chinese plan documents."""
from __future__ import annotations

from base.headings import heading_core, heading_rank


def test_a_headings_words_without_its_number() -> None:
    assert heading_core("(一) 指导思想") == "指导思想"
    assert heading_core("一、总体目标") == "总体目标"
    assert heading_core("第三章 保障措施") == "保障措施"
    assert heading_core(" 基本原则 ") == "基本原则"  # no number: unchanged but for spaces
    assert heading_core("1.5亿元用于研发") == "1.5亿元用于研发"  # a decimal is no number of a heading
    assert heading_rank("1.5亿元用于研发") is None
