"""Stage 6/7: the persisted index — Chroma vectors + BM25 tokens + a registry of documents.

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

import fcntl
import hashlib
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from assistant.embeddings import PlanQAEmbeddingFunction, collection_name, get_embeddings
from assistant.settings import Settings

from .clean import clean
from .load import SUPPORTED_SUFFIXES, LoadError, load_file
from .metadata import OVERRIDE_FILE, extract_metadata, load_overrides
from .split import split
from .targets import extract_targets
from .tokenize import tokens
from .types import Chunk, Doc, DocMeta, Target

PIPELINE_VERSION = "3"  # bump when load/clean/metadata/split/targets output changes
MANIFEST = "manifest.json"


class IndexError_(RuntimeError):
    """The index is missing, locked or unreadable."""


class IndexMissing(IndexError_):
    pass


# ---------------------------------------------------------------- small file helpers
def atomic_write(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    dfd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


@contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise IndexError_(f"another ingest is running on {index_dir}") from e
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


# ---------------------------------------------------------------- stored document
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


def process(path: Path, corpus_dir: Path, settings: Settings, override: dict[str, Any] | None,
            key: str) -> StoredDoc:
    """load → clean → metadata → split → targets for one file."""
    raw = load_file(path, corpus_dir)
    doc = clean(raw)
    if not doc.text.strip():
        raise LoadError(f"{raw.path}: no text left after removing boilerplate")
    meta = extract_metadata(doc, override)
    chunks = split(doc, meta, size=settings.chunk_size, prefix=key)
    if not chunks:
        raise LoadError(f"{raw.path}: no content passages found")
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


# ---------------------------------------------------------------- chroma
def chroma_client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    cs = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=cs)
    path = settings.index_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=cs)


def chroma_collection(settings: Settings, client=None):
    client = client or chroma_client(settings)
    return client.get_or_create_collection(
        name=collection_name(settings.embedding_model),
        embedding_function=PlanQAEmbeddingFunction(settings.embedding_model),
        metadata={"hnsw:space": "cosine", "embedding_model": settings.embedding_model},
    )


# ---------------------------------------------------------------- summary
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


# ---------------------------------------------------------------- manifest
def read_manifest(index_dir: Path) -> dict[str, Any]:
    p = index_dir / MANIFEST
    if not p.exists():
        return {"version": 1, "generation": 0, "docs": {}, "bm25": None}
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise IndexError_(f"{p} is unreadable ({e}); rebuild with `python -m ingest --rebuild`") from e


def _doc_store_path(index_dir: Path, key: str) -> Path:
    return index_dir / "docs" / f"{key}.json"


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
            _reset_collection(settings, collection)
            collection = chroma_collection(settings)
        emb = get_embeddings(settings.embedding_model)

        for i, path in enumerate(files):
            rel = _rel(path, corpus_dir)
            if progress:
                progress(i, len(files), rel)
            try:
                if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                    raise LoadError(f"{rel}: unsupported file type '{path.suffix or '(none)'}' "
                                    f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
                key = doc_key(file_sha256(path), settings, overrides.get(rel))
                prev = old_docs.get(rel)
                store_path = _doc_store_path(index_dir, key)
                if prev and prev["key"] == key and store_path.exists() and not rebuild:
                    new_docs[rel] = prev
                    summary.unchanged.append(rel)
                    _ensure_vectors(collection, emb, _load_stored(store_path), settings)
                    continue
                stored = _load_stored(store_path) if store_path.exists() and not rebuild else None
                if stored is None:
                    stored = process(path, corpus_dir, settings, overrides.get(rel), key)
                    atomic_write(store_path, stored.to_json())
                _ensure_vectors(collection, emb, stored, settings)
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
        stored_docs = [s for s in (_load_stored(_doc_store_path(index_dir, e["key"])) for e in new_docs.values()) if s]
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
        _collect_garbage(index_dir, new_manifest, collection)
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


def _load_stored(path: Path) -> StoredDoc | None:
    try:
        return StoredDoc.from_json(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, KeyError, TypeError):
        return None


def _ensure_vectors(collection, emb, stored: StoredDoc | None, settings: Settings) -> None:
    """Upsert the vectors of a document's chunks that the collection lacks (resumes after a kill)."""
    if stored is None:
        return
    ids = [c.id for c in stored.chunks]
    have = set(collection.get(ids=ids, include=[])["ids"]) if ids else set()
    todo = [c for c in stored.chunks if c.id not in have]
    for b in range(0, len(todo), settings.embed_batch_size):
        batch = todo[b:b + settings.embed_batch_size]
        texts = [indexed_text(c, stored.meta) for c in batch]
        collection.upsert(
            ids=[c.id for c in batch],
            embeddings=emb.embed_documents(texts),
            documents=texts,
            metadatas=[{"key": stored.key, "doc": stored.doc.path, "section": c.section,
                        "start": c.start, "end": c.end} for c in batch])


def _reset_collection(settings: Settings, collection) -> None:
    client = chroma_client(settings)
    try:
        client.delete_collection(collection.name)
    except Exception:  # noqa: BLE001 - absent is fine
        pass


def _collect_garbage(index_dir: Path, manifest: dict[str, Any], collection) -> None:
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


# ---------------------------------------------------------------- reading
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
        s = _load_stored(_doc_store_path(index_dir, entry["key"]))
        if s is None:
            raise IndexError_(f"index at {index_dir} is incomplete ({rel}); run `python -m ingest`")
        docs[rel] = s
    try:
        bm = json.loads((index_dir / manifest["bm25"]).read_text(encoding="utf-8")) if manifest.get("bm25") else {"ids": [], "tokens": []}
    except (OSError, json.JSONDecodeError) as e:
        raise IndexError_(f"BM25 file of {index_dir} is unreadable ({e}); run `python -m ingest --rebuild`") from e
    return IndexSnapshot(manifest=manifest, docs=docs, bm25_ids=bm["ids"], bm25_tokens=bm["tokens"])
