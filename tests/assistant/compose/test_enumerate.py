"""Tests for assistant.compose.enumerate: which outline level answers a list question."""
from __future__ import annotations

# an excerpt of a plan the way a government site publishes it: the table of contents, then only
# the first section of the body
EXCERPT = """滨江市“十四五”科技创新发展规划
滨江市科学技术局
2021年11月22日
目 录
一、发展基础 1
(一)主要成就 1
(二)面临形势 4
二、重点任务 8
(一)企业创新能力提升 8
(二)创新平台建设 12
(三)成果转化体系建设 15
三、保障措施 20
(一)加强组织领导 20
(二)加大科技投入 21
(三)优化创新环境 22
一、发展基础
(一)主要成就
“十三五”期间,全市高新技术企业总数达150家,较“十二五”末增加了80家。
"""


def test_parts_of_a_part_named_by_the_question(assistant_over):
    a = assistant_over(binjiang=EXCERPT)
    # the asked words are in one member of the top level: its children are the answer, and a
    # heading line alone (“三、保障措施 20”) is no answer
    ans = a.ask("滨江市规划的保障措施包括哪些方面?")
    assert not ans.refused
    for part in ("加强组织领导", "加大科技投入", "优化创新环境"):
        assert part in ans.answer
    assert "重点任务" not in ans.answer
    tasks = a.ask("What key tasks does the Binjiang plan list?")
    for part in ("企业创新能力提升", "创新平台建设", "成果转化体系建设"):
        assert part in tasks.answer


def test_words_every_member_carries_ask_for_the_members(assistant):
    # 哪几大攻坚行动: every sibling heading says 攻坚行动, so the siblings are the answer, not the
    # items under the first of them
    ans = assistant.ask("岳阳楼区的方案部署了哪几大攻坚行动?")
    for part in ("关键核心技术攻关行动", "创新成果转化攻坚行动", "创新平台建设攻坚行动", "创新人才强基攻坚行动"):
        assert part in ans.answer



PLAN = """石拐区2024年科技创新工作方案
石拐区科学技术局
2024年3月1日
一、工作任务
围绕电磁装备、专用机械和通用机械三大传统优势产业,重点开展电磁搅拌、高压变频、高档轧钢、高压阀门、燃烧器关键技术研发。
(一)关键核心技术攻坚行动
以科技创新攻坚行动打造科技要素汇集地、科研攻关主阵地、原始创新策源地。
(二)创新成果转化攻坚行动
推动科技成果在本地转化。
(三)创新人才强基攻坚行动
引进高层次人才。
"""


def test_a_group_name_closes_the_series_it_names(assistant_over):
    ans = assistant_over(shiguai=PLAN).ask("石拐区的三大传统优势产业是哪三个?")
    assert not ans.refused
    assert "所列各项：电磁装备；专用机械；通用机械" in ans.answer  # not the six techniques after it


def test_members_that_are_each_the_asked_kind_win(assistant_over):
    ans = assistant_over(shiguai=PLAN).ask("石拐区部署了哪几项科技创新攻坚行动?")
    for action in ("关键核心技术攻坚行动", "创新成果转化攻坚行动", "创新人才强基攻坚行动"):
        assert action in ans.answer, ans.answer
    assert "所列各项：科技要素汇集地" not in ans.answer  # a list in a sentence under one of them


def test_a_slogan_is_resolved_by_the_headings_its_digits_count(assistant):
    ans = assistant.ask("咸宁的“123456”工作思路具体指什么?")
    assert not ans.refused
    for head in ("力争全省考评保位", "举办两场创新活动", "强化六项重点任务"):
        assert head in ans.answer, head


def test_a_named_group_of_a_heldout_plan(heldout):
    ans = heldout.ask("海南提出的“六个倍增”具体是哪六项?")
    assert not ans.refused
    for member in ("高新技术企业数量", "营业收入", "国家级科技创新平台"):
        assert member in ans.answer, member



def test_an_english_counted_group_finds_its_chinese_name(heldout):
    ans = heldout.ask("Which three innovation highlands does Hainan want results in?")
    assert not ans.refused
    assert "Items: 南繁；深海；航天" in ans.answer  # 在南繁、深海、航天三大科技创新高地


def test_documents_a_plan_is_based_on(heldout):
    from assistant.compose.members import book_members

    text = "根据《重庆市“十四五”科技创新发展规划》和《大渡口区国民经济和社会发展第十四个五年规划纲要》等文件,特制定本规划。"
    assert [m for m, _, _ in book_members(text, 0, len(text))][1].endswith("规划纲要")
    ans = heldout.ask("Which documents is the Dadukou plan based on?")  # not "which documents mention …"
    assert not ans.refused and "《重庆市“十四五”科技创新发展规划》" in ans.answer


def test_a_named_group_spelled_out_in_clauses_after_its_name(assistant_over):
    text = ("江苏省科技创新规划\n\n一、基础与形势\n\n“十二五”期间,全省坚持“一个制度、两个支撑、三个体系”的总体思路,"
            "即以制度创新为突破口,优化发展环境;以科技投入和科技人才为支撑,夯实发展基础;"
            "以产学研结合体系、科技金融体系、科技服务体系为重点,构建区域技术创新体系。全省校企联盟超过1万家。\n")
    ans = assistant_over(js=text).ask("江苏“十二五”科技工作“一个制度、两个支撑、三个体系”的总体思路具体指什么?")
    assert not ans.refused
    for part in ("制度创新为突破口", "科技投入和科技人才为支撑", "产学研结合体系"):  # what the parts stand for
        assert part in ans.answer, part
    assert "校企联盟" not in ans.answer  # the next sentence is no part of it


def test_the_words_introducing_a_list_before_its_first_item_name_it(assistant_over):
    from assistant.compose.enumerate import lead_in

    text = ("韶关市“十四五”科技创新发展规划\n\n(一) 指导思想\n\n坚持创新在韶关发展全局中的核心地位,加快建设科技强市。基本原则\n\n"
            "1. 坚持创新引领,融合发展\n\n2. 坚持改革创新,引领发展\n\n3. 坚持问题导向,高效发展\n\n"
            "(二) 发展思路\n\n深入实施创新驱动发展战略,打造现代产业高地。\n")
    assert lead_in(text, text.index("1. 坚持")) == "基本原则"  # run on at the end of the paragraph before
    ans = assistant_over(sgl=text).ask("韶关十四五规划的基本原则有哪些?")
    assert all(w in ans.answer for w in ("创新引领", "改革创新", "问题导向")), ans.answer


def test_measures_numbered_as_sentences_of_their_own_are_listed(assistant_over):
    report = ("承德市研发经费投入实现新突破\n近年来,承德市多措并举,实现了研发投入稳步增长。一是强化科技项目带动,"
              "着力引导企业加大研发投入。围绕主导产业,实施各类科技项目323项。\n二是强化创新平台支撑作用,提升企业科研实力。"
              "全市建成了技术创新中心、产业技术研究院、企业技术中心等省级以上创新平台140余家。三是强化科技型企业培育,"
              "壮大科技企业群体。\n四是优化创新环境建设,打造良好创新生态。\n")
    ans = assistant_over(cd=report).ask("承德稳步提升研发投入的四项措施是什么?")
    for item in ("科技项目带动", "创新平台支撑", "科技型企业培育", "优化创新环境"):
        assert item in ans.answer


TOPIC = """上饶市科技创新工作综述
上饶市科学技术局
2025年10月20日
“双向飞地”模式成为区域协同创新亮点。我市在上海建成“科创飞地”,吸引28家机构或企业入驻;与上海临港集团共建的科技合作产业园集聚29个优强项目。通过融入长三角G60科创走廊,我市推动22个企业研发机构在沪设立。
"""


def test_the_parts_of_a_paragraph_a_short_topic_sentence_opens_are_its_members(assistant_over):
    ans = assistant_over(sr=TOPIC).ask("上饶“双向飞地”模式有哪些具体成果?")
    assert all(x in ans.answer for x in ("28家", "29个", "22个企业研发机构"))
    assert ans.answer.count("\n- ") == 3


def test_a_numbered_heading_or_item_opens_no_topic_paragraph() -> None:
    from assistant.compose.enumerate import topic_members

    for head in ("8.推动建设技术创新平台。", "一是培育创新主体。"):
        text = f"{head}加快平台布局;推进新型研发机构建设;鼓励企业组建联合体。\n"
        assert topic_members(text, 0, len(head)) == []
    text = "亮点突出。加快平台布局;推进新型研发机构建设;鼓励企业组建联合体。\n"
    assert [m[0] for m in topic_members(text, 0, 5)] == ["加快平台布局;", "推进新型研发机构建设;", "鼓励企业组建联合体。"]


def test_a_duration_counts_no_members() -> None:
    from assistant.compose.enumerate import asked_count
    from assistant.query import analyse

    assert asked_count(analyse("Which high-tech zones does the three-year upgrading plan cover?")) is None
    assert asked_count(analyse("What are the goals of the 14th Five-Year plan?")) is None
    assert asked_count(analyse("What two-part slogan does the plan help deliver?")) == 2
    assert asked_count(analyse("Which three industries does it name?")) == 3


PRINCIPLES = """滨江市“十四五”科技创新发展规划
一、总体要求
(一)指导思想
坚持创新在全市发展全局中的核心地位,全面塑造发展新优势。
基本原则
1.坚持创新引领,融合发展
2.坚持改革创新,引领发展
3.坚持问题导向,高效发展
二、重点任务
(一)企业创新能力提升
"""


def test_the_items_of_the_part_the_question_names(assistant_over):
    ans = assistant_over(binjiang=PRINCIPLES).ask("What basic principles does the Binjiang plan list?")
    assert not ans.refused
    for part in ("坚持创新引领,融合发展", "坚持改革创新,引领发展", "坚持问题导向,高效发展"):
        assert part in ans.answer, ans.answer


def test_a_shorter_series_of_the_asked_kind_in_a_sentence_with_a_longer_one(assistant_over):
    page = ("无锡市科技创新政策意见\n一、总体要求\n(一)指导思想\n以增强高水平科技供给为主线,坚持市场主导与政府引导相结合、"
            "重点聚焦与全面提升相结合、自立自强与开放合作相结合、技术创新与制度创新相结合,加快构建创新主体活力迸发、"
            "创新载体丰富多元、创新资源高效配置、创新网络协同开放、创新生态包容优越的区域创新体系。\n")
    ans = assistant_over(wx=page).ask("Which four combinations does Wuxi's science and technology policy insist on?")
    for part in ("市场主导与政府引导相结合", "重点聚焦与全面提升相结合", "自立自强与开放合作相结合", "技术创新与制度创新相结合"):
        assert part in ans.answer, ans.answer


def test_a_name_inside_one_member_does_not_name_the_group() -> None:
    from assistant.compose.enumerate import Enumeration, names_the_group

    text = "制定出台《义乌市“334”科技创新体系建设工程行动方案》《关于加强科技创新的若干意见》《研究院实施办法》等意见办法。"
    members = [(m, text.index(m), text.index(m) + len(m)) for m in
               ("义乌市“334”科技创新体系建设工程行动方案", "关于加强科技创新的若干意见", "研究院实施办法")]
    e = Enumeration(None, (0, len(text)), members, 0, "", "books")
    assert not names_the_group(text, e, "334")
    text = "大力实施“345”创新行动:“3”即提升三个产业集群;“4”即完善四个体系;“5”即五项重点工作。"
    members = [(m, text.index(m), text.index(m) + len(m)) for m in ("提升三个产业集群", "完善四个体系", "五项重点工作")]
    assert names_the_group(text, Enumeration(None, (text.index("“3”"), len(text)), members, 0, "", "ordinal"), "345")


CHANGZHOU = ("常州市“十三五”科技创新规划公布\n发布日期:2016-12-08\n"
             "12月6日上午,常州市科技局召开新闻发布会,公布了常州市“十三五”科技创新规划,主要内容主要包括一个定位、三大布局、"
             "六大任务、八大指标和三大措施。\n三大布局:即空间布局、产业布局和功能布局。\n"
             "六大任务:即培育创新主体、建设创新园区、发展科技服务业、推动开放创新、打造创新人才梯队和深化科技体制改革。\n"
             "三大措施:即加强规划实施的组织领导、形成创新投入的保障机制和营造激励创新的发展环境。\n")


def test_a_group_named_as_one_item_of_a_series_is_spelled_out_where_its_name_leads_in() -> None:
    from assistant.compose.members import series_runs

    t = "主要内容主要包括一个定位、三大布局、六大任务、八大指标和三大措施。"
    assert [m[0] for m in series_runs(t, 0, len(t))[0]] == ["一个定位", "三大布局", "六大任务", "八大指标", "三大措施"]
    t = "三大措施:即加强规划实施的组织领导、形成创新投入的保障机制和营造激励创新的发展环境。"
    assert [m[0] for m in series_runs(t, 0, len(t))[0]][0] == "加强规划实施的组织领导"  # 即: the items as written


def test_the_group_a_question_counts_is_found_by_its_head_word(assistant_over):
    a = assistant_over(cz=CHANGZHOU)
    ans = a.ask("常州“十三五”科技创新规划中的“三大措施”指哪些?")
    assert "形成创新投入的保障机制" in ans.answer and "一个定位" not in ans.answer, ans.answer
    ans = a.ask("What are the six main tasks of Changzhou's 13th Five-Year S&T innovation plan?")
    assert "深化科技体制改革" in ans.answer and "发展科技服务业" in ans.answer, ans.answer
