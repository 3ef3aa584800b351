"""Metadata corrections (``corpus/metadata.toml``): reading, editing with tomlkit, and the form.

The file holds one table per document file name. An edit changes only the keys that changed, so
comments, blank lines and the order of everything else stay as a person wrote them; removing a
table keeps the comment lines that introduce the next one. Every write is checked to read back as
exactly the intended data before it atomically replaces the file; a file that does not parse is
never overwritten.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Mapping

import tomlkit
from tomlkit.items import Comment, Table, Whitespace

META_FIELDS = ["title", "region", "issuer", "date", "doc_no", "years", "kind", "aliases"]
OVERRIDE_FILE = "metadata.toml"
OVERRIDE_HEADER = ["Metadata corrections, one table per document file name (fields: title region issuer date",
                   "doc_no years kind aliases). Re-run `python -m ingest` after editing by hand."]
_SPLIT = re.compile(r"[\s,，、;；/|]+")


# ---------------------------------------------------------------- reading
def read_overrides(corpus_dir: Path) -> dict[str, Any]:
    p = Path(corpus_dir) / OVERRIDE_FILE
    if not p.exists():
        return {}
    return tomllib.loads(p.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- editing
def _trailing_trivia(table: Table) -> int:
    """Index in the table's body where its trailing comments and blank lines begin (they are the
    lines before the next table's header, which tomlkit files under this table)."""
    body = table.value.body
    i = len(body)
    while i > 0 and body[i - 1][0] is None and isinstance(body[i - 1][1], (Comment, Whitespace)):
        i -= 1
    return i


def _without(doc: tomlkit.TOMLDocument, name: str) -> tomlkit.TOMLDocument:
    """``doc`` without the table ``name``; the comment lines that introduced the next table stay."""
    out = tomlkit.document()
    out.parsing(True)  # keep the items' own spacing: add no blank lines of its own
    carry: list[Any] = []
    for key, item in doc.body:
        if key is not None and key.key == name and isinstance(item, Table):
            carry = [it for _, it in item.value.body[_trailing_trivia(item):]]
            while carry and isinstance(carry[0], Whitespace):  # the blank line before is already there
                carry.pop(0)
            continue
        if key is not None and carry:
            for it in carry:
                out.append(None, it)
            carry = []
        out.append(key, item)
    for it in carry:
        out.append(None, it)
    out.parsing(False)
    return out


def _update(table: Table, new: Mapping[str, Any]) -> None:
    """Set changed keys, drop missing ones; unchanged keys keep their inline comments."""
    for k in [k for k in table if k not in new]:
        del table[k]
    for k, v in new.items():
        if k not in table or table[k] != v:
            table[k] = v


def set_table_text(text: str, doc: str, table: Mapping[str, Any] | None) -> str:
    """``text`` (a metadata.toml) with the table of ``doc`` set to ``table`` (removed when None or
    empty, appended when absent)."""
    document = tomlkit.parse(text)
    if not table:
        return tomlkit.dumps(_without(document, doc)) if doc in document else text
    if doc in document and isinstance(document[doc], Table):
        _update(document[doc], table)
    else:
        if not text.strip():
            for line in OVERRIDE_HEADER:
                document.add(tomlkit.comment(line))
            document.add(tomlkit.nl())
        new = tomlkit.table()
        for k, v in table.items():
            new[k] = v
        document[doc] = new
    return tomlkit.dumps(document)


def write_override_table(corpus_dir: Path, doc: str, table: Mapping[str, Any] | None) -> Path:
    """Set (or with None remove) one document's table in ``metadata.toml``, keeping the rest of the
    file as written. Raises on an unreadable existing file (left for a person to fix)."""
    p = Path(corpus_dir) / OVERRIDE_FILE
    old_text = p.read_text(encoding="utf-8") if p.exists() else ""
    old = tomllib.loads(old_text)
    new_text = set_table_text(old_text, doc, table)
    expected = dict(old)
    if table:
        expected[doc] = dict(table)
    else:
        expected.pop(doc, None)
    if tomllib.loads(new_text) != expected:
        raise ValueError(f"{OVERRIDE_FILE}: the edited file would not read back as intended; not written")
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    tmp.write_text(new_text, encoding="utf-8")
    os.replace(tmp, p)
    return p


# ---------------------------------------------------------------- the form
def check_date(raw: str) -> str:
    """``yyyy``, ``yyyy-mm`` or ``yyyy-mm-dd`` of a real calendar date (2024-13-45 is refused);
    1 or 2 digit months/days are padded. Raises ValueError with a message for the form."""
    m = re.fullmatch(r"((?:19|20)\d{2})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", raw)
    if not m:
        raise ValueError(f"日期格式不对：{raw!r}（例如 2024-02-27 或 2024-02 或 2024）/ bad date")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        dt.date(year, int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"日期不存在：{raw!r}（月份 1–12，日期须在该月之内）/ no such date") from None
    out = f"{year:04d}"
    if month:
        out += f"-{int(month):02d}"
    if day:
        out += f"-{int(day):02d}"
    return out


def parse_meta_form(values: Mapping[str, str]) -> dict[str, Any]:
    """Form strings → typed metadata values ('' → None). Raises ValueError on bad input."""
    out: dict[str, Any] = {}
    for f in META_FIELDS:
        raw = (values.get(f) or "").strip()
        if f == "years":
            ys = []
            for w in (w for w in _SPLIT.split(raw) if w):
                w = w.rstrip("年")
                if not re.fullmatch(r"(?:19|20)\d{2}", w):
                    raise ValueError(f"年份格式不对：{w!r}（例如 2023, 2024）")
                ys.append(int(w))
            out[f] = ys or None
        elif f == "aliases":
            out[f] = [w for w in _SPLIT.split(raw) if w] or None
        elif f == "date":
            out[f] = check_date(raw) if raw else None
        else:
            if len(raw) > 200:
                raise ValueError(f"{f} 过长（最多 200 字）")
            out[f] = raw or None
    return out


def merge_override(existing: Mapping[str, Any] | None, current: Mapping[str, Any],
                   form: Mapping[str, Any]) -> dict[str, Any]:
    """The new override table of one document.

    ``current`` = the metadata now in the index (automatic values with any override applied),
    ``form`` = the parsed form. A field left empty drops its override (back to the automatic
    value); a field equal to the current value keeps its existing override, if any; a changed
    field is written.
    """
    table = dict(existing or {})
    for f in META_FIELDS:
        new = form.get(f)
        cur = current.get(f)
        if f in ("years", "aliases"):
            cur = list(cur or []) or None
        if new is None:
            table.pop(f, None)
        elif new != cur:
            table[f] = new
    return table
