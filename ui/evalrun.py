"""An evaluation run from the web app, in-process on the app's own Assistant (the one users talk
to), through the public API of ``evals``: load and validate the QA file, ``evaluate`` in a worker
thread (the page shows progress), ``write_outputs``, the quality gate, the failed items.

Only the QA files at the top of ``evals/`` are offered (they are written for the app's corpus);
the held-out sets run on their own documents with ``python -m evals --set NAME``, and the blind
one is never shown here.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, Iterator

from evals.matching import answer_text, expected_text  # one wording for the report and this tab
from ui import render as R
from ui.engine import Engine, public_text

log = logging.getLogger("pqa.app")
ROOT = Path(__file__).resolve().parent.parent
FAILED_COLUMNS = ["id", "类型 type", "语言", "问题 question", "期望 expected", "回答 got", "缺少 missing"]


def _sets() -> list[Any]:
    """The evaluation sets of evals/sets.toml (name, qa files, blind, thresholds); [] when this
    evals has none or the file cannot be read."""
    try:
        from evals.sets import load_sets
    except ImportError:
        return []
    try:
        return list(load_sets())
    except Exception as e:  # noqa: BLE001 - the tab still offers the files; the gate is skipped
        log.warning("evaluation sets unreadable: %s", e)
        return []


def qa_files() -> list[str]:
    """QA files written for the app's own corpus: those at the top of evals/, minus any of a blind set."""
    d = ROOT / "evals"
    if not d.is_dir():
        return []
    blind = {Path(q).resolve() for s in _sets() if getattr(s, "blind", False) for q in s.qa}
    return sorted(p.relative_to(ROOT).as_posix() for p in d.glob("*.jsonl") if p.resolve() not in blind)


def thresholds_for(qa: Path) -> tuple[dict[str, Any] | None, str]:
    """The gate thresholds of the set the QA file belongs to, with that set's name; (None, why)
    when it belongs to none (an uploaded file) or they cannot be read."""
    from evals import runner as ER

    sets = _sets()
    try:
        for s in sets:
            if qa.resolve() in {Path(q).resolve() for q in s.qa}:
                return dict(s.thresholds), s.name
        if not sets and qa.resolve() == (ROOT / "evals" / "qa.jsonl").resolve():
            return dict(ER.load_thresholds()), "shipped"
    except Exception as e:  # noqa: BLE001 - report, do not fail the run
        return None, f"thresholds unreadable: {public_text(str(e))}"
    return None, "no thresholds for this file"


def default_qa() -> str | None:
    files = qa_files()
    return "evals/qa.jsonl" if "evals/qa.jsonl" in files else (files[0] if files else None)


# ---------------------------------------------------------------- the run
class _Counting:
    """Delegates to the Assistant and counts ``ask`` calls (the evaluation's progress)."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.asked = 0

    def ask(self, *args, **kwargs):
        try:
            return self._inner.ask(*args, **kwargs)
        finally:
            self.asked += 1

    def __getattr__(self, name):
        return getattr(self._inner, name)


def load(qa: Path) -> tuple[list[dict] | None, str | None, str]:
    """(items, error message, detail for the log)."""
    from evals.validate import QAFileError, load_items, validate_items

    try:
        items = load_items([qa])
    except (QAFileError, OSError, ValueError) as e:
        return None, f"评测集无法读取：{public_text(str(e))}", public_text(str(e))
    problems = validate_items([(f"item {i + 1}", it) for i, it in enumerate(items)], None)
    if problems or not items:
        text = "\n".join(str(p) for p in problems[:50]) or "the QA set is empty"
        return None, f"评测集有 {len(problems)} 个问题（python -m evals validate 可查看）/ invalid QA file", text
    return items, None, ""


def _ablations(engine: Engine) -> tuple[dict, dict]:
    from evals import runner as ER

    ablations, errors = {}, {}
    settings = engine.settings  # the ablations only retrieve: never load another LLM for them
    if settings.answerer == "llm":
        settings = settings.model_copy(update={"answerer": "extractive"})
    for name in getattr(ER, "ABLATIONS", ()):
        try:
            ablations[name] = ER.make_assistant(settings, name)
        except Exception as e:  # noqa: BLE001 - reported in the metrics, not fatal
            errors[name] = f"{type(e).__name__}: {e}"
    return ablations, errors


def run(engine: Engine, qa: Path, items: list[dict], progress) -> Iterator[tuple[str, Any]]:
    """Yields ("progress", html) while running, then ("done", box) or ("error", message)."""
    from evals import runner as ER

    a = engine.require()
    out = engine.downloads.folder("eval")
    counting = _Counting(a)
    ablations, ablation_errors = _ablations(engine)
    info = {"qa": [qa.name], "answerer": engine.settings.answerer, "retrieval": "hybrid",
            "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "via": "web app"}
    box: dict[str, Any] = {"out": out}

    def work() -> None:
        try:
            box["ev"] = ER.evaluate(items, counting, ablations=ablations, ablation_errors=ablation_errors,
                                    baselines=True, doc_texts=ER.DocTexts(a, Path(engine.settings.corpus_dir)),
                                    progress=False, info=info)
            box["paths"] = ER.write_outputs(box["ev"], out)
        except Exception as e:  # noqa: BLE001
            log.exception("evaluation failed")
            box["error"] = f"{type(e).__name__}: {public_text(str(e), engine.settings)}"

    t0 = time.perf_counter()
    th = threading.Thread(target=work, name="pqa-eval", daemon=True)
    th.start()
    n = len(items)
    while th.is_alive():
        th.join(timeout=1.0)
        done = min(counting.asked, n)
        progress((done, n), desc="评测中 / evaluating", unit="题")
        yield "progress", R.message_html(f"评测运行中：{done}/{n} 题，{time.perf_counter() - t0:.0f} s / running…", "info")
    box["seconds"] = time.perf_counter() - t0
    yield ("error", box["error"]) if "error" in box else ("done", box)


def results(box: dict[str, Any], qa: Path) -> tuple[str, str, list[list[Any]], Path | None, str]:
    """(status html, metrics html, failed rows, report path, log text) of a finished run."""
    from evals import report as EP
    from evals import runner as ER

    ev, m = box["ev"], box["ev"].metrics
    thresholds, set_name = thresholds_for(qa)
    failures, notes = ER.apply_gate(m, thresholds) if thresholds else ([], [f"gate not checked: {set_name}"])
    rows = [{"k": k, "v": v} for k, v in EP.summary_rows(m)]
    metrics = R.table_html(rows, [("k", "指标 / metric"), ("v", "数值 / value")], css_class="pqa-table pqa-metrics")
    if hasattr(EP, "baseline_rows") and hasattr(EP, "BASELINE_HEAD"):
        head = list(EP.BASELINE_HEAD)
        brow = [dict(zip(map(str, range(len(head))), r)) for r in EP.baseline_rows(m)]
        metrics += "<h4>对比基线 / Baselines</h4>" + R.table_html(brow, [(str(i), h) for i, h in enumerate(head)])
    if not thresholds:
        gate = R.message_html(f"未检查质量门槛（{set_name}）/ quality gate not checked", "info")
    elif failures:
        gate = R.message_html(f"质量门槛（{set_name}）未通过：" + "；".join(failures), "warn")
    else:
        gate = R.message_html(f"质量门槛（{set_name}）：通过 / quality gate passed", "ok")
    failed = []
    for it, res in EP.failed_items(ev.items, ev.results):
        missing = (res.get("eval") or {}).get("missing") or []
        failed.append([it.get("id", ""), it.get("type", ""), (res.get("eval") or {}).get("lang", ""),
                       it.get("question", ""), expected_text(it), answer_text(res), "、".join(map(str, missing))])
    status = R.message_html(f"评测完成：{len(ev.items)} 题，{len(failed)} 题未通过，用时 {box['seconds']:.0f} s。", "ok")
    report = box["paths"].get("report_html")
    log_text = "\n".join([f"QA file: {qa.name}", *ER.summary_lines(m), *[f"gate: {x}" for x in notes],
                          *[f"GATE FAILED: {f}" for f in failures]])
    return status + gate, metrics, failed, report if report and Path(report).exists() else None, log_text
