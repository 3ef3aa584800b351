"""HTML → visible text: blocks on their own lines, hidden and non-content elements dropped, data
tables as labelled rows (``ingest.load.tables``), layout tables as the blocks of their cells."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from ingest.load.errors import LoadError
from ingest.load.tables import build_grid, count_header_rows, render_table, span_count
from ingest.load.text import decode_text


_DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "head", "svg", "math", "nav", "select",
    "datalist", "iframe", "object", "embed", "canvas", "audio", "video", "map", "button",
    "input", "textarea",
})
_PARAGRAPH_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre", "blockquote", "ul", "ol", "dl",
    "hr", "figure", "form", "fieldset", "address",
})
_BLOCK_TAGS = frozenset({
    "article", "aside", "body", "caption", "center", "dd", "details", "dialog", "div", "dt",
    "figcaption", "footer", "header", "hgroup", "html", "li", "main", "section", "summary",
    "tr", "td", "th", "tbody", "thead", "tfoot", "legend", "option", "menu",
})
_LINE = "\ue000"  # private-use markers for line / paragraph breaks during rendering
_PARA = "\ue001"
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WS_RUN = re.compile(r"[ \t\n\r\f]+")


def sniff_html_charset(data: bytes) -> str | None:
    """The charset declared by <meta charset> / http-equiv in the first 4 KB, if any."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "ignore") if m else None


def extract_html(path: Path, data: bytes) -> tuple[str, str]:
    try:
        markup, encoding = decode_text(data, declared=sniff_html_charset(data))
    except (ValueError, UnicodeDecodeError) as exc:
        raise LoadError(path, str(exc)) from exc
    return html_to_text(markup), encoding


def html_to_text(markup: str) -> str:
    """Visible text of an HTML document: blocks on their own lines, tables as labelled rows."""
    soup = BeautifulSoup(markup, "lxml")
    out: list[str] = []
    _render_node(soup, out)
    return _finish_html_text("".join(out))


def _is_hidden(tag: Tag) -> bool:
    attrs = tag.attrs or {}
    return "hidden" in attrs or bool(_HIDDEN_STYLE.search(str(attrs.get("style", ""))))


def _render_node(node: Tag, out: list[str]) -> None:
    """Append the visible text of ``node``'s children, with break markers, to ``out``."""
    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, PreformattedString):  # comments, CDATA, doctype …
                out.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = (child.name or "").lower()
        if name in _DROP_TAGS or _is_hidden(child):
            continue
        if name == "br":
            out.append(_LINE)
        elif name == "table":
            out.append(_PARA + _LINE.join(_html_table_lines(child)) + _PARA)
        elif name == "pre":
            out.append(_PARA + child.get_text().replace("\n", _LINE) + _PARA)
        elif name in _PARAGRAPH_TAGS:
            out.append(_PARA)
            _render_node(child, out)
            out.append(_PARA)
        elif name in _BLOCK_TAGS:
            out.append(_LINE)
            _render_node(child, out)
            out.append(_LINE)
        else:
            _render_node(child, out)


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def collapse_html_space(text: str) -> str:
    """HTML white-space collapsing; a source line break between two CJK characters vanishes."""
    def repl(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if "\n" in m.group() and before and after and _is_wide(before) and _is_wide(after):
            return ""
        return " "
    return _WS_RUN.sub(repl, text)


def _finish_html_text(raw: str) -> str:
    text = collapse_html_space(raw.replace("\xa0", " "))
    text = text.replace(_PARA, "\n\n").replace(_LINE, "\n")
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _html_cell_text(cell: Tag) -> str:
    out: list[str] = []
    _render_node(cell, out)
    return " ".join(ln for ln in _finish_html_text("".join(out)).split("\n") if ln)


def _html_table_rows(table: Tag) -> list[Tag]:
    """<tr> elements of this table (not of nested tables), in order."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _is_layout_table(table: Tag, rows: list[Tag]) -> bool:
    """Tables used for page layout (nested tables, one column, long prose cells)."""
    if any(t.find_parent("table") is table for t in table.find_all("table")):
        return True
    widths = [len(tr.find_all(["td", "th"], recursive=False)) for tr in rows]
    if max(widths, default=0) <= 1:
        return True
    return any(len(c.get_text(strip=True)) > 300
               for tr in rows for c in tr.find_all(["td", "th"], recursive=False))


def _html_table_lines(table: Tag) -> list[str]:
    """A data table as labelled rows; a layout table as the blocks of its cells."""
    rows = _html_table_rows(table)
    caption = table.find("caption")
    head = [_html_cell_text(caption)] if caption is not None and caption.find_parent(
        "table") is table else []
    if _is_layout_table(table, rows):
        blocks = [_layout_cell_text(c)
                  for tr in rows for c in tr.find_all(["td", "th"], recursive=False)]
        return head + [b for b in blocks if b]
    spec = [[(_html_cell_text(c), span_count(c.get("colspan", 1), 100),
              span_count(c.get("rowspan", 1), 10_000), (c.name or "").lower() == "th")
             for c in tr.find_all(["td", "th"], recursive=False)] for tr in rows]
    grid = build_grid(spec)
    marked = sum(1 for tr in rows if tr.find_parent("thead") is not None
                 and tr.find_parent("table") is table)
    return head + render_table(grid, count_header_rows(grid, marked))


def _layout_cell_text(cell: Tag) -> str:
    """A layout cell rendered as ordinary blocks (its lines kept)."""
    out: list[str] = []
    _render_node(cell, out)
    return _finish_html_text("".join(out)).replace("\n\n", _PARA).replace("\n", _LINE)
