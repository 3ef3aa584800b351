"""Where a target's clause and quote lie in the text: sentence and clause boundaries outside number
mentions, list items cut at 、 after a quantity, and the quote span (list markers and markup skipped,
a short clause quoted with the one before it)."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from base.numbers import NumberMention
from base.text import SENT_END
from ingest.indicators import markup_spans, vocab_words

SENTENCE_ENDS = SENT_END
CLAUSE_ENDS = SENTENCE_ENDS + "，,：:"
SHORT_QUOTE = 8  # a clause shorter than this is quoted together with the clause before it


@dataclass
class Clause:
    start: int
    end: int


def boundaries(text: str, chars: str, masked: list[tuple[int, int]]) -> list[int]:
    """Positions of separator characters that are not inside a number mention (e.g. "1,200")."""
    starts = [a for a, _ in masked]
    out = []
    for i, ch in enumerate(text):
        if ch in chars:
            k = bisect_right(starts, i) - 1
            if k >= 0 and masked[k][0] <= i < masked[k][1]:
                continue
            out.append(i)
    return out


def around(bounds: list[int], lo: int, hi: int, pos: int, end: int) -> tuple[int, int]:
    """The span between the separators enclosing [pos, end), limited to [lo, hi)."""
    k = bisect_right(bounds, pos - 1) - 1
    start = max(lo, bounds[k] + 1) if k >= 0 else lo
    k2 = bisect_right(bounds, end - 1)
    stop = min(hi, bounds[k2]) if k2 < len(bounds) else hi
    return start, stop


def post_comparator(text: str, pos: int) -> str:
    """The post comparator (以上/左右 …) written at `pos`, or ""."""
    return next((w for w in vocab_words("comparators_post") if text.startswith(w, pos)), "")


def list_items(text: str, clause: Clause, quantities: list[NumberMention]) -> list[Clause]:
    """Split a clause at each 、 that directly follows a quantity (+以上 …)."""
    cuts = []
    for m in quantities:
        if not clause.start <= m.start < clause.end:
            continue
        p = m.end + len(post_comparator(text, m.end))
        p += len(re.match(r"[（(][^（）()]{0,8}[）)]|", text[p:]).group(0))  # type: ignore[union-attr]
        if p < clause.end and text[p] == "、":
            cuts.append(p)
    if not cuts:
        return [clause]
    edges = [clause.start] + [c + 1 for c in cuts]
    ends = cuts + [clause.end]
    return [Clause(a, b) for a, b in zip(edges, ends)]


@cache
def _marker_patterns() -> tuple[re.Pattern[str], ...]:
    from base.regions import genre

    return tuple(re.compile(h["pattern"]) for h in genre()["headings"])


def skip_list_marker(text: str, q0: int, q1: int) -> int:
    """Start of a quote moved past the list marker of its line ("1.新增…42家" → "新增…42家")."""
    if text[text.rfind("\n", 0, q0) + 1:q0].strip():
        return q0  # not at a line start
    piece = text[q0:q1]
    for pat in _marker_patterns():
        m = pat.match(piece)
        if m and m.end() < len(piece):
            q0 += m.end()
            while q0 < q1 and text[q0].isspace():
                q0 += 1
            break
    return q0


def skip_markup(text: str, q0: int, q1: int) -> int:
    """Start of a quote moved past markup/code fragments it would begin with."""
    while q0 < q1:
        spans = [b for a, b in markup_spans(text[q0:q1]) if a == 0]
        if not spans:
            break
        q0 += max(spans)
        while q0 < q1 and text[q0].isspace():
            q0 += 1
    return q0


def quote_span(text: str, clause: Clause, s0: int) -> tuple[int, int]:
    """The clause, trimmed of blanks; a short clause is quoted with the clause before it."""
    a, b = clause.start, clause.end
    if b - a < SHORT_QUOTE and a > s0:
        k = a - 1
        while k > s0 and text[k - 1] not in CLAUSE_ENDS:
            k -= 1
        a = k
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b
