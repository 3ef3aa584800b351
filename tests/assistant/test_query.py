"""Question analysis: the terms that decide what evidence must contain."""
from __future__ import annotations

from assistant.query import analyse, contradicts, quoted


def test_question_scaffolding_is_not_content():
    q = analyse("下陆区今年准备申报几家专精特新企业?", {"下陆区": []})
    assert "申报" in q.terms
    for w in ("今年", "准备", "几家"):
        assert w not in q.terms, w


def test_quoted_phrase_is_kept_whole():
    assert quoted("想打响哪两个“之都”名片?") == ["之都"]
    assert "之都" in analyse("想打响哪两个“之都”名片?").terms
    assert quoted("no quotes here") == []
    assert quoted("建立健全“以学......”的长效机制") == ["以学"]  # the ellipsis is what the user leaves out
    assert quoted("“科技……之城”") == ["科技", "之城"]


def test_abbreviation_matches_itself_and_the_full_form():
    q = analyse("高企申报多少家?")
    term = next(t for t in q.terms if "高新技术企业" in t)
    assert set(term.split("|")) >= {"高新技术企业", "高企"}


def test_english_keeps_codes_and_acronyms():
    q = analyse("Does the plan build a 5G application scenario and raise the R&D share of GDP?")
    assert "5G" in q.terms
    assert any("GDP" in t for t in q.terms)


def test_a_compound_takes_the_synonyms_of_its_first_part():
    rd = next(t for t in analyse("研发经费占GDP比重是多少?").terms if t.startswith("研发经费"))
    assert {"R&D经费", "研究与试验发展经费", "研究与试验发展(R&D)经费"} <= set(rd.split("|"))


def test_english_wordings_meet_the_glossary():
    from assistant.query import expand_english

    for wording in ("high-tech firms", "high-tech companies", "high-tech businesses"):
        assert "高新技术企业" in expand_english(wording), wording
    assert "营商环境" in expand_english("the business environment")[0]


def test_an_english_ordinal_is_no_code():
    q = analyse("How much funding did it get in the 11th Five-Year period?")
    assert "11th" not in q.terms and q.period[0] == 2006  # the period is read, not searched as a word


def test_siblings_contradict_in_a_followup():
    assert contradicts("认定", "申报") and contradicts("县级", "市级")
    assert not contradicts("认定", "高新技术企业") and not contradicts("申报", "申报")
    q = analyse("那通过认定的呢?", {}, [{"q": "咸宁市2024年计划组织申报多少家高新技术企业?", "a": ""}])
    assert q.followup and "认定" in q.terms and "申报" not in q.terms
    assert any("高新技术企业" in t for t in q.terms)


def test_question_patterns_are_scaffolding():
    q = analyse("东宝区想打响哪两个“之都”名片?")
    assert "两个" not in q.terms and "之都" in q.terms
    # "every region / every plan" says where to look, not what to find
    for text in ("各地区高新技术企业的目标分别是多少?", "各规划的孵化器建设目标分别是什么?", "哪些文件提到了科技特派员?"):
        assert not {"地区", "规划", "文件"} & set(analyse(text).terms), text


def test_latin_word_in_a_chinese_question_is_one_term():
    q = analyse("各地R&D经费占GDP比重的目标分别是多少?")
    assert not {"r", "&", "d"} & set(q.terms)  # the segmenter splits R&D
    rd = next(t for t in q.terms if "R&D" in t)
    assert {"研发", "研究与试验发展"} <= set(rd.split("|"))  # read through the glossary
    assert any("地区生产总值" in t for t in q.terms)


def test_the_plans_as_subject_ask_every_plan():
    assert analyse("How many provincial awards do the plans report?").qtype == "compare_all"
    assert analyse("What R&D intensity do the plans target?").qtype == "compare_all"
    assert analyse("What does the plan target for R&D intensity?").qtype != "compare_all"


def test_a_question_about_every_plan_inherits_no_region():
    history = [{"q": "总结一下咸宁2024年科技创新工作的主要内容", "a": ""}]
    for text in ("各地区高新技术企业的目标分别是多少?", "哪些地区提到了科技特派员?"):
        q = analyse(text, {"咸宁市": ["咸宁"]}, history)
        assert q.regions == [] and q.years == [] and not q.followup, text


def test_followup_switching_region_drops_the_earlier_year():
    q = analyse("那东宝区呢?", {"东宝区": [], "下陆区": []}, [{"q": "下陆区2023年新增高新技术企业的目标是多少?", "a": ""}])
    assert q.regions == ["东宝区"] and q.years == []
    assert any("高新技术企业" in t for t in q.terms)


def test_short_question_without_region_or_subject_leans_on_history():
    q = analyse("增长幅度有什么要求?", {"岳阳楼区": []}, [{"q": "岳阳楼区技术合同成交额要达到多少?", "a": ""}])
    assert q.followup and q.regions == ["岳阳楼区"]
    assert any("技术合同成交额" in t for t in q.terms)


def test_a_specific_ask_outranks_a_title_word_of_the_overview_kind() -> None:
    assert analyse("抚顺市科学技术局2024年工作总结及2025年工作安排是哪天发布的?").qtype == "date"
    assert analyse("抚顺市科学技术局2024年工作总结的文号是什么?").qtype == "docno"
    assert analyse("概括一下抚顺市科学技术局2024年工作总结的主要内容。").qtype == "overview"


def test_which_of_the_plans_asks_which_documents_mention_it() -> None:
    assert analyse("Which of the plans talk about building a pilot-scale testing base?").qtype == "mentions"


def test_english_wordings_of_r_and_d_intensity_and_the_national_average() -> None:
    terms = analyse("Will the province's R&D spending intensity reach the national average by 2025?").terms
    assert any("研发投入强度" in t.split("|") for t in terms)
    assert any("全国平均水平" in t.split("|") for t in terms)


def test_english_platform_and_main_support_are_glossary_words() -> None:
    terms = analyse("Which platform is Xi'an relying on as the main support for its work?").terms
    assert any("平台" in t.split("|") for t in terms) and "支撑" in terms


def test_give_list_and_data_are_how_a_question_asks() -> None:
    q = analyse("黄石和亳州的规划里分别给出了哪些发明专利数据?")
    assert not {"给出", "数据"} & set(q.content_terms) and any("发明专利" in t for t in q.content_terms)
    assert any("大数据" in t for t in analyse("哪些规划提到大数据?").content_terms)  # a word of its own stays


def test_a_period_in_a_plans_name_names_the_plan() -> None:
    zh = analyse("江苏省“十三五”科技创新规划中说,江苏国家级高新区总数达到了多少家?")
    en = analyse("According to Jiangsu's 13th Five-Year S&T innovation plan, how many alliances were there?")
    assert zh.period and zh.period_names_plan and en.period and en.period_names_plan
    bare = analyse("“十三五”期间高新技术企业要达到多少家?")
    assert bare.period and not bare.period_names_plan  # the period of the figure asked


def test_a_perfective_verb_asks_what_was_achieved() -> None:
    assert analyse("江苏国家级高新区总数达到了多少家?").past
    assert analyse("它作为试验田探索了什么?").past
    assert not analyse("到2025年高新区要达到多少家?").past


def test_a_deadline_or_a_period_asks_a_result_only_when_no_target_is_asked() -> None:
    assert analyse("How many high-tech enterprises had Sanya by the end of 2020?").past
    aim = analyse("How many high-tech enterprises does Sanya aim to have by the end of 2023?")
    assert aim.target and not aim.past
    assert analyse("“十三五”期间全市获得多少项省级科技奖励?").past
    assert not analyse("“十三五”期间的目标是多少家?").past
    assert analyse("By what percentage has Zongyang already fulfilled its target?").past  # already: a result


def test_new_inside_the_name_of_a_thing_is_no_basis() -> None:
    assert "new" not in analyse("How many high-level new R&D institutions will Wuhu strive to win?").bases
    assert "new" in analyse("How many new high-tech enterprises will Wuhu add?").bases


def test_the_kind_of_plan_named_does_not_ask_for_a_summary() -> None:
    assert analyse("Whose office duties does the Shenyang bureau perform, according to its 2024 work summary?").qtype != "overview"
    assert analyse("沈阳市2024年工作总结里新增多少家高新技术企业?").qtype == "numeric"
    assert analyse("概括一下沈阳市科学技术局2024年工作总结的主要内容。").qtype == "overview"


def test_a_ratio_of_money_asks_a_ratio() -> None:
    q = analyse("Compare the R&D investment ratios given in Tianjin's plan and in the Shenmu bulletin.")
    assert "ratio" in q.units and "money" not in q.units and "share" in q.bases
    assert "money" in analyse("How much R&D investment in yuan, and what ratio to GDP?").units


def test_papers_indexed_by_citation_systems_and_the_fyp_abbreviation() -> None:
    q = analyse("How many S&T papers were indexed by the three major citation systems in the 12th FYP?")
    assert {"论文|科技论文", "收录"} <= set(q.terms) and q.period[0] == 2011
    assert any("试点" in t.split("|") for t in analyse("Was Jiangsu the first pilot province in China?").terms)


def test_how_a_question_asks_for_measures_is_no_content() -> None:
    assert not {"层面", "采取", "举措"} & set(analyse("神木市在体制和政策层面采取了哪些举措推动科技创新?").content_terms)


def test_a_guarantee_is_a_safeguard_unless_it_is_financial() -> None:
    terms = analyse("What does Wuhu treat as the primary guarantee and the important lever of its work?").terms
    assert any("保障" in t.split("|") for t in terms) and any("抓手" in t.split("|") for t in terms)
    assert not any("担保" in t.split("|") for t in terms)
    assert any("担保" in t.split("|") for t in analyse("Does the plan offer financing guarantees to SMEs?").terms)


def test_a_quantity_the_question_states_is_a_condition_not_the_unit_asked() -> None:
    q = analyse("In Nanchang, what share of industrial enterprises with annual revenue above 300 million yuan have R&D institutions?")
    assert q.units == ["ratio"]  # 300 million yuan qualifies the firms; a share is asked
    assert analyse("年营收3亿元以上工业企业研发机构覆盖率是多少?").units == ["ratio"]
    assert analyse("咸宁研发投入多少亿元?").units == ["money"]  # a unit asked, with no number of its own


def test_asking_which_newspaper_or_media_asks_the_source() -> None:
    from assistant.query import analyse

    assert analyse("这篇文章来源于哪家媒体?").qtype == "issuer"
    assert analyse("Which newspaper published the Haidong report?").qtype == "issuer"


def test_a_measure_of_change_asks_a_figure() -> None:
    x = analyse("增长幅度有什么要求?")
    assert x.qtype == "numeric" and any("增长" in t.split("|") for t in x.terms)
    assert analyse("研发经费增速是多少?").qtype == "numeric"


def test_a_follow_up_naming_a_new_subject_does_not_inherit_what_was_measured() -> None:
    first = [{"q": "What R&D-to-GDP ratio does the Science and Innovation Bureau target for 2023?", "a": "8.15%."}]
    x = analyse("And the technology transaction volume?", history=first)
    assert x.followup and x.units == [] and x.bases == [] and x.years == [2023]
    y = analyse("占全市的比例是多少?", history=[{"q": "昆都仑区获得包头市科技进步奖多少项?", "a": "94项。"}])
    assert "share" in y.bases  # an aspect of the same subject keeps it


def test_which_with_a_plural_noun_asks_a_list_even_where_it_says_target() -> None:
    assert analyse("Which key industrial chains does Xing County target?").qtype == "list"
    assert analyse("And in which directions does it push traditional industries?").qtype == "list"
    assert analyse("Which counties and districts of Loudi are given 2020 targets?").qtype == "list"
    assert analyse("Which target does Xianning set for high-tech firms?").qtype == "numeric"
    assert analyse("What is Xianning's goal for patents?").qtype == "numeric"


def test_a_question_asking_two_things_in_turn_has_two_parts() -> None:
    from assistant.query import question_parts
    assert question_parts("How many patent applications did Anlu file in 2017, and how many of them were for invention patents?", "en") == [
        "How many patent applications did Anlu file in 2017?", "How many of them were for invention patents?"]
    assert question_parts("娄底这次推进会是哪天召开的?会上部署的是哪一年的指标?", "zh") == [
        "娄底这次推进会是哪天召开的?", "会上部署的是哪一年的指标?"]
    assert question_parts("咸宁2024年研发经费投入要达到多少,增幅多大?", "zh") == ["咸宁2024年研发经费投入要达到多少?", "增幅多大?"]
    # a second part that asks the same of another thing (…呢?) asks on its own
    assert question_parts("遵义要求有效发明专利拥有量达到多少件?发明专利年均增幅呢?", "zh") == [
        "遵义要求有效发明专利拥有量达到多少件?", "发明专利年均增幅呢?"]
    # a clause without a question word of its own belongs to the part it leads into
    one = "安徽省规划除了依据本省规划纲要,还依据了哪一份区域性规划?"
    assert question_parts(one, "zh") == [one]
    assert question_parts("Who issued Bozhou's plan? When?", "en") == ["Who issued Bozhou's plan? When?"]  # too short to read alone
    assert question_parts("What did Xianning achieve in 2023?", "en") == ["What did Xianning achieve in 2023?"]


def test_english_wordings_the_glossary_and_the_types_read_whole() -> None:
    from assistant.query import expand_english
    # a hyphenated compound reads as its words
    assert any("招商引资" in t for t in expand_english("What investment-attraction amount does Chenzhou aim for?"))
    # to grow something asks no figure; how much it grew does
    assert analyse("What plan does Kaizhou implement to grow its S&T enterprises?").qtype != "numeric"
    assert analyse("How much did Shenzhen's R&D spending grow in 2023?").units == ["ratio"]
    assert analyse("Which government office issued the Xinxiang action plan?").qtype == "issuer"


def test_a_share_asked_with_zhan_and_a_base_year_of_a_share() -> None:
    # 占…的多少 asks a share even when the question names a count (数量和产值分别占…)
    assert "ratio" in analyse("开州区高新技术企业的数量和产值分别占工业企业总量的多少?").units
    # 相当于2015年的百分之多少: 2015 is the base of the comparison, not the year asked
    assert analyse("海盐县省科技型中小企业数量相当于2015年的百分之多少?").years == []


def test_action_verbs_and_counted_aspects_do_not_make_the_question_specific() -> None:
    q = analyse("开州区从哪三个方面推进科技创新?")
    assert q.qtype == "list" and not q.content_terms  # 推进 (like 科技创新) names no particular thing
    assert analyse("郴州2010年科技工作要点提出要大力实施哪两项工程?").qtype != "list"  # two: named in one sentence


def test_provincial_is_the_provincial_level() -> None:
    q = analyse("How many national-level and how many provincial key S&T plan projects does Chenzhou aim to win?")
    assert any("省级" in t.split("|") for t in q.focus)


def test_a_follow_up_with_its_own_measure_word_does_not_take_the_earlier_unit() -> None:
    from assistant.query import inherit

    history = [{"q": "上饶建成的智算中心投用了多少个标准机架?", "a": "投用标准机架5708个"}]
    size = inherit(analyse("智算规模多大?", {}), history, {})
    assert size.units == []  # 多大 asks a size of its own, not a count of 个
    more = inherit(analyse("那2024年呢?", {}), history, {})
    assert more.units == analyse(history[0]["q"], {}).units


def test_how_many_billion_yuan_asks_money_not_a_count() -> None:
    from assistant.query import asked_units

    assert asked_units("How many billion yuan of R&D spending does Zhejiang target for 2024?", "en") == ["money"]
    assert "count" in asked_units("How many enterprises with revenue above 300 million yuan?", "en")


def test_asking_how_regions_rank_asks_a_place() -> None:
    from assistant.query import asked_units

    assert "rank" in asked_units("上饶和嘉善在全省的科技排名各是什么情况?", "zh")
    assert "rank" not in asked_units("上饶的科技创新工作是什么情况?", "zh")


def test_words_pointing_at_the_document_are_kept_apart() -> None:
    from assistant.query import analyse, document_reference

    assert document_reference("无锡这份科技创新政策意见以什么为主线?") == "这份科技创新政策意见"
    assert document_reference("兴县这篇报道点名了哪两家企业?") == "这篇报道"
    assert document_reference("咸宁2024年要认定多少家高新技术企业?") == ""
    assert analyse("无锡这份科技创新政策意见以什么为主线?").doc_ref == "这份科技创新政策意见"


def test_asking_how_much_funding_asks_money() -> None:
    from assistant.query import analyse

    assert "money" in analyse("石柱县创建国家创新型县获得了多少资金支持?", {}).units
    assert "money" in analyse("金水区给高新技术企业的财政扶持资金总额是多少?", {}).units


def test_annual_alone_asks_no_growth() -> None:
    assert analyse("How many annual indicators does the county's creation work cover?").bases == []
    assert analyse("What average annual growth of R&D spending is targeted?").bases == ["growth"]


def test_a_plans_positioning_is_a_content_word_and_a_rank_may_be_qualified() -> None:
    assert any("定位" in t for t in analyse("常州市科技创新规划给自己的定位是什么?").terms)
    assert not any("自己" in t for t in analyse("常州市科技创新规划给自己的定位是什么?").terms)
    q = analyse("What provincial rank did the city reach?")
    assert q.units == ["rank"]
    assert analyse("这篇综述是什么时间发布的?").qtype == "date"
