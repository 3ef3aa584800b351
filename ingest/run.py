"""Bring the store in line with the corpus: load → clean → metadata → split → targets per file,
then vectors and the lexical index of a new generation (``store``)."""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from base.embeddings import collection_name, get_embeddings
from base.settings import Settings
from base.tokenize import tokens
from ingest.clean import clean
from ingest.load import SUPPORTED_SUFFIXES, LoadError, load_file
from ingest.metadata import OVERRIDE_FILE, extract_metadata, load_overrides
from ingest.split import split
from ingest.targets import extract_targets
from store.files import atomic_write, index_lock
from store.index import MANIFEST, PIPELINE_VERSION, collect_garbage, doc_store_path, load_stored, read_manifest
from store.stored import StoredDoc, indexed_text
from store.vectors import chroma_collection, ensure_vectors, reset_collection


def process(path: Path, corpus_dir: Path, settings: Settings, override: dict[str, Any] | None,
            key: str) -> StoredDoc:
    """load → clean → metadata → split → targets for one file."""
    raw = load_file(path, corpus_dir)
    doc = clean(raw)
    if not doc.text.strip():
        raise LoadError(raw.path, "no text left after removing boilerplate (navigation, footer and header lines only)")
    meta = extract_metadata(doc, override)
    chunks = split(doc, meta, size=settings.chunk_size, prefix=key)
    if not chunks:
        raise LoadError(raw.path, "no content passages found (only a title or metadata lines)")
    targets = extract_targets(doc, meta, chunks)
    return StoredDoc(key=key, doc=doc, meta=meta, chunks=chunks, targets=targets)


def doc_key(file_bytes_sha: str, settings: Settings, override: dict[str, Any] | None) -> str:
    """Identity of a processed document version: file content + pipeline config + its overrides."""
    h = hashlib.sha256()
    h.update(file_bytes_sha.encode())
    h.update(f"|v{PIPELINE_VERSION}|size{settings.chunk_size}|".encode())
    h.update(json.dumps(override or {}, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:20]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Documents in the corpus folder (recursively), hidden files and the override file excluded."""
    out = []
    for p in sorted(corpus_dir.rglob("*")):
        rel = p.relative_to(corpus_dir)
        if any(part.startswith(".") for part in rel.parts) or not p.is_file() or p.name == OVERRIDE_FILE:
            continue
        if p.name.lower() in {"readme.md", "readme.txt"}:
            continue
        out.append(p)
    return out


@dataclass
class IngestSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    chunks: int = 0
    targets: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def lines(self) -> list[str]:
        out = [f"documents: {len(self.added)} added, {len(self.updated)} updated, "
               f"{len(self.unchanged)} unchanged, {len(self.removed)} removed, {len(self.failed)} failed",
               f"index: {self.chunks} chunks, {self.targets} targets, {self.seconds:.1f} s"]
        out += [f"FAILED {p}: {why}" for p, why in self.failed.items()]
        return out


ProgressFn = Callable[[int, int, str], None]


def ingest(settings: Settings, paths: list[Path] | None = None, rebuild: bool = False,
           progress: ProgressFn | None = None) -> IngestSummary:
    """Bring the index in line with the corpus (or add/update just `paths`)."""
    t0 = time.perf_counter()
    corpus_dir = settings.corpus_dir.resolve()
    index_dir = settings.index_dir
    summary = IngestSummary()
    with index_lock(index_dir):
        manifest = read_manifest(index_dir) if not rebuild else {"version": 1, "generation": 0, "docs": {}, "bm25": None}
        old_docs: dict[str, dict[str, Any]] = manifest.get("docs", {})
        overrides = load_overrides(corpus_dir)
        files = [p.resolve() for p in paths] if paths else corpus_files(corpus_dir)
        new_docs = dict(old_docs) if paths else {}
        collection = chroma_collection(settings)
        if rebuild:
            reset_collection(settings, collection)
            collection = chroma_collection(settings)
        emb = get_embeddings(settings.embedding_model)

        for i, path in enumerate(files):
            rel = _rel(path, corpus_dir)
            if progress:
                progress(i, len(files), rel)
            try:
                if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                    raise LoadError(rel, f"unsupported file type '{path.suffix or '(none)'}' "
                                    f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
                key = doc_key(file_sha256(path), settings, overrides.get(rel))
                prev = old_docs.get(rel)
                store_path = doc_store_path(index_dir, key)
                if prev and prev["key"] == key and store_path.exists() and not rebuild:
                    new_docs[rel] = prev
                    summary.unchanged.append(rel)
                    ensure_vectors(collection, emb, load_stored(store_path), settings)
                    continue
                stored = load_stored(store_path) if store_path.exists() and not rebuild else None
                if stored is None:
                    stored = process(path, corpus_dir, settings, overrides.get(rel), key)
                    atomic_write(store_path, stored.to_json())
                ensure_vectors(collection, emb, stored, settings)
                new_docs[rel] = {"key": key, "title": stored.meta.title, "chunks": len(stored.chunks),
                                 "targets": len(stored.targets)}
                (summary.updated if prev else summary.added).append(rel)
            except Exception as e:  # noqa: BLE001 - one bad file never stops the run
                summary.failed[rel] = str(e) if isinstance(e, LoadError) else f"{type(e).__name__}: {e}"
                if rel in old_docs:  # keep the last good version rather than lose the document
                    new_docs[rel] = old_docs[rel]
        if progress:
            progress(len(files), len(files), "")

        summary.removed = sorted(set(old_docs) - set(new_docs))
        generation = int(manifest.get("generation", 0)) + 1
        stored_docs = [s for s in (load_stored(doc_store_path(index_dir, e["key"])) for e in new_docs.values()) if s]
        bm25_name = f"bm25-{generation}.json"
        atomic_write(index_dir / bm25_name, json.dumps(
            {"ids": [c.id for s in stored_docs for c in s.chunks],
             "tokens": [tokens(indexed_text(c, s.meta)) for s in stored_docs for c in s.chunks]},
            ensure_ascii=False))
        new_manifest = {"version": 1, "generation": generation, "pipeline": PIPELINE_VERSION,
                        "embedding_model": settings.embedding_model,
                        "collection": collection_name(settings.embedding_model),
                        "chunk_size": settings.chunk_size, "docs": new_docs, "bm25": bm25_name,
                        "updated": time.strftime("%Y-%m-%dT%H:%M:%S")}
        atomic_write(index_dir / MANIFEST, json.dumps(new_manifest, ensure_ascii=False, indent=1))
        collect_garbage(index_dir, new_manifest, collection)
        summary.chunks = sum(len(s.chunks) for s in stored_docs)
        summary.targets = sum(len(s.targets) for s in stored_docs)
    summary.seconds = time.perf_counter() - t0
    return summary


def safe_name(name: str) -> str:
    """A file name safe to store in the corpus: no folders, no control or shell characters."""
    import re
    import unicodedata

    name = unicodedata.normalize("NFKC", Path(name).name).strip().lstrip(".")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = re.sub(r"[^\w\u4e00-\u9fff()（）\-]+", "_", stem).strip("_")[:80] or "document"
    suffix = re.sub(r"[^a-zA-Z0-9]", "", suffix)[:8].lower()
    return f"{stem}.{suffix}" if suffix else stem


def add_to_corpus(src: Path, corpus_dir: Path, name: str | None = None) -> Path:
    """Copy a file into the corpus under a safe, unused name; returns the new path."""
    import shutil

    corpus_dir.mkdir(parents=True, exist_ok=True)
    target = corpus_dir / safe_name(name or src.name)
    stem, suffix = target.stem, target.suffix
    n = 1
    while target.exists():
        if target.read_bytes() == Path(src).read_bytes():
            return target  # the same file is already there
        n += 1
        target = corpus_dir / f"{stem}-{n}{suffix}"
    tmp = corpus_dir / f".{target.name}.tmp"
    shutil.copyfile(src, tmp)
    os.replace(tmp, target)
    return target


def _rel(path: Path, corpus_dir: Path) -> str:
    try:
        return path.relative_to(corpus_dir).as_posix()
    except ValueError:
        return path.name
