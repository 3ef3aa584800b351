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
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from ui import render as R


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


def sections_part(part: Mapping[str, Any], turn: int | str, valid: Sequence[int]) -> str:
    items = [it for it in part.get("items") or [] if isinstance(it, Mapping)]
    if not items:
        return ""
    out = []
    for it in items:
        title = f'<div class="pqa-sec-title">{R.esc(it["title"])}</div>' if it.get("title") else ""
        text = _markers(it.get("text"), it.get("citations"))
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


def parts_html(parts: Any, turn: int | str, valid: Sequence[int]) -> str:
    """The parts as HTML ('' when there are none that render)."""
    if not isinstance(parts, (list, tuple)):
        return ""
    out = []
    for part in parts:
        fn = RENDERERS.get(part.get("kind")) if isinstance(part, Mapping) else None
        if fn is not None:
            out.append(fn(part, turn, valid))
    return "".join(x for x in out if x)
