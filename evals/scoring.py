"""Score QA items with any object that has the Assistant's ``ask`` / ``retrieve`` / ``doc_text``.

``evaluate()`` asks every item (with its history), retrieves for the retrieval metrics and the
naive-RAG baseline, and aggregates with ``compute_metrics()``; tests pass a fake assistant. The
definitions of the metrics are in evals/metrics.py.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from . import metrics as M

ABLATIONS = ("bm25", "dense")
KS = (1, 3, 5)


def _metas(docs: Sequence[Any]) -> list[dict[str, Any]]:
    """LangChain Documents (or plain dicts) → their metadata dicts."""
    out = []
    for d in docs:
        meta = getattr(d, "metadata", None)
        out.append(dict(meta) if isinstance(meta, Mapping) else dict(d) if isinstance(d, Mapping) else {})
    return out


def _page(doc: Any) -> str:
    return getattr(doc, "page_content", None) or (doc.get("page_content", "") if isinstance(doc, Mapping) else "")


def _answer_json(answer: Any, item_id: str) -> dict[str, Any]:
    if hasattr(answer, "to_json"):
        return answer.to_json(item_id)
    d = dict(answer)
    return {"id": item_id, **{k: v for k, v in d.items() if k != "id"}}


class DocTexts:
    """Visible text of documents: from the assistant (``doc_text``), else from the corpus folder."""

    def __init__(self, assistant: Any, corpus_dir: Path | None = None,
                 fallback: Callable[[str], str | None] | None = None) -> None:
        self.assistant = assistant
        self.fallback = fallback
        if fallback is None and corpus_dir is not None:
            from .validate import corpus_texts
            self.fallback = corpus_texts(corpus_dir)
        self._cache: dict[str, str | None] = {}

    def get(self, doc: str) -> str | None:
        if doc not in self._cache:
            text = None
            try:
                text = self.assistant.doc_text(doc)
            except Exception:  # noqa: BLE001 - unknown document / no doc_text: try the corpus
                text = None
            if text is None and self.fallback is not None:
                text = self.fallback(doc)
            self._cache[doc] = text
        return self._cache[doc]

    def spans(self, item: Mapping[str, Any]) -> dict[str, list[tuple[int, int]]]:
        texts = {d: t for d in item.get("docs") or [] if (t := self.get(d)) is not None}
        return M.gold_spans(item.get("evidence") or [], list(texts), texts)


@dataclass
class Evaluation:
    results: list[dict[str, Any]]
    metrics: dict[str, Any]
    items: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


def _llm_outcome(res: Mapping[str, Any]) -> str | None:
    """passed | rejected | error | None (the LLM was not asked) — see assistant.llm.answerer.outcome."""
    if res.get("error"):
        return None
    from assistant.llm.answerer import outcome

    return outcome(res)


def llm_scores(outcomes: Sequence[str | None]) -> dict[str, Any]:
    """How often the LLM's answer passed the grounding check, among the items it answered."""
    passed = sum(1 for o in outcomes if o == "passed")
    rejected = sum(1 for o in outcomes if o == "rejected")
    errors = sum(1 for o in outcomes if o == "error")
    asked = passed + rejected + errors
    return {"asked": asked, "passed": passed, "rejected": rejected, "errors": errors,
            "not_asked": len(outcomes) - asked,
            "grounding_pass_rate": passed / asked if asked else None,
            "checked_pass_rate": passed / (passed + rejected) if passed + rejected else None}


def _retrieve(assistant: Any, item: Mapping[str, Any]) -> tuple[list[Any], str | None]:
    try:
        return list(assistant.retrieve(item["question"], history=item.get("history") or None)), None
    except Exception as e:  # noqa: BLE001 - a failing retrieval is scored as a miss
        return [], f"{type(e).__name__}: {e}"


def _score_answer(item: Mapping[str, Any], res: Mapping[str, Any], spans: Mapping[str, Any],
                  uses_llm: bool) -> dict[str, Any]:
    """The per-item verdicts of one answer (the ``eval`` object of results.jsonl, without timings)."""
    ev: dict[str, Any] = {"type": item.get("type"), "lang": M.item_lang(item), "correct": M.item_correct(item, res)}
    if uses_llm:
        ev["llm"] = _llm_outcome(res)
    if not item.get("unanswerable"):
        ev["missing"] = M.missing_terms(res.get("answer", ""), item.get("must_include") or [], item.get("any_of"))
    if not (res.get("refused") or res.get("error")):
        cites = res.get("citations") or []
        if not item.get("unanswerable") and item.get("docs"):
            ev["citation_ok"] = any(M.citation_matches(c, item["docs"], item.get("evidence") or [], spans)
                                    for c in cites)
        g, n, ungrounded = M.grounded_numbers(res.get("answer", ""), [c.get("quote") or "" for c in cites],
                                              item["question"])
        ev["numbers"] = {"grounded": g, "total": n, "ungrounded": ungrounded}
    return ev


def _ask(assistant: Any, item: Mapping[str, Any]) -> tuple[dict[str, Any], float]:
    """The answer JSON of one item (an exception becomes an ``error`` result) and its wall time."""
    t0 = time.perf_counter()
    try:
        res = _answer_json(assistant.ask(item["question"], history=item.get("history") or None), item["id"])
    except Exception as e:  # noqa: BLE001 - one failing question never stops the run
        res = {"id": item["id"], "question": item["question"], "answer": "", "refused": False,
               "citations": [], "latency_ms": 0.0, "error": f"{type(e).__name__}: {e}"}
    return res, (time.perf_counter() - t0) * 1000


@dataclass
class _Tally:
    ranks: list[int | None] = field(default_factory=list)
    abl_ranks: dict[str, list[int | None]] = field(default_factory=dict)
    naive_correct: list[bool] = field(default_factory=list)


def _retrieval_checks(item: Mapping[str, Any], assistant: Any, ablations: Mapping[str, Any], baselines: bool,
                      spans: Mapping[str, Any], ev: dict[str, Any], tally: _Tally) -> None:
    """Retrieval rank of the gold evidence (assistant and ablations) and the naive-RAG answer."""
    ranked = not item.get("unanswerable") and bool(item.get("evidence"))
    if baselines or not item.get("unanswerable"):
        docs, err = _retrieve(assistant, item)
        if ranked:
            ev["retrieval_rank"] = M.first_relevant_rank(_metas(docs), spans)
            tally.ranks.append(ev["retrieval_rank"])
        if err:
            ev["retrieval_error"] = err
        if baselines:
            naive = {"answer": _page(docs[0]) if docs else "", "refused": not docs}
            ev["naive_correct"] = M.item_correct(item, naive)
            tally.naive_correct.append(ev["naive_correct"])
    if ranked:
        for name, abl in ablations.items():
            adocs, _ = _retrieve(abl, item)
            tally.abl_ranks.setdefault(name, []).append(M.first_relevant_rank(_metas(adocs), spans))


def evaluate(items: Sequence[dict[str, Any]], assistant: Any, *, ablations: Mapping[str, Any] | None = None,
             ablation_errors: Mapping[str, str] | None = None, baselines: bool = True,
             doc_texts: DocTexts | None = None, progress: bool = True, retrieval_name: str | None = None,
             info: Mapping[str, Any] | None = None) -> Evaluation:
    """Ask every item (history included), retrieve for retrieval metrics/baselines, and score."""
    doc_texts = doc_texts or DocTexts(assistant)
    retrieval_name = retrieval_name or getattr(assistant, "retrieval", "hybrid") or "hybrid"
    ablations = dict(ablations or {}) if baselines else {}
    tally = _Tally(abl_ranks={name: [] for name in ablations})
    results: list[dict[str, Any]] = []
    uses_llm = getattr(assistant, "answerer", None) == "llm"
    iterator: Any = items
    if progress:
        from tqdm import tqdm
        iterator = tqdm(items, desc="evaluating", unit="q", file=sys.stderr, dynamic_ncols=True)
    for item in iterator:
        res, wall_ms = _ask(assistant, item)
        spans = doc_texts.spans(item)
        ev = _score_answer(item, res, spans, uses_llm)
        ev["wall_ms"] = round(wall_ms, 1)
        _retrieval_checks(item, assistant, ablations, baselines, spans, ev, tally)
        res["eval"] = ev
        results.append(res)
    metrics = compute_metrics(items, results, ranks=tally.ranks, retrieval_name=retrieval_name,
                              ablation_ranks=tally.abl_ranks if baselines else None,
                              ablation_errors=ablation_errors if baselines else None,
                              naive_correct=tally.naive_correct if baselines else None, doc_texts=doc_texts)
    if info:
        metrics["run"] = dict(info)
    return Evaluation(results=results, metrics=metrics, items=list(items))


def _numbers(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Grounded-number counts over answered items (from the per-item verdicts, else recomputed)."""
    g = t = 0
    for r in results:
        nums = (r.get("eval") or {}).get("numbers")
        if nums is None and not (r.get("refused") or r.get("error")):
            gg, tt, _ = M.grounded_numbers(r.get("answer", ""), [c.get("quote") or "" for c in r.get("citations") or []],
                                           r.get("question", ""))
            nums = {"grounded": gg, "total": tt}
        if nums:
            g += nums["grounded"]
            t += nums["total"]
    return {"grounded": g, "total": t, "grounded_rate": g / t if t else None,
            "ungrounded_rate": (t - g) / t if t else None}


def lang_gap(by_lang: Mapping[str, Mapping[str, Any]]) -> float | None:
    """Largest difference in accuracy between two languages (None with fewer than two)."""
    accs = [v["accuracy"] for v in by_lang.values() if v.get("accuracy") is not None]
    return max(accs) - min(accs) if len(accs) >= 2 else None


def compute_metrics(items: Sequence[Mapping[str, Any]], results: Sequence[Mapping[str, Any]], *,
                    ranks: Sequence[int | None], retrieval_name: str = "hybrid",
                    ablation_ranks: Mapping[str, Sequence[int | None]] | None = None,
                    ablation_errors: Mapping[str, str] | None = None,
                    naive_correct: Sequence[bool] | None = None, doc_texts: DocTexts | None = None) -> dict[str, Any]:
    """Aggregate per-item outcomes into metrics.json (see evals/metrics.py for the definitions)."""
    correct = [M.item_correct(it, r) for it, r in zip(items, results)]
    ans_idx = [i for i, it in enumerate(items) if not it.get("unanswerable")]
    un_idx = [i for i, it in enumerate(items) if it.get("unanswerable")]
    spans = [doc_texts.spans(it) if doc_texts else {} for it in items]
    walls = [float((r.get("eval") or {}).get("wall_ms", r.get("latency_ms") or 0.0)) for r in results if not r.get("error")]
    by_lang = M.accuracy_by(items, correct, M.item_lang)
    out: dict[str, Any] = {
        "n_items": len(items), "n_answerable": len(ans_idx), "n_unanswerable": len(un_idx),
        "accuracy": M.share(correct),
        "accuracy_answerable": M.share([correct[i] for i in ans_idx]),
        "accuracy_unanswerable": M.share([correct[i] for i in un_idx]),
        "accuracy_by_type": M.accuracy_by(items, correct, lambda it: it.get("type") or "(none)"),
        "accuracy_by_lang": by_lang,
        "lang_gap": lang_gap(by_lang),
        "accuracy_by_doc": M.accuracy_by(items, correct, lambda it: it.get("docs") or ["(unanswerable)"]),
        "accuracy_by_tag": M.accuracy_by(items, correct, lambda it: it.get("tags") or []),
        "refusal": M.refusal_scores((bool(it.get("unanswerable")), bool(r.get("refused"))) for it, r in zip(items, results)),
        "citations": M.citation_scores((it, r, s) for it, r, s in zip(items, results, spans)),
        "numbers": _numbers(results),
        "retrieval": {retrieval_name: M.retrieval_scores(ranks, KS)},
        "latency_ms": M.latency_stats(walls),
        "errors": sum(1 for r in results if r.get("error")),
    }
    if any("llm" in (r.get("eval") or {}) for r in results):
        out["llm"] = llm_scores([(r.get("eval") or {}).get("llm") for r in results])
    out["accuracy_by_tag"].pop("(none)", None)
    if ablation_ranks is not None:
        for name, rk in ablation_ranks.items():
            out["retrieval"][name] = M.retrieval_scores(rk, KS)
        for name, err in (ablation_errors or {}).items():
            out["retrieval"][name] = {"error": err}
    if naive_correct is not None:
        nc = list(naive_correct)
        out["baselines"] = {"naive_rag": {
            "description": "top retrieved chunk's text as the answer, scored with the same accuracy metric",
            "accuracy": M.share(nc),
            "accuracy_answerable": M.share([nc[i] for i in ans_idx if i < len(nc)]),
            "accuracy_unanswerable": M.share([nc[i] for i in un_idx if i < len(nc)]),
        }}
    return out
