"""HTML of an answer's structured parts (overviews, comparisons …), when the Answer has them.

The Answer may carry, besides its text, an optional ``parts`` list:

- ``{"kind": "table", "columns": [...], "rows": [[cell, …], …], "title"?: str, "note"?: str}`` —
  e.g. an all-region comparison, one row per document. A cell is text (which may hold citation
  markers ``[n]``), a number, None, or ``{"text": str, "citations": [n, …]}``.
- ``{"kind": "sections", "items": [{"title", "text", "citations": [n…], "more": "…"}], "title"?}`` —
  e.g. an overview: the plan's top-level headings in order, each with its key figures and
  citations; ``more`` (text or a list of lines) is shown behind an expandable "more".
- ``{"kind": "text", "text": str, "citations"?: [n…]}`` — a paragraph.

Every string is escaped; markers become links to the answer's source cards (``ui.render``). A
part of an unknown kind or shape is skipped; when nothing renders, the caller shows the text.

The parts restructure the answer text's list (its "- " lines); the text's lines before the list (a
heading, an approach sentence) and after it (a caution such as 口径不同) are shown around the parts.
A section whose text is only its heading borrows the fuller list line that starts with it (the
line carries the section's key figures): an overview then loses nothing the text had.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping, Sequence

from ui import render as R

_LEADING_MARKERS = re.compile(r"^((?:\s*\[\d{1,3}\])*)[\s。．.：:，,；;]*")


def _markers(text: Any, citations: Iterable[Any] | None) -> str:
    """``text`` followed by a marker for each cited number it does not already show."""
    s = "" if text is None else str(text)
    extra = []
    for n in citations or []:
        if isinstance(n, int) and not isinstance(n, bool) and f"[{n}]" not in s:
            extra.append(f"[{n}]")
    return s + ("" if not extra else ("" if not s else " ") + "".join(extra))


def _cell(cell: Any, turn: int | str, valid: Sequence[int]) -> str:
    if isinstance(cell, Mapping):
        return R.link_markers(_markers(cell.get("text"), cell.get("citations")), turn, valid)
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return R.link_markers("" if cell is None else str(cell), turn, valid)


def table_part(part: Mapping[str, Any], turn: int | str, valid: Sequence[int]) -> str:
    columns = [str(c) for c in part.get("columns") or []]
    rows = [r for r in part.get("rows") or [] if isinstance(r, (list, tuple))]
    if not columns or not rows:
        return ""
    head = "".join(f"<th>{R.esc(c)}</th>" for c in columns)
    body = []
    for r in rows:
        cells = list(r)[:len(columns)] + [None] * max(0, len(columns) - len(r))
        body.append("<tr>" + "".join(f"<td>{_cell(c, turn, valid)}</td>" for c in cells) + "</tr>")
    title = f'<div class="pqa-part-title">{R.esc(part["title"])}</div>' if part.get("title") else ""
    note = f'<div class="pqa-part-note">{R.esc_lines(part["note"])}</div>' if part.get("note") else ""
    return (f'<div class="pqa-part pqa-part-table">{title}<div class="pqa-table-wrap">'
            f'<table class="pqa-table pqa-compare"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>{note}</div>')


def _more(more: Any, turn: int | str, valid: Sequence[int]) -> str:
    if isinstance(more, (list, tuple)):
        lines = [R.link_markers(str(x), turn, valid) for x in more if x not in (None, "")]
        inner = "".join(f"<li>{x}</li>" for x in lines)
        inner = f"<ul>{inner}</ul>" if inner else ""
    else:
        inner = R.link_markers(str(more), turn, valid) if more not in (None, "") else ""
    if not inner:
        return ""
    return (f'<details class="pqa-more"><summary>展开更多 / more</summary>'
            f'<div class="pqa-more-body">{inner}</div></details>')


def split_title(title: str, text: str) -> tuple[str, str]:
    """(title with the markers right after it, the rest) when ``text`` repeats ``title`` first."""
    if not title or not text.startswith(title):
        return title, text
    m = _LEADING_MARKERS.match(text[len(title):])
    return title + m.group(1).strip(), text[len(title) + m.end():]


def sections_part(part: Mapping[str, Any], turn: int | str, valid: Sequence[int],
                  lines: Sequence[str] = ()) -> str:
    items = [it for it in part.get("items") or [] if isinstance(it, Mapping)]
    if not items:
        return ""
    out = []
    for it in items:
        text = _markers(it.get("text"), it.get("citations"))
        text = next((ln for ln in lines if text and ln.startswith(text)), text)
        head, text = split_title(str(it.get("title") or ""), text)
        title = f'<div class="pqa-sec-title">{R.link_markers(head, turn, valid)}</div>' if head else ""
        body = f'<div class="pqa-sec-text">{R.link_markers(text, turn, valid)}</div>' if text else ""
        more = _more(it.get("more"), turn, valid)
        if title or body or more:
            out.append(f'<li class="pqa-sec">{title}{body}{more}</li>')
    if not out:
        return ""
    head = f'<div class="pqa-part-title">{R.esc(part["title"])}</div>' if part.get("title") else ""
    return f'<div class="pqa-part pqa-part-sections">{head}<ol class="pqa-sections">{"".join(out)}</ol></div>'


def text_part(part: Mapping[str, Any], turn: int | str, valid: Sequence[int]) -> str:
    text = _markers(part.get("text"), part.get("citations"))
    return f'<div class="pqa-part pqa-text">{R.link_markers(text, turn, valid)}</div>' if text else ""


RENDERERS = {"table": table_part, "sections": sections_part, "text": text_part}


def text_frame(text: str) -> tuple[list[str], list[str], list[str]]:
    """The answer text as (lines before its "- " list, the list items, lines after the list); all
    empty when the text has no list (the parts then stand for all of it)."""
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    idx = [i for i, ln in enumerate(lines) if ln.startswith(("- ", "• "))]
    if not idx:
        return [], [], []
    return lines[:idx[0]], [ln[2:].strip() for ln in lines[idx[0]:idx[-1] + 1]], lines[idx[-1] + 1:]


def parts_html(parts: Any, turn: int | str, valid: Sequence[int], text: str = "") -> str:
    """The parts as HTML, framed by the text's lines before and after its list ('' when no part
    renders)."""
    if not isinstance(parts, (list, tuple)):
        return ""
    lead, items, tail = text_frame(text)
    out = []
    for part in parts:
        fn = RENDERERS.get(part.get("kind")) if isinstance(part, Mapping) else None
        if fn is sections_part:
            out.append(sections_part(part, turn, valid, items))
        elif fn is not None:
            out.append(fn(part, turn, valid))
    body = "".join(x for x in out if x)
    if not body:
        return ""

    def para(lines: list[str], cls: str) -> str:
        return "".join(f'<div class="pqa-part pqa-text {cls}">{R.link_markers(ln, turn, valid)}</div>' for ln in lines)

    return para(lead, "pqa-lead") + body + para(tail, "pqa-tail")
