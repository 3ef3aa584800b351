"""A processed document version as the store keeps it: visible text, metadata, chunks, targets."""
from __future__ import annotations

import json
from dataclasses import dataclass

from base.types import Chunk, Doc, DocMeta, Target


@dataclass
class StoredDoc:
    key: str
    doc: Doc
    meta: DocMeta
    chunks: list[Chunk]
    targets: list[Target]

    def to_json(self) -> str:
        return json.dumps({
            "key": self.key,
            "doc": self.doc.__dict__,
            "meta": self.meta.to_dict(),
            "chunks": [c.to_dict() for c in self.chunks],
            "targets": [t.to_dict() for t in self.targets],
        }, ensure_ascii=False)

    @classmethod
    def from_json(cls, s: str) -> "StoredDoc":
        d = json.loads(s)
        return cls(key=d["key"], doc=Doc(**d["doc"]), meta=DocMeta.from_dict(d["meta"]),
                   chunks=[Chunk(**c) for c in d["chunks"]], targets=[Target(**t) for t in d["targets"]])


def indexed_text(chunk: Chunk, meta: DocMeta) -> str:
    """What is embedded and tokenised: a short document label, the section path, the passage."""
    label = meta.label()
    if meta.aliases:
        label += f"（{'、'.join(meta.aliases)}）"
    parts = [p for p in (label, chunk.section, chunk.text) if p]
    return "\n".join(parts)
