"""One answer from the answers to the parts of a question that asks two things in turn
(``assistant.query.question_parts``): the parts' texts one after the other, their citations
numbered anew (a passage cited by both parts keeps one number)."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from base.types import Answer, Citation

_MARK = re.compile(r"\[(\d+)\]")


def _renumber(value: Any, mapping: dict[int, int]) -> Any:
    """`value` (a text, or the lists and dicts of an answer's structured parts) with its citation
    markers [n] mapped to their new numbers; a marker not among the citations is left as it is."""
    if isinstance(value, str):
        return _MARK.sub(lambda m: f"[{mapping[int(m.group(1))]}]" if int(m.group(1)) in mapping else m.group(0), value)
    if isinstance(value, list):
        return [_renumber(v, mapping) for v in value]
    if isinstance(value, dict):
        return {k: (_renumber(v, mapping) if k != "kind" else v) for k, v in value.items()}
    return value


def _inside(c: Citation, d: Citation) -> bool:
    return c.doc == d.doc and d.start <= c.start and c.end <= d.end


def quoted_by_another(ans: Answer, others: list[Answer]) -> bool:
    """Every quote of `ans` lies inside a wider quote of one other answer (获得…奖12项 inside 获得…奖12项,
    占全市获奖总数的18.5%): that answer's line shows it already."""
    return bool(ans.citations) and any(
        all(any(_inside(c, d) for d in o.citations) for c in ans.citations)
        and any(not _inside(d, c) for d in o.citations for c in ans.citations if _inside(c, d))
        for o in others if o is not ans)


def merge_answers(question: str, answers: list[Answer]) -> Answer:
    """The answers to a question's parts as one answer to the whole question; a part whose quotes
    another part's wider quote holds is shown by that line alone."""
    answers = [a for a in answers if not quoted_by_another(a, answers)] or answers
    cites: list[Citation] = []
    seen: dict[tuple[str, int, int], int] = {}
    texts: list[str] = []
    parts: list[dict[str, Any]] = []
    related: list[Citation] = []
    notices: list[str] = []
    for ans in answers:
        mapping: dict[int, int] = {}
        for c in ans.citations:
            key = (c.doc, c.start, c.end)
            if key not in seen:
                seen[key] = len(cites) + 1
                cites.append(replace(c, n=seen[key]))
            mapping[c.n] = seen[key]
        texts.append(_renumber(ans.answer, mapping))
        parts += _renumber(ans.parts, mapping)
        related += [c for c in ans.related if (c.doc, c.start, c.end) not in seen
                    and all((r.doc, r.start, r.end) != (c.doc, c.start, c.end) for r in related)]
        if ans.notice and ans.notice not in notices:
            notices.append(ans.notice)
    related = [replace(c, n=i) for i, c in enumerate(related, 1)]
    return Answer(question=question, answer="\n".join(texts), refused=False, citations=cites, related=related,
                  notice=" ".join(notices) or None, parts=parts)
