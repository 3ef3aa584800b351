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



def test_how_a_text_speaks_of_itself() -> None:
    from base.regions import level_word, own_level

    assert own_level("截至目前,全区共有高新技术企业506家,提升全区重点产业配套能力。") == "区"
    assert own_level("全县研发投入增长12%,县委县政府高度重视。列全省第3。") == "县"  # 列全省第3 ranks, it is no self-reference
    assert own_level("高新技术企业达到360家以上。") is None
    assert level_word("金水区") == "区" and level_word("鹤庆县") == "县" and level_word("河北省") == "省"
    assert level_word("大理白族自治州") == "州" and level_word("阿拉善盟") is None


def test_an_autonomous_county_is_also_named_by_its_common_name() -> None:
    from base.regions import abbreviations, common_names, region_named, region_pattern

    assert common_names()["石柱县"] == "石柱土家族自治县" and common_names()["楚雄州"] == "楚雄彝族自治州"
    assert "石柱县" in abbreviations("石柱土家族自治县")
    m = region_pattern().search("加快推动石柱县创新型县建设")
    assert m and region_named(m.group(0)).name == "石柱土家族自治县"
    assert "永仁县" not in common_names()  # a county's own name is no alias
