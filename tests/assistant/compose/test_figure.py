"""Tests for assistant.compose.figure: several figures asked in one question."""
from __future__ import annotations

PLAN = """包头市石拐区“十三五”科学技术发展规划
石拐区科学技术局
2016年6月1日
一、发展基础
“十二五”期间,全区科技创新能力明显增强,获得自治区科技进步奖12项,占全市获奖总数的18.5%,获得包头市科技进步奖30项,占全市的11.2%。
"""


def test_a_count_and_its_share_are_both_answered(assistant_over):
    ans = assistant_over(shiguai=PLAN).ask("石拐区拿了多少项自治区科技进步奖?占全市多大比例?")
    assert "12项" in ans.answer and "18.5%" in ans.answer  # 占全市获奖总数的: a share, not a total
    assert "11.2%" not in ans.answer
    assert ans.answer.count("获得自治区科技进步奖12项") == 1  # quoted once, with both figures


def test_measure_words_conflict_within_their_category() -> None:
    from assistant.compose.figure import asked_measure, measure_conflict

    assert asked_measure("黄石高新技术产业增加值是“十一五”末的多少倍?") == "倍"
    assert measure_conflict("倍", "%")  # a multiple asked, a percentage given
    assert measure_conflict("名", "家")  # people asked, organisations counted
    assert not measure_conflict("项", "%")  # 多少项…占多大比例: the share is asked too
    assert not measure_conflict("倍", "倍") and not measure_conflict("", "家")


LABS = """南漳县2024年科技创新工作要点
南漳县科学技术局
一、主要目标
到2024年底,争取建成省级重点企业研究院2家,市级重点实验室3家,新型研发机构1家;国家级企业技术中心4家、省级11家。
"""


def test_a_figure_counting_another_thing_than_the_sentence_counts_elsewhere_answers_nothing(assistant_over):
    a = assistant_over(nanzhang=LABS)
    ans = a.ask("南漳县2024年要建成几家省级重点实验室?")
    assert ans.refused  # the sentence counts 重点实验室 (市级: 3家), not 省级 ones; 2家 are 企业研究院
    ans = a.ask("南漳县要建成几家市级重点实验室?")
    assert not ans.refused and "3家" in ans.answer
    assert "11家" in a.ask("南漳县的省级企业技术中心有多少家?").answer  # “省级11家” borrows its neighbour's thing


def test_sibling_owned_reads_the_figures_own_clause() -> None:
    from assistant.compose.figure import names_own_thing, sibling_owned

    siblings = ["市级重点实验室1家", "新型研发机构1家"]
    assert sibling_owned(["重点实验室"], "争取建成省级重点企业研究院1家", "争取建成省级重点企业研究院", siblings)
    assert not sibling_owned(["重点实验室"], "市级重点实验室1家", "市级重点实验室", ["新型研发机构1家"])
    assert not sibling_owned(["企业技术中心"], "省级20家", "省级", ["国家级企业技术中心5家"])  # elided thing
    assert not names_own_thing("是“十一五”末的") and not names_own_thing("较“十二五”末增加了")  # a predicate
    assert names_own_thing("国家级企业技术中心")
    # a noun phrase of its own before the verb: 技术合同成交额达到135.7亿元 counts turnover, not R&D
    assert names_own_thing("技术合同成交额达到") and not names_own_thing("全年新增")
    assert sibling_owned(["研发"], "技术合同成交额达到135.7亿元", "技术合同成交额达到", ["全社会研发经费投入强度达到1.93%"])


REVIEW = """十堰市科技创新“十三五”规划
一、发展基础
(一)主要成效
高新技术企业总量达到86家,省级重点实验室6家。
二、发展目标
到2020年,省级重点实验室达到10家。
"""


def test_a_review_of_the_years_before_the_plan_sets_no_target(assistant_over):
    a = assistant_over(shiyan=REVIEW)
    assert a.ask("十堰市到2020年高新技术企业要达到多少家?").refused  # 86家 is what the 十二五 left
    assert "86家" in a.ask("十堰市2015年高新技术企业总量有多少家?").answer
    assert "10家" in a.ask("十堰市到2020年省级重点实验室要达到多少家?").answer


PATENTS = """株洲市科技创新行动方案(2022—2025年)
一、总体目标
到2025年,每万人口高价值发明专利拥有量达到6件以上,高新技术产业增加值年均增长10%以上。
"""


def test_a_count_of_another_kind_does_not_answer_what_the_question_counts(assistant_over):
    a = assistant_over(zhuzhou=PATENTS)
    assert a.ask("How many high-tech enterprises does Zhuzhou aim to have by 2025?").refused  # 6件 are patents
    assert a.ask("株洲到2025年高新技术企业要达到多少?").refused
    assert "6件" in a.ask("How many high-value invention patents per 10,000 people does Zhuzhou target?").answer


def test_the_measure_of_a_count_is_read_from_what_it_counts() -> None:
    from assistant.compose.figure import counted_measure
    from assistant.query import analyse

    assert counted_measure(analyse("How many high-tech enterprises does Zhuzhou aim to have?")) == "家"
    assert counted_measure(analyse("株洲要引进多少名院士?")) == "名"
    assert counted_measure(analyse("株洲的研发投入强度是多少?")) == ""
    # English counts what follows "how many", not the longest thing the question names
    assert counted_measure(analyse("How many Shouguang enterprises were selected for provincial foreign talent "
                                   "projects?")) == "家"
    assert counted_measure(analyse("How many patents did Zhuzhou file?")) == "件"


def test_the_share_asked_after_a_count_is_the_one_that_follows_it(assistant_over):
    plan = ("鞍山市科学技术局2024年工作总结\n一、工作情况\n预计新增高新技术企业120家,占全省新增数量的8.6%,"
            "高新技术企业总数达到980家,占全省的7.1%。\n")
    ans = assistant_over(anshan=plan).ask("鞍山2024年预计新增多少家高新技术企业?占全省新增数量的比例是多少?")
    assert "120家" in ans.answer and "8.6%" in ans.answer and "7.1%" not in ans.answer


def test_a_groups_name_states_its_count() -> None:
    from assistant.compose.figure import named_counts

    found = named_counts("以十大技术攻关项目为示范,实施三大行动")
    assert [(m.value, m.number) for m in found] == [("十", 10.0), ("三", 3.0)]
    assert named_counts("党的二十大精神") == [] and named_counts("一大批项目") == [] and named_counts("学习十九大报告") == []


def test_an_amount_that_only_delimits_what_is_counted_is_no_amount() -> None:
    from assistant.compose.figure import qualifies
    from base.mentions import find_numbers

    def first(text: str) -> bool:
        ms = find_numbers(text)
        return qualifies(text, ms[0], ms, 0, (0, len(text)))

    assert first("推动年营收3亿元以上工业企业组建初级研发机构114家")
    assert first("年营收3亿元以上工业企业研发机构覆盖率达到89.68%")
    assert first("全市R&D投入强度达到2.5%以上的区县3个")
    assert not first("研发投入达到3亿元以上,同比增长12%")  # the amount itself
    assert not first("实现增长10%以上的目标")  # nothing counted after it
    assert not first("培育10家以上企业,新增产值5亿元")  # a count is what it counts


def test_the_money_after_a_count_is_the_counted_things_when_both_are_asked() -> None:
    from assistant.compose.figure import owning_clause
    from assistant.query import analyse
    from base.mentions import find_numbers

    text = "立项实施县级科技项目2批次,共56项,涉及资金共730万元。"
    money = [m for m in find_numbers(text) if m.unit == "万元"][0]
    earlier = [(0, text.index(",涉及"))]
    both = analyse("How many county-level science and technology projects did Jinta County approve, and with how much money?")
    assert owning_clause(both, ["项目"], money, text, earlier) == earlier[0]
    only_money = analyse("How much R&D money did Jinta County spend?")
    assert owning_clause(only_money, ["项目"], money, text, earlier) is None  # nothing counted is asked


def test_an_english_question_asking_what_was_invested_asks_an_amount() -> None:
    from assistant.query import analyse

    assert analyse("How much did Zongyang County invest in R&D, and how fast did this grow?").units == ["money", "ratio"]
    assert "money" not in analyse("How much of its GDP did the city invest in R&D?").units


def test_a_figure_whose_evidence_shares_no_word_with_the_question_answers_nothing(assistant_over):
    plan = ("明州市“十二五”科技发展规划\n一、发展基础\n2010年,我市通过认定的高新技术企业共有49家,占全省61家的80.3%,"
            "高新技术产业产值139.66亿元,占全市工业总产值的33.4%。\n")
    a = assistant_over(mingzhou=plan)
    assert a.ask("What R&D intensity (R&D spending as a share of GDP) did the city reach in 2010?").refused
    assert "49" in a.ask("How many high-tech enterprises did the city have in 2010?").answer


def test_a_topic_named_before_the_clauses_is_theirs() -> None:
    from assistant.compose.figure import topic_before

    t = ("2020年,在高新技术产业增加值占GDP比重方面,娄星区将达到32%以上;"
         "在高新技术企业增长方面,增长比例将达到16%以上,增长个数比例达到20%以上;R&D投入占GDP的比重达到2.2%。")
    assert topic_before(t, 0, t.find("16%")) == topic_before(t, 0, t.find("20%")) == "高新技术企业增长"
    assert topic_before(t, 0, t.find("32%")) == "高新技术产业增加值占GDP比重"
    assert topic_before(t, 0, t.find("2.2%")) == ""  # a part of its own, after the semicolon


def test_a_count_after_as_many_listed_members_is_the_groups_size() -> None:
    from assistant.compose.figure import sizes_listed_group
    from base.mentions import find_numbers

    t = "确保高新技术企业增长数、高新技术产业增加值占GDP比重、全社会R&D投入三项重点科技创新指标圆满完成"
    (m,) = find_numbers(t)
    assert sizes_listed_group(t, m, 0, len(t), ["高新技术企业|高企"])
    assert not sizes_listed_group(t, m, 0, len(t), ["指标"])  # asked how many indicators
    t2 = "力争打造国家、自治区级创新平台2个以上"
    (m2,) = find_numbers(t2)
    assert not sizes_listed_group(t2, m2, 0, len(t2), ["创新平台"])  # the count of the platforms themselves


def test_a_short_clause_takes_the_one_before_unless_it_names_its_thing_after_the_figure() -> None:
    from assistant.compose.figure import clause_span

    def clause(t: str, x: str) -> str:
        a = t.find(x)
        return t[slice(*clause_span(t, a, a + len(x), 0, len(t)))]

    assert clause("新培育高新技术企业10家,新增2个市级以上创新平台,高新", "2个") == "新增2个市级以上创新平台"
    assert clause("科技型企业40家,其中15家以上", "15家") == "科技型企业40家,其中15家以上"


def test_a_breakdown_clause_counts_what_the_clause_before_counts() -> None:
    from assistant.compose.figure import sibling_owned, whole_of_part

    t = "累计实施研发项目413项,其中国家42项、省级295项、市级76项,获批经费2亿元"
    ca = t.find("其中")
    assert whole_of_part(t, 0, ca) == "累计实施研发项目413项"
    assert whole_of_part(t, 0, t.find("获批")) == ""
    # a list item's bare level (省级) names no thing of its own: it counts the whole's 研发项目
    assert not sibling_owned(["研发项目"], "其中国家42项、省级295项", "其中国家42项、省级", ["累计实施研发项目413项"])


def test_a_follow_up_takes_the_figure_of_the_subject_it_inherits(assistant_over):
    plan = "岳阳楼区科技创新工作方案\n一、工作目标\n全社会研发经费投入增长10%以上,技术合同交易成交额增长15%以上,技术合同成交额达到13亿元以上。\n"
    a = assistant_over(yy=plan)
    ans = a.ask("增长幅度有什么要求?", history=[{"q": "岳阳楼区技术合同成交额要达到多少?", "a": "13亿元以上。"}])
    assert "15%" in ans.answer and "10%" not in ans.answer


def test_a_bound_stated_before_the_value_is_quoted_with_the_value(assistant_over):
    report = "承德市研发经费投入实现新突破\n2020年,承德市研发经费投入总量突破20亿元,达到21.87亿元,投入强度达到1.41%。\n"
    ans = assistant_over(cd=report).ask("2020年承德市研发经费投入总量是多少?")
    assert "21.87亿元" in ans.answer and "1.41%" not in ans.answer


def test_a_question_asking_only_growth_wants_a_figure_that_states_growth() -> None:
    from assistant.compose.figure import asks_growth_only
    from assistant.query import analyse

    assert asks_growth_only(analyse("太湖县技术合同登记额比上年增长了多少?"))
    assert not asks_growth_only(analyse("深圳2024年全社会研发投入是多少?比上年增长了多少?"))  # the amount is asked too
    assert not asks_growth_only(analyse("太湖县技术合同登记额是多少?"))


def test_a_question_asking_how_long_reads_durations_as_figures() -> None:
    from assistant.compose.figure import durations
    from assistant.query import asked_units

    assert "duration" in asked_units("For how many years in a row has Xiamen ranked first?", "en")
    assert "duration" in asked_units("安陆已连续几年获此殊荣?", "zh")
    assert "duration" not in asked_units("安陆有多少家高新技术企业?", "zh")
    assert [(m.value, m.unit) for m in durations("科技集群连续5年全球第二位,连续六年居全省第一,2023年")] == [("5", "年"), ("六", "年")]


def test_a_question_asking_a_place_reads_the_ranks_as_figures() -> None:
    from assistant.compose.figure import names_own_thing, ranks
    from assistant.query import asked_units

    assert "rank" in asked_units("厦门目前排第几?", "zh")
    assert "rank" in asked_units("Where did the cluster rank in the 2024 index?", "en")
    assert "rank" not in asked_units("For how many years in a row has Xiamen ranked first?", "en")  # a rank stated
    assert [(m.value, m.unit) for m in ranks("排名上升11位,跃升至第80位,居全省第一,入选第二批")] == [("80", "位"), ("一", "")]
    assert not names_own_thing("跃升至第")  # 第 belongs to the figure: the clause's thing is its neighbour's


def test_the_ordinal_a_question_asks_after_diji_answers_it() -> None:
    from assistant.compose.figure import RANK_UNITS, ordinal_units, ranks

    assert ordinal_units("排名第几?") == RANK_UNITS
    assert ordinal_units("是市政府第几次常务会议通过的?") == (*RANK_UNITS, "次")
    sentence = "经第十五届阜新市人民政府第43次常务会议讨论通过,居全省第一"
    assert [m.value for m in ranks(sentence)] == ["一"]  # 第43次: an ordinal of another kind
    assert [m.value for m in ranks(sentence, ordinal_units("第几次会议?"))] == ["43", "一"]


def test_where_a_change_started_is_told_from_where_it_reached() -> None:
    from assistant.compose.figure import change_origin

    text = "全社会研发强度从“十三五”末的1.47%提升到目前的1.91%,高企由12家增至20家,研发投入1.5亿元"
    whole = (0, len(text))
    def origin(v: str) -> bool:
        i = text.index(v)
        return change_origin(text, i, i + len(v), whole)
    assert origin("1.47%") and origin("12家")
    assert not origin("1.91%") and not origin("20家") and not origin("1.5亿元")


def test_a_place_the_question_claims_is_checked_against_places(assistant_over) -> None:
    doc = """上饶市科技创新工作综述
上饶市科学技术局
2025年3月1日
光伏新能源产业跃升成千亿集群,晶科能源成为全市首家千亿企业,组件出货量全球第一,并27次打破世界纪录。
"""
    a = assistant_over(sr=doc)
    assert a.ask("上饶的光伏组件出货量是全球第一吗?").answer.startswith("是")  # not 27次 against 1
    assert a.ask("上饶的光伏组件出货量是全球第二吗?").answer.startswith("不是")


def test_a_clause_naming_its_own_subject_answers_nothing_asked_of_another() -> None:
    from assistant.compose.figure import names_other_subject

    assert names_other_subject("高新技术产业增加值达")
    assert not names_other_subject("占GDP比重")  # what a figure measures of the subject before it
    assert not names_other_subject("是“十一五”末的")  # what it says of that subject
    assert not names_other_subject("提前超额完成“十四五”目标任务")


def test_a_clause_that_only_states_a_change_is_about_the_thing_before_it() -> None:
    from assistant.compose.figure import elided_subject

    text = "规上工业企业研发费用61.92亿元,同比增长7.8%,占营业收入比3.91%。"
    a = text.index("同比")
    assert elided_subject(text, 0, a, "同比增长") == "规上工业企业研发费用61.92亿元"
    b = text.index("规上")
    assert elided_subject(text, 0, b, "规上工业企业研发费用") == ""  # opens its sentence
    text = "力争全年规上工业研发费用超过17亿元,R&D占GDP比重达到8.15%"
    assert elided_subject(text, 0, text.index("R&D"), "R&D占GDP比重达到") == ""  # names its own thing


def test_a_second_part_answered_for_the_region_the_first_names(assistant_over):
    page = ("义乌科技创新成绩单\n2023年1-11月,高新技术产业增加值占规上工业增加值比重71.1%,位居金华第二;"
            "规上工业企业研发费用61.92亿元,同比增长7.8%。\n")
    ans = assistant_over(yw=page).ask("义乌高新技术产业增加值占规上工业增加值的比重是多少?在金华排第几?")
    assert "71.1%" in ans.answer and "第二" in ans.answer  # 金华 is the frame of the ranking, not another side


HENGSHUI = ("衡水市建设科技创新支点城市取得新进展\n科技型企业加速成长。2021年以来,全市新增国家高新技术企业294家、"
            "新增国家专精特新“小巨人”企业25家、新增国家科技型中小企业803家,分别发展到816家、31家和911家。"
            "科技平台布局不断完善。2021年以来,全市新建省级重点实验室、技术创新中心等创新平台51家,发展到145家。\n")


def test_a_figure_of_a_respectively_series_counts_the_member_in_its_place() -> None:
    from assistant.compose.figure import respective_subject

    text = HENGSHUI
    lo = text.index("2021年以来")
    ca = text.index("分别")
    cb = text.index("。", ca)
    assert respective_subject(text, lo, ca, cb, text.index("816家")) == "全市国家高新技术企业"
    assert respective_subject(text, lo, ca, cb, text.index("31家")) == "国家专精特新“小巨人”企业"
    assert respective_subject(text, lo, ca, cb, text.index("911家")) == "国家科技型中小企业"
    # the members named in the clause itself, before 分别
    t2 = "研发投入和发明专利分别达到20亿元、1500件。"
    assert respective_subject(t2, 0, 0, len(t2) - 1, t2.index("1500")) == "发明专利"
    # counts of members and figures that differ: no reading
    t3 = "新增高新技术企业50家、科技型中小企业80家,分别增长12%、15%和20%。"
    assert respective_subject(t3, 0, t3.index("分别"), len(t3) - 1, t3.index("15%")) == ""


def test_a_clause_listing_figures_each_with_its_thing_gives_each_its_own_part() -> None:
    from assistant.compose.figure import own_segment

    text = "全市新增国家高新技术企业294家、新增小巨人企业25家、新增科技型中小企业803家"
    a, b = own_segment(text, 0, len(text), text.index("25家"))
    assert text[a:b] == "新增小巨人企业25家"
    text = "规上工业企业研发费用61.92亿元、增长7.8%"  # a change is about the thing before it
    a, b = own_segment(text, 0, len(text), text.index("7.8%"))
    assert text[a:b] == text
    text = "研发投入、专利数量分别达到20亿元"  # a part without a figure: the clause is one
    assert own_segment(text, 0, len(text), text.index("20")) == (0, len(text))


def test_totals_stated_respectively_answer_how_many_there_are_now(assistant_over):
    a = assistant_over(hs=HENGSHUI)
    ans = a.ask("How many national specialised and sophisticated 'little giant' enterprises does Hengshui have?")
    assert "31" in ans.answer, ans.answer
    ans = a.ask("衡水目前国家高新技术企业总数是多少?")
    assert "816" in ans.answer and "全市新增国家高新技术企业294家" in ans.answer, ans.answer  # quoted with its subject
    ans = a.ask("2021年以来衡水新增了多少家国家高新技术企业?目前总数是多少?")
    assert "294" in ans.answer and "816" in ans.answer, ans.answer
    ans = a.ask("衡水2021年以来新建了多少家省级创新平台?现在一共有多少家?")
    assert "51" in ans.answer and "145" in ans.answer, ans.answer


def test_a_series_of_bare_figures_is_one_clause() -> None:
    from assistant.compose.figure import own_segment

    text = "宝鸡全社会R&D经费投入分别29.92、29.64、33.57、30.75亿元"
    assert own_segment(text, 0, len(text), text.index("30.75")) == (0, len(text))


def test_a_figure_for_a_year_after_the_documents_date_is_a_target(assistant_over):
    report = ("常州市“十三五”科技创新规划公布\n发布日期:2016-12-08\n八大指标:即2020年我市科技创新要达到的重要指标,"
              "到2020年全社会R&D占地区GDP比重提高至3%,高新技术企业数提高至1300家。\n")
    a = assistant_over(cz=report)
    assert "1300" in a.ask("How many high-tech enterprises does Changzhou plan to have by 2020?").answer
    ans = a.ask("常州2020年全社会R&D占GDP比重实际达到了多少?")  # a 2016 report states no 2020 result
    assert ans.refused, ans.answer


def test_among_equal_figures_the_latest_state_and_the_thing_named_before_it_come_first(assistant_over):
    page = ("渭南市科技创新工作综述\n"
            "全市高新技术企业五年翻两番(由“十二五”末的28家发展到2020年的120家,2021年突破130家)。\n")
    assert "130家" in assistant_over(wn=page).ask("渭南有多少家高新技术企业?").answer.split("—")[0]
