"""Load and validate QA files (shared/qa_schema.md).

``python -m evals validate FILE [FILE ...] [--corpus DIR]`` checks every item's format, unique ids,
valid types, evidence quoted verbatim from the named documents' visible text (the text the
assistant cites: ``ingest.clean.clean(ingest.load.load_file(path, corpus_dir)).text``) and that
``must_include`` / ``any_of`` are satisfied by the gold ``answer``; it prints counts by type,
language and document and exits non-zero when anything is wrong.
"""
from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from .metrics import any_of_groups, contains, item_lang, missing_terms

TYPES = ("numeric", "entity", "list", "policy", "comparison", "date", "yes_no", "unanswerable", "followup")
LANGS = ("zh", "en")
EVIDENCE_MIN, EVIDENCE_MAX = 10, 80
COPIED_MIN = 12  # a question this long found verbatim in a document is flagged as copied


class QAFileError(ValueError):
    """A QA file cannot be read at all (missing, not JSON lines)."""


@dataclass
class Problem:
    where: str  # "file:line [id]"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Report:
    items: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------- reading


def read_jsonl(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """(line number, object) pairs of a JSON-lines file, and problems with unreadable lines."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise QAFileError(f"{path}: no such file") from e
    except (OSError, UnicodeDecodeError) as e:
        raise QAFileError(f"{path}: cannot be read ({e})") from e
    rows, problems = [], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(Problem(f"{path.name}:{n}", f"not valid JSON ({e.msg} at column {e.colno})"))
            continue
        if not isinstance(obj, dict):
            problems.append(Problem(f"{path.name}:{n}", "a line must hold one JSON object"))
            continue
        rows.append((n, obj))
    return rows, problems


def load_items(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Items of one or more QA files, in order (no validation; raises QAFileError if unreadable)."""
    out = []
    for p in paths:
        rows, problems = read_jsonl(Path(p))
        if problems:
            raise QAFileError("; ".join(str(x) for x in problems))
        out += [obj for _, obj in rows]
    return out


@lru_cache(maxsize=64)
def _visible_text(path: str, corpus_dir: str) -> str:
    from ingest.clean import clean
    from ingest.load import load_file

    return clean(load_file(Path(path), Path(corpus_dir))).text


def corpus_texts(corpus_dir: Path) -> Callable[[str], str | None]:
    """A lookup doc name → visible text (None when the document does not exist / cannot load)."""
    corpus_dir = Path(corpus_dir)

    def text_of(name: str) -> str | None:
        p = corpus_dir / name
        if not p.is_file():
            return None
        try:
            return _visible_text(str(p.resolve()), str(corpus_dir.resolve()))
        except Exception:  # noqa: BLE001 - reported as a missing document
            return None

    return text_of


# ---------------------------------------------------------------- checks


def _is_str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def check_format(item: Mapping[str, Any]) -> list[str]:
    """Schema problems of one item (no corpus access)."""
    errs: list[str] = []
    for key in ("id", "question", "answer", "type"):
        if not isinstance(item.get(key), str) or not item.get(key, "").strip():
            errs.append(f"`{key}` must be a non-empty string")
    if item.get("type") not in TYPES and isinstance(item.get("type"), str):
        errs.append(f"unknown type {item.get('type')!r} (valid: {', '.join(TYPES)})")
    for key in ("must_include", "docs", "evidence"):
        if not _is_str_list(item.get(key)):
            errs.append(f"`{key}` must be a list of strings")
    if not isinstance(item.get("unanswerable"), bool):
        errs.append("`unanswerable` must be true or false")
    hist = item.get("history", [])
    if hist is not None and not (isinstance(hist, list) and all(
            isinstance(h, dict) and isinstance(h.get("q"), str) and isinstance(h.get("a"), str) for h in hist)):
        errs.append("`history` must be a list of {\"q\": str, \"a\": str}")
    if "any_of" in item and item["any_of"] is not None:
        a = item["any_of"]
        flat = _is_str_list(a) and a
        nested = isinstance(a, list) and a and all(_is_str_list(g) and g for g in a)
        if not (flat or nested):
            errs.append("`any_of` must be a non-empty list of strings or a list of non-empty lists of strings")
    if "lang" in item and item["lang"] not in LANGS:
        errs.append(f"`lang` must be one of {', '.join(LANGS)}")
    if errs:
        return errs
    # consistency
    if item["type"] == "unanswerable" and not item["unanswerable"]:
        errs.append("type 'unanswerable' needs unanswerable=true")
    if item["unanswerable"]:
        if item["docs"] or item["evidence"]:
            errs.append("an unanswerable item must have docs=[] and evidence=[]")
    else:
        if not item["docs"]:
            errs.append("an answerable item needs at least one document in `docs`")
        if not item["evidence"]:
            errs.append("an answerable item needs at least one evidence quote")
        if not item["must_include"] and not item.get("any_of"):
            errs.append("an answerable item needs `must_include` or `any_of` (else any answer is correct)")
    if item["type"] == "followup" and not item.get("history"):
        errs.append("a followup item needs a non-empty `history`")
    for ev in item["evidence"]:
        if not EVIDENCE_MIN <= len(ev) <= EVIDENCE_MAX:
            errs.append(f"evidence must be {EVIDENCE_MIN}–{EVIDENCE_MAX} characters, "
                        f"got {len(ev)}: {ev[:40]!r}")
    for m in item["must_include"]:
        if not m.strip():
            errs.append("`must_include` holds an empty string")
    return errs


def check_answer(item: Mapping[str, Any]) -> list[str]:
    """must_include / any_of must be satisfied by the gold answer itself."""
    errs = []
    for m in item.get("must_include") or []:
        if not contains(item["answer"], m):
            errs.append(f"must_include {m!r} is not in the normalised answer {item['answer']!r}")
    for group in any_of_groups(item.get("any_of")):
        if not any(contains(item["answer"], s) for s in group):
            errs.append(f"no string of any_of group {group!r} is in the answer {item['answer']!r}")
    return errs


def check_corpus(item: Mapping[str, Any], text_of: Callable[[str], str | None]) -> list[str]:
    """Documents exist; every evidence quote is verbatim in one of them; question not copied."""
    errs = []
    texts = {}
    for d in item.get("docs") or []:
        t = text_of(d)
        if t is None:
            errs.append(f"document {d!r} not found in the corpus")
        else:
            texts[d] = t
    if texts:
        for ev in item.get("evidence") or []:
            if not any(ev in t for t in texts.values()):
                errs.append(f"evidence not found verbatim in {', '.join(texts)}: {ev!r}")
    q = unicodedata.normalize("NFKC", item.get("question", "")).strip().rstrip("?？")
    if len(q) >= COPIED_MIN:
        for d in item.get("docs") or []:
            t = texts.get(d)
            if t and q in unicodedata.normalize("NFKC", t):
                errs.append(f"the question is copied verbatim from {d}")
    return errs


def validate_items(rows: list[tuple[str, dict[str, Any]]], corpus_dir: Path | None) -> list[Problem]:
    """Problems of items given as (location, item); corpus checks when ``corpus_dir`` is given."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    text_of = corpus_texts(corpus_dir) if corpus_dir is not None else None
    for where, item in rows:
        iid = item.get("id")
        loc = f"{where} [{iid}]" if isinstance(iid, str) else where
        errs = check_format(item)
        if isinstance(iid, str):
            if iid in seen:
                errs.append(f"duplicate id {iid!r} (first at {seen[iid]})")
            else:
                seen[iid] = where
        if not errs:
            errs += check_answer(item)
            if text_of is not None:
                errs += check_corpus(item, text_of)
        problems += [Problem(loc, e) for e in errs]
    return problems


def validate_files(paths: Iterable[Path], corpus_dir: Path | None) -> Report:
    report = Report()
    rows: list[tuple[str, dict[str, Any]]] = []
    for p in paths:
        try:
            file_rows, problems = read_jsonl(Path(p))
        except QAFileError as e:
            report.problems.append(Problem(str(p), str(e)))
            continue
        report.problems += problems
        rows += [(f"{Path(p).name}:{n}", obj) for n, obj in file_rows]
    report.problems += validate_items(rows, corpus_dir)
    report.items = [obj for _, obj in rows]
    return report


# ---------------------------------------------------------------- counts


def counts(items: list[Mapping[str, Any]]) -> dict[str, Counter]:
    """Counts by type, language and document (an item counts for each of its documents)."""
    by_doc: Counter = Counter()
    for it in items:
        for d in (it.get("docs") or ["(none: unanswerable)"]):
            by_doc[d] += 1
    return {"type": Counter(it.get("type") for it in items),
            "lang": Counter(item_lang(it) for it in items),
            "doc": by_doc,
            "history": Counter("with history" if it.get("history") else "first turn" for it in items)}


def format_counts(items: list[Mapping[str, Any]]) -> str:
    c = counts(items)
    n = len(items)
    lines = [f"{n} items"]
    for name in ("type", "lang", "doc"):
        lines.append(f"by {name}:")
        for k, v in sorted(c[name].items(), key=lambda kv: (-kv[1], str(kv[0]))):
            lines.append(f"  {k!s:<34} {v:>4}  ({v / n:.0%})" if n else f"  {k} {v}")
    return "\n".join(lines)


def main(paths: list[Path], corpus_dir: Path) -> int:
    report = validate_files(paths, corpus_dir)
    if report.items:
        print(format_counts(report.items))
    if report.problems:
        print(f"\n{len(report.problems)} problem(s):")
        for p in report.problems:
            print(f"  {p}")
        return 1
    print("\nOK: no problems")
    return 0


__all__ = ["TYPES", "QAFileError", "Problem", "Report", "load_items", "validate_items", "validate_files",
           "counts", "format_counts", "corpus_texts", "check_format", "check_answer", "check_corpus",
           "missing_terms", "main"]
