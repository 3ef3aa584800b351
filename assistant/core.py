"""The Assistant: analyse → scope → retrieve → compose → check, as one LCEL runnable.

Built once per process from ``Settings`` (models and the index are loaded once); the CLI, the web
app and the evaluation harness all call ``Assistant.ask`` / ``Assistant.stream``.
"""
from __future__ import annotations

import threading
import time
import unicodedata
from typing import Any, Iterator

from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

from assistant.answer.extractive import Context, compose, refuse
from assistant.grounding import check
from assistant.query import Query, analyse
from assistant.retrieve import BM25Retriever, CorpusView, DenseRetriever, HybridRetriever
from assistant.scope import scope
from assistant.settings import Settings
from assistant.types import Answer, QuestionError
from ingest.index import open_index


class Assistant:
    def __init__(self, settings: Settings | None = None, retrieval: str = "hybrid") -> None:
        self.settings = settings or Settings()
        if retrieval not in ("hybrid", "bm25", "dense"):
            raise ValueError(f"retrieval must be hybrid, bm25 or dense, not {retrieval!r}")
        self.retrieval = retrieval
        self._lock = threading.Lock()
        self.reload()

    # ------------------------------------------------------------ index
    def reload(self) -> None:
        """(Re)open the index — after an ingest, the new generation is picked up."""
        snapshot = open_index(self.settings.index_dir)
        corpus = CorpusView(snapshot)
        bm25 = BM25Retriever(corpus=corpus, k=self.settings.candidates)
        dense = None
        if self.retrieval in ("hybrid", "dense"):
            dense = DenseRetriever(corpus=corpus, settings=self.settings, k=self.settings.candidates)
        if self.retrieval == "bm25":
            hybrid = HybridRetriever(bm25=bm25, dense=None, k=self.settings.top_k, rrf_k=self.settings.rrf_k)
        elif self.retrieval == "dense":
            hybrid = HybridRetriever(bm25=bm25, dense=dense, k=self.settings.top_k, rrf_k=self.settings.rrf_k,
                                     weights={"zh": (0.0, 1.0), "en": (0.0, 1.0)})
        else:
            hybrid = HybridRetriever(bm25=bm25, dense=dense, k=self.settings.top_k, rrf_k=self.settings.rrf_k)
        with self._lock:
            self.corpus = corpus
            self.retriever = hybrid
            self.known_regions = corpus.known_regions()
            self.chain = self._build_chain()

    @property
    def docs(self):
        return self.corpus.docs

    def doc_text(self, doc: str) -> str:
        return self.corpus.docs[doc].doc.text

    # ------------------------------------------------------------ stages
    def validate(self, question: Any) -> str:
        if not isinstance(question, str):
            raise QuestionError("问题必须是文本 / the question must be text")
        q = unicodedata.normalize("NFKC", question).strip()
        if not q:
            raise QuestionError("问题为空，请输入问题 / the question is empty")
        if len(q) > self.settings.max_question_chars:
            raise QuestionError(f"问题过长（{len(q)} 字），请控制在 {self.settings.max_question_chars} 字以内 / "
                                f"the question is too long ({len(q)} > {self.settings.max_question_chars} characters)")
        return q

    def analyse(self, question: str, history: list[dict[str, str]] | None = None) -> Query:
        return analyse(question, self.known_regions, _clean_history(history))

    def retrieve(self, question: str, history: list[dict[str, str]] | None = None,
                 filters: dict | None = None) -> list[Document]:
        q = self.analyse(self.validate(question), history)
        sc = scope(q, self.corpus.docs, filters)
        return self._retrieve(q, sc.docs.keys() if sc.docs else None)

    def _retrieve(self, q: Query, allowed: Any) -> list[Document]:
        allowed_set = set(allowed) if allowed is not None else None
        return self.retriever.invoke(q.search_text, allowed_docs=allowed_set, lang=q.lang,
                                     lexical_query=q.search_text)

    def _build_chain(self):
        def stage_analyse(inp: dict) -> dict:
            t = time.perf_counter()
            q = self.analyse(inp["question"], inp.get("history"))
            return {**inp, "query": q, "t_analyse": time.perf_counter() - t}

        def stage_scope(inp: dict) -> dict:
            sc = scope(inp["query"], self.corpus.docs, inp.get("filters"))
            return {**inp, "scope": sc}

        def stage_retrieve(inp: dict) -> dict:
            t = time.perf_counter()
            sc = inp["scope"]
            passages = self._retrieve(inp["query"], sc.docs.keys()) if sc.docs else []
            return {**inp, "passages": passages, "t_retrieve": time.perf_counter() - t}

        def stage_compose(inp: dict) -> Answer:
            t = time.perf_counter()
            q: Query = inp["query"]
            sc = inp["scope"]
            ctx = Context(query=q, docs=sc.docs, passages=inp["passages"], all_docs=self.corpus.docs)
            if sc.refusal:
                ans = refuse(ctx, refusal_text(q, sc.refusal, sc.note, self.known_regions))
            else:
                ans = compose(ctx)
            ans = self.enforce(ans)
            ans.timings = {"analyse_ms": inp["t_analyse"] * 1000, "retrieve_ms": inp["t_retrieve"] * 1000,
                           "compose_ms": (time.perf_counter() - t) * 1000}
            return ans

        return (RunnableLambda(stage_analyse) | RunnableLambda(stage_scope)
                | RunnableLambda(stage_retrieve) | RunnableLambda(stage_compose))

    def enforce(self, ans: Answer) -> Answer:
        """Grounding invariants; a violating answer is never shown as an answer."""
        texts = {p: s.doc.text for p, s in self.corpus.docs.items()}
        meta = {p: f"{p} {s.meta.title or ''} {s.meta.date or ''} {s.meta.doc_no or ''}" for p, s in self.corpus.docs.items()}
        report = check(ans, texts, meta)
        if report.ok:
            return ans
        return Answer(question=ans.question, refused=True, citations=[], related=ans.citations,
                      answer="资料中未能找到可核实的答案。/ No verifiable answer was found in the documents.",
                      notice="; ".join(report.problems))

    # ------------------------------------------------------------ public
    def ask(self, question: str, history: list[dict[str, str]] | None = None,
            filters: dict | None = None) -> Answer:
        t0 = time.perf_counter()
        q = self.validate(question)
        ans = self.chain.invoke({"question": q, "history": history or [], "filters": filters or {}})
        ans.latency_ms = (time.perf_counter() - t0) * 1000
        return ans

    def stream(self, question: str, history: list[dict[str, str]] | None = None,
               filters: dict | None = None) -> Iterator[str | Answer]:
        """Yields text pieces as they are ready, then the final Answer."""
        ans = self.ask(question, history, filters)
        for line in ans.answer.splitlines(keepends=True):
            yield line
        yield ans


def _clean_history(history: list[dict[str, str]] | None) -> list[dict[str, str]]:
    out = []
    for h in history or []:
        if isinstance(h, dict) and isinstance(h.get("q"), str):
            out.append({"q": h["q"][:2000], "a": str(h.get("a", ""))[:4000]})
    return out


def refusal_text(q: Query, kind: str, note: str, known: dict[str, list[str]]) -> str:
    covered = "、".join(known) or "—"
    if kind == "region":
        return (f"The documents contain no science & innovation plan for {note} (covered regions: {covered})."
                if q.lang == "en" else f"资料中没有{note}的科技创新规划（已收录地区：{covered}）。")
    if kind == "year":
        region = "、".join(q.regions)
        return (f"The documents contain no plan {'for ' + region + ' ' if region else ''}covering {note}."
                if q.lang == "en" else f"资料中没有{region}{note}年的规划。")
    return ("No document matches the selected filters." if q.lang == "en" else "没有符合所选筛选条件的文件。")
