"""Stage load: read one corpus file and decode it to text (→ RawDoc).

Supported: .txt/.md (encoding detection), .html/.htm (visible text, tables kept as labelled
rows), .pdf (text layer) and .docx (paragraphs and tables in document order). Every failure is
raised as :class:`LoadError` with a message naming the file and the reason; no library
exception escapes.
"""
from __future__ import annotations

import codecs
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from base.types import RawDoc

SUPPORTED_SUFFIXES: dict[str, str] = {
    ".txt": "txt",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


class LoadError(Exception):
    """A file could not be turned into text; ``str(err)`` names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"Cannot load {self.path}: {reason}")


# --------------------------------------------------------------------------- entry point


def load_file(path: Path, corpus_dir: Path | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> RawDoc:
    """Read ``path`` and return its text as a RawDoc, or raise LoadError. Errors name the file as
    the corpus knows it (relative path, or the bare name outside the corpus), never a server path."""
    path = Path(path)
    name = _rel_path(path, corpus_dir)
    try:
        return _load(path, name, max_bytes)
    except LoadError as e:
        if e.path == name:
            raise
        raise LoadError(name, e.reason) from e


def _load(path: Path, name: str, max_bytes: int) -> RawDoc:
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise LoadError(path, f"unsupported file type {path.suffix or '(no extension)'!r}; "
                              f"supported: {', '.join(sorted(SUPPORTED_SUFFIXES))}")
    data = _read_bytes(path, max_bytes)
    if not data.strip():
        raise LoadError(path, "the file is empty")
    extract = _EXTRACTORS[kind]
    try:
        text, encoding = extract(path, data)
    except LoadError:
        raise
    except Exception as exc:  # a library failed in an unforeseen way: wrap it, never leak it
        raise LoadError(path, f"could not read the {kind} content "
                              f"({type(exc).__name__}: {exc})") from exc
    text = normalize_newlines(text)
    if not _has_visible_text(text):
        raise LoadError(path, "the file contains no text (empty or whitespace only)")
    return RawDoc(path=name, text=text, kind=kind, encoding=encoding,
                  sha256=hashlib.sha256(data).hexdigest())


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read the raw bytes, refusing missing, non-regular and oversized files."""
    try:
        if not path.exists():
            raise LoadError(path, "the file does not exist")
        if not path.is_file():
            raise LoadError(path, "it is not a regular file")
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(path, f"the file is too large ({size:,} bytes; limit {max_bytes:,})")
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"the file could not be read ({exc.strerror or exc})") from exc


def _rel_path(path: Path, corpus_dir: Path | None) -> str:
    """Path relative to corpus_dir in posix form, or the bare file name outside it."""
    if corpus_dir is not None:
        try:
            return path.resolve().relative_to(Path(corpus_dir).resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return path.name


def normalize_newlines(text: str) -> str:
    """CRLF / CR / Unicode line separators → ``\\n``."""
    return re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", text)


def _has_visible_text(text: str) -> bool:
    return any(not ch.isspace() and ch not in "\ufeff\u200b" for ch in text)


# --------------------------------------------------------------------------- encodings

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_GB_ALIASES = {"gb2312", "gbk", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb18030"}


def sniff_bom(data: bytes) -> tuple[str, bytes] | None:
    """(encoding, bytes without BOM) when ``data`` starts with a Unicode BOM."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, data[len(bom):]
    return None


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes to (text, encoding name); raise ValueError when they are not text.

    Order: BOM → strict UTF-8 → declared charset (HTML) → strict GB18030 (superset of
    GBK/GB2312; statistical detectors misjudge short Chinese texts) → charset-normalizer.
    """
    bom = sniff_bom(data)
    if bom:
        name, body = bom
        try:
            text = body.decode(name.replace("-sig", ""), errors="strict")
        except UnicodeDecodeError as exc:
            raise ValueError(f"it starts with a {name} byte-order mark but is not valid "
                             f"{name} text (byte {exc.start})") from exc
        return _checked(text), name
    if b"\x00" in data:
        utf16 = utf16_without_bom(data)
        if utf16 is not None:
            return _checked(utf16[0]), utf16[1]
        raise ValueError("it looks like a binary file (contains NUL bytes)")
    # strict UTF-8 first even when a charset is declared: it practically never decodes
    # non-UTF-8 multibyte text, while pages that mis-declare their charset are common
    candidates = ["utf-8", _canonical_codec(declared) if declared else "", "gb18030"]
    for name in dict.fromkeys(c for c in candidates if c):
        try:
            text = data.decode(name, errors="strict")
        except (UnicodeDecodeError, LookupError):
            if name == "utf-8" and (text := nearly_utf8(data)) is not None:
                return _checked(text), "utf-8"
            continue
        if name == "gb18030" and not _plausible_chinese(text):
            continue
        return _checked(text), name
    return _detect_with_charset_normalizer(data)


def utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, codec) for UTF-16 text without a byte-order mark: its ASCII characters (digits, line
    breaks, punctuation) put NUL bytes on one side of the byte pairs only; None otherwise."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if min(even, odd) * 4 > max(even, odd):
        return None  # NULs on both sides alike: binary, not UTF-16 text (一 U+4E00 has one NUL byte)
    codec = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(codec, errors="strict")
    except UnicodeDecodeError:
        return None
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return (text, codec) if bad == 0 else None


def nearly_utf8(data: bytes, max_errors: int = 3) -> str | None:
    """UTF-8 text damaged in a few places (e.g. a character cut at the end of a scraped page),
    decoded with U+FFFD replacements; None when the bytes are not UTF-8 at all.

    Without this a nearly-UTF-8 Chinese text would pass strict GB18030 as mojibake.
    """
    text = data.decode("utf-8", errors="replace")
    errors = text.count("\ufffd")
    valid = sum(1 for ch in text if ord(ch) > 0x7F) - errors  # GBK read as UTF-8: ~all errors
    if 0 < errors <= max_errors and valid >= 3 * errors:
        return text
    return None


def _canonical_codec(label: str) -> str:
    """Python codec name for a declared charset; GB2312/GBK are read as their superset."""
    label = label.strip().strip("'\"").lower()
    if label in _GB_ALIASES:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return ""


def _detect_with_charset_normalizer(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.3:
        raise ValueError("it is not decodable text (binary data or an unknown encoding)")
    return _checked(str(best)), best.encoding


def _plausible_chinese(text: str) -> bool:
    """True when a GB18030 decoding consists of common characters (not mojibake/binary)."""
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return True
    common = sum(1 for ch in chars if ch.isascii() or "\u4e00" <= ch <= "\u9fff"
                 or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
                 or "\u2010" <= ch <= "\u206f" or ch in "·×÷°±")
    return common / len(chars) >= 0.95


def _checked(text: str) -> str:
    """Reject decoded text with more than 1% control / unassigned / private-use characters."""
    bad = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")
              and ch not in "\t\n\r\f\v")
    if text and bad / len(text) > 0.01:
        raise ValueError("it looks like a binary file (mostly control or undecodable bytes)")
    return text


# --------------------------------------------------------------------------- txt / md


def _extract_plain(path: Path, data: bytes) -> tuple[str, str]:
    try:
        return decode_text(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LoadError(path, str(exc)) from exc


# --------------------------------------------------------------------------- tables


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


def _span(value: object, limit: int) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return max(1, min(n, limit))


# --------------------------------------------------------------------------- html

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


def _extract_html(path: Path, data: bytes) -> tuple[str, str]:
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
    spec = [[(_html_cell_text(c), _span(c.get("colspan", 1), 100),
              _span(c.get("rowspan", 1), 10_000), (c.name or "").lower() == "th")
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


# --------------------------------------------------------------------------- pdf


def _extract_pdf(path: Path, data: bytes) -> tuple[str, str]:
    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        raise LoadError(path, "it is not a valid PDF (missing %PDF header; corrupt?)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(path, "the PDF is encrypted with a password")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(path, f"the PDF is corrupt or unreadable ({type(exc).__name__}: {exc})"
                        ) from exc
    if not pages:
        raise LoadError(path, "the PDF has no pages")
    if not any(_has_visible_text(p) for p in pages):
        raise LoadError(path, f"the PDF has no text layer (scanned?) in {len(pages)} page(s); "
                              "run OCR first")
    return "\n\n".join(p for p in pages if p), "pdf"


# --------------------------------------------------------------------------- docx


def _extract_docx(path: Path, data: bytes) -> tuple[str, str]:
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


_EXTRACTORS: dict[str, Callable[[Path, bytes], tuple[str, str]]] = {
    "txt": _extract_plain,
    "md": _extract_plain,
    "html": _extract_html,
    "pdf": _extract_pdf,
    "docx": _extract_docx,
}
