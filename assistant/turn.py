"""One question on its way through the answer step. The stages fill a ``Turn`` in order, so a
reader can follow a question through the code: question → query (analysis) → scope → passages →
answer, with the time each stage took."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from langchain_core.documents import Document

from assistant.query import Query
from assistant.scope import Scope
from base.types import Answer


@dataclass
class Turn:
    question: str  # validated (NFKC, stripped, within length limits)
    history: list[dict[str, str]] = field(default_factory=list)  # earlier {"q", "a"}, oldest first
    filters: dict[str, Any] = field(default_factory=dict)  # explicit CLI/UI filters: region, year, doc
    query: Query | None = None  # analyse
    scope: Scope | None = None  # scope
    passages: list[Document] = field(default_factory=list)  # retrieve, best first
    answer: Answer | None = None  # compose (+ check)
    timings: dict[str, float] = field(default_factory=dict)  # ms per stage
    degraded: str | None = None  # why retrieval used keyword search alone (the vector store did not answer)
    is_part: bool = False  # one part of a question that asks two things (answered on its own)
    # the LLM answerer's own reading of a follow-up and the passages it was shown
    llm_query: Query | None = None
    llm_passages: list[Document] = field(default_factory=list)
    standalone: str | None = None


def clean_history(history: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """Earlier exchanges as given by a caller, kept only when well-formed and cut to a sane length."""
    out = []
    for h in history or []:
        if isinstance(h, dict) and isinstance(h.get("q"), str):
            out.append({"q": h["q"][:2000], "a": str(h.get("a", ""))[:4000]})
    return out
