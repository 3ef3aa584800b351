"""Honesty invariants, enforced on every answer before it leaves the assistant.

1. every quote is a verbatim substring of its document's visible text at its offsets;
2. every number in the answer text occurs in a cited quote (or in the cited document's own title,
   date or 文号 shown beside it);
3. every citation marker [n] in the answer refers to a citation that exists.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from base.types import Answer, Citation

_MARKER = re.compile(r"\[(\d{1,3})\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers(text: str) -> list[str]:
    """Numerals in text (NFKC; thousands separators removed; citation markers ignored)."""
    t = _MARKER.sub(" ", unicodedata.normalize("NFKC", text))
    out = []
    for m in _NUMBER.finditer(t):
        s = m.group(0)
        s = re.sub(r",(?=\d{3}\b)", "", s)
        out.append(s.rstrip(".,"))
    return out


@dataclass
class GroundingReport:
    ok: bool
    problems: list[str] = field(default_factory=list)
    ungrounded_numbers: list[str] = field(default_factory=list)


def check(answer: Answer, doc_texts: dict[str, str], doc_meta_text: dict[str, str] | None = None) -> GroundingReport:
    problems: list[str] = []
    cites: dict[int, Citation] = {c.n: c for c in answer.citations}
    for c in [*answer.citations, *answer.related]:
        text = doc_texts.get(c.doc)
        if text is None:
            problems.append(f"[{c.n}] cites unknown document {c.doc}")
        elif text[c.start:c.end] != c.quote:
            problems.append(f"[{c.n}] quote is not the document's text at {c.start}:{c.end}")
    for m in _MARKER.finditer(answer.answer):
        if int(m.group(1)) not in cites:
            problems.append(f"marker [{m.group(1)}] has no citation")
    allowed = set()
    for c in answer.citations:
        allowed.update(numbers(c.quote))
        allowed.update(numbers((doc_meta_text or {}).get(c.doc, "")))
    ungrounded = [n for n in numbers(answer.answer) if n not in allowed]
    if ungrounded and not answer.refused:
        problems.append(f"numbers not in any cited quote: {', '.join(dict.fromkeys(ungrounded))}")
    return GroundingReport(ok=not problems, problems=problems, ungrounded_numbers=ungrounded)
