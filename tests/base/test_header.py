"""Where a page's header block ends."""
from __future__ import annotations

from base.header import header_end


def test_the_header_ends_with_its_last_line() -> None:
    text = "索引号: 113302/2023-25176 主题分类: 科技\n成文日期: 2023-02-24\n\n2023年科创局工作思路\n"
    assert text[header_end(text):].startswith("\n\n2023年科创局工作思路")


def test_a_body_running_on_after_the_last_value_is_not_header() -> None:
    line = ("日期:2023-03-25 来源:南昌舰 作者:南昌采茶戏 浏览:65 评论:0强化南昌在全省科技创新中的核心地位"
            "南昌新闻网讯 科技型中小企业入库3000家以上,高新技术企业数量突破2000家,独角兽、瞪羚企业突破170家;")
    text = "南昌市明确2023年科技工作重点和目标\n" + line + "\n新组建50家市级研发平台;"
    assert text[header_end(text):].startswith("强化南昌在全省")  # the lead's targets are body text
    dated = "发布时间:2021-04-26 10:23 " + "全市新增高新技术企业5家,科技型企业40家。" * 4
    assert dated[header_end(dated):].lstrip().startswith("全市新增高新技术企业5家")


def test_a_label_after_the_body_has_begun_is_no_part_of_the_header() -> None:
    body = ("据悉,大连将重点抓好五件事:一是加快科技创新平台建设,提升创新策源能力。二是开展关键核心技术攻关,"
            "全社会研发经费投入年均增长10%,到2025年,占地区生产总值的比重力争达到3.5%。")
    text = "大连未来将建设创新策源中心\n作者:施文郁 发布时间:2021年02月23日\n" + body + "\n来源:中国经济导报\n"
    assert text[header_end(text):].lstrip().startswith("据悉,大连")  # a short page's closing source line


def test_a_pages_publication_time_is_its_date() -> None:
    from base.header import header_pairs

    text = "您所在的位置:首页 > 科技动态\n发表时间:2020-12-01 来源:银川日报\n过去五年,我市全社会R&D经费支出增长到30.69亿元。"
    fields = {f.field: f.value for f in header_pairs(text)}
    assert fields["date"] == "2020-12-01" and fields["issuer"] == "银川日报"


def test_an_unlabelled_time_stamp_in_a_table_row_before_the_editors_labels_is_the_date() -> None:
    from base.header import header_pairs

    text = "|| 2022-10-21 16:40:03 编辑: 刘燕 审核人:叶玲玲 阅读次数:1882 |\n今年以来,我县引进科技人才团队2个。"
    fields = {f.field: f.value for f in header_pairs(text)}
    assert fields["date"] == "2022-10-21 16:40:03"


def test_a_date_in_chinese_numerals_reads_as_one_in_arabic_ones() -> None:
    from base.header import arabic_dates, chinese_date_forms

    assert arabic_dates("二○一○年二月二十六日") == "2010年2月26日"
    assert arabic_dates("二〇二一年十二月三十一日印发") == "2021年12月31日印发"
    assert "二○一○年二月二十六日" in chinese_date_forms(2010, 2, 26)
    assert chinese_date_forms(2021, 10, 10)[0] == "二〇二一年十月十日"


def test_a_line_of_its_own_giving_a_day_and_a_time_is_the_page_date() -> None:
    from base.header import header_pairs

    text = "科技创新添活力——某市科技创新工作综述\n\n2022-04-07 15:40:38\n\n来源；某某日报\n\n正文。\n"
    dates = [f.value for f in header_pairs(text) if f.field == "date"]
    assert dates == ["2022-04-07 15:40:38"]
    # a day alone on a line (a signature's) is not taken for the page's stamp
    assert not [f for f in header_pairs("标题\n\n2022-04-07\n\n正文。\n") if f.field == "date"]
