"""The Answer that crosses from assistant/ to the CLI, the web app and evals (shared/qa_schema.md)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Citation:
    n: int
    doc: str  # file name as it lies in the corpus folder
    title: str | None
    region: str | None
    date: str | None
    section: str
    quote: str  # verbatim substring of the document's visible text
    start: int
    end: int
    issuer: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    latency_ms: float = 0.0
    answerer: str = "extractive"
    related: list[Citation] = field(default_factory=list)  # shown as related, never as the answer
    notice: str | None = None  # e.g. the LLM answer could not be verified
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self, item_id: str | None = None) -> dict[str, Any]:
        """The stable JSON contract of an answer (extra keys after the contract's ones)."""
        d: dict[str, Any] = {}
        if item_id is not None:
            d["id"] = item_id
        d.update({
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "latency_ms": round(self.latency_ms, 1),
            "answerer": self.answerer,
        })
        if self.related:
            d["related"] = [c.to_dict() for c in self.related]
        if self.notice:
            d["notice"] = self.notice
        return d


class QuestionError(ValueError):
    """The question cannot be asked as given (empty, too long, …)."""
