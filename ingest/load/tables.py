"""Tables of HTML and DOCX documents: cells with spans → a rectangular grid → one line per data
row, each value labelled with its column header (``<first>：<label2> <v2>；<label3> <v3>``)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """One grid slot of a table; ``origin`` identifies the source cell across its spans."""

    text: str
    origin: int
    header: bool = False  # a <th> (or a docx header-row cell)


_NUMBER = re.compile(r"[-+−]?(\d[\d,，]*(\.\d+)?|\.\d+)\s*[%％‰]?")


def _is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text.strip()))


def count_header_rows(grid: list[list[Cell]], marked: int = 0) -> int:
    """How many leading rows are headers.

    ``marked`` = rows flagged as headers by markup (<thead>, docx tblHeader). Otherwise rows
    made only of <th> cells count; failing that, a first row of short, non-numeric labels over
    rows that hold numbers is taken as the header (Word/CMS tables often use <td> for it).
    """
    if marked:
        return marked
    n = 0
    for row in grid:
        filled = [c for c in row if c.text]
        if filled and all(c.header for c in filled):
            n += 1
        else:
            break
    if n or len(grid) < 2:
        return n
    first = [c.text for c in _unique(grid[0])]
    if len(first) < 2 or not all(first[1:]) or any(_is_number(t) or len(t) > 30 for t in first):
        return 0
    numbers_below = any(_is_number(c.text) for row in grid[1:] for c in row[1:])
    return 1 if numbers_below else 0


def _unique(row: Iterable[Cell]) -> list[Cell]:
    """Cells of a row with colspan repeats removed (first grid slot kept)."""
    seen: set[int] = set()
    out = []
    for cell in row:
        if cell.origin not in seen:
            seen.add(cell.origin)
            out.append(cell)
    return out


def _column_labels(header: list[list[Cell]], width: int) -> list[str]:
    """Per-column label joining the distinct texts of all header rows."""
    labels = []
    for col in range(width):
        parts: list[str] = []
        for row in header:
            text = row[col].text if col < len(row) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        labels.append(" ".join(parts))
    return labels


def render_table(grid: list[list[Cell]], header_rows: int) -> list[str]:
    """Lines for a table: ``<first>：<label2> <v2>；<label3> <v3>`` per data row when there
    is a header, else the row's cells joined with ``；``."""
    width = max((len(r) for r in grid), default=0)
    labels = _column_labels(grid[:header_rows], width) if header_rows else []
    lines = []
    for row in grid[header_rows:]:
        line = _render_row(row, labels) if labels else "；".join(
            c.text for c in _unique(row) if c.text)
        if line:
            lines.append(line)
    if header_rows and not lines:  # a table of headers only: keep its text
        lines = ["；".join(c.text for c in _unique(r) if c.text) for r in grid[:header_rows]]
    return [ln for ln in lines if ln]


def _render_row(row: list[Cell], labels: list[str]) -> str:
    columns: dict[int, list[int]] = {}  # origin → grid columns it spans in this row
    for col, cell in enumerate(row):
        columns.setdefault(cell.origin, []).append(col)
    first = row[0].text if row else ""
    pairs: list[str] = []
    for cols in columns.values():
        cell = row[cols[0]]
        if cols[0] == 0 or not cell.text:
            continue
        label = "、".join(dict.fromkeys(labels[c] for c in cols if c < len(labels) and labels[c]))
        pairs.append(f"{label} {cell.text}" if label and label != cell.text else cell.text)
    if not pairs:
        return first
    body = "；".join(pairs)
    return f"{first}：{body}" if first else body


def build_grid(rows: list[list[tuple[str, int, int, bool]]]) -> list[list[Cell]]:
    """Expand (text, colspan, rowspan, is_header) cells into a rectangular grid of Cells."""
    grid: list[list[Cell | None]] = []
    origin = 0
    n_rows = len(rows)
    for r, cells in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        col = 0
        for text, colspan, rowspan, is_header in cells:
            while col < len(grid[r]) and grid[r][col] is not None:
                col += 1
            origin += 1
            cell = Cell(text, origin, is_header)
            for dr in range(max(1, min(rowspan, n_rows - r))):
                while len(grid) <= r + dr:
                    grid.append([])
                target = grid[r + dr]
                while len(target) < col + colspan:
                    target.append(None)
                for dc in range(colspan):
                    if target[col + dc] is None:
                        target[col + dc] = cell
            col += colspan
    width = max((len(r) for r in grid), default=0)
    blank = Cell("", -1)
    return [[c if c is not None else blank for c in row] + [blank] * (width - len(row))
            for row in grid]


def span_count(value: object, limit: int) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return max(1, min(n, limit))
