"""Tests for assistant.compose.numeric: the same indicator across every plan."""
from __future__ import annotations

PLANS = {
    "shiguai": """石拐区2024年科技创新工作要点
石拐区科学技术局
2024年3月1日
一、主要目标
全社会研发经费投入增长10%以上,新培育高新技术企业5家。
""",
    "dongtou": """洞头区2024年科技创新工作要点
洞头区科学技术局
2024年2月20日
一、主要目标
确保规上企业研发投入增长率达到12%左右,技术合同成交额达到3亿元。
""",
    "dadukou": """大渡口区2024年科技创新工作要点
大渡口区科学技术局
2024年2月26日
一、主要目标
技术合同成交额达到15亿元,新增科技型企业100家。
""",
}


def test_every_plan_with_the_indicator_gets_a_row_and_no_other_plan_does(assistant_over):
    ans = assistant_over(**PLANS).ask("各地对研发投入增长率定了什么目标?")
    assert not ans.refused
    table = next(p for p in ans.parts if p["kind"] == "table")
    rows = {r[0]: r[1] for r in table["rows"]}
    # 增长10%以上 answers a question about 增长率: the basis word is checked as a basis
    assert rows == {"石拐区": "10%", "洞头区": "12%"}, rows
    assert "15亿元" not in ans.answer  # 大渡口区 sets no R&D growth target


def test_a_row_prefers_the_basis_asked(assistant_over):
    plans = dict(PLANS, dongtou=PLANS["dongtou"].replace(
        "确保规上企业研发投入增长率达到12%左右", "新增高新技术企业8家,高新技术企业总数达到60家"))
    ans = assistant_over(**plans).ask("各地区高新技术企业总数的目标分别是多少?")
    table = next(p for p in ans.parts if p["kind"] == "table")
    rows = {r[0]: r for r in table["rows"]}
    assert rows["洞头区"][1] == "60家"  # the total, not the new ones named first
    assert "石拐区" not in rows  # it sets new ones only (新培育5家): another basis, not a total


def test_an_all_plans_table_over_heldout_plans(heldout):
    ans = heldout.ask("各地的研发投入强度目标分别是多少?")
    assert not ans.refused
    table = next(p for p in ans.parts if p["kind"] == "table")
    regions = [r[0] for r in table["rows"]]
    assert {"宣州区", "海南省", "西安市"} <= set(regions)
    assert all(any(w in c.quote for w in ("研发", "R&D", "研究与试验发展")) for c in ans.citations)  # each row is the indicator


def test_a_row_in_another_kind_of_unit_takes_its_documents_figure_of_the_usual_kind(assistant_over):
    plans = {
        "shiguai": PLANS["shiguai"].replace("新培育高新技术企业5家", "新建科技企业孵化器2家"),
        "dongtou": PLANS["dongtou"].replace("技术合同成交额达到3亿元", "新增省级孵化器3家"),
        "dadukou": PLANS["dadukou"].replace(
            "技术合同成交额达到15亿元", "新增孵化器面积不少于20万平方米,孵化器累计达到12家"),
    }
    ans = assistant_over(**plans).ask("各地的孵化器建设目标分别是多少?")
    rows = {r[0]: r[1] for r in next(p for p in ans.parts if p["kind"] == "table")["rows"]}
    assert rows == {"石拐区": "2家", "洞头区": "3家", "大渡口区": "12家"}, rows  # not 20万平方米 beside counts


def test_sides_asked_no_basis_compare_stated_totals_not_the_years_additions(assistant_over):
    a = assistant_over(
        jinzhou="锦州市科学技术局2024年工作总结\n一、工作情况\n全年预计新增高新技术企业120家,高新技术企业总数达到980家,占全省的7.1%。\n",
        datong="大同市2024年政府工作报告\n一、科技创新\n全市高新技术企业达到640家,技术合同成交额18亿元。\n")
    ans = a.ask("锦州和大同的高新技术企业数量分别是多少?哪个更多?")
    assert "980" in ans.answer and "640" in ans.answer and "120家" not in ans.answer
    assert "120家" in a.ask("锦州2024年预计新增多少家高新技术企业?").answer  # the additions, when asked


def test_a_question_claiming_two_figures_is_borne_out_only_by_both(assistant_over):
    a = assistant_over(jinzhong="晋中市2024年政府工作报告\n一、科技创新\n实施科技重大专项20个,15项核心技术取得突破,新增高新技术企业120家。\n")
    yes = a.ask("晋中实施了20个科技重大专项、有15项核心技术取得突破,对吗?")
    assert yes.answer.startswith("是") and "20个" in yes.answer and "15项" in yes.answer
    no = a.ask("晋中实施了20个科技重大专项、有18项核心技术取得突破,对吗?")
    assert no.answer.startswith("不是") and "15项" in no.answer


def test_each_side_takes_the_basis_its_own_part_of_the_question_names(assistant_over):
    from assistant.compose.numeric import side_segments, side_view
    from assistant.query import analyse

    q = analyse("锦州现有的各级各类创新平台数量和大同计划新建的创新平台数量分别是多少?")
    assert side_segments(q.text, q.regions) == [("锦州市", "锦州现有的各级各类创新平台数量和"),
                                                ("大同市", "大同计划新建的创新平台数量分别是多少?")]
    q2 = analyse("Compare Jinzhou's 2024 technology contract turnover target with Datong's technology contract figure.")
    assert side_view(q2, "锦州市")[0] == [2024] and side_view(q2, "大同市")[0] == []  # the year is one side's
    q3 = analyse("锦州和大同2023年的高新技术企业数量分别是多少?")
    assert side_view(q3, "锦州市")[0] == [2023] == side_view(q3, "大同市")[0]  # the last part speaks for both
    a = assistant_over(
        jinzhou="锦州市科学技术局2024年工作总结\n一、工作情况\n我市新增2个国家级科技创新平台(总数31家),各级各类创新平台640个。\n",
        datong="大同市科技局2024年工作计划\n一、目标\n新建省、市创新平台30家以上。\n")
    ans = a.ask(q.text)
    assert "640个" in ans.answer and "30家" in ans.answer and "31家" not in ans.answer


def test_shares_of_different_wholes_are_not_compared() -> None:
    from assistant.compose.numeric import share_of_what

    assert share_of_what("研发强度达到3.08%") == share_of_what("研发经费投入占地区生产总值比重达到2.5%") == "GDP"
    assert share_of_what("规上企业R&D投入占主营收入达到0.35%") == "主营收入"
    assert share_of_what("高新技术企业数量达到300家") == ""


def test_a_named_side_without_a_figure_is_said_not_left_out(assistant_over):
    xianning = "2024年咸宁市科技创新工作要点\n一、主要目标\n全年通过认定高新技术企业310家,技术合同成交额突破100亿元。\n"
    huangshi = "黄石市科技创新工作要点\n一、重点工作\n加强科技人才队伍建设,推进产学研合作,优化创新生态。\n"
    ans = assistant_over(xianning=xianning, huangshi=huangshi).ask("咸宁和黄石的高新技术企业认定目标分别是多少?")
    assert "310" in ans.answer and "黄石" in ans.answer.split("\n")[-1] and "未在其文件中找到" in ans.answer


def test_a_comparison_side_shows_the_figures_its_sentence_states_beside_its_best(assistant_over):
    a = assistant_over(
        hz="2024年华州市科技创新工作要点\n全年组织申报高新技术企业350家,通过认定高新技术企业310家,引进博士20名。\n",
        lz="2023年林州市科技创新工作要点\n2023年新增高新技术企业16家以上。\n")
    ans = a.ask("华州市和林州市对高新技术企业的申报和认定目标分别是多少?")
    assert "350" in ans.answer and "310" in ans.answer and "16" in ans.answer
    assert "20名" not in ans.answer  # a figure of another thing in the same sentence is not shown


def test_a_side_without_the_asked_word_is_answered_in_related_words_and_labelled(assistant_over):
    a = assistant_over(
        ed="2025年荆州市科技创新工作要点\n一、主要目标\n力争打造省级以上创新平台2个以上。\n",
        sx="陕西省科技创新发展情况\n全省拥有两院院士66人;省级以上工程技术中心180家,重点实验室172家。高新技术企业突破6100家。\n")
    ans = a.ask("荆州和陕西关于创新平台分别给出了什么数字?")
    assert "2个" in ans.answer and "180" in ans.answer and "172" in ans.answer
    assert "6100" not in ans.answer and "66人" not in ans.answer
    assert "相关数字" in ans.answer and "较大" not in ans.answer  # said to be related, and never ranked


def test_widened_adds_only_related_forms_the_side_uses() -> None:
    from assistant.compose.numeric import widened
    assert widened("创新平台", ["省级以上工程技术中心180家,重点实验室172家"]) == "创新平台|重点实验室|实验室|工程技术中心"
    assert widened("科技资金", ["地方财政科技支出370亿元"]) == "科技资金|科技支出"
    assert widened("科技资金", ["争取上级科技资金500万元,科技支出1亿元"]) == "科技资金"  # the side uses the word itself
    assert widened("高新技术企业", ["重点实验室172家"]) == "高新技术企业"  # no related forms


def test_a_set_phrase_numeral_is_no_claimed_figure() -> None:
    from assistant.compose.numeric import question_figures
    from assistant.query import analyse

    assert question_figures(analyse("阜新是否提出研发投入总额要翻一番?", {})) == []
    assert [m.value for m in question_figures(analyse("目标是让高新区排名进入前10吗?", {}))] == ["10"]


def test_things_named_side_by_side_get_a_figure_each(assistant_over):
    from assistant.compose.numeric import joined_things
    from assistant.query import analyse

    known = {"邢台市": ["邢台"]}
    assert joined_things(analyse("工程研究中心和技术创新中心呢?", known)) == ["工程研究中心", "技术创新中心"]
    assert joined_things(analyse("邢台省级以上重点实验室要达到多少家?", known)) == []
    plan = ("邢台市科技创新三年行动计划工作方案(2018-2020年)\n(二)工作目标。到2020年,省级以上重点实验室达到8家,"
            "省级以上工程研究中心(工程实验室)达到16家,省级以上技术创新中心(工程技术研究中心)达到41家,产业技术研究院超过12家。\n")
    a = assistant_over(xt=plan)
    ans = a.ask("工程研究中心和技术创新中心呢?", history=[{"q": "邢台计划到2020年省级以上重点实验室达到多少家?",
                                                      "a": "省级以上重点实验室达到8家。"}])
    assert "16家" in ans.answer and "41家" in ans.answer and "12家" not in ans.answer, ans.answer


def test_a_side_stating_a_result_where_a_target_is_asked_is_shown_labelled_and_not_ranked(assistant_over):
    a = assistant_over(
        hs="衡水市科技创新取得新进展\n2021年以来,全市新增国家高新技术企业294家,发展到816家。\n",
        xt="邢台市科技创新三年行动计划工作方案(2018-2020年)\n到2020年,高新技术企业达到360家以上。\n")
    ans = a.ask("Compare the number of high-tech enterprises in Hengshui with Xingtai's target.")
    assert "816" in ans.answer and "360" in ans.answer, ans.answer
    assert "the document states a result" in ans.answer and "not directly comparable" in ans.answer
    assert "has the larger figure" not in ans.answer


def test_a_chinese_numeral_naming_a_group_claims_no_figure() -> None:
    from assistant.compose.numeric import question_figures
    from assistant.query import analyse

    assert question_figures(analyse("常州确定八大指标时有没有参照国家的指标?")) == []
    assert [m.value for m in question_figures(analyse("常州的高新技术企业目标是1300家吗?"))] == ["1300"]


def test_a_plan_announced_in_the_news_sets_targets_for_its_period(assistant_over):
    page = ("发布日期:2016-12-08 来源:某某晚报\n常州市“十三五”科技创新规划公布\n"
            "12月6日,常州市科技局公布了“十三五”科技创新规划,确定了八大指标,即:全社会R&D占地区GDP比重提高至3%,"
            "高新技术企业数提高至1300家。\n")
    a = assistant_over(cz=page)
    assert a.ask("What share of GDP did Changzhou's R&D spending actually reach in 2020?").refused
    assert "3%" in a.ask("常州到2020年全社会R&D占地区GDP比重的目标是多少?").answer
