"""Several evaluation sets side by side: stdout table, OUT/report.md, OUT/report.html, OUT/metrics.json.

Only aggregates appear here; each set's own report (OUT/<set>/report.*) lists its failed items,
except for blind sets, whose items are never shown anywhere.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from .report import BLIND_NOTE, esc, html_head, svg_bars, warning_count


def _f(v: Any) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def _get(m: Mapping[str, Any], *path: str) -> Any:
    cur: Any = m
    for p in path:
        cur = cur.get(p) if isinstance(cur, Mapping) else None
    return cur


def _group_cell(m: Mapping[str, Any], group: str, key: str) -> str:
    g = _get(m, group, key)
    return f"{_f(g['accuracy'])} (n={g['n']})" if g else "—"


def _gate_cell(run: Any) -> str:
    if not getattr(run, "gated", False):
        return "not checked"
    return f"FAILED ({len(run.failures)})" if run.failures else "passed"


METRIC_ROWS: list[tuple[str, Callable[[Mapping[str, Any]], str]]] = [
    ("items (answerable / unanswerable)", lambda m: f"{m['n_items']} ({m['n_answerable']} / {m['n_unanswerable']})"),
    ("accuracy", lambda m: _f(m.get("accuracy"))),
    ("accuracy, answerable", lambda m: _f(m.get("accuracy_answerable"))),
    ("accuracy, unanswerable", lambda m: _f(m.get("accuracy_unanswerable"))),
    ("false-refusal rate", lambda m: _f(_get(m, "refusal", "false_refusal_rate"))),
    ("refusal recall", lambda m: _f(_get(m, "refusal", "recall"))),
    ("refusal precision", lambda m: _f(_get(m, "refusal", "precision"))),
    ("citation accuracy", lambda m: _f(_get(m, "citations", "accuracy"))),
    ("grounded-number rate", lambda m: f"{_f(_get(m, 'numbers', 'grounded_rate'))} "
                                       f"({_get(m, 'numbers', 'grounded')}/{_get(m, 'numbers', 'total')})"),
    ("naive-RAG baseline accuracy", lambda m: _f(_get(m, "baselines", "naive_rag", "accuracy"))),
    ("retrieval hit@5", lambda m: _f(_get(m, "retrieval", next(iter(m.get("retrieval") or {"": 0})), "hit@5"))),
    ("latency p50 / p95 (ms)", lambda m: f"{_get(m, 'latency_ms', 'p50') or 0:.0f} / {_get(m, 'latency_ms', 'p95') or 0:.0f}"),
    ("language gap (max − min accuracy)", lambda m: _f(m.get("lang_gap"))),
    ("errors", lambda m: str(m.get("errors", 0))),
    ("warnings", lambda m: str(warning_count(m))),
]


def comparison_rows(runs: Sequence[Any]) -> list[list[str]]:
    """[label, value per set] rows: the headline metrics, then accuracy by language and by type."""
    ms = [r.metrics for r in runs]
    rows = [[label, *(fn(m) for m in ms)] for label, fn in METRIC_ROWS]
    for title, group in (("language", "accuracy_by_lang"), ("type", "accuracy_by_type")):
        keys = sorted({k for m in ms for k in (m.get(group) or {})})
        rows += [[f"accuracy, {title} {k}", *(_group_cell(m, group, k) for m in ms)] for k in keys]
    rows.append(["gate", *(_gate_cell(r) for r in runs)])
    return rows


def side_by_side_lines(runs: Sequence[Any]) -> list[str]:
    """The comparison as a fixed-width text table (stdout)."""
    head = ["metric", *(r.spec.name + (" (blind)" if r.spec.blind else "") for r in runs)]
    rows = [head, *comparison_rows(runs)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _md_table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    cell = lambda v: str(v).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    return (["| " + " | ".join(cell(h) for h in head) + " |", "|" + "---|" * len(head)]
            + ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows])


def _set_notes(run: Any) -> list[str]:
    """What the combined report says about one set besides its figures."""
    out = [run.spec.description] if run.spec.description else []
    out.append(f"questions: {', '.join(p.name for p in run.spec.qa)}; documents: {run.spec.corpus}")
    if run.spec.blind:
        out.append(BLIND_NOTE)
    else:
        acc, n = run.metrics.get("accuracy"), run.metrics.get("n_items", 0)
        failed = round((1 - acc) * n) if acc is not None else 0
        out.append(f"{failed} failed item(s), listed in {run.spec.name}/report.html")
    out += [f"GATE FAILED: {f}" for f in run.failures]
    return out


def _warning_kinds(run: Any) -> list[str]:
    """A set's warnings by kind (each one is listed in the set's own report, except for a blind set)."""
    kinds = run.metrics.get("warnings_by_kind") or {}
    if not kinds:
        return []
    where = "" if run.spec.blind else f"; each one is listed in {run.spec.name}/report.md"
    return [f"warnings ({warning_count(run.metrics)}{where}): "
            + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))]


def render_markdown(runs: Sequence[Any]) -> str:
    head = ["metric", *(r.spec.name for r in runs)]
    lines = ["# Evaluation report: sets side by side", "", f"run {time.strftime('%Y-%m-%dT%H:%M:%S')}", ""]
    lines += _md_table(head, comparison_rows(runs)) + [""]
    for r in runs:
        lines += [f"## {r.spec.name}", ""] + [f"- {n}" for n in _set_notes(r) + _warning_kinds(r)] + [""]
    lines += ["Definitions of the metrics: evals/metrics.py (and the end of each set's report).", ""]
    return "\n".join(lines)


def render_html(runs: Sequence[Any]) -> str:
    head = ["metric", *(r.spec.name + (" (blind)" if r.spec.blind else "") for r in runs)]
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in comparison_rows(runs))
    out = html_head("规划问答 — evaluation sets side by side")
    out.append(f'<p class="muted">run {esc(time.strftime("%Y-%m-%dT%H:%M:%S"))}</p>')
    out.append("<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + f"</tr></thead><tbody>{body}</tbody></table>")
    bars = []
    for r in runs:
        bars.append((f"{r.spec.name}", r.metrics.get("accuracy"), r.metrics.get("n_items", 0)))
        naive = _get(r.metrics, "baselines", "naive_rag", "accuracy")
        if naive is not None:
            bars.append((f"{r.spec.name} naive RAG", naive, r.metrics.get("n_items", 0)))
    out.append('<div class="charts">' + svg_bars(bars, "Accuracy: assistant vs naive RAG") + "</div>")
    for r in runs:
        link = f'<p><a href="{esc(r.spec.name)}/report.html">{esc(r.spec.name)}/report.html</a></p>'
        notes = "".join(f"<li>{esc(n)}</li>" for n in _set_notes(r) + _warning_kinds(r))
        out.append(f"<h2>{esc(r.spec.name)}</h2>{link}<ul>{notes}</ul>")
    out.append('<p class="muted">Definitions of the metrics: evals/metrics.py (and the end of each set\'s report).</p>')
    out.append("</body></html>")
    return "\n".join(out)


def combined_metrics(runs: Sequence[Any]) -> dict[str, Any]:
    """OUT/metrics.json of a multi-set run: each set's metrics, gate verdicts and warnings."""
    return {"sets": {r.spec.name: {k: v for k, v in r.metrics.items() if not k.startswith("_")} for r in runs},
            "blind": [r.spec.name for r in runs if r.spec.blind],
            "gate": {r.spec.name: {"failures": r.failures, "notes": r.notes} for r in runs if r.gated},
            "warnings": {r.spec.name: r.metrics.get("warnings") or [] for r in runs},
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S")}


def write_combined(runs: Sequence[Any], out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {"metrics": out / "metrics.json", "report_md": out / "report.md", "report_html": out / "report.html"}
    stale = out / "results.jsonl"  # left by an earlier single-set run: it would not match this report
    stale.unlink(missing_ok=True)
    paths["metrics"].write_text(json.dumps(combined_metrics(runs), ensure_ascii=False, indent=1), encoding="utf-8")
    paths["report_md"].write_text(render_markdown(runs), encoding="utf-8")
    paths["report_html"].write_text(render_html(runs), encoding="utf-8")
    return paths


__all__ = ["comparison_rows", "side_by_side_lines", "render_markdown", "render_html", "combined_metrics",
           "write_combined"]
