"""Tests for base.numbers: parsing numbers as written, units and indicator keys."""
from __future__ import annotations

import pytest

from base.numbers import (
    indicator_key,
    normalise,
    parse_chinese_int,
    parse_number,
    split_range,
    split_unit,
    to_halfwidth,
    unit_category,
)


# ---------------------------------------------------------------- parse_number


@pytest.mark.parametrize("written, expected", [
    ("8.47", 8.47), ("1,200", 1200.0), ("12,345.5", 12345.5), ("0.2", 0.2), ("310", 310.0),
    ("８.４７", 8.47), ("２３００", 2300.0),
    ("三", 3.0), ("十五", 15.0), ("两", 2.0), ("二十", 20.0), ("一百零五", 105.0), ("三百", 300.0),
    ("一万二千", 12000.0), ("两千", 2000.0),
    ("2-3", 2.0), ("1～2", 1.0), ("2~3", 2.0), ("两到三", 2.0),
    ("2.69%", 2.69), ("百分之十五", 15.0),
])
def test_parse_number(written: str, expected: float) -> None:
    assert parse_number(written) == pytest.approx(expected)


@pytest.mark.parametrize("written", ["", "abc", "十四五", "一二三四", "二〇二三", "高新"])
def test_parse_number_rejects_non_numbers(written: str) -> None:
    assert parse_number(written) is None


def test_parse_chinese_int_big_units() -> None:
    assert parse_chinese_int("三万五千") == 35000
    assert parse_chinese_int("一亿") == 100_000_000
    assert parse_chinese_int("两万亿") == 2 * 10**12
    assert parse_chinese_int("十四五") is None


def test_split_range_keeps_written_parts() -> None:
    assert split_range("2-3") == ("2", "3")
    assert split_range("2～3") == ("2", "3")
    assert split_range("8.47") is None


def test_to_halfwidth_keeps_length_and_fullwidth_comma() -> None:
    s = "达到１２％，新增３家"
    assert len(to_halfwidth(s)) == len(s)
    assert to_halfwidth(s) == "达到12%，新增3家"


# ---------------------------------------------------------------- units


@pytest.mark.parametrize("value, unit, expected", [
    ("8.47", "亿元", (847000000.0, "元")),
    ("0.2", "万人", (2000.0, "人")),
    ("200", "万平方米", (2000000.0, "平方米")),
    ("2.69", "%", (2.69, "%")),
    ("2.69", "％", (2.69, "%")),
    ("1", "亿", (1e8, "")),
    ("3000", "万元", (30000000.0, "元")),
    ("5", "千万元", (50000000.0, "元")),
    ("310", "家", (310.0, "家")),
    ("10", "人次", (10.0, "人次")),
    ("2", "个百分点", (2.0, "百分点")),
    ("2-3", "家", (2.0, "家")),
    ("五千", "万元", (50000000.0, "元")),
    ("3", "千米", (3.0, "千米")),
])
def test_normalise(value: str, unit: str, expected: tuple[float, str]) -> None:
    number, base = normalise(value, unit)
    assert number == pytest.approx(expected[0])
    assert base == expected[1]


def test_normalise_is_exact_for_decimals() -> None:
    assert normalise("8.47", "亿元")[0] == 847000000.0
    assert normalise("0.7", "万人")[0] == 7000.0


def test_normalise_unknown_value() -> None:
    assert normalise("许多", "家") == (None, "家")


def test_split_unit_and_category() -> None:
    assert split_unit("亿元") == ("元", 10**8)
    assert split_unit("万") == ("", 10**4)
    assert split_unit("场次") == ("场次", 1)
    assert unit_category("亿元") == "money"
    assert unit_category("%") == "ratio"
    assert unit_category("个百分点") == "ratio"
    assert unit_category("年") == "duration"
    assert unit_category("") == ""


def test_indicator_key() -> None:
    assert indicator_key("有效高企数") == "有效高新技术企业数"
    assert indicator_key("科小入库") == "科技型中小企业入库"
    assert indicator_key("规上髙新技术企业") == "规模以上高新技术企业"
    assert indicator_key(" R&D 占 GDP 比重 ") == indicator_key("研发占地区生产总值比重")
    assert indicator_key("ＲＤ") == "rd"
    assert indicator_key("提高企业研发投入") == "提高企业研发投入"  # 提高|企业, not 高企
    assert indicator_key("“小巨人”企业") == "小巨人企业"
