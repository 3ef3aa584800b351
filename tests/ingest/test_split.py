from pathlib import Path

from ingest.clean import clean
from ingest.load import load_file
from ingest.metadata import extract_metadata
from ingest.split import heading_rank, heading_title, pack_spans, sentence_spans, split
from ingest.types import Doc, DocMeta

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


def test_long_items_split_at_sentence_ends_never_mid_sentence():
    for size in (120, 200):
        for p in sorted(CORPUS.glob("*.txt")):
            doc, chunks = chunks_of(p.name, size)
            for c in chunks:
                if len(c.text) > size:  # only a single over-long sentence may exceed the bound
                    assert len(sentence_spans(doc.text, c.start, c.end)) == 1
                end = c.text[-1]
                nxt = doc.text[c.end:c.end + 1]
                assert end in "。；！？!?;”）)" or nxt in ("", "\n"), (p.name, c.text[-20:])


def test_sentence_helpers():
    t = "甲。乙；丙"
    assert [t[a:b] for a, b in sentence_spans(t, 0, len(t))] == ["甲。", "乙；", "丙"]
    assert pack_spans([(0, 2), (2, 4), (4, 6)], 4) == [(0, 4), (4, 6)]


def test_unnumbered_document_is_one_section():
    doc = Doc("x.txt", "第一段。\n\n第二段。", "txt", "abc")
    chunks = split(doc, DocMeta(), size=100)
    assert [c.section for c in chunks] == [""] and chunks[0].text == "第一段。\n\n第二段。"
