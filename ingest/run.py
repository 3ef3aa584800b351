"""Bring the store in line with the corpus: load → clean → metadata → split → targets per file, then
a new generation of the index (``store``): stored documents and their lexical index first (searchable
at once), vectors after (the generation lists the documents still being embedded)."""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from base.embeddings import collection_name
from base.settings import Settings
from base.tokenize import tokens
from ingest.clean import clean
from ingest.embed import EmbedStats, embed_pending
from ingest.load import SUPPORTED_SUFFIXES, LoadError, load_file
from ingest.metadata import OVERRIDE_FILE, extract_metadata, load_overrides
from ingest.split import split
from ingest.targets import extract_targets
from store.files import atomic_write, index_lock
from store.index import (PIPELINE_VERSION, collect_files, doc_store_path, empty_manifest, load_stored,
                         protected_manifests, publish, read_manifest, tokens_path)
from store.lexical import LexicalIndex
from store.stored import StoredDoc, indexed_text
from store.vectors import VectorStore, VectorStoreUnavailable, compact_database, remove_orphan_segments

PUBLISH_EVERY = 10.0  # seconds between generations that only mark more documents as embedded


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


def check_file(path: Path, corpus_dir: Path, settings: Settings) -> str | None:
    """Why `path` cannot be indexed (None when it can): run before copying it into the corpus."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return (f"Cannot load {path.name}: unsupported file type '{path.suffix or '(none)'}' "
                f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
    try:
        process(path, path.parent, settings, None, "check")
    except LoadError as e:
        return str(e)
    except Exception as e:  # noqa: BLE001 - reported, never raised
        return f"Cannot load {path.name}: {type(e).__name__}: {e}"
    return None


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
    pending: list[str] = field(default_factory=list)  # searchable by keyword, vectors still missing
    vector_error: str | None = None
    chunks: int = 0
    targets: int = 0
    vectors: int = 0
    encoder_seconds: float = 0.0
    generation: int | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and self.vector_error is None

    def lines(self) -> list[str]:
        out = [f"documents: {len(self.added)} added, {len(self.updated)} updated, "
               f"{len(self.unchanged)} unchanged, {len(self.removed)} removed, {len(self.failed)} failed",
               f"index: {self.chunks} chunks, {self.targets} targets, {self.vectors} new vectors "
               f"({self.encoder_seconds:.1f} s encoding), {self.seconds:.1f} s"]
        if self.vector_error:
            out.append(f"VECTORS NOT WRITTEN: {self.vector_error}")
        if self.pending:
            shown = ", ".join(self.pending[:5]) + (f" … (+{len(self.pending) - 5})" if len(self.pending) > 5 else "")
            out.append(f"keyword search only until embedded: {len(self.pending)} documents ({shown}); "
                       "run `python -m ingest` again to finish")
        out += [f"FAILED {p}: {why}" for p, why in self.failed.items()]
        return out


ProgressFn = Callable[[int, int, str], None]
NotifyFn = Callable[[str], None]


def ingest(settings: Settings, paths: list[Path] | None = None, rebuild: bool = False,
           progress: ProgressFn | None = None, notify: NotifyFn | None = None) -> IngestSummary:
    """Bring the index in line with the corpus (or add/update just `paths`; an empty list does nothing).

    `notify` gets one line when documents become searchable by keyword while their vectors are
    being computed. A --rebuild builds the new generation beside the current one and swaps at the end.
    """
    t0 = time.perf_counter()
    with index_lock(settings.index_dir):
        run = _Run(settings, rebuild, progress, notify or (lambda _m: None))
        run.execute(paths)
    run.summary.seconds = time.perf_counter() - t0
    return run.summary


class _Run:
    def __init__(self, settings: Settings, rebuild: bool, progress: ProgressFn | None, notify: NotifyFn) -> None:
        self.settings, self.rebuild, self.progress, self.notify = settings, rebuild, progress, notify
        self.index_dir = settings.index_dir
        self.corpus_dir = settings.corpus_dir.resolve()
        self.summary = IngestSummary()
        self.prev = read_manifest(self.index_dir)
        self.base = empty_manifest() if rebuild else self.prev
        self.tokens: dict[str, list[list[str]]] = {}  # key → chunk tokens of documents processed now
        self.stored: dict[str, StoredDoc] = {}
        self.collection, self.epoch = self._collection()

    def _collection(self) -> tuple[str, int]:
        model = self.settings.embedding_model
        epoch = int(self.prev.get("epoch", 0))
        if self.rebuild:
            return f"{collection_name(model)}-r{epoch + 1}", epoch + 1
        if self.prev.get("collection") and self.prev.get("embedding_model") == model:
            return self.prev["collection"], epoch
        return collection_name(model), epoch

    def execute(self, paths: list[Path] | None) -> None:
        old = self.base.get("docs", {})
        docs = self._scan(paths, old)
        s = self.summary
        s.removed = sorted(set(old) - set(docs))
        s.chunks = sum(e["chunks"] for e in docs.values())
        s.targets = sum(e["targets"] for e in docs.values())
        same_vectors = self.collection == self.prev.get("collection")
        todo = set(self.base.get("pending", [])) | set(s.added) | set(s.updated)
        pending = [r for r in docs if r in todo or not same_vectors]
        changed = self.rebuild or s.added or s.updated or s.removed or not same_vectors
        if not changed and not pending:
            s.generation = self.prev.get("generation")
            return
        manifest = {**self._header(), "docs": docs, "pending": pending,
                    "lexical": self._lexical(docs) if changed else self.base.get("lexical")}
        if not self.rebuild and changed:
            s.generation = self._publish(manifest)
            if pending:
                self.notify(f"searchable by keyword now; computing vectors of {len(pending)} documents: "
                            + ", ".join(pending[:5]) + (" …" if len(pending) > 5 else ""))
        manifest = self._embed(manifest)
        s.pending = list(manifest["pending"])
        if self.rebuild and s.vector_error:
            raise VectorStoreUnavailable(f"rebuild abandoned, the current index is unchanged: {s.vector_error}")
        s.generation = self._publish(manifest)
        self._collect()

    def _publish(self, manifest: dict[str, Any]) -> int:
        if manifest != getattr(self, "_last", None):
            self._gen = publish(self.index_dir, manifest)
            self._last = manifest
        return self._gen

    def _header(self) -> dict[str, Any]:
        return {"pipeline": PIPELINE_VERSION, "embedding_model": self.settings.embedding_model,
                "collection": self.collection, "epoch": self.epoch, "chunk_size": self.settings.chunk_size}

    def _scan(self, paths: list[Path] | None, old: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Hash every file, process the new and changed ones; the documents of the new generation."""
        overrides = load_overrides(self.corpus_dir)
        files = [p.resolve() for p in paths] if paths is not None else corpus_files(self.corpus_dir)
        docs = dict(old) if paths is not None else {}
        for i, path in enumerate(files):
            rel = _rel(path, self.corpus_dir)
            if self.progress:
                self.progress(i, len(files), rel)
            try:
                entry = self._one(path, rel, old.get(rel), overrides.get(rel))
            except Exception as e:  # noqa: BLE001 - one bad file never stops the run
                self.summary.failed[rel] = str(e) if isinstance(e, LoadError) else f"{type(e).__name__}: {e}"
                if rel in old:  # keep the last good version rather than lose the document
                    docs[rel] = old[rel]
                continue
            docs[rel] = entry
        if self.progress:
            self.progress(len(files), len(files), "")
        return docs

    def _one(self, path: Path, rel: str, prev: dict[str, Any] | None, override: dict[str, Any] | None) -> dict[str, Any]:
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise LoadError(rel, f"unsupported file type '{path.suffix or '(none)'}' "
                            f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
        key = doc_key(file_sha256(path), self.settings, override)
        store_path = doc_store_path(self.index_dir, key)
        if prev and prev["key"] == key and store_path.exists():
            self.summary.unchanged.append(rel)
            return prev
        stored = None if self.rebuild else load_stored(store_path)
        if stored is None:
            stored = process(path, self.corpus_dir, self.settings, override, key)
            toks = [tokens(indexed_text(c, stored.meta)) for c in stored.chunks]
            atomic_write(tokens_path(self.index_dir, key), json.dumps(toks, ensure_ascii=False))
            atomic_write(store_path, stored.to_json())
            self.tokens[key] = toks
        self.stored[key] = stored
        (self.summary.updated if prev else self.summary.added).append(rel)
        return {"key": key, "title": stored.meta.shown_title, "chunks": len(stored.chunks), "targets": len(stored.targets)}

    def _chunk_tokens(self, key: str) -> list[list[str]]:
        """Tokens of a document version: computed this run, stored with it, or (an index of the
        earlier layout) computed once from its stored chunks and kept."""
        if key in self.tokens:
            return self.tokens[key]
        try:
            return json.loads(tokens_path(self.index_dir, key).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            stored = self.stored.get(key) or load_stored(doc_store_path(self.index_dir, key))
            toks = [tokens(indexed_text(c, stored.meta)) for c in stored.chunks] if stored else []
            atomic_write(tokens_path(self.index_dir, key), json.dumps(toks, ensure_ascii=False))
            return toks

    def _lexical(self, docs: dict[str, dict[str, Any]]) -> str:
        """The generation's lexical index: rows of the previous one for documents kept, token files
        for the others; written under lexical/ and named in the manifest."""
        prev_lex = None
        if not self.rebuild and self.base.get("lexical"):
            try:
                prev_lex = LexicalIndex.load(self.index_dir / self.base["lexical"])
            except (OSError, ValueError, KeyError):
                prev_lex = None
        kept, parts = [], []
        for e in docs.values():
            ids = [f"{e['key']}:{n}" for n in range(e["chunks"])]
            if prev_lex is not None and ids and all(i in prev_lex.row_of for i in ids):
                kept += ids
            else:
                parts.append((ids, self._chunk_tokens(e["key"])))
        lex = LexicalIndex.assemble(([(kept, prev_lex)] if kept else []) + parts)
        name = f"lexical/{int(time.time() * 1000)}-{os.getpid()}.npz"
        (self.index_dir / "lexical").mkdir(parents=True, exist_ok=True)
        lex.save(self.index_dir / name)
        return name

    def _embed(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """Vectors of the pending documents; a new generation every PUBLISH_EVERY s marks the
        documents embedded so far (not during a rebuild, which swaps once at the end)."""
        if not manifest["pending"]:
            return manifest
        state = {"manifest": manifest, "t": time.monotonic()}

        def done(paths: list[str]) -> None:
            m = state["manifest"]
            state["manifest"] = {**m, "pending": [p for p in m["pending"] if p not in set(paths)]}
            if not self.rebuild and time.monotonic() - state["t"] >= PUBLISH_EVERY:
                self._publish(state["manifest"])
                state["t"] = time.monotonic()

        docs = manifest["docs"]
        todo = [(r, docs[r]["key"], docs[r]["chunks"]) for r in manifest["pending"]]
        stats = EmbedStats()
        try:
            self.store = VectorStore(self.settings, self.collection)
            embed_pending(self.index_dir, self.settings, self.store, todo, done, stats, self.stored,
                          fresh=frozenset(self.tokens) if not self.rebuild else frozenset())
        except VectorStoreUnavailable as e:
            stats.error = e.reason
        self.summary.vectors, self.summary.encoder_seconds = stats.vectors, stats.encoder_seconds
        self.summary.vector_error = stats.error
        return state["manifest"]

    def _collect(self) -> None:
        """Remove what neither the current generation nor a live reader's generation references."""
        keep = protected_manifests(self.index_dir)
        collect_files(self.index_dir, keep)
        store = getattr(self, "store", None) or VectorStore(self.settings, self.collection)
        try:
            dropped = store.drop_collections_except({m.get("collection") for m in keep})
            keys = {e["key"] for m in keep if m.get("collection") == self.collection for e in m["docs"].values()}
            deleted = store.drop_keys_except(keys)
        except VectorStoreUnavailable as e:  # orphans stay until the next run; nothing is lost
            self.summary.vector_error = self.summary.vector_error or f"cleaning up vectors: {e.reason}"
            dropped, deleted = [], 0
        store.close()
        remove_orphan_segments(self.settings)
        if dropped or deleted > 0.1 * max(1, self.summary.chunks):
            compact_database(self.settings)


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
