"""One passage shown to the model as [n]: what the prompt quotes and what the grounding check reads."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    """One passage shown to the model as [n]: a span of a document's visible text."""

    n: int
    doc: str
    start: int
    end: int
    text: str  # == the document's text[start:end]
    section: str = ""
    title: str | None = None
    region: str | None = None
    date: str | None = None
    doc_no: str | None = None
    issuer: str | None = None

    @property
    def meta_text(self) -> str:
        """What may ground a number besides the passage: the title, date and 文号 shown with it."""
        return " ".join(x for x in (self.title, self.date, self.doc_no) if x)

    @property
    def label_text(self) -> str:
        return " ".join(x for x in (self.region, self.title, self.issuer, self.section) if x)
