"""Tests for ingest.targets on the real corpus and on made-up text of the same genre."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.indicators import split_pre, strip_leading
from ingest.targets import extract_targets
from base.types import Chunk, Doc, DocMeta, Target

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def line_chunks(name: str, text: str) -> list[Chunk]:
    """One chunk per non-empty line, with offsets into text (stand-in for the real splitter)."""
    chunks, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            chunks.append(Chunk(id=f"{name}:{len(chunks)}", doc=name, section=f"line {len(chunks)}",
                                start=pos, end=pos + len(line), text=line))
        pos += len(line) + 1
    return chunks


def targets_of(text: str, name: str = "t.txt", region: str | None = "某区",
               years: list[int] | None = None) -> list[Target]:
    doc = Doc(path=name, text=text, kind="txt", sha256="x")
    return extract_targets(doc, DocMeta(region=region, years=years or []), line_chunks(name, text))


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[str, list[Target]]]:
    metas = {
        "000_a4900b7333be9756.txt": DocMeta(region="下陆区", years=[2023]),
        "001_136a9505bad5a282.txt": DocMeta(region="高新区", years=[2023]),
        "002_2a333607f86502c4.txt": DocMeta(region="咸宁市", years=[2024]),
        "003_485a95091e833f50.txt": DocMeta(region="岳阳楼区", years=[]),
        "004_97c92cf58885207f.txt": DocMeta(region="东宝区", years=[2021, 2022]),
    }
    out = {}
    for name, meta in metas.items():
        text = (CORPUS / name).read_text(encoding="utf-8")
        doc = Doc(path=name, text=text, kind="txt", sha256="x")
        out[name] = (text, extract_targets(doc, meta, line_chunks(name, text)))
    return out


def find(targets: list[Target], *words: str, value: str, unit: str) -> list[Target]:
    return [t for t in targets if t.value == value and t.unit == unit and all(w in t.indicator for w in words)]


# ---------------------------------------------------------------- required findings on the corpus


def test_apply_and_certify_are_two_targets(corpus) -> None:
    _, ts = corpus["002_2a333607f86502c4.txt"]
    applied = find(ts, "申报", "高新技术企业", value="350", unit="家")
    certified = find(ts, "认定", "高新技术企业", value="310", unit="家")
    assert len(applied) == 1 and len(certified) == 1
    assert applied[0].indicator != certified[0].indicator
    assert "认定" not in applied[0].indicator and "申报" not in certified[0].indicator
    assert applied[0].number == 350.0 and certified[0].base_unit == "家"


def test_sme_registration(corpus) -> None:
    _, ts = corpus["002_2a333607f86502c4.txt"]
    (t,) = find(ts, "科技型中小企业", "入库", value="2300", unit="家")
    assert t.region == "咸宁市" and t.year == 2024
    assert t.indicator == "科技型中小企业入库"


def test_technology_contract_value(corpus) -> None:
    _, ts = corpus["000_a4900b7333be9756.txt"]
    found = find(ts, "技术合同交易额", value="8.47", unit="亿元")
    assert len(found) == 2  # the goal list and the task section
    assert all(t.number == 847000000.0 and t.base_unit == "元" for t in found)
    assert {t.comparator for t in found} == {"达"}
    assert {t.qualifier for t in found} == {"", "力争"}


def test_rd_share_of_gdp(corpus) -> None:
    _, ts = corpus["001_136a9505bad5a282.txt"]
    found = find(ts, "R&D占GDP比重", value="8.15", unit="%")
    assert len(found) == 2
    assert all(t.number == 8.15 and t.base_unit == "%" for t in found)


def test_rd_intensity_with_stated_year(corpus) -> None:
    _, ts = corpus["004_97c92cf58885207f.txt"]
    (t,) = find(ts, "全社会研发投入占地区生产总值比重", value="2.69", unit="%")
    assert t.year == 2022 and t.comparator == "达到" and t.region == "东宝区"


def test_new_high_tech_firms_with_comparator(corpus) -> None:
    _, ts = corpus["000_a4900b7333be9756.txt"]
    found = find(ts, "新增高新技术企业", value="16", unit="家")
    assert len(found) == 2
    with_bound = [t for t in found if "以上" in t.comparator]
    assert len(with_bound) == 1
    assert with_bound[0].qualifier == "确保" and with_bound[0].year == 2023
    assert all(t.indicator == "新增高新技术企业" for t in found)


def test_contract_turnover_and_graduates(corpus) -> None:
    _, ts = corpus["003_485a95091e833f50.txt"]
    (t,) = find(ts, "技术合同成交额", value="13", unit="亿元")
    assert "以上" in t.comparator and t.number == 1.3e9
    (g,) = find(ts, "新增就业创业高校毕业生", value="0.2", unit="万人")
    assert g.number == 2000.0 and g.base_unit == "人" and g.comparator == "不少于"
    assert g.year is None  # no year stated and none in the metadata


def test_quotes_are_verbatim_and_cover_the_number(corpus) -> None:
    for name, (text, ts) in corpus.items():
        assert ts, name
        for t in ts:
            assert text[t.start:t.end] == t.quote, (name, t)
            assert t.value in t.quote and t.unit in t.quote
            assert t.doc == name and t.chunk_id.startswith(name)


def test_no_years_dates_or_markers_as_values(corpus) -> None:
    for _, ts in corpus.values():
        for t in ts:
            assert t.unit != "年"
            assert not (t.value.isdigit() and 1900 <= int(t.value) <= 2100 and t.unit in ("", "年")), t
            assert t.indicator, t


def test_indicators_are_clean(corpus) -> None:
    for _, ts in corpus.values():
        for t in ts:
            for junk in ("力争", "确保", "全年"):
                assert not t.indicator.startswith(junk), t
            assert not t.indicator.startswith(("2023年", "2022年", "到20")), t
            assert not t.indicator.endswith(("达到", "达", "突破", "不低于", "不少于", "超过")), t


def test_counts_per_document_are_plausible(corpus) -> None:
    counts = {name: len(ts) for name, (_, ts) in corpus.items()}
    assert counts["000_a4900b7333be9756.txt"] >= 15
    assert counts["004_97c92cf58885207f.txt"] >= 25
    assert all(n < 80 for n in counts.values())


def test_verb_number_noun_order(corpus) -> None:
    _, ts = corpus["003_485a95091e833f50.txt"]
    assert find(ts, "新增", "市级以上创新平台", value="2", unit="个")
    assert find(ts, "新培育高新技术企业", value="10", unit="家")
    (t,) = find(ts, "引进培养", "博士后人才", value="3", unit="名")
    assert t.comparator == "左右"


def test_own_verb_is_not_replaced_by_the_previous_one(corpus) -> None:
    _, ts = corpus["002_2a333607f86502c4.txt"]
    (t,) = find(ts, "省级科技奖励", value="5", unit="项")
    assert t.indicator == "省级科技奖励" and t.qualifier == "争取"


def test_dispatched_commissioners(corpus) -> None:
    _, ts = corpus["002_2a333607f86502c4.txt"]
    assert find(ts, "选派", "市级科技特派员", value="150", unit="名")
    assert find(ts, "选派", "县级科技特派员", value="500", unit="名")


def test_section_and_chunk_come_from_the_chunk(corpus) -> None:
    text, ts = corpus["000_a4900b7333be9756.txt"]
    t = find(ts, "技术合同交易额", value="8.47", unit="亿元")[0]
    chunk = next(c for c in line_chunks("000_a4900b7333be9756.txt", text) if c.id == t.chunk_id)
    assert chunk.start <= t.start < chunk.end and t.section == chunk.section


# ---------------------------------------------------------------- made-up text of the same genre


def test_list_items_split_at_dunhao_and_keep_the_verb() -> None:
    ts = targets_of("挂牌区级孵化器2家、省级孵化器3家、国家级孵化器1家。")
    assert [(t.indicator, t.value) for t in ts] == [
        ("挂牌区级孵化器", "2"), ("挂牌省级孵化器", "3"), ("挂牌国家级孵化器", "1")]


def test_dunhao_inside_a_noun_list_does_not_split() -> None:
    (t,) = targets_of("新增省级及以上科技企业孵化器、众创空间2家。")
    assert t.indicator == "新增省级及以上科技企业孵化器、众创空间"


def test_implied_subject_is_borrowed() -> None:
    ts = targets_of("力争全市研发经费投入达到35亿元,增幅达到59%,占GDP比重达到1.5%。")
    assert [t.indicator for t in ts] == ["研发经费投入", "研发经费投入增幅", "研发经费投入占GDP比重"]
    assert ts[2].quote.startswith("力争全市研发经费投入")
    assert all(t.qualifier == "力争" for t in ts)


def test_verb_only_clause_borrows_the_noun() -> None:
    ts = targets_of("2025年争取申报高企200家,认定通过170家以上。", years=[2024])
    assert [t.indicator for t in ts] == ["申报高企", "认定通过高企"]
    assert [t.year for t in ts] == [2025, 2025]


def test_conjoined_quantities_share_the_verb() -> None:
    ts = targets_of("争取新增1家省级创新平台和1家市级创新平台。")
    assert [t.indicator for t in ts] == ["新增省级创新平台", "新增市级创新平台"]
    assert all(t.qualifier == "争取" for t in ts)


def test_bare_clause_after_a_verb_clause_borrows_the_verb() -> None:
    ts = targets_of("新增国家级孵化器１家，省级众创空间２～３家。")
    assert [(t.indicator, t.value, t.number) for t in ts] == [
        ("新增国家级孵化器", "１", 1.0), ("新增省级众创空间", "２～３", 2.0)]


def test_rate_base_is_not_a_target() -> None:
    (t,) = targets_of("每10万人口拥有科普场馆1个。")
    assert (t.indicator, t.value) == ("每10万人口拥有科普场馆", "1")


def test_words_that_merely_start_like_filler_are_kept() -> None:
    assert [t.indicator for t in targets_of("并购重组企业10家。共享实验室5个。")] == ["并购重组企业", "共享实验室"]


def test_unrelated_clause_does_not_borrow_a_verb() -> None:
    ts = targets_of("新增2个市级以上创新平台,高新技术产业增加值1亿以上。")
    assert [t.indicator for t in ts] == ["新增市级以上创新平台", "高新技术产业增加值"]
    assert ts[1].number == 1e8 and ts[1].base_unit == ""


def test_document_year_is_the_fallback_and_region_is_copied() -> None:
    (t,) = targets_of("高企数量达到120家。", region="某市", years=[2024, 2025])
    assert (t.year, t.region, t.comparator) == (2024, "某市", "达到")


def test_plan_period_year() -> None:
    (t,) = targets_of("“十四五”期间,累计引进高层次人才达到30人。", years=[2021])
    assert t.year == 2025


def test_growth_words_stay_in_the_indicator() -> None:
    (t,) = targets_of("全社会研发经费投入增长10%以上。")
    assert t.indicator == "全社会研发经费投入增长"
    assert t.comparator == "增长 以上"


def test_example_list_is_dropped() -> None:
    (t,) = targets_of("组织甲公司、乙公司等申报省级企校联合创新中心7个。")
    assert t.indicator == "组织申报省级企校联合创新中心"


def test_plan_word_is_a_qualifier_only_before_an_action() -> None:
    (a,) = targets_of("实施高企倍增计划,新增高企30家。")
    assert a.qualifier == ""
    (b,) = targets_of("2024年计划完成技术合同登记120项。")
    assert b.qualifier == "计划" and b.indicator == "技术合同登记"


def test_aside_in_parentheses_is_its_own_target() -> None:
    ts = targets_of("培育各级企业工程(技术)中心100家以上(其中市级以上研发机构15家以上);")
    assert [(t.indicator, t.value, t.comparator) for t in ts] == [
        ("培育各级企业工程(技术)中心", "100", "以上"), ("培育市级以上研发机构", "15", "以上")]


def test_header_region_is_skipped() -> None:
    text = "字数: 3000字\n新增高企10家。"
    doc = Doc(path="h.txt", text=text, kind="txt", sha256="x")
    ts = extract_targets(doc, DocMeta(header_end=text.index("\n")), line_chunks("h.txt", text))
    assert [t.value for t in ts] == ["10"]


def test_mentions_outside_chunks_are_skipped() -> None:
    text = "新增高企10家。\n新增科小20家。"
    doc = Doc(path="c.txt", text=text, kind="txt", sha256="x")
    ts = extract_targets(doc, DocMeta(), line_chunks("c.txt", text)[1:])
    assert [t.value for t in ts] == ["20"]


def test_empty_document() -> None:
    assert targets_of("") == []


# ---------------------------------------------------------------- helpers


def test_split_pre() -> None:
    assert split_pre("技术合同交易额达") == ("技术合同交易额", "达", "")
    assert split_pre("营业收入增幅达到") == ("营业收入增幅", "达到", "增幅")
    assert split_pre("比重不低于") == ("比重", "不低于", "")
    assert split_pre("组织申报高新技术企业") == ("组织申报高新技术企业", "", "")


def test_strip_leading() -> None:
    assert strip_leading("力争2023年全区科技型中小企业评价入库") == "科技型中小企业评价入库"
    assert strip_leading("确保全年新增高新技术企业") == "新增高新技术企业"
    assert strip_leading("实现R&D占GDP比重") == "R&D占GDP比重"
    assert strip_leading("到2022年,全社会研发投入") == "全社会研发投入"
    assert strip_leading("通过认定高新技术企业") == "通过认定高新技术企业"




# ---------------------------------------------------------------- markup and code are no indicators


def test_markup_and_code_fragments_do_not_become_indicators() -> None:
    text = ("1.<script>alert(1)</script>新增高新技术企业42家,培育科技型中小企业100家。\n"
            "2.<img src=x onerror=alert(1)>技术合同成交额达到5亿元。\n"
            '3.onclick="go(7)" style="width:9px"新增孵化器3家。\n'
            "4.var a=1;function f(){return 2}建设平台5个。\n"
            "5.<b>新增</b>众创空间4家。\n")
    ts = targets_of(text)
    got = {(t.indicator, t.value, t.unit) for t in ts}
    assert got == {("新增高新技术企业", "42", "家"), ("培育科技型中小企业", "100", "家"),
                   ("技术合同成交额", "5", "亿元"), ("新增孵化器", "3", "家"), ("建设平台", "5", "个"),
                   ("新增众创空间", "4", "家")}
    for t in ts:
        assert text[t.start:t.end] == t.quote
        assert not any(ch in t.indicator for ch in "<>={}") and "alert" not in t.indicator
    # quotes do not open with the junk either
    assert next(t for t in ts if t.value == "42").quote == "新增高新技术企业42家"
    assert next(t for t in ts if t.value == "5" and t.unit == "亿元").quote == "技术合同成交额达到5亿元"


def test_plain_ascii_words_of_the_genre_are_kept() -> None:
    ts = targets_of("R&D投入占GDP比重达到2.5%;建成5G基站100个;引进Future AI实验室1个。")
    got = {(t.indicator, t.value) for t in ts}
    assert ("R&D投入占GDP比重", "2.5") in got and ("建成5G基站", "100") in got
    assert any("Future" in t.indicator and t.value == "1" for t in ts)


def test_strip_markup() -> None:
    from ingest.indicators import strip_markup

    assert strip_markup("<i>新增</i>企业") == "新增企业"
    assert strip_markup("R&D投入(万元)") == "R&D投入(万元)"
    assert strip_markup('<img alt="图') == ""  # unclosed markup: rejected, not half-cleaned


def test_quotes_do_not_open_with_the_list_marker() -> None:
    text = "一、目标\n1.新增高新技术企业42家,培育科技型中小企业100家。\n（二）举办两场创新活动\n"
    ts = targets_of(text)
    assert [t.quote for t in ts] == ["新增高新技术企业42家", "培育科技型中小企业100家", "举办两场创新活动"]
    assert all(text[t.start:t.end] == t.quote for t in ts)
