from pathlib import Path

import pytest

from base.types import Doc
from ingest.clean import clean
from ingest.load import load_file
from ingest.metadata import (apply_overrides, extract_metadata, header_fields, load_overrides,
                             normalise_date)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def meta_of(name: str):
    doc = clean(load_file(CORPUS / name, CORPUS))
    return extract_metadata(doc)


EXPECTED = {
    "000_a4900b7333be9756.txt": dict(title="2023年下陆区科技创新工作要点", region="下陆区", issuer=None,
                                     date=None, doc_no=None, years=[2023], kind="工作要点"),
    "001_136a9505bad5a282.txt": dict(title="2023年科创局工作思路", region=None, issuer="科技创新局",
                                     date="2023-02-24", doc_no=None, years=[2023], kind="工作思路"),
    "002_2a333607f86502c4.txt": dict(title="2024年全市科技创新工作要点", region="咸宁市", issuer="咸宁市科学技术局",
                                     date="2024-02-27", doc_no=None, years=[2024], kind="工作要点"),
    "003_485a95091e833f50.txt": dict(title=None, region="岳阳楼区", issuer=None, date=None, doc_no=None,
                                     years=[], kind="工作方案"),
    "004_97c92cf58885207f.txt": dict(title="东宝区创新型县(市、区)建设行动方案", region="东宝区",
                                     issuer="东宝区人民政府", date="2021-07-26", doc_no="东政发〔2021〕6号",
                                     years=[2021, 2022], kind="行动方案"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_of_corpus(name):
    m = meta_of(name)
    for field, want in EXPECTED[name].items():
        assert getattr(m, field) == want, (name, field)


def test_header_fields_with_padded_keys_and_several_pairs_per_line():
    text = "索引号 : 011/2024-1 文       号 : 无\n文号: 发布机构: 科技创新局\n正文开始。"
    fields, end = header_fields(text)
    assert fields["issuer"] == "科技创新局" and "doc_no" not in fields
    assert text[:end].endswith("科技创新局")


def test_normalise_date_forms():
    assert normalise_date("2021年7月26日") == "2021-07-26"
    assert normalise_date("2024-02-27") == "2024-02-27"
    assert normalise_date("2024年13月40日") is None


def test_unknown_stays_unknown_for_a_bodiless_title():
    from base.types import Doc

    m = extract_metadata(Doc("x.txt", "一、总体要求\n全面推进各项工作。", "txt", "x"))
    assert (m.title, m.region, m.issuer, m.date, m.doc_no, m.years) == (None, None, None, None, None, [])


def test_overrides_add_aliases_and_validate(tmp_path):
    (tmp_path / "metadata.toml").write_text('["a.txt"]\naliases = ["楼区"]\ntitle = "X方案"\n', encoding="utf-8")
    ov = load_overrides(tmp_path)
    m = apply_overrides(meta_of("003_485a95091e833f50.txt"), ov["a.txt"])
    assert m.title == "X方案" and "楼区" in m.aliases and "岳阳楼" in m.aliases
    (tmp_path / "metadata.toml").write_text('["a.txt"]\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown field"):
        load_overrides(tmp_path)
    (tmp_path / "metadata.toml").write_text('["a.txt"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_overrides(tmp_path)


def test_doc_no_on_its_own_line_in_brackets_even_with_a_lost_bracket():
    from ingest.metadata import find_doc_no

    notice = "佛山市高明区人民政府办公室关于印发规划的通知\n\n(明府办〔2016118号)\n\n各镇政府:\n"
    assert find_doc_no({}, notice, 0) == "明府办〔2016118号"  # the page lost its 〕
    assert find_doc_no({}, "关于印发的通知\n（东政发〔2021〕6号）\n", 0) == "东政发〔2021〕6号"
    body = "根据《决定》(佛发〔2013〕4号)等精神,制定本规划。\n"
    assert find_doc_no({}, body, 0) is None  # one cited in a sentence is another document's
    # a scraped page that ran the notice's title and its number together
    run_on = "唐山市人民政府办公室印发《行动方案》的通知唐政办字〔2022〕140号USHUI.NET提示:继续实施。"
    assert find_doc_no({}, run_on, 0) == "唐政办字〔2022〕140号"
    assert find_doc_no({}, "根据《省政府关于X的通知》(鄂政发〔2021〕9号)要求,制定本方案。", 0) is None
    # in the square brackets of a government site (【…】), after the title or on a line of its own
    assert find_doc_no({}, "邢台市人民政府 关于印发工作方案的通知 【邢政发〔2018〕6号】\n各县(市、区)人民政府:", 0) == "邢政发〔2018〕6号"
    assert find_doc_no({}, "关于印发的通知\n【东政发〔2021〕6号】\n", 0) == "东政发〔2021〕6号"


def test_a_title_wrapped_over_two_lines():
    from ingest.metadata import find_title

    notice = ("关于印发《亳州市“十四五”科技创新规划\n\n(2021—2025年)》的通知\n\n各县区科技局:\n\n"
              "现将《亳州市“十四五”科技创新规划(2021—2025年)》印发给你们,请认真贯彻执行。\n\n"
              "亳州市科学技术局\n\n2021年11月22日\n\n亳州市“十四五”科技创新发展规划\n\n(2021—2025年)\n")
    assert find_title(notice, {}) == "亳州市“十四五”科技创新发展规划"  # not the half line 关于印发《…规划
    wrapped = ("各街道办事处:\n《洞头区大力提升科技创新能力 全面落实融入省“315”科技创新体系建设工程实施方案"
               "(2023-2027年)》已经区政府第23次常务会议审议通过,现印发给你们,请认真贯彻落实。\n温州市洞头区人民政府\n"
               "洞头区大力提升科技创新能力\n全面落实融入省“315”科技创新体系建设工程实施方案(2023-2027年)\n")
    assert find_title(wrapped, {}).startswith("洞头区大力提升科技创新能力")  # the notice names it whole


def test_a_city_that_never_writes_its_full_name_is_found_by_its_short_name() -> None:
    from ingest.metadata import find_region

    body = ("2024年,市科技局全面贯彻落实市委、市政府决策部署。全市高新技术企业总数达到750家以上。"
            "推进牧原实验室郑州研发基地和南阳中试及产业化基地建设,与郑州大学、浙江大学深度合作,"
            "依托南阳理工学院、南阳师范学院。")
    assert find_region(None, "市科技局2024年年度工作计划", body) == "南阳市"  # not 浙江 of 浙江大学


def test_a_title_line_printed_with_its_file_extension_is_the_title() -> None:
    from ingest.metadata import find_title

    text = "株洲市动力支撑能力提升行动方案(2022―2025年).doc\n附件 3 株洲市动力支撑能力提升行动方案 为全面落实…\n"
    assert find_title(text, {}) == "株洲市动力支撑能力提升行动方案(2022―2025年)"
    assert find_title("益阳市科学技术局2024年工作总结及2025年工作安排\n发布日期:2025年06月05日\n", {}) \
        == "益阳市科学技术局2024年工作总结及2025年工作安排"


def test_a_byline_and_a_publication_time_followed_by_the_body() -> None:
    from ingest.metadata import header_fields, signature

    text = ("神木市以科技创新推动经济高质量发展\n神木市人民政府办公室 2021年3月24日\n"
            "来源:神木市人民政府办公室 发布时间:2021-04-26 10:23 作者:郭文军今年以来,神木市深入实施创新驱动发展战略,"
            "通过集聚创新资源、培育创新主体、激发创新活力,全力推进科技创新体系建设和科研成果转化。\n一是成立科技创新委员会。\n")
    assert signature(text) == ("神木市人民政府办公室", "2021-03-24")
    # a notice signed in Chinese numerals
    assert signature("关于印发要点的通知\n《要点》已经局务会讨论通过,现印发给你们。\n二○一○年二月二十六日\n")[1] == "2010-02-26"
    fields, _ = header_fields(text)
    assert fields["date"].startswith("2021-04-26") and "作者" not in fields["date"]
    from base.types import Doc

    meta = extract_metadata(Doc(path="x.txt", text=text, kind="txt", sha256="0"))
    assert meta.date == "2021-04-26" and meta.signed == "2021-03-24"  # posted one day, signed another


def test_a_news_page_is_titled_by_its_headline_which_does_not_set_its_scope() -> None:
    from base.types import Doc
    from ingest.metadata import find_headline

    page = ("首页>资讯 > 经济 > 正文\n2021年黑龙江省科技工作会议在哈尔滨召开\n2021-04-09 12:24:19 来源:科技日报\n"
            "到2025年,黑龙江省全社会研发投入强度力争达到全国平均水平,全省高新技术企业数量力争突破5000家。\n")
    meta = extract_metadata(Doc(path="x.txt", text=page, kind="txt", sha256="0"))
    assert meta.title is None and meta.shown_title == "2021年黑龙江省科技工作会议在哈尔滨召开"
    # its region is the most specific the headline names in full (not 哈尔滨, named by its short
    # name); its years run from its unlabelled date line (2021-04-09 12:24:19 来源:…) to its target
    assert meta.region == "黑龙江省" and meta.date == "2021-04-09" and meta.years == [2021, 2022, 2023, 2024, 2025]
    lead = "排名全国第9位!\n陕西省综合科技创新水平指数68.39%\n本报讯(记者 柴迎)2月3日,记者获悉,陕西省科技创新成效凸显。\n"
    assert find_headline(lead) == "陕西省综合科技创新水平指数68.39%"
    # a first line that runs into the body, or a label, is no headline
    assert find_headline("为加快建设创新型城市,制定本方案。\n一、总体目标\n到2025年,高新技术企业达到500家。\n") is None
    assert find_headline("当前版:01版\n发布日期:\n") is None
    dated_lead = "广西将实施科技强桂行动,以科技强支撑产业、经济\n\n7月16日,广西举行新闻发布会。自治区科技厅介绍有关情况。\n"
    assert find_headline(dated_lead) == "广西将实施科技强桂行动,以科技强支撑产业、经济"  # a lead opening with its day
    assert find_headline("一、重点任务\n3月16日,召开全市科技工作会议,部署全年工作。\n") is None  # a heading


def test_a_text_naming_no_year_of_its_own_is_about_the_year_it_is_dated() -> None:
    from ingest.metadata import find_years

    assert find_years(None, "一是成立科技创新委员会,全年新增高新技术企业5家。", "2021-04-26") == [2021]
    assert find_years(None, "到2025年,高新技术企业达到500家。", "2022-03-01") == [2022, 2023, 2024, 2025]


def test_a_short_name_several_regions_share_in_a_title_is_the_highest_ones() -> None:
    from ingest.metadata import find_region

    assert find_region(None, "海南科技创新三年行动计划", "") == "海南省"  # not 海南藏族自治州
    assert find_region(None, "广西科技强桂三年行动方案", "") == "广西壮族自治区"


def test_a_district_saying_quanqu_is_not_the_autonomous_region_its_text_names_more() -> None:
    from ingest.metadata import find_region

    body = ("全区上下深入贯彻自治区党委部署。内蒙古科技厅支持。内蒙古自治区创新大会召开,内蒙古各地推进。"
            "昆都仑区科技局推进全区高新技术企业培育,全区新增高企10家。")
    assert find_region(None, None, body) == "昆都仑区"  # 全区 is the district's own word too
    assert find_region(None, None, "广西举行新闻发布会,全区科技进步贡献率提高7个百分点。广西将实施科技强桂行动。") \
        == "广西壮族自治区"


def test_a_notice_title_without_book_marks_names_the_plan():
    from ingest.metadata import find_title, notice_title

    assert notice_title("安徽:关于印发 安徽省“十四五”科技创新规划的通知") == "安徽省“十四五”科技创新规划"
    assert notice_title("市政府办公室关于印发明州市科技创新行动方案(2023—2025年)的通知") == "明州市科技创新行动方案(2023—2025年)"
    assert notice_title("关于做好2024年科技工作的通知") is None  # issues no plan
    text = "网站首页: 主页 > 政策法规 >\n安徽:关于印发 安徽省“十四五”科技创新规划的通知\n为深入贯彻…,制定本规划。\n"
    assert find_title(text, {}) == "安徽省“十四五”科技创新规划"


def test_a_report_dated_early_in_a_year_is_also_about_the_year_before():
    from ingest.metadata import find_years

    body = "本报讯 2025年以来,全县新申报高新技术企业12家。\n立项实施县级科技项目56项。"
    assert find_years(None, body, "2026-01-12") == [2025, 2026]
    assert find_years(None, body, "2026-08-12") == [2026]  # mid-year: its own year
    assert find_years(None, "全县新申报高新技术企业12家。", "2026-01-12") == [2026]  # names no earlier year


def test_a_newspapers_publication_date_line_follows_its_headline():
    from ingest.metadata import find_headline

    text = "A2:综合 总第6157期\n甘肃酒泉金塔县构建科技企业升级全链条\n刊发日期:2026-01-12 作者:\n本报讯 (记者 刘晓磊)2025年以来,…"
    assert find_headline(text) == "甘肃酒泉金塔县构建科技企业升级全链条"


def test_an_issuer_cell_keeps_the_issuer_only():
    from ingest.metadata import split_issuer

    assert split_issuer("发展计划处 ( 2016-09-28 )") == ("发展计划处", "2016-09-28")
    assert split_issuer("芜湖市科技局 作者:芜湖市科技局") == ("芜湖市科技局", None)
    assert split_issuer("") == (None, None)
    # a date with its time, and a label with no value run on after it
    assert split_issuer("承德市科学技术局2021-11-05 09:41浏览次数:") == ("承德市科学技术局", "2021-11-05")


def test_a_news_bylines_source_is_the_issuer_when_the_page_names_none():
    from ingest.metadata import byline_source

    assert byline_source("海东日报讯(记者 张璐)今年以来,海东市科技创新工作…") == "海东日报"
    assert byline_source("本报讯 (记者 刘晓磊)2025年以来,…") is None  # names no source
    assert byline_source("今年以来,全市科技创新工作…") is None


def test_a_headline_names_the_region_of_a_news_page_that_cites_its_province() -> None:
    page = ("市县\n三亚全市高新技术企业已增至126家\n三亚新闻网7月30日消息(三亚传媒融媒体记者 袁燕)记者从三亚市培训与研讨会上"
            "获悉,到2023年底,三亚高新技术企业数量将达到400家。\n省委、省政府高度重视科技创新工作,落实海南省动员部署会的"
            "工作要求,要求全省各市县打一场科技创新翻身仗,引领推动海南自贸港高质量发展。\n")
    meta = extract_metadata(Doc(path="x.txt", text=page, kind="txt", sha256="0"))
    assert meta.headline == "三亚全市高新技术企业已增至126家"  # a wire lead (…网7月30日消息) follows it
    assert meta.region == "三亚市"  # not 海南省, which the text names as often


def test_a_city_named_once_by_its_short_name_and_otherwise_as_wo_shi() -> None:
    from ingest.metadata import find_region

    body = ("2025年是实现我市“十四五”科技创新规划目标任务的收官之年。认真落实市委、市政府部署要求,"
            "全面提升全市科技创新综合实力,奋力谱写中国式现代化九江篇章。")
    assert find_region(None, "科技赋能高质量发展“八大行动”2025年工作要点", body) == "九江市"
    assert find_region(None, "2025年工作要点", "全面提升全市科技创新综合实力。") is None


def test_a_dated_source_line_without_a_date_label_dates_the_page_and_this_site_is_no_issuer() -> None:
    page = ("西藏自治区“十四五”时期科技合作促进区域创新发展规划出台\n\n2022-01-24 09:58:08 来源: 科技日报 作者: 杨宇航\n\n"
            "近日,记者从西藏自治区科技厅获悉,规划出台。\n")
    meta = extract_metadata(Doc(path="x.txt", text=page, kind="txt", sha256="0"))
    assert meta.date == "2022-01-24" and meta.issuer == "科技日报"
    fields, _ = header_fields("工作要点\n发布时间:；2025-03-25 17:25；来源:；本网；字体:；[大 中 小]\n")
    assert fields.get("date") == "2025-03-25 17:25" and "issuer" not in fields  # 本网: the site itself


def test_a_province_or_city_a_report_ranks_against_is_not_its_region() -> None:
    from base.regions import level_usage
    from ingest.metadata import find_region

    body = ("2023年,嘉善县积极抢抓战略机遇。以全省第一的成绩成功列入国家创新型县建设名单,成为全省四个、"
            "嘉兴市唯一实现三连冠的县市区。上海大学(浙江)研究院落地,高新产业增加值占比列全省第3,"
            "3个企业的产品入选全省重大科技成果清单,数量列嘉兴市第1。")
    assert level_usage(body)["省"] == 0  # 列全省第3, 全省四个, 入选全省…清单: comparisons, not 我省
    assert find_region(None, None, body) == "嘉善县"  # not 浙江省 (浙江 of a university's name)
    assert level_usage("全省高新技术企业达到5000家,全省第十四次党代会提出…")["省"] == 2  # a session, not a rank


def test_a_short_name_that_is_an_ordinary_word_names_no_region() -> None:
    from ingest.metadata import find_region

    body = ("“十四五”以来,洛阳全社会研发投入强度提高至3.47%。深化产学研合作,推进校企合作,"
            "加强国际合作,全市新增创新平台2113个,开展合作项目100项。")
    assert find_region(None, None, body) == "洛阳市"  # not 合作市 of Gansu


def test_a_media_byline_without_xun_names_the_source() -> None:
    text = ("打造活力枝江 建设魅力科创之城\n\n枝江融媒(通讯员 吴魁)近年来,枝江始终将创新摆在发展的核心位置。\n\n"
            "截至目前,全市拥有国家高新技术企业85家。宜昌市区域科创中心建设布局。\n")
    meta = extract_metadata(Doc(path="zj.txt", text=text, kind="txt", sha256="0"))
    assert meta.issuer == "枝江融媒" and meta.region == "枝江市" and meta.shown_title == "打造活力枝江 建设魅力科创之城"


def test_a_title_ending_with_its_years_and_a_status_mark_is_the_plans_title() -> None:
    from ingest.metadata import title_core

    page = ("石家庄市高新技术产业开发区三年提升工作方案 (2025-2027年)(征求意见稿)\n来源 原创 时间 2024-12-09\n"
            "为进一步提升全市高新技术产业开发区综合实力,提出如下方案。\n——2025年,营业收入增速达到7%。\n")
    meta = extract_metadata(Doc(path="x.html", text=page, kind="html", sha256="0"))
    assert meta.title.startswith("石家庄市高新技术产业开发区三年提升工作方案")
    assert meta.years == [2025, 2026, 2027] and meta.kind == "工作方案"
    assert title_core("XX市科技成果转化实施办法（试行）") == "XX市科技成果转化实施办法"
    assert title_core("XX市行动方案(2023-2025年)") == "XX市行动方案"
    fields, _ = header_fields("来源：原创 时间：2024-12-09\n")
    assert "issuer" not in fields  # 原创 ("our own content") names no source


def test_a_media_outlet_as_source_yields_to_the_region_its_headline_names() -> None:
    page = ("如皋发力打造创新强市\n2021-05-11 06:22:00 来源:中国江苏网\n"
            "中国江苏网讯 (记者 贲腾)近日,如皋科技创新大会发布激励意见。如皋拥有国家高新技术企业270家。\n")
    meta = extract_metadata(Doc(path="x.txt", text=page, kind="txt", sha256="0"))
    assert meta.issuer == "中国江苏网" and meta.region == "如皋市"  # not 江苏省, the outlet's home
    from ingest.metadata import find_region
    assert find_region("咸宁市科学技术局", "江苏某某经验做法", "") == "咸宁市"  # an issuer that is no outlet still comes first


def test_a_text_that_names_its_city_only_by_its_short_name() -> None:
    from ingest.metadata import find_region

    body = ("全面落实党中央、国务院和省委、省政府关于科技创新的部署要求,全面塑造无锡高质量发展新动能新优势,"
            "现提出如下政策意见。努力把无锡建设成为具有国际影响力的产业科技创新高地。")
    assert find_region(None, None, body) == "无锡市"


def test_a_news_headline_naming_a_plan_period_gives_the_plans_years():
    from ingest.metadata import find_region, find_years

    body = "12月6日上午,常州市科技局召开新闻发布会,公布了规划。八大指标:即2020年我市科技创新要达到的重要指标。"
    assert find_years(None, body, "2016-12-08", "常州市“十三五”科技创新规划公布") == list(range(2016, 2021))
    assert find_years(None, body, "2016-12-08", "常州市召开科技创新大会") == [2016]  # no period: its date
    assert find_region(None, None, "为加快推动石柱创新型县建设,全县动员。石柱县创新型县建设领导小组已成立。") == "石柱土家族自治县"


def _meta(page: str):
    return extract_metadata(Doc(path="x.txt", text=page, kind="txt", sha256="0"))


def test_a_header_value_running_on_into_the_body_is_cut_at_the_next_label() -> None:
    page = ("某区举行科技创新新闻发布会\n\n发布日期:2023-06-07 11:45 信息来源:九江日报 作者:王某某6月6日,我市举行科技创新"
            "新闻发布会,通报全市科技创新工作情况和科技创新支撑高质量发展相关情况,介绍了下一步工作安排和重点任务。\n\n我市全社会研发经费增长。\n")
    meta = _meta(page)
    assert meta.issuer == "九江日报" and meta.region == "九江市" and meta.date == "2023-06-07"


def test_a_masthead_line_names_the_publisher() -> None:
    page = ("第01版:要闻\n九江日报客户端\n勇攀科技高峰\n——全市高新技术企业发展综述\n"
            "编者按:大会将于2022年10月16日在北京召开。\n全市拥有高新技术企业172家。\n")
    meta = _meta(page)
    assert meta.issuer == "九江日报客户端" and meta.region == "九江市"  # not 北京, where an event is held


def test_a_date_then_a_body_on_one_line_under_the_headline_signs_the_page() -> None:
    page = "瑞昌市入选创新型县(市)建设名单\n2023-05-18 办公室\n近日,瑞昌市成功入选。\n"
    meta = _meta(page)
    assert meta.date == "2023-05-18" and meta.issuer == "办公室"


def test_an_abbreviation_counts_only_where_the_text_writes_it_apart_from_the_full_name() -> None:
    from ingest.metadata import region_aliases

    assert region_aliases("永新县", "永新县入选名单。永新县科技局。") == ["永新"]
