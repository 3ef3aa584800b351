from pathlib import Path

from ingest.clean import clean
from ingest.load import load_file
from ingest.metadata import extract_metadata
from ingest.split import pack_spans, split
from base.text import sentence_bounds, sentence_spans
from base.headings import heading_rank, heading_title
from base.types import Doc, DocMeta

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def chunks_of(name: str, size: int = 360):
    doc = clean(load_file(CORPUS / name, CORPUS))
    return doc, split(doc, extract_metadata(doc), size=size)


def test_heading_patterns():
    assert heading_rank("一、总体要求") < heading_rank("(一)总体思路") < heading_rank("1、全面开展")
    assert heading_rank("2.强化高新技术产业发展。继续") == heading_rank("1、x")
    assert heading_rank("（1）小项") > heading_rank("1.大项")
    assert heading_rank("第一章 总则") == 0
    assert heading_rank("2.5亿元的投入") is None
    assert heading_rank("2023年是关键之年") is None
    assert heading_title("2.强化高新技术产业发展。继续做好") == "2.强化高新技术产业发展"


def test_section_paths_on_corpus():
    doc, chunks = chunks_of("002_2a333607f86502c4.txt")
    target = next(c for c in chunks if "通过认定高新技术企业310家" in c.text)
    assert target.section == "六、强化六项重点任务 > 2.强化高新技术产业发展"
    doc0, chunks0 = chunks_of("000_a4900b7333be9756.txt")
    c = next(c for c in chunks0 if "8.47亿元" in c.text and c.text.startswith("6、"))
    assert c.section == "二、工作重点及举措 > (三)推进科技成果转化,加快政产学研融合互通 > 6、加强产学研协同创新"


def test_spans_are_verbatim_and_header_is_not_content():
    for p in sorted(CORPUS.glob("*.txt")):
        doc, chunks = chunks_of(p.name)
        assert chunks
        for c in chunks:
            assert doc.text[c.start:c.end] == c.text
            assert "索引号" not in c.text and "发布机构" not in c.text


def test_long_items_split_at_sentence_ends_and_no_chunk_exceeds_the_bound():
    """Items longer than the bound split at sentence ends; a single sentence longer than the bound
    at clause marks (，、：) — no chunk is ever longer than the bound."""
    for size in (120, 200):
        for p in sorted(CORPUS.glob("*.txt")):
            doc, chunks = chunks_of(p.name, size)
            for c in chunks:
                assert len(c.text) <= size, (p.name, len(c.text))
                end = c.text[-1]
                nxt = doc.text[c.end:c.end + 1]
                if end in "。；！？!?;”）)" or nxt in ("", "\n"):
                    continue
                # cut inside a sentence: only where that sentence is longer than the bound
                a, b = sentence_bounds(doc.text, c.end - 1)
                assert b - a > size and end in "，、,：:", (p.name, c.text[-20:])


def test_sentence_helpers():
    t = "甲。乙；丙"
    assert [t[a:b] for a, b in sentence_spans(t, 0, len(t))] == ["甲。", "乙；", "丙"]
    assert pack_spans([(0, 2), (2, 4), (4, 6)], 4) == [(0, 4), (4, 6)]


def test_unnumbered_document_is_one_section():
    doc = Doc("x.txt", "第一段。\n\n第二段。", "txt", "abc")
    chunks = split(doc, DocMeta(), size=100)
    assert [c.section for c in chunks] == [""] and chunks[0].text == "第一段。\n\n第二段。"


# ---------------------------------------------------------------- numbered lines: heading or item?
def _split_text(text: str, size: int = 360):
    doc = Doc("s.txt", text, "txt", "synthetic")
    return doc, split(doc, DocMeta(), size=size)


def _chunk_with(chunks, piece: str):
    hits = [c for c in chunks if piece in c.text]
    assert hits, f"{piece!r} is in no chunk"
    return hits[0]


SYNTHETIC = (
    "一、主要目标\n"
    "1.新增高新技术企业42家，培育科技型中小企业100家。\n"
    "2.技术合同成交额达到5亿元。\n"
    "二、重点任务\n"
    "（一）推进区域协同创新，服务高质量发展。\n"
    "1、全面开展科技强区建设。统筹推进各项工作。\n"
    "2、高质量举办全市科技活动周活动，获得省部级以上表彰。\n"
    "（二）推动咸安区创建国家级创新型县、支持崇阳县创建省级创新型县、支持通城县建设省级特色产业集群。\n"
    "（三）强化高新技术产业发展\n"
    "继续做好高新技术企业认定工作。\n"
    "（四）强化成果转化。推动成果落地见效。\n"
)


def test_numbered_line_with_content_is_an_item_not_a_heading():
    doc, chunks = _split_text(SYNTHETIC)
    for c in chunks:
        assert doc.text[c.start:c.end] == c.text
    item = _chunk_with(chunks, "1.新增高新技术企业42家，培育科技型中小企业100家。")
    assert item.section == "一、主要目标" and item.heading == "一、主要目标"
    assert _chunk_with(chunks, "2.技术合同成交额达到5亿元。").section == "一、主要目标"
    # a long one-sentence （二） item: kept, its parent's section, never the sentence as a title
    long_item = _chunk_with(chunks, "支持通城县建设省级特色产业集群。")
    assert long_item.section == "二、重点任务"
    # a one-line 1、 item with no digits and nothing under it is content too
    assert _chunk_with(chunks, "获得省部级以上表彰").section == "二、重点任务 > （一）推进区域协同创新，服务高质量发展"
    assert all("新增高新技术企业42家" not in c.section and "通城县" not in c.section for c in chunks)


def test_heading_only_lines_still_name_their_sections():
    doc, chunks = _split_text(SYNTHETIC)
    # bare headings are not content
    assert not any(c.text.startswith(("一、主要目标", "二、重点任务", "（三）强化高新技术产业发展")) for c in chunks)
    assert not any("推进区域协同创新" in c.text for c in chunks)  # a title with sub-items under it
    c = _chunk_with(chunks, "1、全面开展科技强区建设。")
    assert c.section == "二、重点任务 > （一）推进区域协同创新，服务高质量发展 > 1、全面开展科技强区建设"
    assert _chunk_with(chunks, "继续做好高新技术企业认定工作。").section == "二、重点任务 > （三）强化高新技术产业发展"
    c = _chunk_with(chunks, "推动成果落地见效。")
    assert c.text.startswith("（四）强化成果转化。") and c.section == "二、重点任务 > （四）强化成果转化"


def test_item_with_paragraphs_under_it_keeps_them_together():
    doc, chunks = _split_text("一、目标\n1.新增高企42家。\n其中新认定30家。\n二、措施\n1.强化服务。\n上门服务企业。\n")
    c = _chunk_with(chunks, "1.新增高企42家。")
    assert "其中新认定30家。" in c.text and c.section == "一、目标"
    # a short title-like sentence with paragraphs under it: a title that is also kept as text
    c = _chunk_with(chunks, "上门服务企业。")
    assert c.text.startswith("1.强化服务。") and c.section == "二、措施 > 1.强化服务"


def test_reads_as_title():
    from base.headings import reads_as_title

    assert reads_as_title("2.强化高新技术产业发展")
    assert reads_as_title("2.强化高新技术产业发展。继续做好高企认定工作，新增高企42家。")
    assert reads_as_title("三、深化三项科技合作") and reads_as_title("二、举办两场创新活动")
    assert not reads_as_title("1.新增高新技术企业42家，培育科技型中小企业100家。")
    assert not reads_as_title("（二）推动咸安区创建国家级创新型县、支持崇阳县创建省级创新型县、支持通城县建设省级特色产业集群。")


def test_corpus_items_without_children_are_content():
    doc, chunks = chunks_of("002_2a333607f86502c4.txt")
    c = _chunk_with(chunks, "1.高质量举办2024年全市科技活动周活动")
    assert c.section == "二、举办两场创新活动"
    _chunk_with(chunks, "2.深化产学研对接,承接湖北省科技成果转化示范活动。")
    _chunk_with(chunks, "4.推动崇阳高质量发展研究院、通城电子信息产业技术研究院创建省级产业技术研究院。")


def test_a_short_part_name_then_text_on_one_line_is_a_heading_and_its_text() -> None:
    from base.headings import heading_core, inline_text_start

    line = "一、总体目标 以打造“三个高地”为目标,到2025年研发经费投入强度达到全国平均水平以上"
    assert heading_core(line) == "总体目标" and line[inline_text_start(line):].startswith("以打造")
    broken = "一、强化 企业创新主体地位，推动企业加大研发投入"  # a word broken by a PDF conversion
    assert heading_core(broken).startswith("强化 企业") and inline_text_start(broken) is None
    assert inline_text_start("二、主要任务") is None and inline_text_start("1.创建创新中心。落实战略") is None


def test_a_titled_heading_ends_at_its_first_sentence_when_text_follows() -> None:
    from assistant.outline import build_outline
    from base.headings import text_after_title

    line = "(一)发展基础。“十二五”期间,江苏在全国率先将创新驱动确立为核心战略。"
    assert line[text_after_title(line):].startswith("“十二五”期间")
    assert text_after_title("(一)加强平台建设。") is None and text_after_title("一、总体目标") is None
    text = "一、基础与形势\n" + line + "\n"
    node = build_outline(text).nodes[1]
    assert node.titled and text[node.text_start:].startswith("“十二五”期间")
