"""Tests for assistant.compose.structure: overviews and goals read from the plan's own outline, on
the corpus and on held-out plans of other regions."""
from __future__ import annotations


def sections(ans) -> list[dict]:
    part = next(p for p in ans.parts if p["kind"] == "sections")
    return part["items"]


def test_overview_is_the_plans_own_skeleton_in_order(assistant):
    ans = assistant.ask("总结一下咸宁2024年科技创新工作的主要内容")
    assert not ans.refused
    titles = [it["title"] for it in sections(ans)]
    assert [t[:2] for t in titles] == ["一、", "二、", "三、", "四、", "五、", "六、"]  # “123456”: six parts
    assert all(it["citations"] for it in sections(ans))  # every line is cited
    assert any(isinstance(it["more"], list) and it["more"] for it in sections(ans))  # the parts' parts, behind "more"
    assert "310家" not in titles[0]


def test_goals_are_the_section_the_plan_calls_its_goals(assistant):
    ans = assistant.ask("下陆区2023年科技创新的主要目标有哪些?")
    assert not ans.refused
    for figure in ("118亿元", "16家", "8.47亿元"):  # its (二)工作目标 paragraph, not the preamble
        assert figure in ans.answer, figure
    assert "15、加强保障措施" not in ans.answer


def test_overview_of_a_heldout_plan(heldout):
    ans = heldout.ask("概括一下洞头区这个科技创新实施方案的主要内容。")
    assert not ans.refused and {c.region for c in ans.citations} == {"洞头区"}
    assert len(ans.answer.splitlines()) >= 3
    english = heldout.ask("Give me a quick summary of Hainan's action plan.")
    assert not english.refused and {c.region for c in english.citations} == {"海南省"}


def test_goals_of_a_heldout_plan(heldout):
    ans = heldout.ask("宣州区2023年科技创新工作的目标任务有哪些?")
    assert not ans.refused
    assert sum(x in ans.answer for x in ("50", "100", "70", "2.3", "25")) >= 4  # its quantified targets


def test_a_section_without_subheadings_is_told_by_its_paragraphs_leads(heldout):
    ans = heldout.ask("黄石市科技创新“十三五”规划的发展基础部分讲了哪几个方面?")
    for lead in ("科技创新综合实力稳步提升", "企业创新主体培育成效显著", "高新技术产业加速发展"):
        assert lead in ans.answer, lead


def test_a_plan_of_few_parts_shows_more_of_each(assistant):
    ans = assistant.ask("岳阳楼区打好科技创新攻坚仗的方案主要包括哪些内容?")
    for action in ("关键核心技术攻关行动", "创新成果转化攻坚行动", "创新平台建设攻坚行动", "创新人才强基攻坚行动"):
        assert action in ans.answer, action  # three parts: the sub-heading budget goes further


INLINE = """株洲市动力支撑能力提升行动方案(2022―2025年).doc
附件 3 株洲市动力支撑能力提升行动方案 (2022—2025 年) 为强化科技创新动力支撑,制定本行动方案。
一、总体目标 以打造“三个高地”为目标,到2025年,全市研发经费投入强度达到全国平均水平以上,每万人口高价值发明专利拥有量达到6件以上。
二、主要任务
(一)实施区域创新整体跃升行动
1.创建区域科技创新中心。支持以株洲为核心建设创新中心。
(二)实施创新主体增量提质行动
2.培育高新技术企业。
"""

TABLED = """市科技局2024年年度工作计划
2024年,市科技局着力推进创新平台建设。2024年总体目标是:
指标：目标值 新建省、市创新平台50家以上
技术合同成交额：全年技术合同成交额突破155亿元
高新技术企业总数：全市高新技术企业总数达到750家以上
(一)加强高能级创新平台建设
一是强力打造省实验室。
"""


def test_overview_and_goals_read_a_heading_whose_text_follows_on_its_line(assistant_over):
    a = assistant_over(zhuzhou=INLINE)
    ov = a.ask("概括一下株洲市动力支撑能力提升行动方案(2022—2025年)的主要内容。")
    assert "总体目标" in ov.answer and "主要任务" in ov.answer  # not one sub-section that shares 升行动
    goals = a.ask("株洲这个行动方案的总体目标是什么?")
    assert "全国平均水平" in goals.answer and "6件" in goals.answer


def test_goals_announced_by_a_label_are_the_lines_after_it(assistant_over):
    ans = assistant_over(plan=TABLED).ask("这份2024年年度工作计划的总体目标有哪些?")
    assert "50家" in ans.answer and "155亿元" in ans.answer and "750家" in ans.answer


def test_overview_key_figures_are_shared_out_and_overlapping_quotes_merged() -> None:
    from assistant.compose.structure import merged

    assert merged([(10, 20), (0, 5), (15, 30), (40, 50)]) == [(0, 5), (10, 30), (40, 50)]


def shows(ans, *pieces: str) -> None:
    """The answer is given and quotes each piece."""
    assert not ans.refused
    for piece in pieces:
        assert piece in ans.answer, piece


def test_overview_of_an_excerpt_names_its_wrapper_and_shows_its_figures(assistant_over):
    text = ("江门市科技创新“十三五”规划\n\n一、基础与形势\n\n“十二五”期间,我市科技创新能力显著增强。\n\n(一)发展基础\n\n"
            "1.创新能力提升。累计实施160项重大项目,32项科技专项。全社会研发支出达到50亿元,研发强度达到2.1%。"
            "收录科技论文2300篇。每万人口发明专利拥有量达到12.5件。累计获得省科技奖励79项。\n\n"
            "2.企业带动作用增强。\n")
    ans = assistant_over(jm=text).ask("概括一下江门市科技创新“十三五”规划的主要内容。")
    shows(ans, "一、基础与形势", "我市科技创新能力显著增强")  # the wrapper and its lead
    shows(ans, "160项", "50亿元", "2.1%", "12.5件", "79项")  # one part full of figures shows them


def test_a_report_without_headings_shows_each_paragraphs_lead_and_key_figures(assistant_over):
    text = ("韶关市科技创新成效显著\n\n"
            "记者从市政府新闻办获悉,近年来我市科技创新驱动作用进一步凸显。\n\n"
            "根据最新统计数据,全社会研发经费投入58.4亿元,投入强度1.27%,技术合同交易额突破150亿元,国家级高新区2家,省级高新区7家。\n\n"
            "去年,我市创新型企业数量大幅增长。新增孵化器4家,高新技术企业数量突破610家,新增180家。\n")
    ans = assistant_over(sg=text).ask("简要概括这篇关于韶关科技创新成效的报道。")
    shows(ans, "去年,我市创新型企业数量大幅增长")  # each paragraph's lead
    shows(ans, "58.4亿元", "1.27%", "4家")  # and its first key figures, shared out among paragraphs


def test_an_overview_opens_with_what_the_plan_says_before_its_first_heading(assistant_over):
    text = ("韶关市科技局2025年工作要点\n\n"
            "2025年,市科技局将以“丹霞科创走廊”建设为引领,加快打造区域科技创新中心。\n\n"
            "一、主要目标\n\n全社会研发投入强度达到1.5%。\n\n二、重点任务\n\n(一)培育创新主体。新增高新技术企业60家。\n")
    ans = assistant_over(sgp=text).ask("概括一下韶关市科技局2025年工作要点的主要内容。")
    assert "丹霞科创走廊" in ans.answer and "一、主要目标" in ans.answer


def test_a_goals_section_of_labelled_rows_keeps_every_target(assistant_over):
    rows = [("推动研发创新", "研发投入强度保持在3%左右"), ("推动成果转化", "技术合同成交额不低于30亿元"),
            ("推动企业发展", "有效期内高新技术企业达400家"), ("推动人才集聚", "引进高层次人才50名"),
            ("推动产业发展", "力争实现生物医药营收32亿元")]
    body = "\n".join(f"{label}\n{target}。" for label, target in rows)
    text = f"韶关市科技局2025年工作要点\n\n一、主要目标\n\n加快推进科技创新高水平发展。\n{body}\n\n二、重点任务\n\n做好各项工作。\n"
    shows(assistant_over(sgg=text).ask("韶关市科技局2025年工作要点的主要目标有哪些?"), "3%", "30亿元", "400家", "50名", "32亿元")


def test_goals_without_a_goals_section_put_the_targets_before_the_results(assistant_over):
    past = ",".join(f"指标{i}增长{i}.{i}倍" for i in range(1, 9))
    targets = ",".join(f"目标指标{i}达到{i}00家" for i in range(1, 7))
    text = (f"韶关将实施科技强韶行动\n\n记者从发布会获悉,过去五年,韶关{past}。\n\n"
            f"全市即将印发《韶关科技强韶三年行动方案(2021—2023年)》,目标到2023年,{targets}。\n")
    ans = assistant_over(sgr=text).ask("韶关科技强韶三年行动方案到2023年的主要目标有哪些?")
    shows(ans, *(f"{i}00家" for i in range(1, 7)))  # the six targets, not eight results ahead of them


def test_a_news_pages_overview_does_not_repeat_its_headline_as_content(assistant_over):
    page = ("韶关将实施科技强韶行动\n\n7月16日,韶关举行新闻发布会。\n\n记者从发布会获悉,过去五年,韶关高新技术企业数量增长2.4倍。\n\n"
            "李明远介绍,目前全市即将印发《韶关科技强韶三年行动方案》。\n")
    ans = assistant_over(sgn=page).ask("概括一下韶关这次新闻发布会的主要内容。")
    items = [ln for ln in ans.answer.split("\n") if ln.startswith("- ")]
    assert items and not any("韶关将实施科技强韶行动" in ln for ln in items), ans.answer  # it is the title


def test_a_text_without_goals_section_lists_its_targets_not_its_results_once_each(assistant_over):
    text = ("琼州市科技创新简报\n"
            "截至目前,琼州高新技术企业已增至126家。\n"
            "预计到2023年底,琼州高新技术企业数量将达到400家,技术合同成交额达到20亿元。\n"
            "根据行动方案设定的总体要求,到2023年底,琼州高新技术企业数量达到400家。\n")
    ans = assistant_over(qz=text).ask("琼州到2023年底的科技创新主要目标有哪些?")
    assert "400" in ans.answer and "20亿元" in ans.answer
    assert "126" not in ans.answer  # a result already reached is no goal
    assert ans.answer.count("400家") == 1  # the restated target once


def test_an_overview_of_a_news_page_leaves_out_its_credit_lines(assistant_over):
    page = ("西藏科技合作规划出台\n\n2022-01-24 09:58:08 来源: 科技日报\n\n科技日报实习记者 杨宇航\n\n"
            "近日,记者从西藏自治区科技厅获悉,科技合作规划出台。规划提出院区科技合作重点任务。\n\n"
            "据了解,“十三五”期间,双方合作取得显著成效,在藏部署项目13项,院拨经费5100万元。\n\n责任编辑: 陈可轩\n")
    ans = assistant_over(xz=page).ask("请概括西藏科技合作规划这篇报道的主要内容。")
    assert "科技合作规划出台" in ans.answer and "显著成效" in ans.answer
    assert "杨宇航" not in ans.answer and "陈可轩" not in ans.answer
    assert "重点任务" in ans.answer  # the lead paragraph (导语) shows its first two sentences


COUNTED = """嘉善县科技创新工作总结
2023年,嘉善县积极抢抓战略机遇,全力构建科技创新生态体系。 一是在县域创新水平上取得新成效。全社会R&D占比达3.73%;高新产业增加值占比达87.16。 二是在科创载体能级提升上取得新进展。2023年获批国家自然科学基金项目6项。 三是在标志性成果上取得新成就。3个企业的进口替代产品入选全省重大科技成果清单。
"""


def test_a_text_with_no_outline_that_counts_its_parts_is_told_part_by_part(assistant_over):
    ans = assistant_over(js=COUNTED).ask("概括一下嘉善县2023年科技创新工作的成效。")
    lines = ans.answer.split("\n")
    heads = [ln for ln in lines if ln.startswith("- ")]
    assert [h[2:8] for h in heads] == ["在县域创新水", "在科创载体能", "在标志性成果"]
    assert "3.73%" in heads[0] and "6项" in heads[1]


JINSHUI = ("<html><head><meta charset='utf-8'><title>区科技局积极推动高新技术产业发展</title></head><body>"
           "<h1>区科技局积极推动高新技术产业发展</h1><table><tr><th>来源</th><td>区科技局</td><th>时间</th>"
           "<td>2021-04-12 08:58</td></tr></table><p>一是大力扶持科技型中小企业。引导科技型中小企业集聚创新发展。"
           "一季度已推荐上报科技型企业92家。二是积极培育高新技术企业。实施高新技术企业倍增行动。"
           "一季度高新技术后备企业入库313家。三是加快建设高新技术创新平台。建设一批工程技术研究中心、重点实验室等。</p>"
           "<p>截至目前,全区共有各级工程技术研究中心(重点实验室)265家,高新技术企业506家。</p></body></html>")


def test_a_page_opening_with_its_counted_parts_has_no_preamble_and_lists_them_when_asked(tmp_path):
    from assistant.core import Assistant
    from base.settings import Settings
    from ingest.run import ingest

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "js.html").write_text(JINSHUI, encoding="utf-8")
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    assert ingest(settings).ok
    a = Assistant(settings)
    ans = a.ask("概括一下金水区科技局推动高新技术产业发展的主要内容。")
    assert "导语" not in ans.answer, ans.answer  # the 一是 marker is no preamble
    assert ans.answer.count("\n- ") == 4 and "506家" in ans.answer  # three parts, then what follows them
    ans = a.ask("金水区推动高新技术产业发展主要有哪几方面举措?")
    for member in ("大力扶持科技型中小企业", "积极培育高新技术企业", "加快建设高新技术创新平台"):
        assert member in ans.answer, ans.answer


OPINION = ("近日,中共宁化县委、宁化县人民政府出台《关于加快创新型宁化建设的实施意见》(宁发〔2015〕3号)。\n"
           "《意见》提出到2020年,基本建成以企业为主体、市场为导向、产学研相结合的技术创新体系。"
           "力争到2020年建成3个以上现代农业科技园区;新认定高新技术企业每家资助8万元,"
           "并把12个重点工作目标及20项任务指标分解落实到各乡镇和县级部门。\n")


def test_goals_of_a_text_without_a_goals_section_are_its_aims_and_targets_each_once(assistant_over):
    ans = assistant_over(nh=OPINION).ask("宁化县创新型宁化建设的主要目标有哪些?")
    shows(ans, "基本建成以企业为主体", "3个以上现代农业科技园区")
    lines = [ln for ln in ans.answer.splitlines() if ln.startswith("- ")]
    assert len(lines) == len(set(lines))  # a clause holding several targets is quoted once
