"""Load and validate QA files (docs/qa_schema.md).

``python -m evals validate FILE [FILE ...] [--corpus DIR]`` checks every item's format, unique ids,
valid types, evidence quoted verbatim from the named documents' visible text (the text the
assistant cites: ``ingest.clean.clean(ingest.load.load_file(path, corpus_dir)).text``) and that
``must_include`` / ``any_of`` are satisfied by the gold ``answer``; it prints counts by type,
language and document and exits non-zero when anything is wrong. The checks and how much each
matters (error / deviation / corpus / note) are in ``evals/checks.py``; ``triage`` sorts them for
a run, which refuses only items it cannot score unless ``--strict``.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from .checks import LANGS, TYPES, Finding, check_corpus, check_item, scoring_view
from .metrics import item_lang, missing_terms


class QAFileError(ValueError):
    """A QA file cannot be read at all (missing, not JSON lines)."""


@dataclass
class Problem:
    where: str  # "file:line [id]"
    message: str
    kind: str = "format"  # a Finding's kind (evals/checks.py)
    level: str = "error"  # error | deviation | corpus | note (evals/checks.py)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Report:
    items: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    notes: list[Problem] = field(default_factory=list)

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


def _problems(loc: str, findings: Iterable[Finding]) -> list[Problem]:
    return [Problem(loc, f.message, f.kind, f.level) for f in findings]


def check_rows(rows: list[tuple[str, dict[str, Any]]], corpus_dir: Path | None) -> list[Problem]:
    """Every finding of items given as (location, item), all levels; corpus checks when ``corpus_dir``."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    text_of = corpus_texts(corpus_dir) if corpus_dir is not None else None
    for where, item in rows:
        iid = item.get("id")
        loc = f"{where} [{iid}]" if isinstance(iid, str) else where
        findings = check_item(item)
        if isinstance(iid, str) and iid.strip():
            if iid in seen:
                findings.append(Finding("duplicate-id", f"duplicate id {iid!r} (first at {seen[iid]})"))
            else:
                seen[iid] = where
        if text_of is not None and not any(f.level == "error" for f in findings):
            findings += check_corpus(item, text_of)
        problems += _problems(loc, findings)
    return problems


def validate_items(rows: list[tuple[str, dict[str, Any]]], corpus_dir: Path | None) -> list[Problem]:
    """Problems of items given as (location, item) by the schema's letter (notes left out); corpus
    checks when ``corpus_dir`` is given. What ``python -m evals validate`` and ``--strict`` refuse."""
    return [p for p in check_rows(rows, corpus_dir) if p.level != "note"]


@dataclass
class Triage:
    """A QA set sorted for a run: the items as scored, what stops the run, what is only reported."""

    items: list[dict[str, Any]]
    errors: list[Problem]
    warnings: list[Problem]


def triage(rows: list[tuple[str, dict[str, Any]]], corpus_dir: Path | None, strict: bool = False) -> Triage:
    """Errors (the item cannot be scored; with ``strict`` also every schema deviation) and warnings
    (everything else: deviations that do not matter to scoring, corpus findings, notes)."""
    stopping = {"error", "deviation"} if strict else {"error"}
    problems = check_rows(rows, corpus_dir)
    errors = [p for p in problems if p.level in stopping]
    warnings = [p for p in problems if p.level not in stopping]
    items = [] if errors else [scoring_view(it) for _, it in rows]
    return Triage(items, errors, warnings)


def summarise(problems: Iterable[Problem]) -> list[str]:
    """Problems by kind with their counts, for sets whose items must not be shown (blind sets)."""
    c = Counter((p.kind, p.level) for p in problems)
    return [f"{n} item(s): {kind} ({level})" for (kind, level), n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))]


def read_rows(paths: Iterable[Path]) -> tuple[list[tuple[str, dict[str, Any]]], list[Problem]]:
    """("file:line", item) rows of QA files, and the problems of files or lines that cannot be read."""
    rows: list[tuple[str, dict[str, Any]]] = []
    problems: list[Problem] = []
    for p in paths:
        try:
            file_rows, bad = read_jsonl(Path(p))
        except QAFileError as e:
            problems.append(Problem(str(p), str(e), "file"))
            continue
        problems += bad
        rows += [(f"{Path(p).name}:{n}", obj) for n, obj in file_rows]
    return rows, problems


def validate_files(paths: Iterable[Path], corpus_dir: Path | None) -> Report:
    rows, unreadable = read_rows(paths)
    found = check_rows(rows, corpus_dir)
    return Report(items=[obj for _, obj in rows], problems=unreadable + [p for p in found if p.level != "note"],
                  notes=[p for p in found if p.level == "note"])


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
    if report.notes:
        print(f"\n{len(report.notes)} note(s) (not problems):")
        for p in report.notes:
            print(f"  {p}")
    if report.problems:
        print(f"\n{len(report.problems)} problem(s):")
        for p in report.problems:
            print(f"  {p}")
        return 1
    print("\nOK: no problems")
    return 0


__all__ = ["TYPES", "LANGS", "QAFileError", "Problem", "Report", "Triage", "load_items", "read_jsonl", "check_rows",
           "validate_items", "read_rows", "triage", "summarise", "validate_files", "counts", "format_counts", "corpus_texts",
           "missing_terms", "main"]
