"""Render an evaluation as Markdown and as one self-contained HTML page (inline CSS and SVG, no
scripts, no external resources). Every piece of text from items, answers or documents is escaped."""
from __future__ import annotations

import html
from typing import Any, Mapping, Sequence

from .matching import answer_text, expected_text
from .metrics import __doc__ as DEFINITIONS
from .metrics import item_lang

KS = (1, 3, 5)


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def pct(v: Any) -> str:
    return "n/a" if v is None else f"{100 * v:.1f}%"


def num(v: Any, digits: int = 1) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}"


def _definitions() -> str:
    text = DEFINITIONS or ""
    return text.split("Definitions (also printed in report.md / report.html):", 1)[-1].strip()


def failed_items(items: Sequence[Mapping[str, Any]], results: Sequence[Mapping[str, Any]]
                 ) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    return [(it, r) for it, r in zip(items, results) if not (r.get("eval") or {}).get("correct")]


def summary_rows(m: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = [("items", f"{m['n_items']} ({m['n_answerable']} answerable, {m['n_unanswerable']} unanswerable)"),
            ("answer accuracy (all items)", pct(m["accuracy"])),
            ("accuracy, answerable items", pct(m["accuracy_answerable"])),
            ("accuracy, unanswerable items (refused)", pct(m["accuracy_unanswerable"])),
            ("false-refusal rate (answerable items refused)", pct(m["refusal"].get("false_refusal_rate"))),
            ("refusal precision", pct(m["refusal"]["precision"])),
            ("refusal recall", pct(m["refusal"]["recall"])),
            ("citation accuracy", pct(m["citations"]["accuracy"])),
            ("citation precision", pct(m["citations"]["precision"])),
            ("grounded-number rate",
             f"{pct(m['numbers']['grounded_rate'])} ({m['numbers']['grounded']}/{m['numbers']['total']})")]
    for name, r in m["retrieval"].items():
        if "error" not in r:
            rows.append((f"retrieval ({name}) hit@1/3/5, MRR",
                         " / ".join(pct(r.get(f"hit@{k}")) for k in KS) + f", {num(r.get('mrr'), 3)}"))
    lat = m["latency_ms"]
    rows.append(("latency p50 / p95 (ms)", f"{num(lat['p50'])} / {num(lat['p95'])}"))
    rows.append(("errors", str(m["errors"])))
    if "warnings" in m:
        rows.append(("warnings (QA-file deviations that do not matter to scoring)", str(warning_count(m))))
    if "llm" in m:
        g = m["llm"]
        rows.append(("LLM answers passing the grounding check",
                     f"{pct(g['grounding_pass_rate'])} ({g['passed']}/{g['asked']} asked)"))
        rows.append(("LLM answers rejected / model errors (→ extractive)", f"{g['rejected']} / {g['errors']}"))
        rows.append(("not sent to the LLM (scope refusals, no passages)", str(g["not_asked"])))
    return rows


def baseline_rows(m: Mapping[str, Any]) -> list[list[str]]:
    """System comparison: the assistant, naive RAG, and retrieval ablations."""
    rows = []
    main = next(iter(m["retrieval"]))
    r = m["retrieval"][main]
    rows.append([f"assistant ({main})", pct(m["accuracy"]), pct(m["accuracy_answerable"])]
                + [pct(r.get(f"hit@{k}")) for k in KS] + [num(r.get("mrr"), 3)])
    if "baselines" in m:
        b = m["baselines"]["naive_rag"]
        rows.append([f"naive RAG (top {main} chunk)", pct(b["accuracy"]), pct(b["accuracy_answerable"])]
                    + [pct(r.get(f"hit@{k}")) for k in KS] + [num(r.get("mrr"), 3)])
    for name, r in list(m["retrieval"].items())[1:]:
        if "error" in r:
            rows.append([f"{name} retrieval only", "—", "—", f"error: {r['error']}", "", "", ""])
        else:
            rows.append([f"{name} retrieval only", "—", "—"] + [pct(r.get(f"hit@{k}")) for k in KS]
                        + [num(r.get("mrr"), 3)])
    return rows


BASELINE_HEAD = ["system", "accuracy", "accuracy (answerable)"] + [f"hit@{k}" for k in KS] + ["MRR"]


# the web app used these private names before the public ones existed (evals.metrics re-exports them)
_expected = expected_text
_got = answer_text
BLIND_NOTE = ("blind set: its items, answers and failures are never shown or written; only aggregates "
              "(never tune on it)")


# ---------------------------------------------------------------- markdown


def _md_cell(v: Any) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def _md_table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    out = ["| " + " | ".join(_md_cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return out


GROUPS = (("type", "accuracy_by_type"), ("language", "accuracy_by_lang"), ("document", "accuracy_by_doc"),
          ("tag", "accuracy_by_tag"))


def warning_count(m: Mapping[str, Any]) -> int:
    """Warnings of a set (a blind set's report lists their kinds only, so count from the kinds)."""
    by_kind = m.get("warnings_by_kind")
    return sum(by_kind.values()) if isinstance(by_kind, Mapping) else len(m.get("warnings") or [])


def _md_failures(items: Sequence[Mapping[str, Any]], results: Sequence[Mapping[str, Any]]) -> list[str]:
    fails = failed_items(items, results)
    lines = [f"## Failed items ({len(fails)})", ""]
    for it, r in fails:
        lines.append(f"### {it['id']} ({it.get('type')}, {item_lang(it)})")
        for h in it.get("history") or []:
            lines.append(f"- earlier: Q: {h.get('q')} — A: {h.get('a')}")
        lines.append(f"- question: {it['question']}")
        lines.append(f"- expected: {expected_text(it)}")
        lines.append(f"- got: {answer_text(r)}".replace("\n", " "))
        missing = (r.get("eval") or {}).get("missing")
        if missing:
            lines.append(f"- missing: {', '.join(missing)}")
        for c in r.get("citations") or []:
            lines.append(f"- [{c.get('n')}] {c.get('doc')} {c.get('section') or ''}: {c.get('quote')}".replace("\n", " "))
        lines.append("")
    return lines


def render_markdown(m: Mapping[str, Any], items: Sequence[Mapping[str, Any]], results: Sequence[Mapping[str, Any]],
                    blind: bool = False, warnings: Sequence[str] | None = None) -> str:
    """The report of one set; a ``blind`` set's report holds aggregates only (no item, no failure)."""
    lines = ["# Evaluation report", ""]
    run = m.get("run") or {}
    if run:
        lines += [", ".join(f"{k}: {v}" for k, v in run.items()), ""]
    if blind:
        lines += [f"**{BLIND_NOTE}**", ""]
    lines += ["## Summary", ""] + _md_table(["metric", "value"], summary_rows(m)) + [""]
    lines += ["## Baselines and ablations", ""] + _md_table(BASELINE_HEAD, baseline_rows(m)) + [""]
    for title, key in GROUPS:
        groups = m.get(key) or {}
        if groups:
            lines += [f"## Accuracy by {title}", ""]
            lines += _md_table([title, "n", "correct", "accuracy"],
                               [[k, v["n"], v["correct"], pct(v["accuracy"])] for k, v in groups.items()]) + [""]
    warnings = list(warnings if warnings is not None else m.get("warnings") or [])
    if warnings:
        lines += [f"## Warnings ({warning_count(m) or len(warnings)}): deviations from docs/qa_schema.md that do not "
                  "matter to scoring", ""] + [f"- {w}".replace("\n", " ") for w in warnings] + [""]
    if not blind:
        lines += _md_failures(items, results)
    lines += ["## Definitions", "", "```", _definitions(), "```", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- svg


def svg_bars(data: Sequence[tuple[str, float | None, int]], title: str, width: int = 560) -> str:
    """Horizontal bar chart of shares (0..1): (label, value, n) rows."""
    bar_h, gap, left, top = 22, 8, 150, 30
    height = top + len(data) * (bar_h + gap) + 10
    inner = width - left - 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{esc(title)}" class="chart">',
             f'<text x="0" y="18" class="ct">{esc(title)}</text>']
    for i, (label, value, n) in enumerate(data):
        y = top + i * (bar_h + gap)
        w = 0 if value is None else max(0.0, min(1.0, value)) * inner
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" class="cl">{esc(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{inner}" height="{bar_h}" class="bg"/>')
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" class="bar"/>')
        parts.append(f'<text x="{left + inner + 6}" y="{y + 15}" class="cv">{esc(pct(value))} (n={n})</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(values: Sequence[float], bins: int = 12) -> list[tuple[float, float, int]]:
    """(low, high, count) bins over [min, max] of the values."""
    if not values:
        return []
    lo, hi = min(values), max(values)
    if hi <= lo:
        return [(lo, hi, len(values))]
    step = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / step))] += 1
    return [(lo + i * step, lo + (i + 1) * step, c) for i, c in enumerate(counts)]


def svg_histogram(values: Sequence[float], title: str, width: int = 560, height: int = 220) -> str:
    hist = histogram(values)
    left, bottom, top = 40, 40, 30
    inner_w, inner_h = width - left - 10, height - top - bottom
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{esc(title)}" class="chart">', f'<text x="0" y="18" class="ct">{esc(title)}</text>']
    if not hist:
        parts.append(f'<text x="{left}" y="{top + 20}" class="cl">no data</text></svg>')
        return "".join(parts)
    peak = max(c for _, _, c in hist) or 1
    bw = inner_w / len(hist)
    for i, (a, b, c) in enumerate(hist):
        h = inner_h * c / peak
        x, y = left + i * bw, top + inner_h - h
        parts.append(f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" class="bar">'
                     f'<title>{esc(f"{a:.0f}–{b:.0f} ms: {c}")}</title></rect>')
        if c:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" class="cv">{c}</text>')
    parts.append(f'<line x1="{left}" y1="{top + inner_h}" x2="{left + inner_w}" y2="{top + inner_h}" class="axis"/>')
    for i in (0, len(hist) // 2, len(hist)):
        x = left + i * bw
        v = hist[0][0] + i * (hist[0][1] - hist[0][0]) if len(hist) > 1 or i == 0 else hist[0][1]
        parts.append(f'<text x="{x:.1f}" y="{top + inner_h + 16}" text-anchor="middle" class="cl">{esc(f"{v:.0f}")}</text>')
    parts.append(f'<text x="{left + inner_w / 2:.1f}" y="{height - 4}" text-anchor="middle" class="cl">ms</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------- html

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#1b1f24;max-width:1100px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.charts{display:flex;flex-wrap:wrap;gap:24px}
.chart .ct{font-weight:600;font-size:13px}.chart .cl,.chart .cv{font-size:12px;fill:#333}
.chart .bg{fill:#eef1f4}.chart .bar{fill:#3b82f6}.chart .axis{stroke:#888}
.fail{border:1px solid #e5c07b;border-radius:6px;padding:8px 12px;margin:10px 0;background:#fffdf5}
.fail h3{margin:0 0 6px 0;font-size:1em}.k{color:#57606a;font-weight:600;margin-right:6px}
.q{white-space:pre-wrap}blockquote{margin:4px 0 4px 12px;padding-left:8px;border-left:3px solid #ccc;color:#333}
pre{white-space:pre-wrap;background:#f6f8fa;padding:8px;font-size:12px}.muted{color:#57606a}
"""


def _html_table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    h = "".join(f"<th>{esc(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def _group_chart(groups: Mapping[str, Mapping[str, Any]], title: str) -> str:
    return svg_bars([(k, v["accuracy"], v["n"]) for k, v in groups.items()], title)


def _html_failure(it: Mapping[str, Any], r: Mapping[str, Any]) -> str:
    ev = r.get("eval") or {}
    block = [f'<div class="fail"><h3>{esc(it["id"])} <span class="muted">({esc(it.get("type"))}, '
             f'{esc(item_lang(it))})</span></h3>']
    for h in it.get("history") or []:
        block.append(f'<div><span class="k">earlier</span><span class="q">Q: {esc(h.get("q"))} — A: {esc(h.get("a"))}</span></div>')
    block.append(f'<div><span class="k">question</span><span class="q">{esc(it["question"])}</span></div>')
    block.append(f'<div><span class="k">expected</span><span class="q">{esc(expected_text(it))}</span></div>')
    block.append(f'<div><span class="k">got</span><span class="q">{esc(answer_text(r))}</span></div>')
    if ev.get("missing"):
        block.append(f'<div><span class="k">missing</span>{esc(", ".join(ev["missing"]))}</div>')
    if ev.get("retrieval_rank", "absent") is None:
        block.append('<div><span class="k">retrieval</span>gold evidence not retrieved</div>')
    elif isinstance(ev.get("retrieval_rank"), int):
        block.append(f'<div><span class="k">retrieval</span>gold evidence at rank {ev["retrieval_rank"]}</div>')
    cites = r.get("citations") or []
    if cites:
        block.append('<div><span class="k">citations</span></div>')
        for c in cites:
            block.append(f"<blockquote>[{esc(c.get('n'))}] {esc(c.get('doc'))} {esc(c.get('section') or '')}"
                         f"<br>{esc(c.get('quote'))}</blockquote>")
    if it.get("evidence"):
        block.append(f'<div><span class="k">gold evidence</span>{esc(", ".join(it.get("docs") or []))}</div>')
        block += [f"<blockquote>{esc(q)}</blockquote>" for q in it["evidence"]]
    block.append("</div>")
    return "".join(block)


def html_head(title: str) -> list[str]:
    return ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)}</title>", f"<style>{CSS}</style></head><body>", f"<h1>{esc(title)}</h1>"]


def html_warnings(m: Mapping[str, Any], warnings: Sequence[str]) -> str:
    if not warnings:
        return ""
    return (f"<h2>Warnings ({warning_count(m) or len(warnings)})</h2><p class=\"muted\">deviations from "
            "docs/qa_schema.md that do not matter to scoring (<code>--strict</code> refuses them)</p><ul>"
            + "".join(f"<li>{esc(w)}</li>" for w in warnings) + "</ul>")


def render_html(m: Mapping[str, Any], items: Sequence[Mapping[str, Any]], results: Sequence[Mapping[str, Any]],
                blind: bool = False, warnings: Sequence[str] | None = None) -> str:
    """The self-contained page of one set; a ``blind`` set's page holds aggregates only."""
    run = m.get("run") or {}
    out = html_head("规划问答 — evaluation report")
    if run:
        out.append('<p class="muted">' + esc(" · ".join(f"{k}: {v}" for k, v in run.items())) + "</p>")
    if blind:
        out.append(f"<p><strong>{esc(BLIND_NOTE)}</strong></p>")
    out.append("<h2>Summary</h2>" + _html_table(["metric", "value"], summary_rows(m)))
    out.append("<h2>Baselines and ablations</h2>" + _html_table(BASELINE_HEAD, baseline_rows(m)))
    walls = [float((r.get("eval") or {}).get("wall_ms", 0.0)) for r in results if not r.get("error")]
    out.append('<h2>Charts</h2><div class="charts">')
    out.append(_group_chart(m.get("accuracy_by_type") or {}, "Accuracy by question type"))
    out.append(_group_chart(m.get("accuracy_by_lang") or {}, "Accuracy by language"))
    out.append(svg_histogram(walls, "Latency per question (wall clock, ms)"))
    out.append("</div>")
    for title, key in GROUPS:
        groups = m.get(key) or {}
        if groups:
            out.append(f"<h2>Accuracy by {esc(title)}</h2>")
            out.append(_html_table([title, "n", "correct", "accuracy"],
                                   [[k, v["n"], v["correct"], pct(v["accuracy"])] for k, v in groups.items()]))
    out.append(html_warnings(m, list(warnings if warnings is not None else m.get("warnings") or [])))
    if not blind:
        fails = failed_items(items, results)
        out.append(f"<h2>Failed items ({len(fails)})</h2>")
        out += [_html_failure(it, r) for it, r in fails]
    out.append(f"<h2>Definitions</h2><pre>{esc(_definitions())}</pre>")
    out.append("</body></html>")
    return "\n".join(out)


__all__ = ["render_markdown", "render_html", "svg_bars", "svg_histogram", "histogram", "esc", "pct", "failed_items",
           "summary_rows", "baseline_rows", "BASELINE_HEAD", "expected_text", "answer_text", "warning_count",
           "html_head", "html_warnings"]
