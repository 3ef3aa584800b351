"""The persisted index — Chroma vectors + BM25 tokens + a registry of documents.

Layout of ``index_dir``::

    manifest.json           the registry: one entry per document, the BM25 file, the collection
    docs/<key>.json         per document version: visible text, metadata, chunks, targets (immutable)
    bm25-<generation>.json  tokens of every chunk of that generation (immutable)
    chroma/                 embedded Chroma (when no Chroma server is configured)

Safety: immutable files are written first (tmp + fsync + rename), vectors are upserted, and only then
is ``manifest.json`` atomically replaced. Readers only ever follow the manifest, and dense retrieval
filters vectors by the manifest's document keys, so a kill -9 at any point leaves the previous index
fully usable; the next run finds what is missing and completes the work, then removes orphans.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from base.types import Chunk
from store.errors import IndexError_, IndexMissing
from store.stored import StoredDoc

PIPELINE_VERSION = "3"  # bump when load/clean/metadata/split/targets output changes
MANIFEST = "manifest.json"


def read_manifest(index_dir: Path) -> dict[str, Any]:
    p = index_dir / MANIFEST
    if not p.exists():
        return {"version": 1, "generation": 0, "docs": {}, "bm25": None}
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise IndexError_(f"{p} is unreadable ({e}); rebuild with `python -m ingest --rebuild`") from e


def doc_store_path(index_dir: Path, key: str) -> Path:
    return index_dir / "docs" / f"{key}.json"


def load_stored(path: Path) -> StoredDoc | None:
    try:
        return StoredDoc.from_json(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, KeyError, TypeError):
        return None


def collect_garbage(index_dir: Path, manifest: dict[str, Any], collection) -> None:
    """Remove vectors, document stores and BM25 files the manifest no longer references."""
    keys = {e["key"] for e in manifest["docs"].values()}
    all_ids = collection.get(include=[])["ids"]
    stale = [i for i in all_ids if i.split(":", 1)[0] not in keys]
    for b in range(0, len(stale), 500):
        collection.delete(ids=stale[b:b + 500])
    for p in (index_dir / "docs").glob("*.json"):
        if p.stem not in keys:
            p.unlink(missing_ok=True)
    for p in index_dir.glob("bm25-*.json"):
        if p.name != manifest["bm25"]:
            p.unlink(missing_ok=True)
    for p in list(index_dir.glob(".*.tmp")) + list((index_dir / "docs").glob(".*.tmp")):
        p.unlink(missing_ok=True)


@dataclass
class IndexSnapshot:
    """What the answering side reads: every stored document of the manifest plus BM25 tokens."""

    manifest: dict[str, Any]
    docs: dict[str, StoredDoc]  # by document path
    bm25_ids: list[str]
    bm25_tokens: list[list[str]]

    @property
    def chunks(self) -> dict[str, tuple[Chunk, StoredDoc]]:
        return {c.id: (c, s) for s in self.docs.values() for c in s.chunks}


def open_index(index_dir: Path) -> IndexSnapshot:
    manifest_path = index_dir / MANIFEST
    if not manifest_path.exists():
        raise IndexMissing(f"no index at {index_dir}: build it with `python -m ingest` "
                           f"(or `make run`, which builds it before starting the app)")
    manifest = read_manifest(index_dir)
    docs = {}
    for rel, entry in manifest["docs"].items():
        s = load_stored(doc_store_path(index_dir, entry["key"]))
        if s is None:
            raise IndexError_(f"index at {index_dir} is incomplete ({rel}); run `python -m ingest`")
        docs[rel] = s
    try:
        bm = json.loads((index_dir / manifest["bm25"]).read_text(encoding="utf-8")) if manifest.get("bm25") else {"ids": [], "tokens": []}
    except (OSError, json.JSONDecodeError) as e:
        raise IndexError_(f"BM25 file of {index_dir} is unreadable ({e}); run `python -m ingest --rebuild`") from e
    return IndexSnapshot(manifest=manifest, docs=docs, bm25_ids=bm["ids"], bm25_tokens=bm["tokens"])
