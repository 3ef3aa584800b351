"""Tests for base.regions: the gazetteer's relations between region names."""
from __future__ import annotations

from base.regions import contains


def test_containment_follows_the_codes() -> None:
    assert contains("湖北省", "黄石市") and contains("黄石市", "下陆区")
    assert not contains("下陆区", "黄石市")


def test_a_region_is_named_by_its_full_and_short_name() -> None:
    from base.regions import name_forms

    assert name_forms("下陆区") == ["下陆区", "下陆"]
    assert name_forms("环县") == ["环县"]  # no short name of two characters


def test_english_names_that_are_not_pinyin_name_gazetteer_regions() -> None:
    from base.regions import english_names, regions
    names = english_names()
    assert "Shaanxi" in names["陕西省"] and "Ordos" in names["鄂尔多斯市"]
    known = {r.name for r in regions()}
    assert set(names) <= known  # every line names a gazetteer region


def test_an_autonomous_region_or_prefecture_is_named_without_its_ethnic_groups() -> None:
    from base.regions import short_name

    assert short_name("广西壮族自治区") == "广西" and short_name("内蒙古自治区") == "内蒙古"
    assert short_name("新疆维吾尔自治区") == "新疆" and short_name("黔东南苗族侗族自治州") == "黔东南"
    assert short_name("博尔塔拉蒙古自治州") == "博尔塔拉"  # a group named without 族
    # an autonomous county keeps its groups: its bare core is too often an ordinary word (新平台)
    assert short_name("新平彝族傣族自治县") == "新平彝族傣族"

