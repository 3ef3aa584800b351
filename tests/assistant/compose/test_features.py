"""Tests for assistant.compose.features: when evidence measures something else than asked."""
from __future__ import annotations

from assistant.compose.features import measure_bad, slot_conflict
from assistant.query import analyse


def test_another_level_or_stage_is_a_conflict() -> None:
    assert slot_conflict("到2027年要建成几家省级重点实验室", "市级重点实验室1家")
    assert slot_conflict("有多少家国家级工程技术研究中心", "省级工程技术研究中心15家")
    assert slot_conflict("计划申报多少家高新技术企业", "全年认定高新技术企业50家以上")
    # the member nearest the figure counts: 20家 are 省级 ones
    assert slot_conflict("有多少家国家级企业技术中心", "国家级企业技术中心5家、省级20家")
    assert not slot_conflict("有多少家国家级企业技术中心", "国家级企业技术中心5家")


def test_same_member_or_no_member_is_no_conflict() -> None:
    assert not slot_conflict("省级重点实验室有几家", "争取建成省级重点实验室2家")
    assert not slot_conflict("国家级和省级孵化器各多少", "省级孵化器10家")  # one of the asked members
    assert not slot_conflict("国家级孵化器有几家", "省级孵化器10家、国家级孵化器3家")
    assert not slot_conflict("申报和认定各多少", "通过认定310家")
    assert not slot_conflict("重点实验室有几家", "市级重点实验室1家")  # the question names no level
    assert not slot_conflict("省级重点实验室有几家", "重点实验室1家")  # the evidence names none


def test_non_exclusive_siblings_never_conflict() -> None:
    assert not slot_conflict("增长多少", "增速15%")  # 增长 / 增速 fill a slot in follow-ups only
    assert not slot_conflict("认定多少家", "通过培育新增高新技术企业50家")  # 通过 is no stage


def test_measure_bad_covers_basis_and_slots() -> None:
    q = analyse("洞头区到2027年要建成几家省级重点实验室?")
    assert measure_bad(q, "市级重点实验室1家") == 1.0
    assert measure_bad(q, "省级重点实验室1家") == 0.0
    growth = analyse("研发经费年均增长多少?")
    assert measure_bad(growth, "研发经费占GDP比重2.5%") == 1.0
    assert measure_bad(growth, "研发经费年均增长15%") == 0.0
    english = analyse("How many provincial-level key laboratories will be built?")
    assert measure_bad(english, "市级重点实验室1家") == 1.0
