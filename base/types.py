"""Typed values that cross layer boundaries.

Ingest stages:

load → RawDoc → clean → Doc → metadata → DocMeta → split → Chunk → targets → Target → index
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class RawDoc:
    """Bytes of a file decoded to text (stage: load)."""

    path: str  # file name relative to the corpus folder, posix separators
    text: str  # decoded text; for html/pdf/docx the extracted text
    kind: str  # txt | md | html | pdf | docx
    encoding: str  # detected encoding (or the container format)
    sha256: str  # hash of the file's bytes


@dataclass(frozen=True)
class Doc:
    """A document's single visible text (stage: clean). Quotes and offsets refer to `text`."""

    path: str
    text: str
    kind: str
    sha256: str
    encoding: str = ""
    removed_lines: int = 0  # boilerplate lines removed


@dataclass
class DocMeta:
    """Metadata derived from a document's content (stage: metadata). None = not stated."""

    title: str | None = None  # the plan's own title; it may name the plan's region and years
    region: str | None = None
    issuer: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd when day known, else yyyy-mm / yyyy
    signed: str | None = None  # the date of its 落款 or byline, when another than `date` (a page's 发布时间)
    doc_no: str | None = None
    years: list[int] = field(default_factory=list)
    kind: str | None = None  # 工作要点 / 工作思路 / 工作方案 / 行动方案 / …
    aliases: list[str] = field(default_factory=list)  # other names of the region
    header_end: int = 0  # offset where the body starts (header/metadata lines before it)
    headline: str | None = None  # a news page's headline, when it has no plan title: shown, never scoped by

    @property
    def shown_title(self) -> str | None:
        """What a reader is shown as the document's title: its own title, else its headline."""
        return self.title or self.headline

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "DocMeta":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in d.items() if k in known})

    def label(self) -> str:
        """Short document label prefixed to indexed chunk text (region · year · title)."""
        parts = []
        if self.region:
            parts.append(self.region)
        if self.years:
            parts.append("、".join(f"{y}年" for y in self.years[:3]))
        if self.title:
            parts.append(self.title)
        return " · ".join(parts)


@dataclass
class Chunk:
    """A passage of a document along its own structure (stage: split)."""

    id: str  # "<doc sha[:16]>:<n>"
    doc: str  # document path
    section: str  # section path, "六、强化六项重点任务 > 2.强化高新技术产业发展"
    start: int  # offsets in Doc.text
    end: int
    text: str  # == Doc.text[start:end]
    heading: str = ""  # the innermost heading line (may be part of text)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Target:
    """A quantitative target found in a chunk (stage: targets)."""

    doc: str
    chunk_id: str
    section: str
    indicator: str  # e.g. 通过认定高新技术企业
    value: str  # as written, e.g. "8.47"
    unit: str  # as written, e.g. 亿元, 家, %
    number: float | None  # normalised numeric value in base unit (8.47亿元 → 847000000)
    base_unit: str  # unit after normalisation (元, 家, %, 平方米 …)
    comparator: str = ""  # 达到 / 突破 / 以上 / 不低于 / 增长 …
    qualifier: str = ""  # 力争 / 确保 / 争取 …
    year: int | None = None
    region: str | None = None
    quote: str = ""  # exact substring of Doc.text
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------- answers (assistant → UI, CLI, evals)
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
    # structured parts the UI can render besides the text: {"kind": "table", "columns", "rows"} or
    # {"kind": "sections", "items": [{"title", "text", "citations", "more"}]}; citations as "[n]"
    parts: list[dict[str, Any]] = field(default_factory=list)

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
        if self.parts:
            d["parts"] = self.parts
        return d


class QuestionError(ValueError):
    """The question cannot be asked as given (empty, too long, …)."""
