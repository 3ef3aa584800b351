"""Regions an English question names: by pinyin, and by the English names that are not pinyin."""
from __future__ import annotations

from assistant.named_regions import find_regions_en, mention_at


def test_pinyin_names_a_region() -> None:
    assert find_regions_en("How many high-tech enterprises does Xianning have?", {}) == ["咸宁市"]


def test_conventional_english_names_are_not_their_pinyin() -> None:
    # Shaanxi is not Shanxi; Ordos and Inner Mongolia are no pinyin at all
    assert find_regions_en("What R&D intensity did Shaanxi report?", {}) == ["陕西省"]
    assert find_regions_en("What did Shanxi report?", {}) == ["山西省"]
    assert set(find_regions_en("Does Ordos, in Inner Mongolia, set a patent target?", {})) == {"鄂尔多斯市", "内蒙古自治区"}
    assert mention_at("Compare Ordos and Shaanxi", "陕西省") == 18
    assert mention_at("Compare Ordos and Shaanxi", "鄂尔多斯市") == 8


def test_a_place_names_polyphonic_reading_names_it() -> None:
    from assistant.named_regions import readings
    assert readings("闵行")[0] == "minxing" and "minhang" in readings("闵行")
    assert find_regions_en("What does Minhang District target?", {"闵行区": ["闵行"]}) == ["闵行区"]
    assert find_regions_en("What does Minhang District target?", {}) == []  # uncovered: usual readings only


def test_the_currency_is_no_region() -> None:
    assert find_regions_en("How much R&D money in yuan did Nanchang spend?", {"南昌市": ["南昌"]}) == ["南昌市"]


def test_a_region_named_with_one_inside_it_only_locates_it_unless_also_named_on_its_own() -> None:
    from assistant.named_regions import subjects

    assert subjects("西安市雁塔区的高企有多少?", ["西安市", "雁塔区"]) == ["雁塔区"]
    assert subjects("湖北省的咸宁市2024年目标", ["湖北省", "咸宁市"]) == ["咸宁市"]
    assert subjects("How many firms does Yulin in Guangxi have?", ["广西壮族自治区", "玉林市"]) == ["玉林市"]
    assert subjects("What is Guangxi's Yulin aiming for?", ["广西壮族自治区", "玉林市"]) == ["玉林市"]
    # both sides of a comparison: the outer region is named on its own too
    assert subjects("广西科技强桂三年行动方案和玉林市分别给出的技术合同成交额是多少?",
                    ["广西壮族自治区", "玉林市"]) == ["广西壮族自治区", "玉林市"]
    assert subjects("Compare the figures for Guangxi as a whole and for the city of Yulin in Guangxi.",
                    ["广西壮族自治区", "玉林市"]) == ["广西壮族自治区", "玉林市"]
    assert subjects("西安市和宣州区分别是多少", ["西安市", "宣州区"]) == ["西安市", "宣州区"]  # side by side
    assert subjects("那里的目标呢?", ["湖北省", "咸宁市"]) == ["咸宁市"]  # inherited, not named: a locator


def test_an_ambiguous_pinyin_name_is_read_beside_the_regions_named_with_it() -> None:
    from assistant.named_regions import find_regions_en

    found = find_regions_en("What must Lianyuan, Shuangfeng and Xinhua reach under the Loudi targets?", {})
    assert "新化县" in found and "新华区" not in found  # the 娄底 county, not a 新华区 elsewhere


def test_an_ambiguous_pinyin_name_is_read_as_the_region_holding_one_named_with_it() -> None:
    from assistant.named_regions import find_regions_en

    found = find_regions_en("What has Hengshui issued to become a Beijing-Tianjin-Hebei innovation city?", {})
    assert "河北省" in found and "河北区" not in found  # the province holding 衡水, not 天津's 河北区
