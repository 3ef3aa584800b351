"""Unit tests of the web app's pure render helpers (ui/render.py), escaping first."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from ui import render as R

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


def cit(n=1, doc="d.txt", quote="通过认定高新技术企业310家", start=None, end=None, **kw):
    base = dict(n=n, doc=doc, title="2024年全市科技创新工作要点", region="咸宁市", date="2024-02-27",
                section="六、强化六项重点任务 > 2.强化高新技术产业发展", quote=quote, start=start, end=end,
                issuer="咸宁市科学技术局")
    base.update(kw)
    return SimpleNamespace(**base)


def ans(**kw):
    base = dict(question="q", answer="答案310家[1]", refused=False, citations=[cit()], related=[],
                notice=None, answerer="extractive", latency_ms=612.0)
    base.update(kw)
    return SimpleNamespace(**base)


def no_raw_tags(html: str) -> None:
    """No executable markup from the payload survived."""
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert not re.search(r"\sonerror\s*=", html, re.I) or "&quot;" in html  # only as escaped text


# ---------------------------------------------------------------- escaping
def test_esc_escapes_markup_and_quotes():
    assert R.esc(XSS) == ("&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=&quot;"
                          "window.__xss=1&quot;&gt;")
    assert R.esc(None) == ""
    assert R.esc(310) == "310"
    assert R.esc("a'b") == "a&#x27;b"


def test_esc_lines_has_no_newlines():
    out = R.esc_lines("一\n二\r\n<三>")
    assert out == "一<br>二<br>&lt;三&gt;"
    assert "\n" not in out
    assert R.esc_lines("一\n\n \n二") == "一<br>二"  # blank lines collapse


@pytest.mark.parametrize("field", ["title", "region", "issuer", "date", "section", "quote", "doc"])
def test_source_card_escapes_every_field(field):
    c = cit(**{field: XSS}) if field != "quote" else cit(quote=XSS)
    html = R.source_card(c, 0)
    no_raw_tags(html)
    assert "&lt;script&gt;" in html


def test_source_card_escapes_document_context():
    text = f"前文{XSS}。通过认定高新技术企业310家。后文<b>粗</b>。"
    q = "通过认定高新技术企业310家"
    html = R.source_card(cit(quote=q), 0, {"d.txt": text})
    no_raw_tags(html)
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_answer_html_escapes_answer_notice_and_related():
    a = ans(answer=f"{XSS}[1]", notice=XSS, related=[cit(n=1, quote=XSS)])
    html = R.answer_html(a, 3)
    no_raw_tags(html)
    assert html.count("&lt;script&gt;") >= 3


def test_question_and_messages_are_escaped():
    assert "&lt;script&gt;" in R.question_html(XSS)
    no_raw_tags(R.question_html(XSS))
    no_raw_tags(R.message_html(XSS, "error"))
    no_raw_tags(R.pending_html(XSS))
    assert R.message_html("", "error") == ""
    assert "pqa-msg-info" in R.message_html("x", "<bogus>")


# ---------------------------------------------------------------- highlighting
def test_highlight_marks_the_span_with_context():
    text = "第一句很长的背景。第二句在这里，通过认定高新技术企业310家，后面还有。第三句结束。第四句。"
    q = "通过认定高新技术企业310家"
    s = text.index(q)
    html = R.highlight(text, q, s, s + len(q), context=20)
    assert f'<mark class="pqa-hl">{q}</mark>' in html
    before, after = html.split(f'<mark class="pqa-hl">{q}</mark>')
    assert before.endswith("第二句在这里，")
    assert after.startswith("，后面还有。")


def test_highlight_uses_quote_when_offsets_are_wrong():
    text = "abc 通过认定高新技术企业310家 def"
    html = R.highlight(text, "通过认定高新技术企业310家", 0, 5)
    assert '<mark class="pqa-hl">通过认定高新技术企业310家</mark>' in html


def test_highlight_falls_back_to_quote_alone():
    assert R.highlight(None, "<x>") == '<mark class="pqa-hl">&lt;x&gt;</mark>'
    assert R.highlight("other text", "missing") == '<mark class="pqa-hl">missing</mark>'


def test_context_bounds_cuts_at_sentence_boundaries():
    text = "AAAA。BBBB。QUOTE。CCCC。DDDD"
    s = text.index("QUOTE")
    a, b = R.context_bounds(text, s, s + 5, context=8)
    assert text[a:b].startswith("BBBB。") and text[a:b].endswith("。CCCC。")


def test_context_bounds_whole_text_when_short():
    text = "只有一句话"
    assert R.context_bounds(text, 2, 4, context=80) == (0, len(text))


def test_highlight_escapes_context_and_mark():
    text = "<i>前</i>。<u>引用</u>。"
    q = "<u>引用</u>"
    html = R.highlight(text, q)
    assert "<u>" not in html and "<i>" not in html
    assert '<mark class="pqa-hl">&lt;u&gt;引用&lt;/u&gt;</mark>' in html


# ---------------------------------------------------------------- markers → links
def test_link_markers_links_only_known_markers():
    out = R.link_markers("甲[1]乙[2]丙[9]", 4, [1, 2])
    assert '<a class="pqa-cite" href="#src-4-1"' in out
    assert 'href="#src-4-2"' in out
    assert "[9]" in out and "src-4-9" not in out


def test_link_markers_escapes_text_first():
    out = R.link_markers("<b>[1]</b>", 0, [1])
    assert out.startswith("&lt;b&gt;<a class=\"pqa-cite\"")
    assert out.endswith("&lt;/b&gt;")


def test_card_ids_match_marker_links():
    a = ans(answer="一[1]二[2]", citations=[cit(n=1), cit(n=2)])
    html = R.answer_html(a, 7)
    for n in (1, 2):
        assert f'href="#src-7-{n}"' in html
        assert f'id="src-7-{n}"' in html


def test_anchor_id_is_safe():
    assert R.anchor_id("src", 'x"><', 1) == "src-x----1"


# ---------------------------------------------------------------- answers
def test_answer_html_sections_and_single_line():
    a = ans(answer="第一行[1]\n第二行", related=[cit(n=1, quote="相关")])
    html = R.answer_html(a, 0)
    assert "\n" not in html
    assert "来源（1）" in html
    assert "相关段落" in html and "不是答案" in html
    assert 'id="rel-0-1"' in html and "pqa-related" in html
    assert "抽取式" in html and "0.6 s" in html
    assert "未能从资料中找到答案" not in html


def test_refused_answer_is_labelled():
    a = ans(refused=True, answer="资料中没有北京市的科技创新规划。", citations=[])
    html = R.answer_html(a, 0)
    assert "pqa-refused" in html and "Not answered" in html
    assert "来源（" not in html


def test_answer_html_accepts_dicts_and_text_callable():
    text = "前面。通过认定高新技术企业310家。后面。"
    a = {"answer": "310家[1]", "refused": False, "answerer": "llm", "latency_ms": 10,
         "citations": [{"n": 1, "doc": "d.txt", "title": None, "region": None, "date": None, "section": "",
                        "quote": "通过认定高新技术企业310家", "start": 3, "end": 17}]}
    html = R.answer_html(a, 1, lambda d: text if d == "d.txt" else None)
    assert "地区未注明" in html
    assert "<span class=\"pqa-title\">d.txt</span>" in html  # title falls back to the file name
    assert "大模型生成" in html
    assert "前面。" in html


def test_text_of_missing_document_is_tolerated():
    def text_of(doc):
        raise KeyError(doc)

    html = R.source_card(cit(), 0, text_of)
    assert '<mark class="pqa-hl">通过认定高新技术企业310家</mark>' in html


# ---------------------------------------------------------------- policy, charts, tables
def groups():
    return [{"doc": "d.txt", "title": "标题<x>", "region": "咸宁市", "issuer": None, "date": "2024-02-27",
             "items": [{"quote": "支持科技型中小企业<y>", "start": 0, "end": 13, "section": "一、<z>",
                        "matched": ["科技型中小企业"]}]}]


def test_policy_html_groups_and_escapes():
    html = R.policy_html(groups(), None, heading="咸宁 <h>")
    assert "共 1 条措施，来自 1 份文件" in html
    assert "<x>" not in html and "<y>" not in html and "<z>" not in html and "<h>" not in html
    assert "pqa-tag" in html


def test_policy_html_empty():
    assert "没有找到" in R.policy_html([])


def test_policy_markdown():
    md = R.policy_markdown(groups(), "咸宁")
    assert md.startswith("# 政策匹配结果 咸宁")
    assert "## 1. 标题<x>" in md and "- 支持科技型中小企业<y> （一、<z>）" in md


def test_bar_chart_svg_escapes_and_scales():
    bars = [{"n": 1, "label": "咸宁<市>", "value": 310.0, "display": "310家", "quote": XSS},
            {"n": 2, "label": "东宝区", "value": 80.0, "display": "80家", "quote": "q"}]
    svg = R.bar_chart_svg(bars, "对比<t>", "家")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    no_raw_tags(svg)
    assert "咸宁&lt;市&gt;" in svg and "对比&lt;t&gt;" in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(380.0) and widths[1] == pytest.approx(380 * 80 / 310, rel=1e-2)


def test_bar_chart_empty():
    assert "Nothing to chart" in R.bar_chart_svg([])


def test_quotes_table_escapes():
    bars = [{"n": 1, "target": {"region": "<r>", "year": 2024, "indicator": "<i>", "value": "310", "unit": "家",
                                "comparator": "", "doc": "d.txt", "title": "<t>", "section": "", "quote": XSS}}]
    html = R.quotes_table(bars)
    no_raw_tags(html)
    assert "&lt;r&gt;" in html and "#1" in html


def test_table_html_escapes_cells_but_not_html_columns():
    html = R.table_html([{"a": "<b>x</b>", "b": "<i>ok</i>"}], [("a", "A"), ("b", "B")], html_columns=["b"])
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<i>ok</i>" in html


def test_metrics_html_flattens():
    html = R.metrics_html({"accuracy": 0.91234, "latency_ms": {"p50": 12.0, "p95": None}, "n": 40})
    assert "accuracy" in html and "0.912" in html
    assert "latency_ms.p50" in html and "—" in html
    assert "没有指标" in R.metrics_html({})
