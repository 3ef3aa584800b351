"""The one rule by which an answer is matched against ``must_include`` / ``any_of`` strings.

Used by the runner's scorer (``metrics.item_correct``), the validator (a gold answer must satisfy
its own strings) and therefore the gate, and by the web app's evaluation tab.

normalise(s)
    NFKC → thousands separators removed ("2,300" → "2300"; a comma only counts as one inside a
    well-formed group such as 1,234,567) → all whitespace removed → case-folded.
contains(answer, needle)
    Citation markers such as "[1]" are removed from the answer, both sides are normalised, and the
    needle must occur in the answer where every figure of the needle matches a figure of the
    answer BY VALUE: "2.7" matches "2.70%", "2,000" matches "2000" and "2000.0". A needle that
    starts (ends) with a digit must not be part of a longer number, so "310" is not found in
    "3100" or "1310" and "2.1" is not found in "12.1" or "2.15". A year-month written with a dot
    (2024.1, 2024.10: integer part 1900–2100, one or two decimals) is compared as year and month,
    so 2024.1 ≠ 2024.10 but 2024.7 = 2024.07.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Sequence

_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])")
_SPACE = re.compile(r"\s+")
_MARKER = re.compile(r"\[\d{1,3}\]")
_NUM = re.compile(r"\d+(?:\.\d+)?")
_NUM_GROUP = r"(\d+(?:\.\d+)?)"
_YEAR_MONTH = re.compile(r"(19\d\d|20\d\d|2100)\.(\d{1,2})")


def normalise(text: str) -> str:
    """NFKC, thousands separators and whitespace removed, case-folded."""
    t = unicodedata.normalize("NFKC", text or "")
    t = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), t)
    t = _SPACE.sub("", t)
    return t.casefold()


def strip_markers(text: str) -> str:
    """Remove citation markers like "[1]" (they would otherwise satisfy single-digit figures)."""
    return _MARKER.sub("", text or "")


def same_figure(a: str, b: str) -> bool:
    """Two figures as written (digits, at most one decimal point) have the same value."""
    ya, yb = _YEAR_MONTH.fullmatch(a), _YEAR_MONTH.fullmatch(b)
    if ya or yb:
        return bool(ya and yb) and (ya.group(1), int(ya.group(2))) == (yb.group(1), int(yb.group(2)))
    try:
        return Decimal(a) == Decimal(b)
    except InvalidOperation:  # pragma: no cover - both come from _NUM
        return a == b


def _pattern(needle: str) -> tuple[re.Pattern[str], list[str]]:
    """A regex for a normalised needle whose figures match any figure, and the needle's figures."""
    parts, figures, pos = [], [], 0
    for m in _NUM.finditer(needle):
        parts += [re.escape(needle[pos:m.start()]), _NUM_GROUP]
        figures.append(m.group(0))
        pos = m.end()
    parts.append(re.escape(needle[pos:]))
    body = "".join(parts)
    if needle[0].isdigit():
        body = r"(?<!\d)(?<!\d\.)" + body
    if needle[-1].isdigit():
        body += r"(?!\.?\d)"
    return re.compile(body), figures


def contains(answer: str, needle: str) -> bool:
    """True when ``needle`` occurs in ``answer`` under the rule of the module docstring."""
    n = normalise(needle)
    if not n:
        return True
    hay = normalise(strip_markers(answer))
    pattern, figures = _pattern(n)
    pos = 0
    while (m := pattern.search(hay, pos)) is not None:
        if all(same_figure(got, want) for got, want in zip(m.groups(), figures)):
            return True
        pos = m.start() + 1
    return False


def any_of_groups(any_of: Any) -> list[list[str]]:
    """``any_of`` as a list of groups: a flat list of strings is one group."""
    if not any_of:
        return []
    if all(isinstance(x, str) for x in any_of):
        return [list(any_of)]
    return [list(g) for g in any_of]


def missing_terms(answer: str, must_include: Sequence[str] = (), any_of: Any = None) -> list[str]:
    """What a correct answer lacks: missing must_include strings and unsatisfied any_of groups."""
    out = [m for m in must_include if not contains(answer, m)]
    for group in any_of_groups(any_of):
        if not any(contains(answer, s) for s in group):
            out.append("any of: " + " | ".join(group))
    return out


def item_correct(item: Mapping[str, Any], result: Mapping[str, Any]) -> bool:
    """Answer accuracy of one result for one QA item: an unanswerable item must be refused; an
    answerable one must be answered (no refusal, no error) and lack none of its strings."""
    refused = bool(result.get("refused"))
    if item.get("unanswerable"):
        return refused
    if refused or result.get("error"):
        return False
    return not missing_terms(result.get("answer", ""), item.get("must_include") or [], item.get("any_of"))


def expected_text(item: Mapping[str, Any]) -> str:
    """What an item expects, for people: the gold answer, must_include and any_of (or the refusal)."""
    if item.get("unanswerable"):
        return "refusal (not in the documents) — " + str(item.get("answer", "") or "")
    parts = [str(item.get("answer", "") or "")]
    if item.get("must_include"):
        parts.append("must include: " + ", ".join(item["must_include"]))
    if item.get("any_of"):
        parts.append("any of: " + " ; ".join(" | ".join(g) for g in any_of_groups(item["any_of"])))
    return " | ".join(p for p in parts if p)


def answer_text(result: Mapping[str, Any]) -> str:
    """What the assistant gave, for people: the answer, marked "[refused]", or the error."""
    if result.get("error"):
        return f"ERROR {result['error']}"
    prefix = "[refused] " if result.get("refused") else ""
    return prefix + str(result.get("answer", "") or "")
