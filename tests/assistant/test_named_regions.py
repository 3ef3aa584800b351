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
