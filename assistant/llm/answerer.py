"""Answering a Turn with the LLM: condense → retrieve → generate (streamed) → grounding check.

A follow-up is rewritten by the LLM into a standalone question (kept only when it keeps the rule-based
regions, years and language), passages are retrieved for it, the model's text is streamed, and the
text is checked against the passages it was shown (``assistant.llm.check``). When the model fails
(unreachable, timeout, HTTP error, malformed output) or its text fails the check, the answer is the
extractive one with a notice; the rejected text is logged (logger ``pqa.llm``), never shown.

``LLMAnswerer`` works on the pieces of its host (the ``Assistant``, see ``Host``): the configured
model, the current corpus, the rule-based analysis, retrieval and extractive answer, and the grounding
invariants every answer must hold.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Iterator, Protocol

from langchain_core.documents import Document
from langchain_core.runnables import RunnableGenerator, RunnableLambda

from assistant.compose import Context, refuse
from assistant.llm.chain import LLMError
from assistant.llm.check import LLMCheck, check_generated
from assistant.llm.passage import Passage
from assistant.llm.prompts import fit_passages
from assistant.query import Query
from assistant.turn import Turn, clean_history
from base.text import trim_span
from base.types import Answer, Citation

log = logging.getLogger("pqa.llm")

# What the user is told when the LLM's answer is replaced by the extractive one. The prefixes are
# stable: the evaluation harness classifies answers by them (see ``outcome``).
NOTICE_UNVERIFIED = ("模型回答未能通过核验，以下为原文摘录答案。/ "
                     "The model's answer could not be verified; showing the extractive answer.")
NOTICE_UNAVAILABLE = "大模型暂不可用（{reason}），以下为原文摘录答案。/ The LLM is unavailable ({reason}); showing the extractive answer."
_UNAVAILABLE_PREFIX = NOTICE_UNAVAILABLE.split("（", 1)[0]


def outcome(answer: Any) -> str | None:
    """How an answer of the LLM answerer came about (for evaluation): 'passed' (the model's answer
    passed the grounding check), 'rejected' (the check failed → extractive fallback), 'error' (the
    model failed → extractive fallback), or None (the model was not asked: scope refusal, no passages)."""
    get = (lambda k: answer.get(k)) if isinstance(answer, dict) else (lambda k: getattr(answer, k, None))
    if get("answerer") == "llm":
        return "passed"
    notice = get("notice") or ""
    if notice.startswith(NOTICE_UNVERIFIED[:12]):
        return "rejected"
    if notice.startswith(_UNAVAILABLE_PREFIX):
        return "error"
    return None


class Host(Protocol):
    """What the LLM answerer uses of the Assistant (read at call time: an index reload is seen)."""

    settings: Any  # llm_ctx, llm_max_tokens
    llm: Any  # assistant.llm.chain.LLM, or None when it could not be set up
    llm_error: LLMError | None
    corpus: Any  # assistant.retrieve.CorpusView: .docs maps a document to its StoredDoc

    def analyse(self, question: str, history: list[dict[str, str]] | None = None) -> Query: ...

    def search(self, q: Query, allowed: Any) -> list[Document]: ...

    def extractive(self, turn: Turn, notice: str | None = None) -> Answer: ...

    def context(self, turn: Turn) -> Context: ...

    def grounding(self, ans: Answer) -> Any: ...

    def enforce(self, ans: Answer) -> Answer: ...


class LLMAnswerer:
    """The stages the LLM chain adds after analyse → scope: condense, retrieve, generate + check."""

    def __init__(self, host: Host) -> None:
        self.host = host

    def stages(self):
        """condense → retrieve → generate+check, streaming text pieces then the Answer."""
        return RunnableLambda(self.condense) | RunnableLambda(self.retrieve) | RunnableGenerator(self._generate_all)

    # ------------------------------------------------------------ condense
    def condense(self, turn: Turn) -> Turn:
        """A follow-up rewritten by the LLM into a standalone question (rule-based analysis on any doubt)."""
        q: Query = turn.query
        llm = self.host.llm
        turn.llm_query = q
        turn.timings["condense_ms"] = 0.0
        if turn.scope.refusal or not turn.scope.docs or not q.followup or llm is None:
            return turn
        t = time.perf_counter()
        try:
            standalone = llm.condense(q.text, clean_history(turn.history))
        except LLMError as e:
            log.warning("condensing the follow-up failed (%s); using the rule-based analysis", e)
            turn.timings["condense_ms"] = (time.perf_counter() - t) * 1000
            return turn
        turn.llm_query = self.accept_condensed(q, standalone) or q
        turn.standalone = standalone
        turn.timings["condense_ms"] = (time.perf_counter() - t) * 1000
        return turn

    def accept_condensed(self, q: Query, standalone: str) -> Query | None:
        """The LLM's standalone question, if it keeps the rule-based regions, years and language."""
        if not standalone or len(standalone) > max(200, 3 * len(q.text) + 100):
            return None
        q2 = self.host.analyse(standalone)
        if q2.lang != q.lang or not set(q.regions) <= set(q2.regions) or not set(q.years) <= set(q2.years):
            log.info("condensed question %r dropped: it loses the region/year/language of %r", standalone, q.text)
            return None
        return q2

    # ------------------------------------------------------------ retrieve
    def retrieve(self, turn: Turn) -> Turn:
        """The extractive chain's passages (they back the fallback) and, for a condensed question, the model's own."""
        t = time.perf_counter()
        sc = turn.scope
        turn.passages = self.host.search(turn.query, sc.docs.keys()) if sc.docs else []
        turn.llm_passages = [] if sc.refusal else turn.passages
        if turn.llm_passages and turn.llm_query is not turn.query:
            turn.llm_passages = self.host.search(turn.llm_query, sc.docs.keys())
        turn.timings["retrieve_ms"] = (time.perf_counter() - t) * 1000
        return turn

    def passages(self, turn: Turn) -> list[Passage]:
        """The turn's LLM passages as numbered Passages of the documents' text, fitted into the context window."""
        out = []
        for d in turn.llm_passages:
            stored = self.host.corpus.docs.get(d.metadata["doc"])
            if stored is None:
                continue
            text = stored.doc.text
            a, b = trim_span(text, d.metadata["start"], d.metadata["end"])
            if b <= a:
                continue
            m = stored.meta
            out.append(Passage(n=len(out) + 1, doc=stored.doc.path, start=a, end=b, text=text[a:b],
                               section=d.metadata.get("section") or "", title=m.shown_title, region=m.region,
                               date=m.date, doc_no=m.doc_no, issuer=m.issuer))
        settings = self.host.settings
        return fit_passages(out, settings.llm_ctx, settings.llm_max_tokens, turn.llm_query.text)

    # ------------------------------------------------------------ generate + check
    def _generate_all(self, turns: Iterator[Turn]) -> Iterator[str | Answer]:
        for turn in turns:
            yield from self.generate(turn)

    def generate(self, turn: Turn) -> Iterator[str | Answer]:
        """Stream the model's text, check it, and yield the final Answer (LLM or extractive fallback)."""
        host = self.host
        t0 = time.perf_counter()
        timings = dict(turn.timings)
        sc = turn.scope
        if sc.refusal or not sc.docs or not turn.llm_passages or beyond_every_plan(turn):
            ans = host.extractive(turn)  # nothing for a model to read: the rule-based answer / refusal
            ans.timings = {**timings, "compose_ms": (time.perf_counter() - t0) * 1000}
            yield ans
            return
        if host.llm is None:
            reason = host.llm_error.reason if host.llm_error else "—"
            ans = host.extractive(turn, NOTICE_UNAVAILABLE.format(reason=reason))
            ans.timings = timings
            yield ans
            return
        q: Query = turn.llm_query
        passages = self.passages(turn)
        raw = ""
        first = None
        try:
            for piece in host.llm.stream(q.text, passages):
                if first is None:
                    first = time.perf_counter()
                raw += piece
                yield piece
        except LLMError as e:
            log.warning("LLM failed (%s) for %r; answering extractively", e, q.text)
            ans = host.extractive(turn, NOTICE_UNAVAILABLE.format(reason=e.reason))
            ans.timings = {**timings, "generate_ms": (time.perf_counter() - t0) * 1000}
            yield ans
            return
        t_gen = time.perf_counter()
        timings.update({"generate_ms": (t_gen - t0) * 1000,
                        "first_token_ms": ((first or t_gen) - t0) * 1000})
        ans = self._checked(turn, raw, passages)
        timings["check_ms"] = (time.perf_counter() - t_gen) * 1000
        ans.timings = timings
        yield ans

    def _checked(self, turn: Turn, raw: str, passages: list[Passage]) -> Answer:
        """The model's text as the Answer if it passes the grounding check, else the extractive one."""
        q: Query = turn.llm_query
        try:
            report = check_generated(raw, passages)
            ans = self.answer(turn, report, passages) if report.ok else None
            problems = report.problems or ["the answer's citations failed the grounding invariants"]
        except Exception as e:  # noqa: BLE001 - a failing check never lets the text through
            log.exception("grounding check failed on %r", raw)
            ans, problems = None, [f"check error: {type(e).__name__}: {e}"]
        if ans is None:
            log.warning("LLM answer rejected by the grounding check (%s) for %r: %r",
                        "; ".join(problems), q.text, raw)
            ans = self.host.extractive(turn, NOTICE_UNVERIFIED)
        return ans

    def answer(self, turn: Turn, report: LLMCheck, passages: list[Passage]) -> Answer | None:
        """The checked LLM text as an Answer whose citations are the cited passages (None if the
        grounding invariants of every answer do not hold)."""
        host = self.host
        q: Query = turn.query
        if report.refusal:
            ans = refuse(host.context(turn))
            ans.answerer = "llm"
            return host.enforce(ans)
        by_n = {p.n: p for p in passages}
        citations = []
        for n in sorted(report.cited):
            p = by_n[n]
            stored = host.corpus.docs[p.doc]
            citations.append(Citation(n=n, doc=p.doc, title=stored.meta.shown_title, region=stored.meta.region,
                                      date=stored.meta.date, section=p.section, quote=p.text, start=p.start,
                                      end=p.end, issuer=stored.meta.issuer))
        ans = Answer(question=q.text, answer=report.text, refused=False, citations=citations, answerer="llm",
                     notice=turn.degraded)  # keyword-only retrieval is said with the model's answer too
        if not host.grounding(ans).ok:
            return None
        return ans


def beyond_every_plan(turn: Turn) -> bool:
    """A question about a year after every year the plans in scope cover (咸宁2031年…): nothing for a
    model to read, the extractive refusal says so."""
    years = turn.query.years if turn.query else []
    docs = turn.scope.docs.values() if turn.scope else []
    latest = max((max(s.meta.years) for s in docs if s.meta.years), default=None)
    return bool(years) and latest is not None and min(years) > latest
