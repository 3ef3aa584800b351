"""The Assistant: analyse → scope → retrieve → compose → check, as one LCEL runnable.

Built once per process from ``Settings`` (models and the index are loaded once); the CLI, the web
app and the evaluation harness all call ``Assistant.ask`` / ``Assistant.stream``.

With ``answerer = "llm"`` the chain is analyse → scope → the LLM answerer's condense → retrieve →
generate (streamed) → grounding check (``assistant.llm.answerer``, which works on this Assistant's
pieces: its analysis, retrieval, extractive answer and grounding invariants). Scope refusals and bad
questions never reach the LLM; a failing model or an unverified text gives the extractive answer
with a notice.
"""
from __future__ import annotations

import logging
import threading
import time
import unicodedata
from typing import Any, Iterator

from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

from assistant.compose import Context, compose, refusal_text, refuse, unnamed_region_notice
from assistant.compose.parts import merge_answers
from assistant.grounding import check
from assistant.query import Query, analyse, question_parts
from assistant.retrieve import BM25Retriever, CorpusView, DenseRetriever, HybridRetriever, RetrievalScope, scoped
from assistant.scope import scope
from assistant.turn import Turn, clean_history
from base.settings import Settings
from base.types import Answer, QuestionError
from store import MANIFEST, open_index


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
        self.llm_answerer: Any = None  # assistant.llm.answerer.LLMAnswerer when an LLM is configured
        if self.settings.answerer == "llm" or chat_model is not None:
            from assistant.llm.answerer import LLMAnswerer
            from assistant.llm.chain import LLM, LLMError

            try:
                self.llm = LLM(self.settings, chat_model)
            except LLMError as e:
                log.error("LLM answerer unavailable, answering extractively: %s", e)
                self.llm_error = e
            self.llm_answerer = LLMAnswerer(self)
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
        meta = {p: f"{p} {s.meta.shown_title or ''} {s.meta.date or ''} {s.meta.doc_no or ''}" for p, s in corpus.docs.items()}
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
        return analyse(question, self.known_regions, clean_history(history))

    def retrieve(self, question: str, history: list[dict[str, str]] | None = None,
                 filters: dict | None = None) -> list[Document]:
        q = self.analyse(self.validate(question), history)
        sc = scope(q, self.corpus.docs, filters)
        return self.search(q, sc.docs.keys() if sc.docs else None)

    def search(self, q: Query, allowed: Any) -> list[Document]:
        """Passages for an analysed question within the allowed documents (None: all), best first."""
        docs = frozenset(allowed) if allowed is not None else None
        return self.retriever.invoke(q.search_text, config=scoped(RetrievalScope(docs=docs, lang=q.lang)))

    # ---------------------------------------------------------------- stages (Turn → Turn)
    def _stage_analyse(self, turn: Turn) -> Turn:
        t = time.perf_counter()
        turn.query = self.analyse(turn.question, turn.history)
        turn.timings["analyse_ms"] = (time.perf_counter() - t) * 1000
        return turn

    def _stage_scope(self, turn: Turn) -> Turn:
        turn.scope = scope(turn.query, self.corpus.docs, turn.filters)
        return turn

    def _stage_retrieve(self, turn: Turn) -> Turn:
        t = time.perf_counter()
        sc = turn.scope
        turn.passages = self.search(turn.query, sc.docs.keys()) if sc.docs else []
        # the vector store did not answer: retrieval used keyword search alone, and the answer says so
        turn.degraded = NOTICE_DEGRADED if any(d.metadata.get("degraded") for d in turn.passages) else None
        turn.timings["retrieve_ms"] = (time.perf_counter() - t) * 1000
        return turn

    def _stage_compose(self, turn: Turn) -> Turn:
        t = time.perf_counter()
        turn.answer = self.by_parts(turn) or self.extractive(turn)
        turn.timings["compose_ms"] = (time.perf_counter() - t) * 1000
        turn.answer.timings = dict(turn.timings)
        return turn

    def _build_chain(self):
        return (RunnableLambda(self._stage_analyse) | RunnableLambda(self._stage_scope)
                | RunnableLambda(self._stage_retrieve) | RunnableLambda(self._stage_compose))

    def _build_llm_chain(self):
        """analyse → scope, then the LLM answerer's condense → retrieve → generate+check
        (text pieces, then the Answer)."""
        return (RunnableLambda(self._stage_analyse) | RunnableLambda(self._stage_scope)
                | self.llm_answerer.stages())

    # ------------------------------------------------------------ extractive answer and invariants
    def context(self, turn: Turn) -> Context:
        """What the composers read: the turn's question, scope and passages, and a search for more."""
        sc = turn.scope
        q = turn.query

        def search(docs: frozenset[str] | None, k: int | None) -> list[Document]:
            allowed = docs if docs is not None else frozenset(sc.docs)
            found = self.retriever.invoke(q.search_text, config=scoped(RetrievalScope(docs=allowed, lang=q.lang)))
            if k is not None and k > len(found):
                # more than the fused top-k: the lexical ranking's further passages after those found
                # (a word in every document of a small library scores nothing lexically)
                seen = {d.metadata["id"] for d in found}
                found = found + [d for d in self._wide_search(q, allowed, k) if d.metadata["id"] not in seen]
            return found[:k] if k is not None else found

        return Context(query=q, docs=sc.docs, passages=turn.passages, all_docs=self.corpus.docs, weights=sc.weights,
                       note=sc.note, groups=sc.groups, search=search)

    def _wide_search(self, q: Query, docs: frozenset[str], k: int) -> list[Document]:
        """More passages than the fused top-k: the lexical retriever's ranking, up to k."""
        bm25 = self.retriever.bm25
        return bm25.model_copy(update={"k": k}).search(q.search_text, RetrievalScope(docs=docs, lang=q.lang))

    def extractive(self, turn: Turn, notice: str | None = None) -> Answer:
        """The rule-based answer (or scope refusal) of an analysed, scoped and retrieved turn."""
        q: Query = turn.query
        sc = turn.scope
        ctx = self.context(turn)
        if sc.refusal:
            ans = refuse(ctx, refusal_text(q, sc.refusal, sc.note, self.known_regions))
        else:
            ans = compose(ctx)
        ans = self.enforce(ans)
        ans.answerer = "extractive"
        if sc.note == "region_unnamed" and not ans.refused:
            used = list(dict.fromkeys(c.doc for c in ans.citations))
            notice = " ".join(n for n in (notice, unnamed_region_notice(
                q, [sc.docs[p].meta.shown_title or "" for p in used if p in sc.docs])) if n)
        notice = " ".join(n for n in (turn.degraded, notice) if n) or None
        if notice:
            ans.notice = notice + (f" {ans.notice}" if ans.notice else "")
        return ans

    # the answer types whose questions may ask two things in turn; a comparison, a list or an overview
    # reads its question as a whole
    PART_TYPES = frozenset({"numeric", "date", "docno", "issuer", "field", "entity", "policy", "how", "general"})

    def by_parts(self, turn: Turn) -> Answer | None:
        """A question asking two things in turn (申请多少件,其中发明专利多少件?) answered part by part,
        the second as a follow-up of the first; None (the question is answered whole) when it has one
        part, is a comparison of named sides, or when a part finds no answer."""
        q, sc = turn.query, turn.scope
        if turn.is_part or sc.refusal or len(sc.groups) >= 2 or q.qtype not in self.PART_TYPES:
            return None
        parts = question_parts(turn.question, q.lang)
        if len(parts) < 2:
            return None
        first = self.analyse(parts[0], turn.history)
        if not first.regions and q.regions:
            return None  # Which outlet? Which reporter covered Sanya's …: the first part leans on the second
        history, answers = list(turn.history), []
        for part in parts:
            sub = self.chain.invoke(Turn(question=part, history=history, filters=turn.filters, is_part=True))
            if sub.answer is None or sub.answer.refused:
                return None
            answers.append(sub.answer)
            history = history + [{"q": part, "a": sub.answer.answer}]
        if len({a.answer for a in answers}) < len(answers):
            return None  # both parts found the same thing: the question is read whole
        ans = self.enforce(merge_answers(turn.question, answers))
        ans.answerer = "extractive"
        return ans

    def grounding(self, ans: Answer):
        """assistant.grounding.check of an answer against the corpus (quotes, numbers, markers)."""
        return check(ans, self._doc_texts, self._doc_meta)

    def enforce(self, ans: Answer) -> Answer:
        """Grounding invariants; a violating answer is never shown as an answer."""
        report = self.grounding(ans)
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
        turn = self.chain.invoke(Turn(question=q, history=history or [], filters=filters or {}))
        ans = turn.answer
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
        for piece in self.llm_chain.stream(Turn(question=q, history=history or [], filters=filters or {})):
            if isinstance(piece, Answer):
                piece.latency_ms = (time.perf_counter() - t0) * 1000
            yield piece

