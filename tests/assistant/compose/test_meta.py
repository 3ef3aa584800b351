"""Metadata questions (dates, 文号, issuers) and the days a text gives events."""
from __future__ import annotations


REPORT = ("韶关市明确2023年科技工作重点和目标\n发布日期:2023-03-25\n\n"
          "3月24日,2023年全市科技工作会议召开,为今年我市科技工作划重点、定目标。\n"
          "今年,全市高新技术企业数量力争突破600家,技术合同成交额达到35亿元。\n")


def test_the_day_a_text_gives_an_event_answers_when_it_was_held(assistant_over):
    a = assistant_over(sg=REPORT)
    for q in ("韶关2023年全市科技工作会议是哪天召开的?", "On what day was Shaoguan's 2023 S&T work conference held?"):
        ans = a.ask(q)
        assert not ans.refused and "3月24日" in ans.answer, q


def test_a_question_naming_no_event_gets_the_pages_date(assistant_over):
    ans = assistant_over(sg=REPORT).ask("这篇韶关的报道是什么时候发布的?")
    assert "2023-03-25" in ans.answer and "3月24日" not in ans.answer


PAGE = ("宝鸡市“双创”工作卓有成效\n\n来源：国家创新型城市工作动态信息\n发布时间：2020-04-27 10:04\n\n"
        "宝鸡市高度重视“双创”工作,先后出台政策措施30多个。全市每两年通报表扬一批创新企业。\n")


def test_a_header_label_asked_for_is_answered_by_its_value(assistant_over):
    a = assistant_over(bj=PAGE)
    ans = a.ask("宝鸡市这篇“双创”工作材料的来源是什么?")
    assert "国家创新型城市工作动态信息" in ans.answer
    # a label inside another word is not asked for: 多长时间 asks no 发布时间
    assert "2020-04-27" not in a.ask("宝鸡市多长时间通报表扬一次创新企业?").answer


NEWS = ("科技创新成为海东高质量发展引擎\n"
        "海东日报讯(记者 张璐)今年以来,海东市科技局共争取各类省级科技项目16项,争取资助资金511万元。\n")


def test_a_source_named_in_a_byline_is_given_with_its_reporter(assistant_over):
    ans = assistant_over(hd=NEWS).ask("海东这篇科技创新报道来自哪家媒体、哪位记者?")
    assert "海东日报" in ans.answer and "张璐" in ans.answer
    assert "海东日报讯(记者 张璐)" in ans.citations[0].quote


def test_a_when_question_on_an_undated_text_is_refused_not_answered_by_a_timeless_sentence(assistant_over):
    plan = "岳阳楼区科技创新工作方案\n一、重点任务\n推进技术交易市场、技术转移机构等建设,加快发展区域技术要素市场。\n"
    a = assistant_over(yy=plan)
    for q in ("岳阳楼区的科技工作方案是哪天印发的?", "On what date was Yueyanglou District's S&T work plan issued?"):
        ans = a.ask(q)
        assert ans.refused and "技术交易市场" not in ans.answer.split("\n")[0], q


def test_who_issued_a_table_page_is_its_publisher_not_a_column_of_its_table(assistant_over):
    page = ("发布机构:；滕州市科学技术局\n成文时间:；2022年03月31日\n\n滕州市科学技术局2022年第一季度任务进展情况一览表\n\n"
            "1：任务目标 申请发明专利160件以上,新增高新技术企业25家以上。；进展情况 召开了高企培训动员会议。；责任单位 市科技局\n")
    a = assistant_over(tz=page)
    ans = a.ask("滕州这份一览表是哪个单位发布的?")
    assert "滕州市科学技术局" in ans.answer and "任务目标" not in ans.answer, ans.answer
    assert a.docs["tz.txt"].meta.date == "2022-03-31"  # 成文时间 is a date label


def test_the_period_a_plan_covers_is_given_as_the_plan_writes_it(assistant_over):
    plan = "海盐县“十四五”科技创新规划\n\n规划期限为2021-2025年。到2025年,全县研发投入强度达到3.5%。\n"
    ans = assistant_over(hy=plan).ask("What period does Haiyan County's 14th Five-Year S&T innovation plan cover?")
    assert "2021-2025" in ans.answer and len(ans.citations) == 1, ans.answer


def test_a_pages_date_is_given_with_the_time_of_day_it_prints(assistant_over):
    ans = assistant_over(bj=PAGE).ask("宝鸡市这篇“双创”工作材料是什么时候发布的?")
    assert "2020-04-27" in ans.answer and "2020-04-27 10:04" in ans.answer  # the day, and the moment as printed


def test_who_issued_a_plan_a_report_names_is_the_body_that_issued_it(assistant_over):
    page = ("宁化县推进创新型县建设\n"
            "日前,中共宁化县委、宁化县人民政府贯彻全省科技创新大会精神,正式印发《关于加快创新型宁化建设的实施意见》。\n"
            "《意见》明确,到2020年全县高新技术企业达到30家。\n")
    a = assistant_over(nh=page)
    for q in ("宁化县关于加快创新型宁化建设的实施意见是谁出台的?", "Who issued the Ninghua county opinion on building an innovative Ninghua?"):
        ans = a.ask(q)
        assert "中共宁化县委、宁化县人民政府" in ans.answer, q
