"""Pure HTML render helpers of the web app (no Gradio, no I/O).

Every string that comes from a document, from metadata or from a user goes through :func:`esc`
before it is put into markup, so a document containing ``<script>`` or ``<img onerror=…>`` is
shown as text. The functions return single-line HTML (newlines become ``<br>``): Gradio's
Chatbot renders messages as Markdown, and an HTML block without blank lines is passed through
as HTML rather than re-interpreted as Markdown.
"""
from __future__ import annotations

import html
import math
import re
from typing import Any, Callable, Iterable, Mapping, Sequence

from base.text import SENT_END

ANSWERER_LABELS = {
    "extractive": "抽取式（原文摘录） / extractive",
    "llm": "大模型生成 / LLM",
}

_MARKER_RE = re.compile(r"\[(\d{1,3})\]")
_BOUNDARY = SENT_END

TextOf = Callable[[str], "str | None"] | Mapping[str, str] | None


# ---------------------------------------------------------------- basics
def esc(value: Any) -> str:
    """HTML-escape any value (None → empty string); quotes are escaped too."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


_BLANK_LINES = re.compile(r"\n[ \t\u3000]*(?:\n[ \t\u3000]*)+")


def esc_lines(value: Any) -> str:
    """Escape and turn line breaks into ``<br>`` (runs of blank lines count as one break; the
    result has no newline characters)."""
    s = esc(value).replace("\r\n", "\n").replace("\r", "\n")
    s = _BLANK_LINES.sub("\n", s)
    return "<br>".join(s.split("\n"))


def _one_line(s: str) -> str:
    return s.replace("\r", "").replace("\n", "")


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _text_of(text_of: TextOf, doc: str) -> str | None:
    if text_of is None:
        return None
    if callable(text_of):
        try:
            return text_of(doc)
        except (KeyError, LookupError):
            return None
    return text_of.get(doc)


def anchor_id(prefix: str, turn: int | str, n: int | str) -> str:
    """Element id of a source card: ``src-<turn>-<n>`` (only [A-Za-z0-9-] characters)."""
    safe = re.sub(r"[^A-Za-z0-9-]", "-", f"{prefix}-{turn}-{n}")
    return safe


# ---------------------------------------------------------------- quotes in context
def locate(text: str | None, quote: str, start: int | None = None, end: int | None = None) -> tuple[int, int] | None:
    """The span of ``quote`` in ``text``: the given offsets when they hold the quote, else the
    first occurrence; None when the quote is not in the text."""
    if not text or not quote:
        return None
    if start is not None and end is not None and 0 <= start < end <= len(text) and text[start:end] == quote:
        return start, end
    i = text.find(quote)
    if i >= 0:
        return i, i + len(quote)
    return None


def context_bounds(text: str, start: int, end: int, context: int = 80) -> tuple[int, int]:
    """A window of about ``context`` characters on each side of [start, end), trimmed so that it
    starts and ends at sentence boundaries when one lies inside the window."""
    a = max(0, start - context)
    b = min(len(text), end + context)
    if a > 0:
        pre = text[a:start]
        # drop the partial sentence at the window's start: keep what follows the first boundary
        k = min((pre.find(ch) for ch in _BOUNDARY if pre.find(ch) != -1), default=-1)
        if k != -1 and k < len(pre) - 1:
            a += k + 1
        elif k == len(pre) - 1:
            a = start  # only a partial sentence before the quote: show none of it
    if b < len(text):
        post = text[end:b]
        k = max(post.rfind(ch) for ch in _BOUNDARY)
        if k > 0:
            b = end + k + 1
        elif k == 0:
            b = end + 1
    # never start or end inside whitespace runs
    while a < start and text[a].isspace():
        a += 1
    while b > end and text[b - 1].isspace():
        b -= 1
    return a, b


def highlight(text: str | None, quote: str, start: int | None = None, end: int | None = None,
              context: int = 80) -> str:
    """HTML of the quote marked with ``<mark>`` inside some surrounding document text.

    Falls back to the quote alone (still marked) when the quote cannot be found in the text.
    """
    span = locate(text, quote, start, end)
    if span is None or text is None:
        return f'<mark class="pqa-hl">{esc_lines(quote)}</mark>'
    s, e = span
    a, b = context_bounds(text, s, e, context)
    pre, mid, post = text[a:s], text[s:e], text[e:b]
    lead = "…" if a > 0 and text[a - 1] not in _BOUNDARY else ""
    tail = "…" if b < len(text) and text[b - 1] not in _BOUNDARY else ""
    return (f'{lead}{esc_lines(pre)}<mark class="pqa-hl">{esc_lines(mid)}</mark>'
            f'{esc_lines(post)}{tail}')


# ---------------------------------------------------------------- answers
def link_markers(answer: str, turn: int | str, valid: Iterable[int], prefix: str = "src") -> str:
    """Escape the answer text and turn each citation marker ``[n]`` that has a card into a link
    to that card (``href="#src-<turn>-<n>"``). Unknown markers stay plain text."""
    ok = set(valid)

    def repl(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n not in ok:
            return m.group(0)
        aid = anchor_id(prefix, turn, n)
        return (f'<a class="pqa-cite" href="#{aid}" title="查看来源 {n} / show source {n}">'
                f'[{n}]</a>')

    return _MARKER_RE.sub(repl, esc_lines(answer))


def source_card(c: Any, turn: int | str, text_of: TextOf = None, prefix: str = "src",
                context: int = 80) -> str:
    """One numbered source card: title, region, issuer, date, section, quote in context."""
    n = _get(c, "n")
    doc = _get(c, "doc") or ""
    title = _get(c, "title") or doc
    region = _get(c, "region") or "地区未注明"
    meta = [esc(region)]
    if _get(c, "issuer"):
        meta.append(esc(_get(c, "issuer")))
    if _get(c, "date"):
        meta.append(esc(_get(c, "date")))
    section = _get(c, "section") or ""
    quote = _get(c, "quote") or ""
    body = highlight(_text_of(text_of, doc), quote, _get(c, "start"), _get(c, "end"), context)
    kind = "pqa-related" if prefix == "rel" else "pqa-source"
    return _one_line(
        f'<div class="pqa-card {kind}" id="{anchor_id(prefix, turn, n)}">'
        f'<div class="pqa-card-head"><span class="pqa-n">[{esc(n)}]</span> '
        f'<span class="pqa-title">{esc(title)}</span></div>'
        f'<div class="pqa-card-meta">{" · ".join(meta)}</div>'
        + (f'<div class="pqa-card-sec">章节：{esc(section)}</div>' if section else "")
        + f'<blockquote class="pqa-quote">{body}</blockquote>'
        f'<div class="pqa-card-file">文件：{esc(doc)}</div>'
        f'</div>')


def answerer_label(answerer: str | None) -> str:
    return ANSWERER_LABELS.get(answerer or "", answerer or "未知")


def _parts_html(parts: Any, turn: int | str, valid: list[int], text: str) -> str:
    from ui.parts import parts_html

    return f'<div class="pqa-parts">{html_}</div>' if (html_ := parts_html(parts, turn, valid, text)) else ""


def answer_html(ans: Any, turn: int | str, text_of: TextOf = None) -> str:
    """The full assistant message: status badge, answer with linked markers (or its structured
    parts: tables, sections — ``ui.parts``), notice, numbered source cards, related passages
    (labelled as such) and which answerer produced it."""
    refused = bool(_get(ans, "refused"))
    citations = list(_get(ans, "citations") or [])
    related = list(_get(ans, "related") or [])
    parts = ['<div class="pqa-answer">']
    if refused:
        parts.append('<div class="pqa-badge pqa-refused">未能从资料中找到答案 · Not answered from the documents</div>')
    valid = [_get(c, "n") for c in citations]
    body = "" if refused else _parts_html(_get(ans, "parts"), turn, valid, _get(ans, "answer") or "")
    parts.append(body or f'<div class="pqa-text">{link_markers(_get(ans, "answer") or "", turn, valid)}</div>')
    if _get(ans, "notice"):
        parts.append(f'<div class="pqa-notice">注意：{esc_lines(_get(ans, "notice"))}</div>')
    if citations:
        parts.append(f'<div class="pqa-cards-head">来源（{len(citations)}）/ Sources</div>')
        parts.extend(source_card(c, turn, text_of) for c in citations)
    if related:
        parts.append('<div class="pqa-cards-head pqa-related-head">相关段落（仅供参考，不是答案）'
                     ' / Related passages — not an answer</div>')
        parts.extend(source_card(c, turn, text_of, prefix="rel") for c in related)
    latency = _get(ans, "latency_ms") or 0.0
    parts.append(f'<div class="pqa-foot">回答方式 / answerer：{esc(answerer_label(_get(ans, "answerer")))}'
                 f' · 用时 {latency / 1000:.1f} s</div>')
    parts.append("</div>")
    return _one_line("".join(parts))


def question_html(question: str) -> str:
    return f'<div class="pqa-q">{esc_lines(question)}</div>'


def pending_html(partial: str = "") -> str:
    """The message while an answer is being produced (streamed text, escaped)."""
    if not partial:
        return '<div class="pqa-answer pqa-pending">正在检索资料… / searching…</div>'
    return f'<div class="pqa-answer pqa-pending"><div class="pqa-text">{esc_lines(partial)}</div></div>'


def message_html(text: str, kind: str = "error") -> str:
    """A status line (kind: error | info | ok | warn)."""
    k = kind if kind in ("error", "info", "ok", "warn") else "info"
    return _one_line(f'<div class="pqa-msg pqa-msg-{k}">{esc_lines(text)}</div>') if text else ""


# ---------------------------------------------------------------- policy finder
def policy_html(groups: Sequence[Mapping[str, Any]], text_of: TextOf = None, heading: str = "") -> str:
    """Support measures grouped by document; each item with its quote in context."""
    if not groups:
        return message_html("没有找到匹配的支持措施。可减少筛选条件或换个关键词。/ No matching support measures found.", "warn")
    total = sum(len(g["items"]) for g in groups)
    parts = ['<div class="pqa-policy">']
    if heading:
        parts.append(f'<div class="pqa-policy-sum">{esc(heading)}</div>')
    parts.append(f'<div class="pqa-policy-sum">共 {total} 条措施，来自 {len(groups)} 份文件</div>')
    for gi, g in enumerate(groups, 1):
        meta = " · ".join(esc(x) for x in (g.get("region") or "地区未注明", g.get("issuer"), g.get("date")) if x)
        parts.append(f'<div class="pqa-doc-group"><div class="pqa-doc-head">{gi}. '
                     f'<span class="pqa-title">{esc(g.get("title") or g.get("doc"))}</span>'
                     f'<span class="pqa-card-meta"> {meta} · 文件：{esc(g.get("doc"))}</span></div>')
        for it in g["items"]:
            tags = "".join(f'<span class="pqa-tag">{esc(t)}</span>' for t in it.get("matched", []))
            parts.append(
                '<div class="pqa-card pqa-source">'
                + (f'<div class="pqa-card-sec">章节：{esc(it.get("section"))}</div>' if it.get("section") else "")
                + f'<blockquote class="pqa-quote">{highlight(_text_of(text_of, g["doc"]), it["quote"], it.get("start"), it.get("end"), 40)}</blockquote>'
                f'<div class="pqa-tags">{tags}</div></div>')
        parts.append("</div>")
    parts.append("</div>")
    return _one_line("".join(parts))


def policy_markdown(groups: Sequence[Mapping[str, Any]], heading: str = "") -> str:
    """The policy finder's result as a Markdown document (for download)."""
    lines = [f"# 政策匹配结果 {heading}".rstrip(), ""]
    if not groups:
        lines.append("没有找到匹配的支持措施。")
    for gi, g in enumerate(groups, 1):
        lines.append(f"## {gi}. {g.get('title') or g.get('doc')}")
        meta = " · ".join(str(x) for x in (g.get("region") or "地区未注明", g.get("issuer"), g.get("date")) if x)
        lines.append(f"{meta} · 文件：{g.get('doc')}")
        lines.append("")
        for it in g["items"]:
            sec = f"（{it['section']}）" if it.get("section") else ""
            quote = " ".join(it["quote"].split())
            lines.append(f"- {quote} {sec}".rstrip())
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- targets
def _fmt_number(v: float) -> str:
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e8:
        return f"{v / 1e8:.4g}亿"
    if a >= 1e4:
        return f"{v / 1e4:.4g}万"
    return f"{v:.4g}"


def bar_chart_svg(bars: Sequence[Mapping[str, Any]], title: str = "", unit: str = "") -> str:
    """Horizontal bar chart as inline SVG. Each bar: label, value (number), display (text shown
    at the bar's end), n (row number in the quote table under the chart), quote (tooltip)."""
    if not bars:
        return message_html("没有可比较的数值指标。/ Nothing to chart.", "warn")
    label_w, bar_w, row_h, top = 260, 380, 30, 34 if title else 10
    width = label_w + bar_w + 140
    height = top + row_h * len(bars) + 10
    vmax = max((b["value"] for b in bars if b.get("value") is not None and math.isfinite(b["value"])), default=0) or 1
    out = [f'<svg class="pqa-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">']
    if title:
        out.append(f'<text x="4" y="20" font-size="15" font-weight="bold" fill="#222">{esc(title)}'
                   f'{esc(f"（{unit}）") if unit else ""}</text>')
    for i, b in enumerate(bars):
        y = top + i * row_h
        v = b.get("value") or 0.0
        w = max(2.0, bar_w * (v / vmax)) if v > 0 else 2.0
        label = str(b.get("label", ""))
        if len(label) > 20:
            label = label[:19] + "…"
        tip = f"#{b.get('n')} {b.get('label', '')}: {b.get('display', '')} — {b.get('quote', '')}"
        out.append(f'<g class="pqa-bar"><title>{esc(tip)}</title>'
                   f'<text x="{label_w - 8}" y="{y + 19}" font-size="13" text-anchor="end" fill="#333">'
                   f'#{esc(b.get("n"))} {esc(label)}</text>'
                   f'<rect x="{label_w}" y="{y + 5}" width="{w:.1f}" height="{row_h - 10}" rx="3" fill="{esc(b.get("color") or "#3b82f6")}"/>'
                   f'<text x="{label_w + w + 6:.1f}" y="{y + 19}" font-size="13" fill="#111">'
                   f'{esc(b.get("display") or _fmt_number(v))}</text></g>')
    out.append("</svg>")
    return _one_line("".join(out))


def table_html(rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]],
               html_columns: Iterable[str] = (), css_class: str = "pqa-table") -> str:
    """A plain HTML table; every cell escaped except columns named in ``html_columns`` (whose
    values the caller has built from escaped parts)."""
    raw = set(html_columns)
    head = "".join(f"<th>{esc(label)}</th>" for _, label in columns)
    body = []
    for r in rows:
        cells = "".join(f"<td>{r.get(k, '') if k in raw else esc_lines(r.get(k, ''))}</td>" for k, _ in columns)
        body.append(f"<tr>{cells}</tr>")
    return _one_line(f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def quotes_table(bars: Sequence[Mapping[str, Any]], text_of: TextOf = None) -> str:
    """The table under the chart: one row per bar with the quote it comes from."""
    rows = []
    for b in bars:
        t = b.get("target", {})
        rows.append({
            "n": f"#{b.get('n')}",
            "region": t.get("region") or "",
            "year": t.get("year") or "",
            "indicator": t.get("indicator") or "",
            "value": f"{t.get('comparator') or ''}{t.get('value') or ''}{t.get('unit') or ''}",
            "doc": t.get("title") or t.get("doc") or "",
            "section": t.get("section") or "",
            "quote": highlight(_text_of(text_of, t.get("doc", "")), t.get("quote", ""), t.get("start"), t.get("end"), 30),
        })
    cols = [("n", "#"), ("region", "地区"), ("year", "年份"), ("indicator", "指标"), ("value", "目标值"),
            ("doc", "文件"), ("section", "章节"), ("quote", "原文（高亮为引用）")]
    return table_html(rows, cols, html_columns=["quote"])


# ---------------------------------------------------------------- evaluation
def _flatten(d: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.extend(_flatten(v, key + "."))
        else:
            out.append((key, v))
    return out


def _fmt_metric(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 1000 else f"{v:.0f}"
    if isinstance(v, (list, tuple)):
        return ", ".join(_fmt_metric(x) for x in v)
    return "—" if v is None else str(v)


def metrics_html(metrics: Mapping[str, Any]) -> str:
    """Metrics (nested dict) as a two-column table."""
    if not metrics:
        return message_html("没有指标。/ No metrics.", "warn")
    rows = [{"k": k, "v": _fmt_metric(v)} for k, v in _flatten(metrics)]
    return table_html(rows, [("k", "指标 / metric"), ("v", "数值 / value")], css_class="pqa-table pqa-metrics")
