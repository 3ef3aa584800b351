"""Tables as the documents keep them: a header line of column labels and rows whose cells are
separated by spaces (a table copied into a text page), or rows the loader rendered as
"first：label value；label value". ``cell(text, pos, wanted)`` finds, for the row holding `pos`, the
cell under the column whose label shares the most words with `wanted` (责任单位, 完成期限 …)."""
from __future__ import annotations

import re
from dataclasses import dataclass

_LABEL = re.compile(r"^[\u4e00-\u9fff（）()、/]{2,10}$")
HEADER_LOOKBACK = 60  # lines searched above a row for its header


@dataclass(frozen=True)
class Cell:
    label: str
    value: str
    start: int
    end: int


def _line(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, len(text) if b < 0 else b


def _split(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans of the space-separated cells of text[a:b]."""
    return [(a + m.start(), a + m.end()) for m in re.finditer(r"\S+", text[a:b])]


def _header(text: str, row_start: int, width: int) -> list[str] | None:
    """The nearest line above `row_start` made of `width` short labels (序号 重点工作任务 主要责任单位 …)."""
    pos = row_start
    for _ in range(HEADER_LOOKBACK):
        if pos <= 0:
            return None
        a, b = _line(text, pos - 1)
        cells = text[a:b].split()
        if len(cells) == width and all(_LABEL.match(c) for c in cells):
            return cells
        pos = a
    return None


def text_row(text: str, pos: int) -> list[Cell] | None:
    """The cells of a space-separated table row holding `pos`, labelled by its header line."""
    a, b = _line(text, pos)
    spans = _split(text, a, b)
    if len(spans) < 3:
        return None
    labels = _header(text, a, len(spans))
    if not labels:
        return None
    return [Cell(lab, text[x:y], x, y) for lab, (x, y) in zip(labels, spans)]


def rendered_row(text: str, pos: int) -> list[Cell] | None:
    """The cells of a row rendered as "first：label value；label value" (tables of HTML/DOCX pages)."""
    a, b = _line(text, pos)
    line = text[a:b]
    head, sep, body = line.partition("：")
    if not sep or "；" not in body and " " not in body:
        return None
    out, off = [], a + len(head) + 1
    for part in body.split("；"):
        label, _, value = part.partition(" ")
        if value and _LABEL.match(label):
            x = off + len(label) + 1
            out.append(Cell(label, value, x, x + len(value)))
        off += len(part) + 1
    return out or None


def _overlap(a: str, b: str) -> int:
    return sum(1 for i in range(len(a) - 1) if a[i:i + 2] in b)


def cell(text: str, pos: int, wanted: str) -> Cell | None:
    """The cell of the row at `pos` whose column label best matches `wanted` (at least one shared
    pair of characters: 责任单位 ~ 主要责任单位)."""
    row = text_row(text, pos) or rendered_row(text, pos)
    if not row:
        return None
    best = max(row, key=lambda c: _overlap(c.label, wanted))
    return best if _overlap(best.label, wanted) else None
