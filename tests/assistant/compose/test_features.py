"""Tests for assistant.compose.features: when evidence measures something else than asked."""
from __future__ import annotations

from assistant.compose.features import frame, frame_conflict, measure_bad, slot_conflict, unasked_slot
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


def test_the_base_of_a_comparison_dates_nothing() -> None:
    from assistant.compose.features import evidence_year

    text = "2019年技术合同交易额19.42亿元,比2015年增长了30倍"
    assert evidence_year(text, text.index("30倍"), [2021, 2025]) == 2019  # not 2015
    grew = "2019年全市高新技术企业总数达120家,较“十二五”末增加了90家"
    assert evidence_year(grew, grew.index("90家"), [2021, 2025]) == 2019
    q = analyse("By how many did Bozhou's high-tech enterprises grow compared with the end of the 12th Five-Year Plan?")
    assert q.years == [] and q.period == []  # the period is the comparison's base, not the time asked
    assert analyse("亳州2019年比2015年增长多少?").years == [2019]
    assert analyse("与2015年相比,2019年增长多少?").years == [2019]


def test_the_value_of_a_comparisons_base_is_about_the_base() -> None:
    from assistant.compose.features import evidence_year

    text = "“十二五”期间获得上级科技资金8839.13万元,比“十一五”时期(2300万元)增长了2.8倍;2015年投入15712万元,比2010年(2440万元)增长543.9%"
    assert evidence_year(text, text.index("2300"), [2016, 2020]) == list(range(2006, 2011))
    assert evidence_year(text, text.index("2440"), [2016, 2020]) == 2010
    assert evidence_year(text, text.index("543.9"), [2016, 2020]) == 2015  # the change itself is not the base's


def test_a_paragraph_opening_dates_its_later_sentences() -> None:
    from assistant.compose.features import evidence_year, lead_dates

    lead = "“十三五”期间,全区科技创新能力持续提升,奠定了“十四五”科技创新的坚实基础。"
    text = "全社会研发经费支出占地区生产总值比重提高至3.98%。"
    assert evidence_year(text, text.index("3.98"), [2021, 2025], lead=lead_dates(lead + text, len(lead))) == list(range(2016, 2021))
    assert evidence_year(text, text.index("3.98"), [2021, 2025]) is None  # alone it names no time
    part = "发明专利申请量和授权量分别达到1779件、501件"  # after a ； of a dated sentence
    dated_lead = "科技综合实力明显提升。2019年技术合同交易额19.42亿元,比2015年增长了30倍;"
    assert evidence_year(part, part.index("1779"), [2021, 2025], lead=lead_dates(dated_lead + part, len(dated_lead))) == 2019
    other = "2019年已完成。"
    assert evidence_year(part, part.index("1779"), [2021, 2025], lead=lead_dates(other + part, len(other))) is None  # another sentence
    dated = "到2025年,研发经费支出占比达到4.5%。"
    assert evidence_year(dated, dated.index("4.5"), [2021, 2025], lead=lead_dates(lead + dated, len(lead))) == 2025  # its own year first


def test_a_figure_ending_a_share_phrase_is_a_share() -> None:
    from assistant.compose.features import basis_of

    assert basis_of("获得自治区科技进步奖42项,占全市获奖总数的49.4%") == "share"
    assert basis_of("高新技术企业总数达到120") == "total"
    assert basis_of("占领市场,新增高新技术企业30") == "new"  # 占领 is no share
    # a ratio of increase is a growth rate, not a share
    assert basis_of("增长比例将达到16") == basis_of("增长个数比例达到20") == "growth"
    assert basis_of("高新技术企业占比达到30") == "share"
    assert basis_of("较“十二五”末增加了90") == basis_of("研发投入强度提高了0.3") == "growth"



def test_a_stage_the_document_never_states_is_unstated() -> None:
    from assistant.compose.features import stage_unstated

    doc = "全年认定高新技术企业50家以上,有效期内省高新技术企业培育企业达70家。"
    assert stage_unstated("宣州区2023年计划申报多少家高新技术企业?", doc)  # it states 认定, never 申报
    assert not stage_unstated("宣州区2023年认定多少家高新技术企业?", doc)
    assert not stage_unstated("宣州区2023年计划申报多少家高新技术企业?", "培育企业达70家")  # no stage at all
    assert not stage_unstated("省级重点实验室有多少家?", "省重点实验室8家,国家级1家")  # levels are not stages


def test_whole_society_and_industrial_firms_above_scale_are_exclusive_scopes() -> None:
    assert slot_conflict("西安2023年规上工业企业研发投入强度的目标是多少?", "全社会研发投入强度保持在5%以上")
    assert not slot_conflict("规上工业企业研发投入强度是多少?", "规模以上工业企业研发投入强度达到1.8%")  # one member, two wordings
    assert not slot_conflict("全社会研发投入强度是多少?", "全社会研发投入强度保持在5%以上")


def test_a_plan_named_by_its_period_reports_the_years_before_it() -> None:
    from assistant.compose.features import year_features

    asked_past = analyse("江苏省“十三五”科技创新规划中说,国家级高新区总数达到了多少家?")
    asked_target = analyse("江苏省“十三五”科技创新规划要求高新区达到多少家?")
    review = list(range(2011, 2016))  # “十二五”期间 … 达16家
    assert year_features(asked_past, review, [2016, 2020]) == (0.0, 0.0)
    assert year_features(asked_target, review, [2016, 2020]) == (0.0, 0.5)
    # a period asked for the figure itself still conflicts with another period
    assert year_features(analyse("“十三五”期间高新区达到了多少家?"), review, [2016, 2020])[1] == 1.0


def test_a_period_naming_one_plan_does_not_date_another_documents_figures() -> None:
    from assistant.compose.features import year_features

    q = analyse("Compare the R&D ratios in Tianjin's 13th Five-Year S&T plan and in the Shenmu bulletin.")
    assert q.period_names_plan
    assert year_features(q, 2021, [2021]) == (0.0, 0.0)  # the bulletin of 2021: another document
    assert year_features(q, 2016, list(range(2016, 2021)))[0] == 1.0


def test_a_dated_text_names_years_relative_to_its_own() -> None:
    from assistant.compose.features import evidence_year, lead_dates, reference_year, years_named
    from base.types import DocMeta

    assert reference_year(DocMeta(date="2023-03-25", years=[2023])) == 2023
    assert reference_year(DocMeta(date="2025-06-05", signed="2025-01-10")) == 2025
    assert reference_year(DocMeta(years=[2024])) == 2024 and reference_year(DocMeta(years=[2021, 2025])) is None
    text = "具体来看,去年我市科技型中小企业入库2707家,今年力争入库3000家以上"
    assert evidence_year(text, text.index("2707"), [2023], now=2023) == 2022
    assert evidence_year(text, text.index("3000"), [2023], now=2023) == 2023
    assert evidence_year(text, text.index("2707"), [2023]) is None  # an undated text: 去年 is no year
    from assistant.timewords import mask_baselines
    assert [y for *_, y in years_named(mask_baselines("比上年增长15%,明年达到"), 2023)] == [2024]  # 比上年: a base
    lead = "去年以来,我市深入贯彻落实强省会战略;"
    part = "技术合同成交额达到135.7亿元。"
    assert evidence_year(part, part.index("135.7"), [2023], lead=lead_dates(lead + part, len(lead), 2023), now=2023) == 2022


def test_a_year_naming_a_report_picks_the_report() -> None:
    from assistant.compose.features import year_features

    report = analyse("What was Nanchang's R&D intensity according to the report on its 2023 S&T work conference?")
    assert report.years == [2023] and report.year_names_report
    assert year_features(report, 2022, [2023]) == (0.0, 0.0)  # 去年… of the 2023 report answers it
    target = analyse("南昌市2023年全社会研发经费投入强度的目标是多少?")
    assert not target.year_names_report and year_features(target, 2022, [2023])[1] == 1.0
    assert not analyse("神木市2022年计划新增多少家高新技术企业?").year_names_report  # 计划 here is a verb
    assert analyse("据2023年全市科技工作会议,去年高企达到多少家?").year_names_report


def test_a_question_naming_last_year_asks_the_year_before_each_documents_own() -> None:
    from assistant.compose.features import dated_query
    from base.types import Doc, DocMeta
    from store import StoredDoc

    def dated(date):
        return StoredDoc("r.txt", Doc("r.txt", "", "txt", "r"), DocMeta(date=date, years=[2023]), [], [])

    q = analyse("南昌去年独角兽、瞪羚企业达到多少家?")
    assert q.relative == [-1] and q.years == []
    assert dated_query(q, dated("2023-03-25")).years == [2022]
    assert dated_query(analyse("What did Nanchang set for this year?"), dated("2023-03-25")).years == [2023]
    assert dated_query(analyse("南昌2021年去年…"), dated("2023-03-25")).years == [2021]  # its own year first


def test_a_result_of_the_years_before_the_plan_answers_a_target_only_doubtfully() -> None:
    from assistant.compose.features import year_features

    target = analyse("Compare the high-tech enterprise targets of Minhang and Nanchang.")
    assert target.target and not target.past
    assert year_features(target, 2022, [2023]) == (0.0, 0.5)  # 去年… of a 2023 report
    assert year_features(target, 2023, [2023]) == (0.0, 0.0)
    assert year_features(analyse("南昌高企达到了多少家?"), 2022, [2023]) == (0.0, 0.0)  # no target asked


def test_a_year_inside_a_clause_dates_that_clause_only() -> None:
    from assistant.compose.features import evidence_year, opens_clause

    text = "召开全市科技创新大会,颁发2022年度科学技术奖,聘请40位顶尖专家为科技顾问"
    assert not opens_clause(text, text.index("2022"))  # 颁发2022年度…: what that clause is about
    assert evidence_year(text, text.index("40位"), [2023]) is None  # the report's own year decides
    assert evidence_year(text, text.index("2022") + 8, [2023]) == 2022  # in its own clause it dates
    opening = "2023年,全市新增高新技术企业600家,聘请40位专家"
    assert opens_clause(opening, 0) and evidence_year(opening, opening.index("40位"), [2024]) == 2023
    target = "力争到2025年,建成重点实验室10家"
    assert evidence_year(target, target.index("10家"), [2023]) == 2025


def test_the_nearest_frame_word_says_whether_a_figure_is_a_result_or_a_target() -> None:
    assert frame("三亚高新技术企业已增至", "三亚高新技术企业已增至") == "result"
    assert frame("预计到2023年底,三亚高新技术企业数量将达到", "三亚高新技术企业数量将达到") == "target"
    assert frame("截至2020年底,全市高新技术企业", "全市高新技术企业") == "result"  # the sentence's lead
    assert frame("截至2020年底已有300家,力争到2025年达到", "力争到2025年达到") == "target"
    # 已 qualifies a figure only in its own clause (持续实施已部署点位项目,完成研发投入1.6亿元)
    assert frame("持续实施已部署点位项目,完成研发投入", "完成研发投入") is None
    aim = analyse("How many high-tech enterprises does Sanya aim to have by the end of 2023?")
    assert frame_conflict(aim, "三亚全市高新技术企业已增至", "三亚全市高新技术企业已增至")
    assert not frame_conflict(aim, "三亚高新技术企业数量将达到", "三亚高新技术企业数量将达到")
    assert not frame_conflict(analyse("三亚高新技术企业有多少家?"), "已增至", "已增至")  # nothing asked either way
    # the state now asked: a target does not answer it, a result does
    now = analyse("三亚目前有多少家高新技术企业?")
    assert frame_conflict(now, "预计到2023年底,三亚高新技术企业数量将达到", "三亚高新技术企业数量将达到")
    assert not frame_conflict(now, "三亚全市高新技术企业已增至", "三亚全市高新技术企业已增至")
    assert frame_conflict(analyse("How many high-tech enterprises does Sanya have so far?"), "力争到2025年达到", "力争到2025年达到")
    # in a document that sets targets, a figure for one of its own years is a target unframed
    actual = analyse("What turnover of technology contracts did Tangshan actually achieve in 2022?")
    assert frame_conflict(actual, "2022年,技术合同成交总额达到", "技术合同成交总额达到", planned=True)
    assert not frame_conflict(actual, "2022年,技术合同成交总额达到", "技术合同成交总额达到")
    # a question asking both reads the target as asked (现有…, 计划新建多少)
    assert not frame_conflict(analyse("沈阳现有多少创新平台,计划新建多少?"), "力争新建", "力争新建")


def test_plans_set_targets_and_reports_state_results() -> None:
    from assistant.compose.features import sets_targets
    from base.types import DocMeta

    assert sets_targets(DocMeta(title="关于强化科技创新培育高质量发展新动能的行动方案", kind="行动方案"))
    assert not sets_targets(DocMeta(title="沈阳市科学技术局2024年工作总结及2025年工作安排", kind="工作安排"))
    assert not sets_targets(DocMeta(title="2023年工作报告", kind="工作报告"))
    assert not sets_targets(DocMeta(headline="太湖县科技工作再创佳绩"))


def test_a_clause_naming_other_parts_of_the_plans_region_is_not_the_asked_parts() -> None:
    from types import SimpleNamespace

    from assistant.compose.features import another_part

    q = SimpleNamespace(regions=["涟源市", "双峰县", "新化县", "娄底市"])
    doc = SimpleNamespace(meta=SimpleNamespace(region="娄底市"))
    assert another_part(q, doc, "娄星区将达到32%以上、冷水江达到22%以上") == 1.0
    assert another_part(q, doc, "涟源、双峰、新化达到12%以上") == 0.0
    assert another_part(q, doc, "R&D投入占GDP的比重达到2.2%") == 0.0  # names no part at all


def test_a_paragraph_opening_with_its_target_year_dates_its_later_sentences() -> None:
    from assistant.compose.features import evidence_year, lead_dates

    text = "一、主要目标\n力争到2020年,构建起自主创新体系。全市研发投入达到8亿元,力争总额实现翻一番;\n"
    pos = text.index("全市研发投入")
    lead = lead_dates(text, pos)
    sentence = "全市研发投入达到8亿元"
    assert evidence_year(sentence, sentence.index("8亿元"), [2015, 2020], lead=lead) == [2020]
    other = "一、主要目标\n构建起自主创新体系。全市研发投入达到8亿元;\n"
    assert lead_dates(other, other.index("全市")).period == []


def test_a_kind_the_question_does_not_name_is_a_narrower_count() -> None:
    assert unasked_slot("荆州共有多少家创新平台?", "新增国家级创新平台4家")
    assert not unasked_slot("荆州共有多少家创新平台?", "全市664家创新平台")
    assert not unasked_slot("荆州有多少家国家级创新平台?", "新增国家级创新平台4家")  # asked: slot_conflict's business
    assert not unasked_slot("高新技术企业的目标是多少?", "通过认定高新技术企业310家")  # a stage, not a kind


def test_a_year_after_a_dash_bullet_dates_its_sentence() -> None:
    from assistant.compose.features import evidence_year

    text = "——2025年,营业收入增速达到7%、GDP增速达到8%,固定资产投资增速达到10%。"
    assert evidence_year(text, text.index("7%"), [2025, 2026, 2027]) == 2025
    assert evidence_year(text, text.index("10%"), [2025, 2026, 2027]) == 2025


def test_a_result_the_text_dates_before_the_document_answers_no_target() -> None:
    from assistant.compose.features import year_features

    q = analyse("How many national high-tech enterprises does Rugao aim to have?")
    assert q.target and not q.years
    assert year_features(q, 2020, [2021], explicit=True) == (0.0, 1.0)  # 至“十三五”末…拥有270家 in a 2021 report
    assert year_features(q, 2020, [2021], explicit=False) == (0.0, 0.5)  # only inferred: doubtful
    cmp = analyse("Compare the high-tech enterprise targets of Rugao and Shijiazhuang")
    assert year_features(cmp, 2020, [2021], explicit=True)[1] < 1.0  # a comparison's side may be a result


def test_a_frame_word_inside_a_name_frames_nothing() -> None:
    assert frame("7名高层次人才入选河南省“中原英才计划”,拥有高新技术企业", "拥有高新技术企业") is None
    assert frame("《国民经济和社会发展远景目标纲要》发布后,全市高新技术企业", "全市高新技术企业") is None
    assert frame("力争全市高新技术企业", "力争全市高新技术企业") == "target"


def test_a_share_of_another_whole_than_asked_measures_something_else() -> None:
    from assistant.compose.features import denominators

    assert denominators("全社会R&D占地区GDP比重提高至3%") == {"GDP"} == denominators("研发经费占地区生产总值比重达2.5%")
    assert denominators("高新技术产业增加值占规模以上工业增加值比重") == {"规上工业增加值"}
    q = analyse("What was the city's R&D intensity (R&D spending as a share of GDP) in 2022?")
    assert measure_bad(q, "全市有研发活动的规上企业占规上企业总数的44.44%") == 1.0
    assert measure_bad(q, "全社会研发经费占地区生产总值比重达2.5%") == 0.0


def test_in_a_whole_sentence_a_slot_member_counts_only_where_it_qualifies_the_thing_asked() -> None:
    from assistant.compose.features import qualified_slot_conflict

    keys = ["工程", "实施"]
    # 县级示范点 is not the 工程 asked about a 国家创新型县
    assert not qualified_slot_conflict("国家创新型县要大力实施哪些工程", "大力实施五大工程,打造一批县级示范点。", keys)
    labs = ["重点实验室"]
    assert qualified_slot_conflict("省级重点实验室有哪些", "新建市级重点实验室3家。", labs)
    assert not qualified_slot_conflict("省级重点实验室有哪些", "新建省级重点实验室2家、市级重点实验室3家。", labs)


def test_a_sentence_going_on_from_the_one_before_is_dated_by_it() -> None:
    from assistant.compose.features import lead_dates

    text = "笔者获悉,2022年,全市科技创新工作取得长足进步。其中,全市财政科技投入达7.3亿元。\n"
    assert lead_dates(text, text.index("其中")).year == 2022
    other = "笔者获悉,2022年,全市科技创新工作取得长足进步。全市财政科技投入达7.3亿元。\n"
    assert lead_dates(other, other.index("全市财政")).year is None
