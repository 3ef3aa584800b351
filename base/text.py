"""Spans of a document's visible text: sentences, clauses, trimming. Pure functions; offsets always
refer to the text given. The one home of the sentence and clause punctuation."""
from __future__ import annotations

import re

SENT_END = "。；！？!?;\n"
CLAUSE_END = SENT_END + "，,"
# what joins the two years of a period (2021-2025, 2022—2025, 2022―2025, 2023至2025): "-" first, so
# that it stands for itself in a character class
YEAR_RANGE_DASHES = "-—–―~～至到"
CLOSERS = "”’\"）)】」"
_PUNCT_TAIL = re.compile(r"[，,、；;：:]+$")


def trim_span(text: str, a: int, b: int) -> tuple[int, int]:
    """Shrink [a, b) so it neither starts nor ends with white space."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of sentences in text[start:end], each ending at a sentence end (。；！？) or at `end`."""
    ends = SENT_END[:-1]  # a line break ends a paragraph, not a sentence here
    spans = []
    s = start
    i = start
    while i < end:
        if text[i] in ends:
            # keep closing quotes/brackets with the sentence
            j = i + 1
            while j < end and text[j] in CLOSERS:
                j += 1
            spans.append((s, j))
            s = j
            i = j
            continue
        i += 1
    if s < end:
        spans.append((s, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def sentence_bounds(text: str, start: int, end: int | None = None, ends: str = SENT_END) -> tuple[int, int]:
    """Expand [start, end) to the enclosing sentence (its ending punctuation included)."""
    end = start if end is None else end
    a = start
    while a > 0 and text[a - 1] not in ends:
        a -= 1
    if end > start and text[end - 1] in ends:
        return trim_span(text, a, end)
    b = end
    while b < len(text) and text[b] not in ends:
        b += 1
    if b < len(text) and text[b] != "\n":
        b += 1
    return trim_span(text, a, b)


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (ending at 。；！？!?; or a line break) inside text[start:end], white space trimmed."""
    end = len(text) if end is None else end
    out = []
    a = start
    for i in range(start, end):
        if text[i] in SENT_END:
            b = i + 1 if text[i] != "\n" else i
            if text[a:b].strip():
                out.append(trim_span(text, a, b))
            a = i + 1
    if a < end and text[a:end].strip():
        out.append(trim_span(text, a, end))
    return out


def clip_around(text: str, a: int, b: int, start: int, end: int, limit: int = 140) -> tuple[int, int]:
    """Shrink the sentence [start, end) to clauses around [a, b) when it is longer than `limit`."""
    if end - start <= limit:
        return start, end
    s, e = a, b
    while s > start and text[s - 1] not in CLAUSE_END:
        s -= 1
    while e < end and text[e] not in CLAUSE_END:
        e += 1
    # grow by whole clauses while within the limit
    while True:
        grown = False
        if s > start:
            p = s - 1
            while p > start and text[p - 1] not in CLAUSE_END:
                p -= 1
            if e - p <= limit:
                s, grown = p, True
        if e < end:
            q = e + 1
            while q < end and text[q] not in CLAUSE_END:
                q += 1
            if q - s <= limit:
                e, grown = q, True
        if not grown:
            break
    return trim_span(text, s, e)


def tidy_quote(text: str, a: int, b: int) -> tuple[int, int]:
    """Drop trailing commas/colons from a quote span (keeps it verbatim, just shorter)."""
    q = text[a:b]
    m = _PUNCT_TAIL.search(q)
    if m:
        b = a + m.start()
    return a, b
