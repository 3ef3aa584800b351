"""PDF → text: the text layer of every page (no OCR), with the lines a PDF wrapped inside a
paragraph joined again."""
from __future__ import annotations

import io
import re
from pathlib import Path

from ingest.load.errors import LoadError
from ingest.load.text import has_visible_text


def extract_pdf(path: Path, data: bytes) -> tuple[str, str]:
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
    if not any(has_visible_text(p) for p in pages):
        raise LoadError(path, f"the PDF has no text layer (scanned?) in {len(pages)} page(s); "
                              "run OCR first")
    return reflow("\n\n".join(p for p in pages if p)), "pdf"


_LINE_END = "。！？；：:!?;”」』）)】"
_BREAK_BEFORE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、.．](?!\d)|"
                           r"第[一二三四五六七八九十百\d]+[章节条]|[①-⑳•·●■◆])")


REFLOW_MIN_LINES = 8
_CLOSING_QUOTES = "”」』"


def _ends_clause(line: str) -> bool:
    """A line ending a sentence or clause; a quotation closed without its sentence's end (构建“省级
    引领、市级支撑”|的创新平台矩阵) runs on."""
    if line[-1] in _CLOSING_QUOTES:
        return len(line) > 1 and line[-2] in _LINE_END
    return line[-1] in _LINE_END


_RUNS_ON = "，,、"
_PAIRS = ("《》", "“”", "（）", "()")


def _runs_on(line: str) -> bool:
    """A line that cannot end its paragraph, however short: it ends at a comma (去年,) or leaves a
    book title, a quotation or a bracket open (制定出台《义乌市“334” | 科技创新体系…行动方案》)."""
    return line[-1] in _RUNS_ON or any(line.count(a) > line.count(b) for a, b in _PAIRS)


def reflow(text: str) -> str:
    """Join the lines a PDF wrapped inside a paragraph: a full-width line (as long as the page's
    long lines) that does not end a sentence or clause continues on the next one, and so does any
    line that ends at a comma or leaves a title, quotation or bracket open, unless the next opens a
    heading or an item. Titles and short lines stay. Chinese text needs no space at the join."""
    lines = text.split("\n")
    lengths = sorted(len(ln.strip()) for ln in lines if ln.strip())
    if len(lengths) < REFLOW_MIN_LINES:
        return text  # too few lines to tell a page's width
    width = lengths[int(0.9 * (len(lengths) - 1))]
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() and line.strip() and not _ends_clause(out[-1].rstrip()) \
                and not _BREAK_BEFORE.match(line) \
                and (len(out[-1].strip()) >= max(12, 0.75 * width) or _runs_on(out[-1].rstrip())):
            prev = out[-1].rstrip()
            sep = " " if prev[-1].isascii() and line.lstrip()[:1].isascii() else ""
            out[-1] = prev + sep + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)
