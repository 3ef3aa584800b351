"""Run QA items through the Assistant (the one the UI uses) and score them.

``evaluate()`` is independent of how the assistant is built (tests pass a fake object with ``ask``,
``retrieve`` and ``doc_text``); ``run()`` builds the real ``assistant.core.Assistant`` from
Settings, prepares the index, writes results.jsonl / metrics.json / report.md / report.html and
applies the quality gate.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from . import metrics as M

EVALS_DIR = Path(__file__).resolve().parent
DEFAULT_QA = EVALS_DIR / "qa.jsonl"
DEFAULT_OUT = EVALS_DIR / "out"
THRESHOLDS_FILE = EVALS_DIR / "thresholds.json"
ABLATIONS = ("bm25", "dense")
KS = (1, 3, 5)

# gate key → (path into metrics.json, direction)
GATE_KEYS: dict[str, tuple[tuple[str, ...], str]] = {
    "min_accuracy": (("accuracy",), "min"),
    "min_refusal_recall": (("refusal", "recall"), "min"),
    "min_citation_accuracy": (("citations", "accuracy"), "min"),
    "max_ungrounded": (("numbers", "ungrounded_rate"), "max"),
}


# ---------------------------------------------------------------- evaluation (assistant-agnostic)


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
    """passed | rejected | error | None (the LLM was not asked) — see assistant.answer.llm.outcome."""
    if res.get("error"):
        return None
    from assistant.answer.llm import outcome

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


def evaluate(items: Sequence[dict[str, Any]], assistant: Any, *, ablations: Mapping[str, Any] | None = None,
             ablation_errors: Mapping[str, str] | None = None, baselines: bool = True,
             doc_texts: DocTexts | None = None, progress: bool = True, retrieval_name: str | None = None,
             info: Mapping[str, Any] | None = None) -> Evaluation:
    """Ask every item (history included), retrieve for retrieval metrics/baselines, and score."""
    doc_texts = doc_texts or DocTexts(assistant)
    retrieval_name = retrieval_name or getattr(assistant, "retrieval", "hybrid") or "hybrid"
    ablations = dict(ablations or {}) if baselines else {}
    results: list[dict[str, Any]] = []
    ranks: list[int | None] = []
    abl_ranks: dict[str, list[int | None]] = {name: [] for name in ablations}
    naive_correct: list[bool] = []
    uses_llm = getattr(assistant, "answerer", None) == "llm"
    iterator: Any = items
    if progress:
        from tqdm import tqdm
        iterator = tqdm(items, desc="evaluating", unit="q", file=sys.stderr, dynamic_ncols=True)
    for item in iterator:
        history = item.get("history") or None
        t0 = time.perf_counter()
        try:
            res = _answer_json(assistant.ask(item["question"], history=history), item["id"])
        except Exception as e:  # noqa: BLE001 - one failing question never stops the run
            res = {"id": item["id"], "question": item["question"], "answer": "", "refused": False,
                   "citations": [], "latency_ms": 0.0, "error": f"{type(e).__name__}: {e}"}
        wall_ms = (time.perf_counter() - t0) * 1000
        spans = doc_texts.spans(item)
        ev: dict[str, Any] = {"type": item.get("type"), "lang": M.item_lang(item), "wall_ms": round(wall_ms, 1)}
        ev["correct"] = M.item_correct(item, res)
        if uses_llm:
            ev["llm"] = _llm_outcome(res)
        if not item.get("unanswerable"):
            ev["missing"] = M.missing_terms(res.get("answer", ""), item.get("must_include") or [], item.get("any_of"))
        if not (res.get("refused") or res.get("error")):
            cites = res.get("citations") or []
            if not item.get("unanswerable"):
                ev["citation_ok"] = any(M.citation_matches(c, item.get("docs") or [], item.get("evidence") or [], spans)
                                        for c in cites)
            g, n, ungrounded = M.grounded_numbers(res.get("answer", ""), [c.get("quote") or "" for c in cites],
                                                  item["question"])
            ev["numbers"] = {"grounded": g, "total": n, "ungrounded": ungrounded}
        need_retrieval = baselines or not item.get("unanswerable")
        if need_retrieval:
            docs, err = _retrieve(assistant, item)
            if not item.get("unanswerable") and item.get("evidence"):
                rank = M.first_relevant_rank(_metas(docs), spans)
                ranks.append(rank)
                ev["retrieval_rank"] = rank
            if err:
                ev["retrieval_error"] = err
            if baselines:
                naive = {"answer": _page(docs[0]) if docs else "", "refused": not docs}
                naive_correct.append(M.item_correct(item, naive))
                ev["naive_correct"] = naive_correct[-1]
        if not item.get("unanswerable") and item.get("evidence"):
            for name, abl in ablations.items():
                adocs, _ = _retrieve(abl, item)
                abl_ranks[name].append(M.first_relevant_rank(_metas(adocs), spans))
        res["eval"] = ev
        results.append(res)
    metrics = compute_metrics(items, results, ranks=ranks, retrieval_name=retrieval_name,
                              ablation_ranks=abl_ranks if baselines else None,
                              ablation_errors=ablation_errors if baselines else None,
                              naive_correct=naive_correct if baselines else None, doc_texts=doc_texts)
    if info:
        metrics["run"] = dict(info)
    return Evaluation(results=results, metrics=metrics, items=list(items))


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
    cite = M.citation_scores((it, r, s) for it, r, s in zip(items, results, spans))
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
    walls = [float((r.get("eval") or {}).get("wall_ms", r.get("latency_ms") or 0.0)) for r in results if not r.get("error")]
    out: dict[str, Any] = {
        "n_items": len(items), "n_answerable": len(ans_idx), "n_unanswerable": len(un_idx),
        "accuracy": M.share(correct),
        "accuracy_answerable": M.share([correct[i] for i in ans_idx]),
        "accuracy_unanswerable": M.share([correct[i] for i in un_idx]),
        "accuracy_by_type": M.accuracy_by(items, correct, lambda it: it.get("type") or "(none)"),
        "accuracy_by_lang": M.accuracy_by(items, correct, M.item_lang),
        "accuracy_by_doc": M.accuracy_by(items, correct, lambda it: it.get("docs") or ["(unanswerable)"]),
        "accuracy_by_tag": M.accuracy_by(items, correct, lambda it: it.get("tags") or []),
        "refusal": M.refusal_scores((bool(it.get("unanswerable")), bool(r.get("refused"))) for it, r in zip(items, results)),
        "citations": cite,
        "numbers": {"grounded": g, "total": t, "grounded_rate": g / t if t else None,
                    "ungrounded_rate": (t - g) / t if t else None},
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


# ---------------------------------------------------------------- gate


def load_thresholds(path: Path = THRESHOLDS_FILE) -> dict[str, float]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {k: float(v) for k, v in data.items() if k in GATE_KEYS and v is not None}


def _lookup(metrics: Mapping[str, Any], path: Sequence[str]) -> Any:
    cur: Any = metrics
    for p in path:
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(p)
    return cur


def apply_gate(metrics: Mapping[str, Any], thresholds: Mapping[str, float]) -> tuple[list[str], list[str]]:
    """(failures, notes): a metric below a min / above a max fails; an undefined metric is noted."""
    failures, notes = [], []
    for key, limit in thresholds.items():
        if key not in GATE_KEYS:
            continue
        path, kind = GATE_KEYS[key]
        value = _lookup(metrics, path)
        name = ".".join(path)
        if value is None:
            notes.append(f"{key}: {name} is undefined for this QA set (not checked)")
        elif kind == "min" and value < limit:
            failures.append(f"{name} = {value:.3f} is below {key} = {limit:.3f}")
        elif kind == "max" and value > limit:
            failures.append(f"{name} = {value:.3f} is above {key} = {limit:.3f}")
        else:
            notes.append(f"{key}: {name} = {value:.3f} ok (limit {limit:.3f})")
    return failures, notes


# ---------------------------------------------------------------- building the real assistant


def cache_index_dir(out_dir: Path, corpus_dir: Path, embedding_model: str) -> Path:
    """A private index folder under the out dir for an explicitly given corpus."""
    key = hashlib.sha1(f"{corpus_dir.resolve()}|{embedding_model}".encode()).hexdigest()[:10]
    return out_dir / "index-cache" / f"{corpus_dir.resolve().name}-{key}"


def prepare_settings(corpus: Path | None, index: Path | None, out_dir: Path, answerer: str | None,
                     log: Callable[[str], None] = print, settings_overrides: Mapping[str, Any] | None = None) -> Any:
    """Settings for the run; builds the index when needed.

    No --corpus: the project's index (Settings().index_dir), built with ingest() only if missing.
    --corpus without --index: a separate index under ``out_dir/index-cache`` kept in sync with ingest().
    ``settings_overrides``: further Settings fields (the --llm-* flags).
    """
    from base.settings import Settings
    from ingest.run import ingest
    from store import MANIFEST

    overrides: dict[str, Any] = dict(settings_overrides or {})
    if answerer:
        overrides["answerer"] = answerer
    if corpus is not None:
        overrides["corpus_dir"] = Path(corpus).resolve()
    if index is not None:
        overrides["index_dir"] = Path(index).resolve()
    settings = Settings(**overrides)
    private = corpus is not None and index is None
    if private:
        settings = Settings(**{**overrides, "index_dir": cache_index_dir(out_dir, settings.corpus_dir,
                                                                         settings.embedding_model)})
    missing = not (settings.index_dir / MANIFEST).exists()
    if private or missing:
        log(f"{'building' if missing else 'updating'} index {settings.index_dir} for corpus {settings.corpus_dir} …")
        summary = ingest(settings)
        for line in summary.lines():
            log("  " + line)
    return settings


def make_assistant(settings: Any, retrieval: str = "hybrid") -> Any:
    from assistant.core import Assistant

    return Assistant(settings, retrieval=retrieval)


# ---------------------------------------------------------------- writing


def write_outputs(ev: Evaluation, out_dir: Path) -> dict[str, Path]:
    from .report import render_html, render_markdown

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"results": out_dir / "results.jsonl", "metrics": out_dir / "metrics.json",
             "report_md": out_dir / "report.md", "report_html": out_dir / "report.html"}
    with open(paths["results"], "w", encoding="utf-8") as f:
        for r in ev.results:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    paths["metrics"].write_text(json.dumps(ev.metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    paths["report_md"].write_text(render_markdown(ev.metrics, ev.items, ev.results), encoding="utf-8")
    paths["report_html"].write_text(render_html(ev.metrics, ev.items, ev.results), encoding="utf-8")
    return paths


def _fmt(v: Any) -> str:
    return "n/a" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def summary_lines(m: Mapping[str, Any]) -> list[str]:
    lines = [f"items: {m['n_items']} ({m['n_answerable']} answerable, {m['n_unanswerable']} unanswerable), "
             f"errors: {m['errors']}",
             f"accuracy: {_fmt(m['accuracy'])} (answerable {_fmt(m['accuracy_answerable'])}, "
             f"unanswerable {_fmt(m['accuracy_unanswerable'])})",
             "by language: " + ", ".join(f"{k} {_fmt(v['accuracy'])} (n={v['n']})" for k, v in m["accuracy_by_lang"].items()),
             f"refusal: precision {_fmt(m['refusal']['precision'])}, recall {_fmt(m['refusal']['recall'])}",
             f"citation accuracy: {_fmt(m['citations']['accuracy'])}, precision {_fmt(m['citations']['precision'])}",
             f"grounded numbers: {_fmt(m['numbers']['grounded_rate'])} ({m['numbers']['grounded']}/{m['numbers']['total']})"]
    for name, r in m["retrieval"].items():
        if "error" in r:
            lines.append(f"retrieval {name}: error {r['error']}")
        else:
            lines.append(f"retrieval {name}: " + ", ".join(f"hit@{k} {_fmt(r.get(f'hit@{k}'))}" for k in KS)
                         + f", MRR {_fmt(r.get('mrr'))}")
    if "baselines" in m:
        lines.append(f"naive RAG accuracy: {_fmt(m['baselines']['naive_rag']['accuracy'])}")
    if "llm" in m:
        g = m["llm"]
        lines.append(f"LLM grounding check: passed {g['passed']}/{g['asked']} answered by the model "
                     f"(pass rate {_fmt(g['grounding_pass_rate'])}); rejected {g['rejected']}, "
                     f"model errors {g['errors']}, not asked {g['not_asked']} (scope refusals / no passages)")
    lat = m["latency_ms"]
    lines.append(f"latency ms: p50 {_fmt(lat['p50'])}, p95 {_fmt(lat['p95'])}")
    return lines


# ---------------------------------------------------------------- the command


@dataclass
class RunOptions:
    qa: list[Path] = field(default_factory=lambda: [DEFAULT_QA])
    corpus: Path | None = None
    index: Path | None = None
    answerer: str | None = None
    out: Path = DEFAULT_OUT
    baselines: bool = True
    quiet: bool = False
    gate: bool = False
    overrides: dict[str, float] = field(default_factory=dict)  # explicit --min-*/--max-* flags
    thresholds_file: Path = THRESHOLDS_FILE
    settings_overrides: dict[str, Any] = field(default_factory=dict)  # --llm-* flags → Settings fields


def run(opts: RunOptions, factory: Callable[[Any, str], Any] = make_assistant,
        settings_fn: Callable[..., Any] = prepare_settings) -> int:
    """The evaluation command; returns the process exit code (0 ok, 1 gate failed, 2 bad input)."""
    from .validate import QAFileError, load_items, validate_items

    log: Callable[[str], None] = (lambda s: None) if opts.quiet else (lambda s: print(s, file=sys.stderr))
    try:
        items = load_items(opts.qa)
    except QAFileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    rows = [(f"item {i + 1}", it) for i, it in enumerate(items)]
    problems = validate_items(rows, None)
    if problems:
        print(f"error: the QA set has {len(problems)} problem(s); run `python -m evals validate`:", file=sys.stderr)
        for p in problems[:20]:
            print(f"  {p}", file=sys.stderr)
        return 2
    if not items:
        print("error: the QA set is empty", file=sys.stderr)
        return 2
    out_dir = Path(opts.out)
    try:
        extra = {"settings_overrides": opts.settings_overrides} if opts.settings_overrides else {}
        settings = settings_fn(opts.corpus, opts.index, out_dir, opts.answerer, log=log, **extra)
    except Exception as e:  # noqa: BLE001 - bad settings / unreadable corpus: a clear message, no traceback
        print(f"error: cannot prepare settings/index: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    corpus_dir = Path(getattr(settings, "corpus_dir", opts.corpus or "corpus"))
    warnings = [str(p) for p in validate_items(rows, corpus_dir) if p not in problems]
    for w in warnings[:10]:
        log(f"warning: {w}")
    if len(warnings) > 10:
        log(f"warning: … and {len(warnings) - 10} more")
    try:
        assistant = factory(settings, "hybrid")
    except Exception as e:  # noqa: BLE001
        print(f"error: cannot start the assistant: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    ablations: dict[str, Any] = {}
    ablation_errors: dict[str, str] = {}
    if opts.baselines:
        # the ablations only retrieve: never load a second LLM for them
        abl_settings = settings
        if getattr(settings, "answerer", None) == "llm" and hasattr(settings, "model_copy"):
            abl_settings = settings.model_copy(update={"answerer": "extractive"})
        for name in ABLATIONS:
            try:
                ablations[name] = factory(abl_settings, name)
            except Exception as e:  # noqa: BLE001 - an ablation that cannot start is reported, not fatal
                ablation_errors[name] = f"{type(e).__name__}: {e}"
    info = {"qa": [str(p) for p in opts.qa], "corpus_dir": str(corpus_dir),
            "index_dir": str(getattr(settings, "index_dir", "")), "answerer": getattr(settings, "answerer", None),
            "retrieval": "hybrid", "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    if getattr(settings, "answerer", None) == "llm":
        llm = getattr(assistant, "llm", None)
        info["llm"] = getattr(llm, "name", None) or str(getattr(assistant, "llm_error", "") or "")
    ev = evaluate(items, assistant, ablations=ablations, ablation_errors=ablation_errors, baselines=opts.baselines,
                  doc_texts=DocTexts(assistant, corpus_dir), progress=not opts.quiet, info=info)
    ev.warnings = warnings
    paths = write_outputs(ev, out_dir)
    for line in summary_lines(ev.metrics):
        print(line)
    print(f"wrote {paths['results']}, {paths['metrics'].name}, {paths['report_md'].name}, {paths['report_html'].name}")
    if opts.gate or opts.overrides:
        thresholds = {**load_thresholds(opts.thresholds_file), **opts.overrides}
        failures, notes = apply_gate(ev.metrics, thresholds)
        for n in notes:
            print(f"gate: {n}")
        if failures:
            for f in failures:
                print(f"GATE FAILED: {f}", file=sys.stderr)
            return 1
        print("gate: passed")
    return 0
