"""Tests for base.mentions: finding quantity mentions and telling them from other numerals."""
from __future__ import annotations

import pytest

from base.mentions import find_numbers
from base.numbers import NumberMention, same_quantity


def quantities(text: str) -> list[tuple[str, str]]:
    return [(m.value, m.unit) for m in find_numbers(text)]


def kinds(text: str) -> dict[str, str]:
    return {m.value: m.kind for m in find_numbers(text, quantities_only=False)}


# ---------------------------------------------------------------- find_numbers: quantities


def test_finds_targets_with_spans() -> None:
    text = "技术合同交易额达8.47亿元,科技型中小企业入库2300家。"
    found = find_numbers(text)
    assert [(m.value, m.unit) for m in found] == [("8.47", "亿元"), ("2300", "家")]
    for m in found:
        assert text[m.start:m.end] == m.value + m.unit
    assert found[0].number == 847000000.0 and found[0].base_unit == "元"
    assert found[0].numeric == 8.47


def test_list_of_quantities_separated_by_dunhao() -> None:
    assert quantities("组织申报350家、认定310家") == [("350", "家"), ("310", "家")]


def test_percent_and_units() -> None:
    assert quantities("R&D占GDP比重8.15%") == [("8.15", "%")]
    assert quantities("不少于0.2万人") == [("0.2", "万人")]
    assert quantities("孵化载体面积不少于200万平方米") == [("200", "万平方米")]
    assert quantities("引进人才10人次以上,开展活动4场次") == [("10", "人次"), ("4", "场次")]
    assert quantities("高新技术产业增加值1亿以上") == [("1", "亿")]


def test_ranges_and_approximations() -> None:
    m = find_numbers("力争新认定示范基地2-3家")[0]
    assert (m.value, m.unit, m.numeric) == ("2-3", "家", 2.0)
    m = find_numbers("现存80多家企业")[0]
    assert (m.value, m.approx, m.unit, m.number) == ("80", "多", "家", 80.0)


def test_thousands_separator_and_fullwidth() -> None:
    m = find_numbers("高企总数突破1,200家")[0]
    assert (m.value, m.number) == ("1,200", 1200.0)
    text = "新增高企１６家，研发投入占比达２．５％"
    found = find_numbers(text)
    assert [(m.value, m.unit, m.number) for m in found] == [("１６", "家", 16.0), ("２．５", "％", 2.5)]
    assert all(text[m.start:m.end] == m.value + m.unit for m in found)


def test_chinese_numerals_with_measure_words() -> None:
    assert quantities("高规格举办两场活动") == [("两", "场")]
    assert quantities("深化三项科技合作") == [("三", "项")]
    assert quantities("引进十五名博士") == [("十五", "名")]
    m = find_numbers("争取资金五千万元")[0]
    assert (m.value, m.unit, m.number) == ("五千", "万元", 5e7)


def test_counts_of_administrative_units() -> None:
    assert quantities("在林周县等20余县(区)开展示范") == [("20", "县")]
    assert quantities("全省13市、覆盖30个村") == [("13", "市"), ("30", "个")]
    assert quantities("一区多园,2023年区科技局") == []  # an idiom, a year before a word


def test_parenthesised_alternative_unit_is_part_of_the_mention() -> None:
    text = "引进科技领军人才和团队1人(个)以上"
    m = find_numbers(text)[0]
    assert (m.value, m.unit) == ("1", "人")
    assert text[m.start:m.end] == "1人(个)"


# ---------------------------------------------------------------- find_numbers: not quantities


@pytest.mark.parametrize("text", [
    "2023年下陆区科技创新工作要点",
    "到2022年,全区",
    "成文日期: 2023-02-24",
    "时间:2021-07-26",
    "发布日期: 2024年02月27日",
    "2021年7月26日",
    "文 号: 东政发〔2021〕6号",
    "(鄂科技农发〔2021〕9号)的要求",
    "索引号 11330208591592561J/2023-25176",
    "索引号 : 011336941/2024-05811",
    "1、全面开展科技强区建设",
    "2.深化武汉理工大学合作",
    "（3）加强保障",
    "(一)总体思路",
    "一、总体要求",
    "一是存量稳定增长。二是狠挖研发投入增量",
    "实施“十四五规划”承上启下",
    "“十四五”期间",
    "全面贯彻党的二十大精神",
    "党的十九届五中全会和全省科技创新大会",
    "按照省委十二届五次全会重大部署和市委六届四次、五次全会",
    "持续推进“32232”科技合作工程",
    "按照“123456”工作思路",
    "组织企业实施“两个100”专项行动",
    "增强“四个意识”、坚定“四个自信”",
    "《光谷科创大走廊咸宁功能区建设三年行动方案(2022-2024年)》",
    "三年行动计划",
    "中华人民共和国成立75周年",
    "建设一个规范、高标准的新型产业园",
    "形成一批具有自主知识产权的成果",
    "打造一批十亿、五十亿、百亿企业",
    "打造千亿产值“华中铜谷”",
    "推进千家万户",
    "第二批子基金",
    "保持全省第一方阵",
    "打造1个5G+工业互联网",
    "湖北省科技厅关于印发推进创新型县(市、区)建设实施方案",
    "一袋菇、一篮菜、一株药、一只鸡",
    "每两年通报表扬一批创新企业",
])
def test_non_quantities_are_skipped(text: str) -> None:
    found = [(m.value, m.unit) for m in find_numbers(text)]
    assert found in ([], [("1", "个")]), found


def test_kinds_of_non_quantities() -> None:
    assert kinds("2023年") == {"2023": "year"}
    assert kinds("成文日期: 2023-02-24")["2023-02-24"] == "date"
    k = kinds("东政发〔2021〕6号")
    assert k["2021"] == "docno" and k["6"] == "docno"
    k = kinds("11330208591592561J/2023-25176")
    assert set(k.values()) == {"code"}
    assert kinds("\n1、全面开展")["1"] == "marker"
    assert kinds("(3)加强")["3"] == "marker"
    assert kinds("第二批")["二"] == "ordinal"
    assert kinds("“32232”科技合作工程")["32232"] == "name"
    assert kinds("三年行动计划")["三"] == "duration"
    assert kinds("十四五规划")["十四五"] == "word"
    assert kinds("每10万人口")["10"] == "per"


def test_quantities_only_flag() -> None:
    text = "2023年确保新增高新技术企业16家以上"
    assert [m.value for m in find_numbers(text)] == ["16"]
    every = find_numbers(text, quantities_only=False)
    assert [(m.value, m.kind) for m in every] == [("2023", "year"), ("16", "quantity")]
    assert all(isinstance(m, NumberMention) for m in every)


def test_citation_marks_and_bare_numbers() -> None:
    text = "计划新增高新技术企业16家以上[1]，排名前3【2】"
    assert [(m.value, m.kind) for m in find_numbers(text, quantities_only=False)] == [
        ("16", "quantity"), ("1", "marker"), ("3", "quantity"), ("2", "marker")]
    assert quantities("3") == [("3", "")]


def test_inline_list_marker_after_sentence_end() -> None:
    assert quantities("力争申报3家。2.强化平台建设") == [("3", "家")]


def test_decimal_is_not_a_marker() -> None:
    assert quantities("增幅达到6.5%") == [("6.5", "%")]


def test_year_sized_count_with_unit_is_a_quantity() -> None:
    assert quantities("科技型中小企业入库2000家") == [("2000", "家")]


# ---------------------------------------------------------------- grounding helpers


def test_same_quantity_across_units() -> None:
    a = find_numbers("交易额8.47亿元")[0]
    b = find_numbers("交易额84700万元")[0]
    c = find_numbers("交易额8.47%")[0]
    assert same_quantity(a, b)
    assert not same_quantity(a, c)



def test_a_tables_row_number_is_a_marker_not_a_figure() -> None:
    from base.mentions import find_numbers

    kinds = {m.value: m.kind for m in find_numbers("35 强化企业创新主体地位,研发费用突破6亿元。", quantities_only=False)}
    assert kinds == {"35": "marker", "6": "quantity"}
    assert [m.kind for m in find_numbers("| 35 | 强化企业创新主体地位 |", quantities_only=False)] == ["marker"]
    assert [m.value for m in find_numbers("全年新增 35 家")] == ["35"]  # a figure with its unit stays one
    # 1：任务目标 … at a line's start: the number of a table's row flattened into lines
    assert [m.kind for m in find_numbers("1：任务目标 突出企业创新主体地位\n2: 任务目标", quantities_only=False)] == ["marker", "marker"]
    assert [m.value for m in find_numbers("截至10:30,完成3项")] == ["10", "30", "3"]  # not at a line's start


def test_a_page_number_left_by_a_conversion_is_a_marker() -> None:
    assert [(m.value, m.kind) for m in find_numbers("支持以 —1— 长沙为核心", quantities_only=False)] == [("1", "marker")]
    assert [m.value for m in find_numbers("每年增加5—10家,达到1—2个")] == ["5—10", "1—2"]  # ranges stay figures


def test_computing_and_data_units_are_units_and_codes_are_no_figures() -> None:
    found = [(m.value, m.unit) for m in find_numbers("投用标准机架5708个,智算规模达200P,算力1.5EFLOPS,存储10PB,推广P2P、PM2.5监测")]
    assert found == [("5708", "个"), ("200", "P"), ("1.5", "EFLOPS"), ("10", "PB")]  # P2P, PM2.5: names


def test_a_section_or_table_number_before_its_title_is_no_quantity() -> None:
    kinds = {m.value: m.kind for m in find_numbers("调整数据1-2 十三五时期高新技术企业发展情况", quantities_only=False)}
    assert kinds["1-2"] == "marker"
    assert find_numbers("1.1 发展回顾")[:1] == []
    assert [m.value for m in find_numbers("增长1.5 倍")] == ["1.5"]  # a unit after a space still counts
