"""Evaluation sets: which QA files run on which documents, with which gate (evals/sets.toml).

A sets file holds one ``[[set]]`` table per set::

    [[set]]
    name = "dev"                          # letters, digits, - and _; used for --set and folder names
    description = "held-out dev split"    # optional, shown in the report
    qa = ["heldout/dev/*.jsonl"]          # file names or glob patterns
    corpus = "heldout/dev/docs"           # the documents the set's questions are about
    blind = false                         # true: only aggregates are ever printed or written
    [set.thresholds]                      # optional; keys in evals/gate.py
    min_accuracy = 0.0

Relative paths are read from the folder that holds the sets file. Each set runs on a private index
of its corpus under OUT/index-cache/<corpus>-<hash of the documents' bytes and the embedding model>/,
so sets on the same documents share one index, a changed document gives a fresh one, and the
project's index/ is never touched.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .gate import ThresholdsError, clean_thresholds

EVALS_DIR = Path(__file__).resolve().parent
SETS_FILE = EVALS_DIR / "sets.toml"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,40}")
_KEYS = {"name", "description", "qa", "corpus", "blind", "thresholds"}


class SetsError(ValueError):
    """A sets file cannot be used; the message names the file and the set."""


@dataclass
class EvalSet:
    name: str
    qa: list[Path]
    corpus: Path
    blind: bool = False
    description: str = ""
    thresholds: dict[str, Any] = field(default_factory=dict)


def _qa_files(patterns: list[str], base: Path, where: str) -> list[Path]:
    files: list[Path] = []
    for pat in patterns:
        hits = sorted(base.glob(pat)) if any(c in pat for c in "*?[") else [base / pat]
        hits = [h for h in hits if h.is_file()]
        if not hits:
            raise SetsError(f"{where}: no QA file matches {pat!r} (relative to {base})")
        files += [h.resolve() for h in hits if h.resolve() not in files]
    return files


def _one_set(raw: Any, base: Path, where: str) -> EvalSet:
    if not isinstance(raw, dict):
        raise SetsError(f"{where}: each [[set]] must be a table")
    unknown = set(raw) - _KEYS
    if unknown:
        raise SetsError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (valid: {', '.join(sorted(_KEYS))})")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise SetsError(f"{where}: `name` must be letters, digits, - or _ (got {name!r})")
    where = f"{where} ({name})"
    qa = raw.get("qa")
    qa = [qa] if isinstance(qa, str) else qa
    if not (isinstance(qa, list) and qa and all(isinstance(q, str) for q in qa)):
        raise SetsError(f"{where}: `qa` must be a file name or pattern, or a list of them")
    corpus = raw.get("corpus")
    if not isinstance(corpus, str) or not (base / corpus).is_dir():
        raise SetsError(f"{where}: `corpus` must name an existing folder (got {corpus!r})")
    if not isinstance(raw.get("blind", False), bool):
        raise SetsError(f"{where}: `blind` must be true or false")
    try:
        thresholds = clean_thresholds(raw.get("thresholds") or {}, where)
    except ThresholdsError as e:
        raise SetsError(str(e)) from e
    return EvalSet(name=name, qa=_qa_files(qa, base, where), corpus=(base / corpus).resolve(),
                   blind=raw.get("blind", False), description=str(raw.get("description") or ""),
                   thresholds=thresholds)


def load_sets(path: Path = SETS_FILE) -> list[EvalSet]:
    """The sets of a sets file, in order (SetsError with a clear message when it cannot be used)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise SetsError(f"{path}: no such file") from e
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise SetsError(f"{path}: cannot be read ({e})") from e
    raw_sets = data.get("set")
    if not isinstance(raw_sets, list) or not raw_sets:
        raise SetsError(f"{path}: no [[set]] tables")
    sets = [_one_set(raw, path.resolve().parent, f"{path.name} set {i + 1}") for i, raw in enumerate(raw_sets)]
    names = [s.name for s in sets]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SetsError(f"{path}: duplicate set name(s) {', '.join(dup)}")
    return sets


def select(sets: list[EvalSet], names: list[str] | None) -> list[EvalSet]:
    """The named sets (all when ``names`` is empty), in the file's order."""
    if not names:
        return sets
    known = {s.name for s in sets}
    missing = [n for n in names if n not in known]
    if missing:
        raise SetsError(f"unknown set(s) {', '.join(missing)} (known: {', '.join(s.name for s in sets)})")
    return [s for s in sets if s.name in names]


def blind_qa_files(path: Path = SETS_FILE) -> set[Path]:
    """QA files of the blind sets (resolved): tools that show items (the web app) must leave them out.
    Every QA file under evals/heldout/test* (test, test2 …) counts as blind too, whether or not the
    sets file names its split yet (a new pair is committed before it is ever run) and whether or not
    the sets file can be read."""
    by_folder = {p.resolve() for p in (EVALS_DIR / "heldout").glob("test*/*.jsonl")}
    try:
        return by_folder | {q for s in load_sets(path) if s.blind for q in s.qa}
    except SetsError:
        return by_folder


# ---------------------------------------------------------------- private indexes


def docs_fingerprint(corpus_dir: Path, embedding_model: str) -> str:
    """A short hash of every file under the corpus folder (relative name and bytes) and the model."""
    h = hashlib.sha1(f"model={embedding_model}\n".encode())
    root = Path(corpus_dir).resolve()
    for p in sorted(root.rglob("*")):
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts):
            h.update(p.relative_to(root).as_posix().encode() + b"\0")
            h.update(hashlib.sha1(p.read_bytes()).digest())
    return h.hexdigest()[:10]


def _label(corpus_dir: Path) -> str:
    root = Path(corpus_dir).resolve()
    try:
        rel = root.relative_to(EVALS_DIR.parent)
    except ValueError:  # outside the repository: the folder's name and a hash of its path
        rel = Path(f"{root.name}_{hashlib.sha1(str(root).encode()).hexdigest()[:6]}")
    return re.sub(r"[^A-Za-z0-9_-]+", "_", rel.as_posix()).strip("_") or "corpus"


def index_cache_dir(out_dir: Path, corpus_dir: Path, embedding_model: str) -> Path:
    """OUT/index-cache/<corpus>-<hash of the documents>/ for a corpus folder."""
    return Path(out_dir) / "index-cache" / f"{_label(corpus_dir)}-{docs_fingerprint(corpus_dir, embedding_model)}"


def prune_index_cache(current: Path) -> list[Path]:
    """Remove the cached indexes of earlier versions of the same corpus (same label, other hash)."""
    label = current.name.rsplit("-", 1)[0]
    removed = []
    for d in current.parent.glob(f"{label}-*"):
        if d != current and d.is_dir() and d.name.rsplit("-", 1)[0] == label:
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


__all__ = ["SETS_FILE", "SetsError", "EvalSet", "load_sets", "select", "blind_qa_files", "docs_fingerprint", "index_cache_dir",
           "prune_index_cache"]
