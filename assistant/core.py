"""The Assistant: analyse → scope → retrieve → compose → check, as one LCEL runnable.

Built once per process from ``Settings`` (models and the index are loaded once); the CLI, the web
app and the evaluation harness all call ``Assistant.ask`` / ``Assistant.stream``.

With ``answerer = "llm"`` the chain is analyse → scope → condense (a follow-up rewritten by the LLM,
rule-based analysis on any doubt) → retrieve → generate (streamed) → grounding check of the generated
text (``assistant.answer.llm_check``) → Answer(answerer="llm"). Scope refusals and bad questions never
reach the LLM. When the model fails (unreachable, timeout, HTTP error, malformed output) or its text
fails the check, the answer is the extractive one (answerer "extractive") with a notice; the rejected
text is logged (logger ``pqa.llm``), never shown as the answer.
"""
from __future__ import annotations

import logging
import threading
import time
import unicodedata
from typing import Any, Iterator

from langchain_core.documents import Document
from langchain_core.runnables import RunnableGenerator, RunnableLambda

from assistant.answer.extractive import Context, compose, refuse
from assistant.grounding import check
from assistant.query import Query, analyse
from assistant.retrieve import BM25Retriever, CorpusView, DenseRetriever, HybridRetriever, RetrievalScope, scoped
from assistant.scope import scope
from base.settings import Settings
from base.types import Answer, Citation, QuestionError
from store import MANIFEST, open_index
from base.text import trim_span


log = logging.getLogger("pqa.llm")
# [store] shown when the vector store did not answer and retrieval fell back to keyword search
NOTICE_DEGRADED = "向量检索暂不可用，本回答仅基于关键词检索。/ Vector search is unavailable; this answer uses keyword search only."


class Assistant:
    def __init__(self, settings: Settings | None = None, retrieval: str = "hybrid", chat_model: Any = None) -> None:
        """``chat_model``: a LangChain chat model to answer with instead of the configured one (tests)."""
        self.settings = settings or Settings()
        if retrieval not in ("hybrid", "bm25", "dense"):
            raise ValueError(f"retrieval must be hybrid, bm25 or dense, not {retrieval!r}")
        self.retrieval = retrieval
        self._lock = threading.Lock()
        self.llm: Any = None
        self.llm_error: Any = None  # why the configured LLM could not be set up (answers fall back)
        if self.settings.answerer == "llm" or chat_model is not None:
            from assistant.answer.llm import LLM, LLMError

            try:
                self.llm = LLM(self.settings, chat_model)
            except LLMError as e:
                log.error("LLM answerer unavailable, answering extractively: %s", e)
                self.llm_error = e
        self.reload()

    @property
    def answerer(self) -> str:
        """The configured answerer: 'llm' when an LLM is set (even if it failed to load), else 'extractive'."""
        return "llm" if (self.llm is not None or self.llm_error is not None) else "extractive"

    # ------------------------------------------------------------ index
    def _manifest_stamp(self) -> tuple[int, int] | None:
        try:
            st = (self.settings.index_dir / MANIFEST).stat()
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def refresh(self) -> bool:
        """Pick up an index that another process (``python -m ingest``, a second app) has rewritten
        since it was opened: the manifest is replaced atomically, so one stat per question tells.
        A failing reopen keeps the current snapshot. True when a new snapshot was loaded."""
        stamp = self._manifest_stamp()
        if stamp is None or stamp == self._stamp:
            return False
        try:
            self.reload()
        except Exception as e:  # noqa: BLE001 - keep answering from the snapshot we have
            log.warning("index changed on disk but could not be reopened (%s); keeping the loaded one", e)
            self._stamp = stamp
            return False
        return True

    def reload(self) -> None:
        """(Re)open the index — after an ingest, the new generation is picked up."""
        stamp = self._manifest_stamp()
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
        # what the grounding check of every answer compares with, built once per snapshot
        texts = {p: s.doc.text for p, s in corpus.docs.items()}
        meta = {p: f"{p} {s.meta.title or ''} {s.meta.date or ''} {s.meta.doc_no or ''}" for p, s in corpus.docs.items()}
        with self._lock:
            self.corpus = corpus
            self._doc_texts, self._doc_meta = texts, meta
            self.retriever = hybrid
            self.known_regions = corpus.known_regions()
            self.chain = self._build_chain()
            self.llm_chain = self._build_llm_chain() if self.answerer == "llm" else None
            self._stamp = stamp

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
        docs = frozenset(allowed) if allowed is not None else None
        return self.retriever.invoke(q.search_text, config=scoped(RetrievalScope(docs=docs, lang=q.lang)))

    # shared by the extractive and the LLM chains
    def _stage_analyse(self, inp: dict) -> dict:
        t = time.perf_counter()
        q = self.analyse(inp["question"], inp.get("history"))
        return {**inp, "query": q, "t_analyse": time.perf_counter() - t}

    def _stage_scope(self, inp: dict) -> dict:
        return {**inp, "scope": scope(inp["query"], self.corpus.docs, inp.get("filters"))}

    def _stage_retrieve(self, inp: dict) -> dict:
        t = time.perf_counter()
        sc = inp["scope"]
        passages = self._retrieve(inp["query"], sc.docs.keys()) if sc.docs else []
        # [store] the vector store did not answer: retrieval used keyword search alone
        degraded = NOTICE_DEGRADED if any(d.metadata.get("degraded") for d in passages) else None
        return {**inp, "passages": passages, "t_retrieve": time.perf_counter() - t, "degraded": degraded}

    def _build_chain(self):
        def stage_compose(inp: dict) -> Answer:
            t = time.perf_counter()
            ans = self._extractive(inp)
            ans.timings = {"analyse_ms": inp["t_analyse"] * 1000, "retrieve_ms": inp["t_retrieve"] * 1000,
                           "compose_ms": (time.perf_counter() - t) * 1000}
            return ans

        return (RunnableLambda(self._stage_analyse) | RunnableLambda(self._stage_scope)
                | RunnableLambda(self._stage_retrieve) | RunnableLambda(stage_compose))

    # ------------------------------------------------------------ LLM answerer
    def _build_llm_chain(self):
        """analyse → scope → condense → retrieve → generate+check, streaming text pieces then the Answer."""
        from assistant.answer.llm import LLMError

        def stage_condense(inp: dict) -> dict:
            q: Query = inp["query"]
            out = {**inp, "llm_query": q, "t_condense": 0.0}
            if inp["scope"].refusal or not inp["scope"].docs or not q.followup or self.llm is None:
                return out
            t = time.perf_counter()
            try:
                standalone = self.llm.condense(q.text, _clean_history(inp.get("history")))
            except LLMError as e:
                log.warning("condensing the follow-up failed (%s); using the rule-based analysis", e)
                return {**out, "t_condense": time.perf_counter() - t}
            q2 = self._accept_condensed(q, standalone)
            return {**out, "llm_query": q2 or q, "standalone": standalone, "t_condense": time.perf_counter() - t}

        def stage_retrieve(inp: dict) -> dict:
            t = time.perf_counter()
            out = self._stage_retrieve(inp)  # as the extractive chain: its passages back the fallback
            sc = inp["scope"]
            llm_passages = [] if sc.refusal else out["passages"]
            if llm_passages and inp["llm_query"] is not inp["query"]:
                llm_passages = self._retrieve(inp["llm_query"], sc.docs.keys())
            return {**out, "llm_passages": llm_passages, "t_retrieve": time.perf_counter() - t}

        def stage_generate(chunks: Iterator[dict]) -> Iterator[str | Answer]:
            for inp in chunks:
                yield from self._generate(inp)

        return (RunnableLambda(self._stage_analyse) | RunnableLambda(self._stage_scope) | RunnableLambda(stage_condense)
                | RunnableLambda(stage_retrieve) | RunnableGenerator(stage_generate))

    def _accept_condensed(self, q: Query, standalone: str) -> Query | None:
        """The LLM's standalone question, if it keeps the rule-based regions, years and language."""
        if not standalone or len(standalone) > max(200, 3 * len(q.text) + 100):
            return None
        q2 = self.analyse(standalone)
        if q2.lang != q.lang or not set(q.regions) <= set(q2.regions) or not set(q.years) <= set(q2.years):
            log.info("condensed question %r dropped: it loses the region/year/language of %r", standalone, q.text)
            return None
        return q2

    def _context(self, inp: dict) -> Context:
        sc = inp["scope"]
        return Context(query=inp["query"], docs=sc.docs, passages=inp["passages"], all_docs=self.corpus.docs)

    def _extractive(self, inp: dict, notice: str | None = None) -> Answer:
        q: Query = inp["query"]
        sc = inp["scope"]
        ctx = self._context(inp)
        if sc.refusal:
            ans = refuse(ctx, refusal_text(q, sc.refusal, sc.note, self.known_regions))
        else:
            ans = compose(ctx)
        ans = self.enforce(ans)
        ans.answerer = "extractive"
        notice = " ".join(n for n in (inp.get("degraded"), notice) if n) or None  # [store]
        if notice:
            ans.notice = notice + (f" {ans.notice}" if ans.notice else "")
        return ans

    def _llm_passages(self, inp: dict) -> list:
        from assistant.answer.llm import fit_passages
        from assistant.answer.llm_check import Passage

        out = []
        for d in inp["llm_passages"]:
            stored = self.corpus.docs.get(d.metadata["doc"])
            if stored is None:
                continue
            text = stored.doc.text
            a, b = trim_span(text, d.metadata["start"], d.metadata["end"])
            if b <= a:
                continue
            m = stored.meta
            out.append(Passage(n=len(out) + 1, doc=stored.doc.path, start=a, end=b, text=text[a:b],
                               section=d.metadata.get("section") or "", title=m.title, region=m.region,
                               date=m.date, doc_no=m.doc_no, issuer=m.issuer))
        q = inp["llm_query"]
        return fit_passages(out, self.settings.llm_ctx, self.settings.llm_max_tokens, q.text)

    def _generate(self, inp: dict) -> Iterator[str | Answer]:
        """Stream the model's text, check it, and yield the final Answer (LLM or extractive fallback)."""
        from assistant.answer.llm import NOTICE_UNAVAILABLE, NOTICE_UNVERIFIED, LLMError
        from assistant.answer.llm_check import check_generated

        t0 = time.perf_counter()
        timings = {"analyse_ms": inp["t_analyse"] * 1000, "retrieve_ms": inp["t_retrieve"] * 1000,
                   "condense_ms": inp.get("t_condense", 0.0) * 1000}
        sc = inp["scope"]
        if sc.refusal or not sc.docs or not inp["llm_passages"]:
            ans = self._extractive(inp)  # nothing for a model to read: the rule-based answer / refusal
            ans.timings = {**timings, "compose_ms": (time.perf_counter() - t0) * 1000}
            yield ans
            return
        if self.llm is None:
            reason = self.llm_error.reason if self.llm_error else "—"
            ans = self._extractive(inp, NOTICE_UNAVAILABLE.format(reason=reason))
            ans.timings = timings
            yield ans
            return
        q: Query = inp["llm_query"]
        passages = self._llm_passages(inp)
        raw = ""
        first = None
        try:
            for piece in self.llm.stream(q.text, passages):
                if first is None:
                    first = time.perf_counter()
                raw += piece
                yield piece
        except LLMError as e:
            log.warning("LLM failed (%s) for %r; answering extractively", e, q.text)
            ans = self._extractive(inp, NOTICE_UNAVAILABLE.format(reason=e.reason))
            ans.timings = {**timings, "generate_ms": (time.perf_counter() - t0) * 1000}
            yield ans
            return
        t_gen = time.perf_counter()
        timings.update({"generate_ms": (t_gen - t0) * 1000,
                        "first_token_ms": ((first or t_gen) - t0) * 1000})
        try:
            report = check_generated(raw, passages)
            ans = self._llm_answer(inp, report, passages) if report.ok else None
            problems = report.problems or ["the answer's citations failed the grounding invariants"]
        except Exception as e:  # noqa: BLE001 - a failing check never lets the text through
            log.exception("grounding check failed on %r", raw)
            ans, problems = None, [f"check error: {type(e).__name__}: {e}"]
        if ans is None:
            log.warning("LLM answer rejected by the grounding check (%s) for %r: %r",
                        "; ".join(problems), q.text, raw)
            ans = self._extractive(inp, NOTICE_UNVERIFIED)
        timings["check_ms"] = (time.perf_counter() - t_gen) * 1000
        ans.timings = timings
        yield ans

    def _llm_answer(self, inp: dict, report: Any, passages: list) -> Answer | None:
        """The checked LLM text as an Answer whose citations are the cited passages (None if the
        grounding invariants of every answer do not hold)."""
        q: Query = inp["query"]
        if report.refusal:
            ans = refuse(self._context(inp))
            ans.answerer = "llm"
            return self.enforce(ans)
        by_n = {p.n: p for p in passages}
        citations = []
        for n in sorted(report.cited):
            p = by_n[n]
            stored = self.corpus.docs[p.doc]
            citations.append(Citation(n=n, doc=p.doc, title=stored.meta.title, region=stored.meta.region,
                                      date=stored.meta.date, section=p.section, quote=p.text, start=p.start,
                                      end=p.end, issuer=stored.meta.issuer))
        ans = Answer(question=q.text, answer=report.text, refused=False, citations=citations, answerer="llm",
                     notice=inp.get("degraded"))  # [store] keyword-only retrieval notice
        if not self._grounding(ans).ok:
            return None
        return ans

    def _grounding(self, ans: Answer):
        """assistant.grounding.check of an answer against the corpus (quotes, numbers, markers)."""
        return check(ans, self._doc_texts, self._doc_meta)

    def enforce(self, ans: Answer) -> Answer:
        """Grounding invariants; a violating answer is never shown as an answer."""
        report = self._grounding(ans)
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
        self.refresh()
        if self.llm_chain is not None:
            ans = None
            for piece in self.stream(q, history, filters):
                if isinstance(piece, Answer):
                    ans = piece
            assert ans is not None
            return ans
        ans = self.chain.invoke({"question": q, "history": history or [], "filters": filters or {}})
        ans.latency_ms = (time.perf_counter() - t0) * 1000
        return ans

    def stream(self, question: str, history: list[dict[str, str]] | None = None,
               filters: dict | None = None) -> Iterator[str | Answer]:
        """Yields text pieces as they are ready, then the final Answer.

        With the LLM answerer the pieces are the model's tokens as they arrive; the final Answer may
        differ from them (normalised markers) or replace them (the extractive answer plus a notice)."""
        if self.llm_chain is None:
            ans = self.ask(question, history, filters)
            for line in ans.answer.splitlines(keepends=True):
                yield line
            yield ans
            return
        t0 = time.perf_counter()
        q = self.validate(question)
        self.refresh()
        inp = {"question": q, "history": history or [], "filters": filters or {}}
        for piece in self.llm_chain.stream(inp):
            if isinstance(piece, Answer):
                piece.latency_ms = (time.perf_counter() - t0) * 1000
            yield piece


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
    if kind == "filters":
        # the corpus covers what the question asks for, the explicit filters exclude it
        filters = getattr(note, "filters", {}) or {}
        names_zh = {"region": "地区", "year": "年份", "doc": "文件"}
        names_en = {"region": "region", "year": "year", "doc": "document"}

        def shown(v: Any) -> str:
            return "、".join(map(str, v)) if isinstance(v, (list, tuple, set)) else str(v)

        if q.lang == "en":
            desc = "; ".join(f"{names_en.get(k, k)}: {shown(v)}" for k, v in filters.items())
            return (f"The selected filters ({desc}) exclude {note}: the documents do contain a plan for it. "
                    "Clear or change the filters and ask again.")
        desc = "；".join(f"{names_zh.get(k, k)}：{shown(v)}" for k, v in filters.items())
        return f"所选筛选条件（{desc}）不包含{note}：资料中有{note}的规划，但不在筛选范围内。请清除或更改筛选条件后再问。"
    return ("No document matches the selected filters." if q.lang == "en" else "没有符合所选筛选条件的文件。")
