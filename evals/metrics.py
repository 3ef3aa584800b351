"""Evaluation metrics as small pure functions (no I/O, no assistant).

Definitions (also printed in report.md / report.html):

normalise(s)
    NFKC → thousands separators removed ("2,300" → "2300"; a comma only counts as one inside a
    well-formed group such as 1,234,567) → all whitespace removed → case-folded. Citation markers
    such as "[1]" are removed from answers before matching so that they never satisfy a figure.
contains(answer, needle)
    ``normalise(needle)`` occurs in ``normalise(answer)`` with its figures matched BY VALUE
    ("2.7" matches "2.70%", "2,000" matches "2000"); when the needle starts (ends) with a digit,
    the match must not continue a number, so "310" is not found in "3100" or "1310" and "2.1" is
    not found in "12.1" or "2.15"; a dotted year-month compares as year and month (2024.1 ≠
    2024.10). One function (evals/matching.py) serves the scorer, the validator and the gate.
answer accuracy (per item)
    answerable item: the answer is not a refusal, every ``must_include`` string is contained and
    ``any_of`` is satisfied (a flat list: at least one string; a list of lists: at least one string
    of each inner list). Unanswerable item: the assistant refused (``refused`` is true).
    ``accuracy`` is over all items; ``accuracy_answerable`` / ``accuracy_unanswerable`` split it.
refusal precision / recall
    positives = unanswerable items. precision = refused-and-unanswerable / refused;
    recall = refused-and-unanswerable / unanswerable. None when the denominator is 0.
false-refusal rate
    answerable items the assistant refused / answerable items (an error is not a refusal).
citation accuracy
    over answerable items the assistant answered (did not refuse): the item counts as correct when
    at least one citation (a) names a gold document and (b) overlaps a gold evidence quote — their
    character spans in that document intersect, or the two quotes share a substring of at least
    8 characters; an item that names documents but no evidence needs (a) only, and an item that
    names no document is not scored. An answer without citations counts as wrong.
    ``citation_precision`` = share of all citations of those answers that satisfy (a) and (b).
grounded-number rate
    quantities stated in answers (``find_numbers``; years, dates, list markers and document
    numbers are not quantities; numbers that already occur in the question are ignored) that are
    also stated in the answer's cited quotes (same value after unit scaling, 8.47亿元 == 84700万元),
    micro-averaged over answered items. ``ungrounded_number_rate`` = 1 − grounded rate.
retrieval hit@k / MRR
    over answerable items with evidence: rank of the first retrieved chunk whose document is a
    gold document and whose [start, end) span overlaps the position of a gold evidence quote in
    that document. hit@k = share with rank ≤ k; MRR = mean of 1/rank (0 when not found).
latency
    wall-clock milliseconds of ``Assistant.ask`` measured by the runner; p50/p95 by linear
    interpolation between order statistics.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

# the scoring functions live in evals.matching (one rule for runner, validator and gate); they stay
# importable from here, where callers (the web app, reports) have always found them
from .matching import (answer_text, any_of_groups, contains, expected_text, item_correct,  # noqa: F401
                       missing_terms, normalise, same_figure, strip_markers)

MIN_SHARED = 8  # characters two quotes must share to count as overlapping
_BULLET = re.compile(r"(?m)^[ \t]*[-•*][ \t]+")


# ---------------------------------------------------------------- refusal


def refusal_scores(pairs: Iterable[tuple[bool, bool]]) -> dict[str, Any]:
    """Precision/recall of refusals; ``pairs`` = (item unanswerable, assistant refused)."""
    tp = fp = fn = answerable = 0
    for unanswerable, refused in pairs:
        tp += unanswerable and refused
        fp += (not unanswerable) and refused
        fn += unanswerable and not refused
        answerable += not unanswerable
    return {"precision": tp / (tp + fp) if tp + fp else None,
            "recall": tp / (tp + fn) if tp + fn else None,
            "false_refusal_rate": fp / answerable if answerable else None,
            "tp": tp, "fp": fp, "fn": fn, "n_refused": tp + fp}


# ---------------------------------------------------------------- spans and quotes


def find_all(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) at which ``quote`` occurs in ``text``."""
    out, i = [], text.find(quote) if quote else -1
    while i >= 0:
        out.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    return out


def spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def longest_common_substring(a: str, b: str) -> int:
    """Length of the longest common substring (dynamic programming; quotes are short)."""
    if not a or not b:
        return 0
    best, prev = 0, [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best = cur[j]
        prev = cur
    return best


def quotes_overlap(a: str, b: str, min_shared: int = MIN_SHARED) -> bool:
    """Two quotes overlap when they share ≥ min_shared characters (or one contains the other)."""
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return longest_common_substring(a, b) >= min_shared


def gold_spans(evidence: Sequence[str], docs: Sequence[str],
               doc_texts: Mapping[str, str]) -> dict[str, list[tuple[int, int]]]:
    """Positions of each gold evidence quote in each gold document's text."""
    out: dict[str, list[tuple[int, int]]] = {}
    for d in docs:
        text = doc_texts.get(d)
        if text is None:
            continue
        spans = [s for q in evidence for s in find_all(text, q)]
        if spans:
            out[d] = spans
    return out


def citation_matches(citation: Mapping[str, Any], gold_docs: Sequence[str], evidence: Sequence[str],
                     spans: Mapping[str, Sequence[tuple[int, int]]] | None = None,
                     min_shared: int = MIN_SHARED) -> bool:
    """A citation names a gold document and overlaps a gold evidence quote (span or text)."""
    doc = citation.get("doc")
    if doc not in gold_docs:
        return False
    if not evidence:  # the item names its documents but no quote: the right document is enough
        return True
    start, end = citation.get("start"), citation.get("end")
    if spans and isinstance(start, int) and isinstance(end, int) and end > start:
        if any(spans_overlap((start, end), s) for s in spans.get(doc, ())):
            return True
    quote = citation.get("quote") or ""
    return any(quotes_overlap(quote, ev, min_shared) for ev in evidence)


def citation_scores(items_results: Iterable[tuple[Mapping[str, Any], Mapping[str, Any], Mapping[str, Any]]]
                    ) -> dict[str, Any]:
    """Citation accuracy/precision; input = (item, result, gold spans by doc) per item."""
    n = ok = cites = good = 0
    for item, result, spans in items_results:
        if item.get("unanswerable") or result.get("refused") or result.get("error") or not item.get("docs"):
            continue
        n += 1
        hits = [citation_matches(c, item.get("docs") or [], item.get("evidence") or [], spans)
                for c in result.get("citations") or []]
        ok += any(hits)
        cites += len(hits)
        good += sum(hits)
    return {"accuracy": ok / n if n else None, "precision": good / cites if cites else None,
            "n": n, "correct": ok, "citations": cites, "matching_citations": good}


# ---------------------------------------------------------------- numbers


@dataclass(frozen=True)
class Num:
    """A quantity stated in a text: as written, its value scaled to ``base_unit``."""

    text: str
    value: float
    base_unit: str = ""


_FALLBACK_NUM = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(亿|万)?")


def _fallback_numbers(text: str) -> list[Num]:
    """Arabic numerals (no years 1900–2100 without decimals), 万/亿 folded in."""
    t = normalise(strip_markers(text))
    out = []
    for m in _FALLBACK_NUM.finditer(t):
        s, mag = m.group(1), m.group(2)
        if "." not in s and len(s) == 4 and 1900 <= int(s) <= 2100 and not mag:
            continue
        v = float(Decimal(s) * {"亿": 10**8, "万": 10**4}.get(mag or "", 1))
        out.append(Num(m.group(0), v, ""))
    return out


def find_numbers(text: str, quantities_only: bool = True) -> list[Num]:
    """Quantities in ``text`` (every numeral with ``quantities_only=False``): ``base.mentions.find_numbers``
    when available, else a simple regex."""
    try:
        from base.mentions import find_numbers as shared
    except ImportError:  # pragma: no cover - the shared module ships with the project
        return _fallback_numbers(text)
    out = []
    # an answer's list bullets ("- 3、深度融入…") would hide that "3、" opens a numbered line
    for m in shared(_BULLET.sub("", strip_markers(text or "")), quantities_only=quantities_only):
        value = m.number if m.number is not None else m.numeric
        if value is None:
            continue
        out.append(Num(f"{m.value}{m.unit}", float(value), m.base_unit or ""))
    return out


def same_number(a: Num, b: Num) -> bool:
    if abs(a.value - b.value) > 1e-9 * max(1.0, abs(a.value)):
        return False
    return not a.base_unit or not b.base_unit or a.base_unit == b.base_unit


def grounded_numbers(answer: str, quotes: Sequence[str], question: str = "",
                     finder=find_numbers) -> tuple[int, int, list[str]]:
    """(grounded, total, ungrounded texts) for the quantities of ``answer`` not in ``question``."""
    asked = finder(question) if question else []
    stated = [n for n in finder(answer) if not any(same_number(n, q) for q in asked)]
    # a number the answer copies from its quote is grounded whatever the quote uses it for: "33 新培育…"
    # opens a table's row there, and reads as a figure once quoted after "："
    cited = [n for q in quotes for n in (finder(q, quantities_only=False) if finder is find_numbers else finder(q))]
    ungrounded = [n.text for n in stated if not any(same_number(n, c) for c in cited)]
    return len(stated) - len(ungrounded), len(stated), ungrounded


# ---------------------------------------------------------------- retrieval


def first_relevant_rank(retrieved: Sequence[Mapping[str, Any]], gold: Mapping[str, Sequence[tuple[int, int]]]
                        ) -> int | None:
    """1-based rank of the first retrieved chunk (metadata dict: doc, start, end) overlapping gold."""
    for rank, meta in enumerate(retrieved, 1):
        spans = gold.get(meta.get("doc"))
        if not spans:
            continue
        try:
            span = (int(meta["start"]), int(meta["end"]))
        except (KeyError, TypeError, ValueError):
            continue
        if any(spans_overlap(span, s) for s in spans):
            return rank
    return None


def retrieval_scores(ranks: Sequence[int | None], ks: Sequence[int] = (1, 3, 5)) -> dict[str, Any]:
    """hit@k and MRR from first-relevant ranks (None = not retrieved)."""
    n = len(ranks)
    out: dict[str, Any] = {"n": n}
    for k in ks:
        out[f"hit@{k}"] = sum(1 for r in ranks if r is not None and r <= k) / n if n else None
    out["mrr"] = sum(1.0 / r for r in ranks if r) / n if n else None
    return out


# ---------------------------------------------------------------- aggregation


def percentile(values: Sequence[float], p: float) -> float | None:
    """p-th percentile (0–100) by linear interpolation; None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def latency_stats(values: Sequence[float]) -> dict[str, float | None]:
    return {"p50": percentile(values, 50), "p95": percentile(values, 95),
            "mean": sum(values) / len(values) if values else None,
            "max": max(values) if values else None, "n": len(values)}


def accuracy_by(items: Sequence[Mapping[str, Any]], correct: Sequence[bool], key) -> dict[str, dict[str, Any]]:
    """Accuracy grouped by ``key(item)`` (a str, or a list of str for multi-valued keys)."""
    groups: dict[str, list[bool]] = {}
    for item, ok in zip(items, correct):
        keys = key(item)
        for k in ([keys] if isinstance(keys, str) else keys or ["(none)"]):
            groups.setdefault(k, []).append(ok)
    return {k: {"n": len(v), "correct": sum(v), "accuracy": sum(v) / len(v)}
            for k, v in sorted(groups.items())}


def item_lang(item: Mapping[str, Any]) -> str:
    """The item's ``lang`` field, else zh when the question contains CJK characters."""
    lang = item.get("lang")
    if lang in ("zh", "en"):
        return lang
    return "zh" if re.search(r"[\u4e00-\u9fff]", item.get("question", "")) else "en"


def share(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None
