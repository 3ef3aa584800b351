"""What is wrong with a QA item (docs/qa_schema.md), and how much it matters.

Every finding has a level:

- ``error``: the item cannot be scored (no id or question, no way to tell a correct answer, a
  malformed history or ``any_of``). The runner refuses the file.
- ``deviation``: differs from the schema in a way that does not matter to scoring (``"any_of": []``,
  an unanswerable item naming its near-miss document in ``docs``, an unknown type, a short evidence
  quote, a gold answer that does not hold its own figures). The runner warns and scores the item as
  ``scoring_view`` reads it; ``--strict`` and ``python -m evals validate`` refuse it.
- ``corpus``: the named documents or quotes are not found in the corpus (citation scoring of that
  item suffers). A warning for the runner, a problem for ``validate``.
- ``note``: worth knowing, never refused (e.g. no ``lang``: it is inferred from the question).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .matching import any_of_groups, contains

CLASSIC_TYPES = ("numeric", "entity", "list", "policy", "comparison", "date", "yes_no", "unanswerable", "followup")
OPEN_TYPES = ("overview", "goals", "named_group", "mentions", "compare_all")
TYPES = CLASSIC_TYPES + OPEN_TYPES
LANGS = ("zh", "en")
EVIDENCE_MIN, EVIDENCE_MAX = 10, 80
COPIED_MIN = 12  # a question this long found verbatim in a document is flagged as copied
LEVELS = ("error", "deviation", "corpus", "note")


@dataclass(frozen=True)
class Finding:
    kind: str  # short stable code, e.g. "any_of-empty"; blind sets are reported by kind only
    message: str
    level: str = "deviation"


def _str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _nonempty_str(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


# ---------------------------------------------------------------- the fields scoring needs


def unanswerable_of(item: Mapping[str, Any]) -> bool | None:
    """The item's ``unanswerable`` flag; inferred from ``type`` when absent; None when malformed."""
    v = item.get("unanswerable")
    if v is None:
        return item.get("type") == "unanswerable"
    return v if isinstance(v, bool) else None


def must_include_of(item: Mapping[str, Any]) -> list[str] | None:
    """``must_include`` as a list of non-empty strings (a lone string is one); None when malformed."""
    v = item.get("must_include")
    if v is None:
        return []
    if isinstance(v, str):
        v = [v]
    if not _str_list(v):
        return None
    return [s for s in v if s.strip()]


def any_of_of(item: Mapping[str, Any]) -> list[list[str]] | None:
    """``any_of`` as groups of non-empty strings, empty groups dropped; None when malformed."""
    v = item.get("any_of")
    if v is None:
        return []
    if not isinstance(v, list):
        return None
    if all(isinstance(x, str) for x in v):
        v = [v] if v else []
    elif not all(_str_list(g) for g in v):
        return None
    groups = [[s for s in g if s.strip()] for g in v]
    return [g for g in groups if g]


def _history_ok(hist: Any) -> bool:
    return hist is None or (isinstance(hist, list) and all(
        isinstance(h, dict) and isinstance(h.get("q"), str) and isinstance(h.get("a"), str) for h in hist))


def _str_list_field(item: Mapping[str, Any], key: str) -> list[str]:
    v = item.get(key)
    if isinstance(v, str) and v.strip():
        return [v]
    return [x for x in v if isinstance(x, str) and x.strip()] if isinstance(v, list) else []


def scoring_view(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item as it is scored: lists cleaned, flags inferred (call only on items without errors)."""
    from .metrics import item_lang

    out = dict(item)
    unanswerable = bool(unanswerable_of(item))
    out.update({
        "unanswerable": unanswerable,
        "must_include": must_include_of(item) or [],
        "any_of": any_of_of(item) or None,
        "docs": [] if unanswerable else _str_list_field(item, "docs"),
        "evidence": [] if unanswerable else _str_list_field(item, "evidence"),
        "history": item.get("history") or [],
        "type": item.get("type") if _nonempty_str(item.get("type")) else None,
        "tags": _str_list_field(item, "tags"),
        "lang": item_lang(item),
    })
    if unanswerable and not _nonempty_str(item.get("near_miss")) and _str_list_field(item, "docs"):
        out["near_miss"] = _str_list_field(item, "docs")[0]
    return out


# ---------------------------------------------------------------- checks


def _essentials(item: Mapping[str, Any]) -> list[Finding]:
    """What scoring needs: id, question, a readable unanswerable flag / must_include / any_of / history."""
    errs = []
    if not _nonempty_str(item.get("id")):
        errs.append(Finding("id", "`id` must be a non-empty string", "error"))
    if not _nonempty_str(item.get("question")):
        errs.append(Finding("question", "`question` must be a non-empty string", "error"))
    if unanswerable_of(item) is None:
        errs.append(Finding("unanswerable", "`unanswerable` must be true or false", "error"))
    if must_include_of(item) is None:
        errs.append(Finding("must_include", "`must_include` must be a list of strings", "error"))
    if any_of_of(item) is None:
        errs.append(Finding("any_of", "`any_of` must be a list of strings or a list of lists of strings", "error"))
    if not _history_ok(item.get("history")):
        errs.append(Finding("history", "`history` must be a list of {\"q\": str, \"a\": str}", "error"))
    if errs:
        return errs
    if not unanswerable_of(item) and not must_include_of(item) and not any_of_of(item):
        errs.append(Finding("criteria", "an answerable item needs `must_include` or `any_of` (else any answer "
                                        "is correct); an unanswerable one needs \"unanswerable\": true", "error"))
    return errs


def _shape(item: Mapping[str, Any]) -> list[Finding]:
    """Deviations in the shape of fields scoring reads leniently."""
    out = []
    for key in ("answer", "type"):
        if not _nonempty_str(item.get(key)):
            out.append(Finding(f"{key}-missing", f"`{key}` must be a non-empty string"))
    t = item.get("type")
    if _nonempty_str(t) and t not in TYPES:
        out.append(Finding("type-unknown", f"unknown type {t!r} (valid: {', '.join(TYPES)}); reported as its own group"))
    if not isinstance(item.get("unanswerable"), bool):
        out.append(Finding("unanswerable-missing", "`unanswerable` is missing; read from `type`"))
    if "any_of" in item and item["any_of"] is not None and not any_of_of(item):
        out.append(Finding("any_of-empty", "`any_of` is empty; read as absent"))
    elif item.get("any_of") and any(isinstance(g, list) and not [s for s in g if s.strip()] for g in item["any_of"]):
        out.append(Finding("any_of-empty-group", "`any_of` holds an empty group; it is ignored"))
    mi = item.get("must_include")
    if not isinstance(mi, list):
        out.append(Finding("must_include-shape", "`must_include` must be a list of strings"))
    elif any(not s.strip() for s in mi):
        out.append(Finding("must_include-empty-string", "`must_include` holds an empty string; it is ignored"))
    for key in ("docs", "evidence"):
        if not _str_list(item.get(key)):
            out.append(Finding(f"{key}-shape", f"`{key}` must be a list of strings"))
    if "lang" not in item:
        out.append(Finding("lang-missing", "no `lang`: inferred from the question", "note"))
    elif item["lang"] not in LANGS:
        out.append(Finding("lang-invalid", f"`lang` must be one of {', '.join(LANGS)}; inferred from the question"))
    if "tags" in item and not _str_list(item["tags"]):
        out.append(Finding("tags-shape", "`tags` must be a list of strings; ignored"))
    if "near_miss" in item and not _nonempty_str(item["near_miss"]):
        out.append(Finding("near_miss-shape", "`near_miss` must be a document's file name"))
    return out


def _consistency(item: Mapping[str, Any]) -> list[Finding]:
    """Deviations between fields (the item is still scored by its `unanswerable` flag)."""
    out = []
    unanswerable = unanswerable_of(item)
    docs, evidence = _str_list_field(item, "docs"), _str_list_field(item, "evidence")
    if item.get("type") == "unanswerable" and not unanswerable:
        out.append(Finding("type-conflict", "type 'unanswerable' needs unanswerable=true; scored as answerable"))
    if unanswerable:
        if docs or evidence:
            out.append(Finding("unanswerable-docs", "an unanswerable item must have docs=[] and evidence=[] (name a "
                                                    "near-miss document in `near_miss`); ignored for scoring"))
    else:
        if not docs:
            out.append(Finding("docs-missing", "an answerable item needs at least one document in `docs`; "
                                               "its citations are not scored"))
        if not evidence:
            out.append(Finding("evidence-missing", "an answerable item needs at least one evidence quote"))
        if _nonempty_str(item.get("near_miss")):
            out.append(Finding("near_miss-answerable", "`near_miss` is for unanswerable items; ignored"))
    if item.get("type") == "followup" and not item.get("history"):
        out.append(Finding("followup-history", "a followup item needs a non-empty `history`"))
    for ev in evidence:
        if not EVIDENCE_MIN <= len(ev) <= EVIDENCE_MAX:
            out.append(Finding("evidence-length", f"evidence must be {EVIDENCE_MIN}–{EVIDENCE_MAX} characters, "
                                                  f"got {len(ev)}: {ev[:40]!r}"))
    return out


def check_answer(item: Mapping[str, Any]) -> list[Finding]:
    """must_include / any_of must be satisfied by the gold answer itself (same matching as scoring)."""
    answer = item.get("answer")
    if not _nonempty_str(answer) or unanswerable_of(item):
        return []
    out = []
    for m in must_include_of(item) or []:
        if not contains(answer, m):
            out.append(Finding("answer-must_include", f"must_include {m!r} is not in the normalised answer {answer!r}"))
    for group in any_of_groups(any_of_of(item) or []):
        if not any(contains(answer, s) for s in group):
            out.append(Finding("answer-any_of", f"no string of any_of group {group!r} is in the answer {answer!r}"))
    return out


def check_item(item: Mapping[str, Any]) -> list[Finding]:
    """All findings of one item that need no corpus."""
    errs = _essentials(item)
    if errs:
        return errs
    return _shape(item) + _consistency(item) + check_answer(item)


def check_corpus(item: Mapping[str, Any], text_of: Callable[[str], str | None]) -> list[Finding]:
    """Documents exist; every evidence quote is verbatim in one of them; question not copied."""
    out, texts = [], {}
    docs = [] if unanswerable_of(item) else _str_list_field(item, "docs")
    for d in docs:
        t = text_of(d)
        if t is None:
            out.append(Finding("doc-not-found", f"document {d!r} not found in the corpus", "corpus"))
        else:
            texts[d] = t
    if texts:
        for ev in _str_list_field(item, "evidence"):
            if not any(ev in t for t in texts.values()):
                out.append(Finding("evidence-not-verbatim", f"evidence not found verbatim in {', '.join(texts)}: {ev!r}",
                                   "corpus"))
    near = item.get("near_miss")
    if _nonempty_str(near) and unanswerable_of(item) and text_of(near) is None:
        out.append(Finding("near_miss-not-found", f"near-miss document {near!r} not found in the corpus", "corpus"))
    q = unicodedata.normalize("NFKC", str(item.get("question") or "")).strip().rstrip("?？")
    if len(q) >= COPIED_MIN:
        for d, t in texts.items():
            if q in unicodedata.normalize("NFKC", t):
                out.append(Finding("question-copied", f"the question is copied verbatim from {d}", "corpus"))
    return out
