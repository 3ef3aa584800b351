"""An Assistant picks up an index that another process rewrote, without a restart."""
from __future__ import annotations

import shutil

from assistant.core import Assistant
from base.settings import Settings
from ingest.run import ingest

DOC = ("2025年江夏区科技创新工作要点\n江夏区科学技术和经济信息化局\n2025年3月10日\n"
       "一、主要目标\n1.新增高新技术企业42家，培育科技型中小企业120家。\n")


def test_ask_sees_a_document_ingested_after_the_assistant_opened_the_index(tmp_path, corpus_copy):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    one = sorted(p for p in corpus_copy.iterdir() if p.suffix == ".txt")[0]
    shutil.copy(one, corpus / one.name)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    assert ingest(settings).ok
    a = Assistant(settings)
    before = a.ask("江夏区2025年新增高新技术企业多少家?")
    assert before.refused  # not in the corpus yet
    (corpus / "jiangxia.txt").write_text(DOC, encoding="utf-8")
    assert ingest(settings).ok  # as `python -m ingest` would, in another process
    after = a.ask("江夏区2025年新增高新技术企业多少家?")
    assert not after.refused and "42" in after.answer
    assert after.citations[0].doc == "jiangxia.txt"
    assert not a.refresh()  # nothing changed since
