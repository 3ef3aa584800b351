"""Stage load: read one corpus file and decode it to text (→ RawDoc).

Supported: .txt/.md (encoding detection), .html/.htm (visible text, tables kept as labelled
rows), .pdf (text layer) and .docx (paragraphs and tables in document order). Every failure is
raised as :class:`LoadError` with a message naming the file and the reason; no library
exception escapes.

Modules: ``text`` (encoding detection, plain text), ``tables`` (grids with spans → labelled rows,
shared by HTML and DOCX), ``html``, ``pdf`` (text layer, line reflow), ``docx``.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from base.types import RawDoc
from ingest.load.docx import extract_docx
from ingest.load.errors import LoadError
from ingest.load.html import extract_html
from ingest.load.pdf import extract_pdf
from ingest.load.text import extract_plain, has_visible_text, normalize_newlines

__all__ = ["SUPPORTED_SUFFIXES", "DEFAULT_MAX_BYTES", "LoadError", "load_file"]

SUPPORTED_SUFFIXES: dict[str, str] = {
    ".txt": "txt",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

_EXTRACTORS: dict[str, Callable[[Path, bytes], tuple[str, str]]] = {
    "txt": extract_plain,
    "md": extract_plain,
    "html": extract_html,
    "pdf": extract_pdf,
    "docx": extract_docx,
}


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
    if not has_visible_text(text):
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
