"""Tests for base.number_words: Chinese digit strings and decimals, English numbers in digits or words."""
from __future__ import annotations

from base.number_words import find_english_numbers, parse_chinese_numeral, parse_english_number


def test_parse_chinese_numeral_reads_digit_strings_and_decimals():
    assert [parse_chinese_numeral(x) for x in ("二〇二四", "三点五", "三百一十", "两万", "三千五百万")] == [
        2024, 3.5, 310, 20000, 35_000_000]
    assert parse_chinese_numeral("十四五") is None and parse_chinese_numeral("") is None


def test_parse_english_number():
    assert [parse_english_number(x) for x in ("three hundred and ten", "1.5 million", "two thousand three hundred",
                                              "twenty-five", "2,300", "a hundred", "3.5 billion")] == [
        310, 1_500_000, 2300, 25, 2300, 100, 3_500_000_000]
    assert parse_english_number("several") is None


def test_find_english_numbers_units_magnitudes_and_kinds():
    def got(s):
        return [(m.number, m.base_unit, m.kind) for m in find_english_numbers(s)]

    assert got("3.5 billion yuan, up 59%, or 1.5 percentage points") == [
        (3.5e9, "元", "quantity"), (59, "%", "quantity"), (1.5, "百分点", "quantity")]
    assert got("about three hundred firms in 2024") == [(300, "", "quantity"), (2024, "", "year")]
    assert got("3.2 per 10,000 people in the 14th Five-Year Plan") == [
        (3.2, "", "quantity"), (10000, "", "per"), (14, "", "ordinal"), (5, "", "duration")]
    assert got("one of the 220亿元 targets") == [(1, "", "word")]  # 220亿元 is find_numbers' to read
