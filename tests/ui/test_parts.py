"""Structured answer parts (ui/parts.py): overviews as sections with an expandable "more",
comparisons as tables with citation markers; escaped; the text when there are no parts.
The fixtures follow the shape the assistant's Answer.parts will have (issue 15)."""
from __future__ import annotations

import re
from types import SimpleNamespace

from ui import parts as P
from ui import render as R

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


def cit(n, doc="a.txt", region="咸宁市", quote="通过认定高新技术企业310家"):
    return SimpleNamespace(n=n, doc=doc, title=f"文件{n}", region=region, date="2024-02-27", section="一、",
                           quote=quote, start=None, end=None, issuer=None)


OVERVIEW = [{"kind": "sections", "title": "咸宁市2024年科技创新工作要点 · 主要内容", "items": [
    {"title": "一、力争全省考评保位", "text": "科技创新综合考评力争保持全省前列", "citations": [1]},
    {"title": "二、强化六项重点任务", "text": "通过认定高新技术企业310家[2]", "citations": [2],
     "more": ["1.强化科技企业培育 [2]", "2.强化高新技术产业发展"]},
    {"title": "三、保障措施", "text": "", "citations": [], "more": "加强组织领导。"},
]}]
COMPARISON = [{"kind": "table", "title": "各地区高新技术企业目标", "columns": ["地区", "年份", "指标", "目标值"],
               "rows": [["咸宁市", 2024, "通过认定高新技术企业", {"text": "310家", "citations": [1]}],
                        ["东宝区", 2022.0, "高新技术企业数量", "80家[2]"],
                        ["下陆区", None, "—"]],
               "note": "同口径：年度新增"}]


def ans(parts, citations=(1, 2), **kw):
    base = dict(question="q", answer="纯文本回答[1]", refused=False, citations=[cit(n) for n in citations],
                related=[], notice=None, answerer="extractive", latency_ms=10.0, parts=parts)
    base.update(kw)
    return SimpleNamespace(**base)


def test_overview_sections_with_markers_and_more():
    html = R.answer_html(ans(OVERVIEW), 3)
    assert html.count('<li class="pqa-sec">') == 3
    assert '<div class="pqa-sec-title">一、力争全省考评保位</div>' in html
    assert 'href="#src-3-1"' in html and 'href="#src-3-2"' in html
    assert html.count("[2]</a>") == 2  # in the text once (not doubled by its citations), in "more" once
    assert '<details class="pqa-more"><summary>' in html and "<li>2.强化高新技术产业发展</li>" in html
    assert "纯文本回答" not in html  # the parts replace the text
    assert "\n" not in html


def test_comparison_table_rows_cells_and_markers():
    html = R.answer_html(ans(COMPARISON), 0)
    table = re.search(r"<table class=\"pqa-table pqa-compare\">.*</table>", html).group(0)
    assert table.count("<tr>") == 4 and table.count("<th>") == 4
    assert "<td>2024</td>" in table and "<td>2022</td>" in table  # 2022.0 shown as a year
    assert '310家 <a class="pqa-cite" href="#src-0-1"' in table
    assert '80家<a class="pqa-cite" href="#src-0-2"' in table
    assert table.count("<td></td>") == 2  # a short row is padded
    assert "同口径：年度新增" in html and "各地区高新技术企业目标" in html


def test_unknown_markers_stay_text_and_everything_is_escaped():
    parts = [{"kind": "table", "columns": [XSS], "rows": [[{"text": XSS, "citations": [9]}]], "title": XSS},
             {"kind": "sections", "items": [{"title": XSS, "text": XSS, "more": XSS}]}]
    html = R.answer_html(ans(parts, citations=(1,)), 0)
    assert "<script" not in html and "<img" not in html
    assert "[9]" in html and 'href="#src-0-9"' not in html  # no card 9: no link


def test_no_or_unusable_parts_fall_back_to_the_text():
    for parts in (None, [], [{"kind": "chart"}], [{"kind": "table", "columns": [], "rows": []}], "x", [1],
                  [{"kind": "sections", "items": [{"title": "", "text": "", "more": []}]}]):
        html = R.answer_html(ans(parts), 0)
        assert '<div class="pqa-text">纯文本回答' in html, parts
    # a refusal shows its text, never parts
    html = R.answer_html(ans(COMPARISON, refused=True, answer="资料中没有"), 0)
    assert "资料中没有" in html and "pqa-compare" not in html


def test_text_part_and_mapping_answers():
    parts = [{"kind": "text", "text": "共3个地区提到科技特派员", "citations": [1, 2]}]
    html = P.parts_html(parts, 1, [1, 2])
    assert html.startswith('<div class="pqa-part pqa-text">共3个地区提到科技特派员 <a')
    as_json = {"question": "q", "answer": "x", "refused": False, "citations": [vars(cit(1))], "parts": COMPARISON}
    assert "pqa-compare" in R.answer_html(as_json, 0)  # the JSON form of an answer renders too


# the shapes the assistant's composers produce (assistant/compose: structure, numeric), abridged
REAL_OVERVIEW_TEXT = """咸宁市《2024年全市科技创新工作要点》的主要内容：
- 一、力争全省考评保位。全面分析全省科技创新综合考评指标[1]：力争14项考核指标逆势而上[1]
- 三、深化三项科技合作[2]：围绕激光雷达、测绘和遥感等产业导入科技型企业3家[3]
- 四、建设四类平台载体[4]"""
REAL_OVERVIEW = [{"kind": "sections", "items": [
    {"title": "一、力争全省考评保位", "text": "一、力争全省考评保位。全面分析全省科技创新综合考评指标[1]",
     "citations": [1], "more": ""},
    {"title": "三、深化三项科技合作", "text": "三、深化三项科技合作[2]", "citations": [2],
     "more": "深化武汉大学合作；深化武汉理工大学合作"},
    {"title": "四、建设四类平台载体", "text": "四、建设四类平台载体[4]", "citations": [4], "more": ""}]}]
REAL_COMPARE_TEXT = """各文件提到该指标的情况：
- 东宝区《行动方案》：全区高新技术企业数量达到80家[1]
- 下陆区《工作要点》：2023年确保全年新增高新技术企业16家以上[2]
注意：各文件的指标口径不同，数值不宜直接比较。"""
REAL_COMPARE = [{"kind": "table", "columns": ["地区", "数值", "口径", "出处"],
                 "rows": [["东宝区", "80家", "—", "[1]"], ["下陆区", "16家", "new", "[2]"]]}]


def test_overview_keeps_the_heading_and_each_sections_key_figures():
    html = R.answer_html(ans(REAL_OVERVIEW, citations=(1, 2, 3, 4), answer=REAL_OVERVIEW_TEXT), 0)
    assert 'pqa-lead">咸宁市《2024年全市科技创新工作要点》的主要内容：</div>' in html
    # the section shows the figures of its list line, its heading once, its marker beside the heading
    assert '<div class="pqa-sec-title">三、深化三项科技合作<a class="pqa-cite" href="#src-0-2"' in html
    assert "围绕激光雷达、测绘和遥感等产业导入科技型企业3家" in html and html.count("三、深化三项科技合作") == 1
    assert '<div class="pqa-sec-text">全面分析全省科技创新综合考评指标' in html and "力争14项考核指标逆势而上" in html
    assert "- 三、" not in html  # the list itself is not shown twice


def test_comparison_keeps_the_texts_caution_after_the_table():
    html = R.answer_html(ans(REAL_COMPARE, answer=REAL_COMPARE_TEXT), 0)
    lead, table, tail = html.index("各文件提到该指标的情况"), html.index("pqa-compare"), html.index("口径不同")
    assert lead < table < tail
    assert "全区高新技术企业数量达到80家" not in html.split("来源")[0]  # the list lines are the table's now
    assert '<td><a class="pqa-cite" href="#src-0-1"' in html
