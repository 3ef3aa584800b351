"""A tiny fake assistant with the Assistant interface used by the evaluation runner."""
from __future__ import annotations

from typing import Any

import pytest
from langchain_core.documents import Document

from base.types import Answer, Citation

DOC = "002_x.txt"
TEXT = ("2024年全市科技创新工作要点\n"
        "组织申报高新技术企业350家,通过认定高新技术企业310家,高新技术企业总数突破650家。\n"
        "科技型中小企业入库2300家。<script>alert(1)</script>\n")


def span(quote: str) -> tuple[int, int]:
    s = TEXT.index(quote)
    return s, s + len(quote)


def cite(quote: str, n: int = 1) -> Citation:
    s, e = span(quote)
    return Citation(n=n, doc=DOC, title="2024年全市科技创新工作要点", region="咸宁市", date="2024-02-27",
                    section="", quote=quote, start=s, end=e)


class FakeAssistant:
    """Answers from a script keyed by question; records every call (history included)."""

    def __init__(self, retrieval: str = "hybrid", script: dict[str, Any] | None = None,
                 chunks: list[str] | None = None) -> None:
        self.retrieval = retrieval
        self.script = script or {}
        self.chunks = chunks if chunks is not None else [
            "科技型中小企业入库2300家。", "组织申报高新技术企业350家,通过认定高新技术企业310家"]
        self.calls: list[tuple[str, Any]] = []

    def ask(self, question: str, history: list[dict] | None = None, filters: dict | None = None) -> Answer:
        self.calls.append((question, history))
        got = self.script.get(question)
        if isinstance(got, Exception):
            raise got
        if got is None:
            return Answer(question=question, answer="资料中未找到该问题的答案。", refused=True, latency_ms=1.0)
        text, quotes = got
        return Answer(question=question, answer=text, refused=False,
                      citations=[cite(q, i + 1) for i, q in enumerate(quotes)], latency_ms=2.0)

    def retrieve(self, question: str, history: list[dict] | None = None) -> list[Document]:
        out = []
        for i, chunk in enumerate(self.chunks):
            s, e = span(chunk)
            out.append(Document(page_content=chunk, metadata={"doc": DOC, "start": s, "end": e,
                                                              "id": f"c{i}", "section": ""}))
        return out

    def doc_text(self, doc: str) -> str:
        if doc != DOC:
            raise KeyError(doc)
        return TEXT


@pytest.fixture
def corpus_dir(tmp_path):
    """A corpus folder holding the fake assistant's one document."""
    d = tmp_path / "corpus"
    d.mkdir()
    (d / DOC).write_text(TEXT, encoding="utf-8")
    return d


@pytest.fixture
def items() -> list[dict]:
    return [
        {"id": "n1", "question": "咸宁认定多少家高企?", "history": [], "type": "numeric", "answer": "310家",
         "must_include": ["310"], "docs": [DOC], "evidence": ["通过认定高新技术企业310家"], "unanswerable": False,
         "lang": "zh"},
        {"id": "e1", "question": "How many tech SMEs in Xianning?", "history": [], "type": "numeric",
         "answer": "2,300", "must_include": ["2300"], "docs": [DOC], "evidence": ["科技型中小企业入库2300家"],
         "unanswerable": False, "lang": "en"},
        {"id": "f1", "question": "那申报呢?", "history": [{"q": "咸宁认定多少家高企?", "a": "310家"}],
         "type": "followup", "answer": "350家", "must_include": ["350"], "docs": [DOC],
         "evidence": ["组织申报高新技术企业350家"], "unanswerable": False, "lang": "zh"},
        {"id": "u1", "question": "深圳2024年高企目标?", "history": [], "type": "unanswerable", "answer": "没有",
         "must_include": [], "docs": [], "evidence": [], "unanswerable": True, "lang": "zh"},
    ]
