"""DOCX → text: paragraphs and tables (labelled rows, ``ingest.load.tables``) in document order."""
from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from ingest.load.errors import LoadError
from ingest.load.tables import Cell, count_header_rows, render_table


def extract_docx(path: Path, data: bytes) -> tuple[str, str]:
    import zipfile

    try:
        import docx
        document = docx.Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(path, "it is not a valid .docx (corrupt, or not a Word 2007+ file)"
                        ) from exc
    except Exception as exc:
        raise LoadError(path, f"the .docx is corrupt or unreadable "
                              f"({type(exc).__name__}: {exc})") from exc
    return "\n\n".join(b for b in blocks if b.strip()), "docx"


def _docx_blocks(container) -> Iterator[str]:  # noqa: ANN001 - docx Document / _Cell
    """Paragraph texts and rendered tables in document order."""
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            lines = _docx_table_lines(item)
            if lines:
                yield "\n".join(lines)
        else:
            yield item.text.strip()


def _docx_table_lines(table) -> list[str]:  # noqa: ANN001 - docx Table
    from docx.oxml.ns import qn

    # keyed by the <w:tc> element itself (lxml reuses live proxies; id() of one is unstable)
    origins: dict[object, int] = {}
    texts: dict[object, str] = {}
    grid: list[list[Cell]] = []
    marked = 0
    for r, row in enumerate(table.rows):
        tr_pr = row._tr.trPr
        flag = tr_pr.find(qn("w:tblHeader")) if tr_pr is not None else None
        is_header = flag is not None and flag.get(qn("w:val"), "1") not in ("0", "false", "off")
        if is_header and r == marked:
            marked += 1
        cells = []
        for cell in row.cells:
            key = cell._tc
            if key not in origins:
                origins[key] = len(origins) + 1
                texts[key] = _docx_cell_text(cell)
            cells.append(Cell(texts[key], origins[key], is_header))
        grid.append(cells)
    width = max((len(r) for r in grid), default=0)
    grid = [r + [Cell("", -1)] * (width - len(r)) for r in grid]
    return render_table(grid, count_header_rows(grid, marked))


def _docx_cell_text(cell) -> str:  # noqa: ANN001 - docx _Cell
    parts = [" ".join(b.split("\n")) for b in _docx_blocks(cell)]
    return " ".join(p for p in parts if p)
