"""Tests for ingest.load: encodings, HTML/PDF/DOCX extraction and clear refusals."""
from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from ingest.load import SUPPORTED_SUFFIXES, LoadError, load_file
from ingest.load.html import collapse_html_space, html_to_text
from ingest.load.tables import Cell, build_grid, count_header_rows, render_table
from ingest.load.text import decode_text

TABLE_LINE = "全社会研发经费投入强度（%）：2024年 2.70；2025年 2.85"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- txt / md


def test_gbk_txt_is_decoded_and_newlines_normalised(tmp_path: Path) -> None:
    text = "2023年下陆区科技创新工作要点\r\n新增高新技术企业16家,技术合同交易额达8.47亿元。\r\n"
    path = write(tmp_path, "gbk.txt", text.encode("gbk"))
    doc = load_file(path, tmp_path)
    assert doc.encoding == "gb18030"
    assert doc.text == text.replace("\r\n", "\n")
    assert doc.kind == "txt"


def test_short_gbk_text_is_not_misdetected(tmp_path: Path) -> None:
    path = write(tmp_path, "short.txt", "科技创新".encode("gbk"))
    assert load_file(path).text == "科技创新"


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.txt", "\ufeff科技强区建设\n".encode("utf-8"))
    doc = load_file(path)
    assert doc.text == "科技强区建设\n"
    assert doc.encoding == "utf-8-sig"


@pytest.mark.parametrize("codec, expected", [("utf-16", "utf-16-le"),
                                             ("utf-16-be", "utf-16-be")])
def test_utf16_with_bom(tmp_path: Path, codec: str, expected: str) -> None:
    text = "全社会研发投入强度\r\n第二行"
    data = text.encode(codec) if codec == "utf-16" else b"\xfe\xff" + text.encode(codec)
    doc = load_file(write(tmp_path, "u16.txt", data))
    assert doc.encoding == expected
    assert doc.text == "全社会研发投入强度\n第二行"


def test_utf8_markdown_path_and_hash(tmp_path: Path) -> None:
    data = "# 工作要点\n\n一、总体要求\r".encode("utf-8")
    path = write(tmp_path, "sub/dir/plan.MD", data)
    doc = load_file(path, tmp_path)
    assert doc.path == "sub/dir/plan.MD"
    assert doc.kind == "md"
    assert doc.encoding == "utf-8"
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.text == "# 工作要点\n\n一、总体要求\n"
    # outside the corpus folder (or none given) the bare file name is used
    assert load_file(path, tmp_path / "elsewhere").path == "plan.MD"
    assert load_file(path).path == "plan.MD"


def test_utf8_cut_mid_character_is_not_read_as_gb18030(tmp_path: Path) -> None:
    data = "东宝区人民政府".encode("utf-8")[:-1]  # last character cut in half
    assert data.decode("gb18030") == "涓滃疂鍖轰汉姘戞斂搴"  # strict GB18030 "succeeds": mojibake
    doc = load_file(write(tmp_path, "cut.txt", data))
    assert doc.encoding == "utf-8"
    assert doc.text == "东宝区人民政\ufffd"


def test_decode_text_rejects_nul_and_accepts_ascii() -> None:
    assert decode_text(b"plain ascii") == ("plain ascii", "utf-8")
    with pytest.raises(ValueError, match="binary"):
        decode_text(b"abc\x00def")


# --------------------------------------------------------------------------- html

HTML_PAGE = """<!DOCTYPE html>
<html><head><meta charset="gbk"><title>页面标题不应出现</title>
<style>.nav {{ color: red }}</style>
<script>var secret = "脚本里的文字";</script></head>
<body>
<nav><ul><li><a href="/">导航首页</a></li><li>政务公开</li></ul></nav>
<div id="crumb">首页 &gt; 政务公开 &gt; 规划计划</div>
<h1>2025年科技创新工作要点</h1>
<p>为深入实施创新驱动发展战略，
制定本要点。</p>
<p>第一段<b>加粗</b><a href="#">链接</a>继续<br>换行之后</p>
<!-- 注释不显示 -->
<div style="display: none">隐藏的文字</div>
<noscript>请启用脚本</noscript>
<template><p>模板文字</p></template>
<svg><text>矢量图文字</text></svg>
{table}
<p>表后段落。</p>
</body></html>
"""
HEADER_TABLE = """<table>
<tr><th>指标</th><th>2024年</th><th>2025年</th></tr>
<tr><td>全社会研发经费投入强度（%）</td><td>2.70</td><td>2.85</td></tr>
<tr><td>高新技术企业（家）</td><td>100</td><td>120</td></tr>
</table>"""


def test_html_visible_text_and_table_rows(tmp_path: Path) -> None:
    page = HTML_PAGE.format(table=HEADER_TABLE)
    doc = load_file(write(tmp_path, "page.html", page.encode("gbk")))
    assert doc.kind == "html"
    assert doc.encoding == "gb18030"  # <meta charset="gbk"> read as its superset
    lines = doc.text.split("\n")
    assert TABLE_LINE in lines
    assert "高新技术企业（家）：2024年 100；2025年 120" in lines
    for hidden in ("脚本里的文字", "secret", "color: red", "页面标题不应出现", "导航首页",
                   "注释不显示", "隐藏的文字", "请启用脚本", "模板文字", "矢量图文字"):
        assert hidden not in doc.text
    assert "2025年科技创新工作要点" in lines
    # inline elements stay inline, <br> and blocks break lines
    assert "第一段加粗链接继续" in lines
    assert "换行之后" in lines
    # a source line break between two Chinese characters is not a space
    assert "为深入实施创新驱动发展战略，制定本要点。" in lines
    assert lines.index("换行之后") < lines.index(TABLE_LINE) < lines.index("表后段落。")


def test_html_utf8_without_meta_and_htm_suffix(tmp_path: Path) -> None:
    page = "<html><body><p>Hello   world</p><p>科技&nbsp;创新</p></body></html>"
    doc = load_file(write(tmp_path, "p.htm", page.encode("utf-8")))
    assert doc.kind == "html"
    assert doc.text == "Hello world\n\n科技 创新"


def test_html_table_with_td_header_row_and_spans() -> None:
    table = """<table>
    <tr><td>指标</td><td>2024年</td><td>2025年</td></tr>
    <tr><td rowspan="2">高新技术企业（家）</td><td colspan="2">100</td></tr>
    <tr><td>110</td><td>120</td></tr>
    <tr><td>技术合同交易额（亿元）</td><td></td><td>8.47</td></tr>
    </table>"""
    assert html_to_text(table).split("\n") == [
        "高新技术企业（家）：2024年、2025年 100",
        "高新技术企业（家）：2024年 110；2025年 120",
        "技术合同交易额（亿元）：2025年 8.47",
    ]


def test_html_table_without_header_joins_cells() -> None:
    table = """<table>
    <tr><td>索引号</td><td>11420802011241029N/2021-02662</td></tr>
    <tr><td>文号</td><td>东政发〔2021〕6号</td></tr></table>"""
    assert html_to_text(table) == ("索引号；11420802011241029N/2021-02662\n"
                                   "文号；东政发〔2021〕6号")


def test_html_layout_table_keeps_paragraphs() -> None:
    page = """<table><tr><td><table><tr><td>导航</td></tr></table></td>
    <td><p>第一段正文。</p><p>第二段正文。</p></td></tr></table>"""
    assert html_to_text(page).split("\n") == ["导航", "第一段正文。", "", "第二段正文。"]


def test_html_with_broken_spans_does_not_crash() -> None:
    table = """<table><tr><th colspan="x">甲</th><th rowspan="0">乙</th></tr>
    <tr><td colspan="999999">1</td></tr></table>"""
    assert "1" in html_to_text(table)


def test_render_table_multi_row_header() -> None:
    rows = [[("指标", 1, 2, True), ("目标值", 2, 1, True)],
            [("2024年", 1, 1, True), ("2025年", 1, 1, True)],
            [("研发投入强度（%）", 1, 1, False), ("2.70", 1, 1, False), ("2.85", 1, 1, False)]]
    grid = build_grid(rows)
    assert count_header_rows(grid) == 2
    assert render_table(grid, 2) == ["研发投入强度（%）：目标值 2024年 2.70；目标值 2025年 2.85"]


def test_count_header_rows_needs_numbers_for_td_headers() -> None:
    def grid(rows: list[list[str]]) -> list[list[Cell]]:
        return build_grid([[(t, 1, 1, False) for t in r] for r in rows])

    assert count_header_rows(grid([["指标", "2025年"], ["高企", "120"]])) == 1
    assert count_header_rows(grid([["索引号", "A/2021"], ["文号", "东政发"]])) == 0
    assert count_header_rows(grid([["年份", "2024"], ["高企", "120"]])) == 0


def test_collapse_html_space() -> None:
    assert collapse_html_space("科技\n  创新") == "科技创新"
    assert collapse_html_space("R&D\n投入") == "R&D 投入"
    assert collapse_html_space("科技  创新") == "科技 创新"  # same-line spaces are a space


# --------------------------------------------------------------------------- pdf


def make_pdf(path: Path, lines: list[str]) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 14)
    for i, line in enumerate(lines):
        c.drawString(72, 760 - 24 * i, line)
    c.showPage()
    if lines:
        c.setFont("STSong-Light", 14)
        c.drawString(72, 760, "第二页内容")
        c.showPage()
    c.save()
    return path


def test_pdf_text_layer_with_cjk_cid_font(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "plan.pdf",
                    ["2024年全市科技创新工作要点", "全社会研发经费投入强度达到2.85%。"])
    doc = load_file(path, tmp_path)
    assert doc.kind == "pdf" and doc.encoding == "pdf"
    # pypdf maps the STSong-Light (UniGB-UCS2-H) glyphs back to the exact characters
    assert doc.text.split("\n") == ["2024年全市科技创新工作要点",
                                    "全社会研发经费投入强度达到2.85%。", "", "第二页内容"]


def test_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(72, 72, 200, 200, fill=1)  # drawing only, like a scanned image
    c.showPage()
    c.save()
    with pytest.raises(LoadError, match=r"scan\.pdf.*no text layer \(scanned\?\)"):
        load_file(path)


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ngarbage",
    b"%PDF-1.7\n" + bytes(range(1, 256)) * 8,
    b"this is not a pdf at all",
])
def test_corrupt_pdf_is_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(LoadError, match=r"broken\.pdf"):
        load_file(write(tmp_path, "broken.pdf", data))


def test_truncated_real_pdf_is_refused(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", ["科技创新"]).read_bytes()
    with pytest.raises(LoadError, match=r"cut\.pdf"):
        load_file(write(tmp_path, "cut.pdf", good[: len(good) // 3]))


# --------------------------------------------------------------------------- docx


def test_docx_paragraphs_and_table_in_order(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("东宝区创新型县建设行动方案")
    table = document.add_table(rows=3, cols=3)
    rows = [["指标", "2024年", "2025年"], ["全社会研发经费投入强度（%）", "2.70", "2.85"],
            ["高新技术企业（家）", "100", "120"]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("表后段落。")
    path = tmp_path / "plan.docx"
    document.save(str(path))

    doc = load_file(path, tmp_path)
    assert doc.kind == "docx" and doc.path == "plan.docx"
    lines = doc.text.split("\n")
    assert lines.index("东宝区创新型县建设行动方案") < lines.index(TABLE_LINE) \
        < lines.index("表后段落。")
    assert "高新技术企业（家）：2024年 100；2025年 120" in lines


def test_docx_merged_cells(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    rows = [["类别", "指标", "2025年"], ["企业", "高企数", "120"], ["", "科小数", "300"]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(1, 0).merge(table.cell(2, 0))  # vertical merge: "企业" labels both rows
    path = tmp_path / "merged.docx"
    document.save(str(path))
    assert load_file(path).text == "企业：指标 高企数；2025年 120\n企业：指标 科小数；2025年 300"


def test_corrupt_docx_is_refused(tmp_path: Path) -> None:
    for name, data in [("zip.docx", b"PK\x03\x04broken zip"), ("text.docx", b"hello")]:
        with pytest.raises(LoadError, match=name.replace(".", r"\.") + ".*not a valid .docx"):
            load_file(write(tmp_path, name, data))


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b" \r\n\t \n", "empty"),
    ("ideographic.txt", "\u3000\u3000\n".encode("utf-8"), "no text"),
    ("empty.html", b"<html><head><title>t</title></head><body> </body></html>", "no text"),
    ("nul.txt", bytes(range(256)) * 4, "binary"),
    ("random.txt", bytes(b for b in random.Random(7).randbytes(4000) if b), "not decodable"),
    ("binary.html", b"<html>\x00\x01\x02</html>", "binary"),
    ("old.doc", "科技".encode("utf-8"), "unsupported file type '.doc'"),
    ("noext", b"text", "unsupported file type"),
])
def test_refusals_name_file_and_reason(tmp_path: Path, name: str, data: bytes,
                                       reason: str) -> None:
    path = write(tmp_path, name, data)
    with pytest.raises(LoadError) as info:
        load_file(path)
    assert name in str(info.value)
    assert reason in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="does not exist"):
        load_file(tmp_path / "missing.txt")
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(LoadError, match="not a regular file"):
        load_file(tmp_path / "folder.txt")


def test_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", "科技创新".encode("utf-8") * 10)
    with pytest.raises(LoadError, match=r"big\.txt.*too large \(120 bytes; limit 100\)"):
        load_file(path, max_bytes=100)
    assert load_file(path, max_bytes=120).text == "科技创新" * 10


def test_supported_suffixes() -> None:
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}
    assert set(SUPPORTED_SUFFIXES.values()) == {"txt", "md", "html", "pdf", "docx"}


def test_real_corpus_files_load() -> None:
    corpus = Path(__file__).resolve().parents[2] / "corpus"
    files = sorted(corpus.glob("*.txt"))
    assert len(files) >= 5
    for path in files:
        doc = load_file(path, corpus)
        assert doc.path == path.name and doc.encoding == "utf-8" and "\r" not in doc.text


def test_pdf_lines_wrapped_inside_a_paragraph_are_joined_even_after_a_closing_quote() -> None:
    from ingest.load.pdf import reflow

    wide = "在平台建设方面,强化层级培育与绩效激励,构建“省级引领、市级支撑”"
    lines = [wide, "的创新平台矩阵。目前全市拥有新型研发机构13家、重点实验室61家,工程中心79家。"] + \
            ["创新生态是科技创新的沃土,寿光市科技局深耕细作,着力构建创新生态系统。"] * 8 + \
            ["他说:“要把科技创新摆在突出位置,持续加大研发投入力度,推动高质量发展。”", "一、总体要求"]
    out = reflow("\n".join(lines)).split("\n")
    assert out[0] == wide + lines[1]  # the quotation closed mid-sentence runs on
    assert out[-2] == lines[-2] and out[-1] == "一、总体要求"  # 。” ends its sentence


def test_pdf_lines_wrapped_at_a_comma_or_inside_a_title_are_joined_however_short() -> None:
    from ingest.load.pdf import reflow

    lines = ["创新是推动高质量发展的核心动力。去年,", "义乌聚焦改革创新和顶层设计,制定出台《义乌市“334”",
             "科技创新体系建设工程行动方案(2023-2025年)》等意见办法。"] + \
            ["创新生态是科技创新的沃土,义乌市科技局深耕细作,着力构建创新生态系统。"] * 8 + ["一、总体要求"]
    out = reflow("\n".join(lines)).split("\n")
    assert out[0] == "".join(lines[:3])  # a comma and an open 《 both run on
    assert out[-1] == "一、总体要求" and len(out) == 10
