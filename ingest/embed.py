"""Vectors for the documents of a generation that still lack them, at the encoder's limit.

Documents are taken in windows of about ``WINDOW`` chunks; within a window the chunks are sorted by
length and embedded in batches of ``settings.embed_batch_size`` (similar lengths pad little). Chunks
whose vectors the collection already holds (a run killed half-way) are skipped. After each window the
caller is told which documents are complete, so they can become dense-searchable before the rest.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from base.embeddings import get_embeddings
from base.settings import Settings
from store.index import doc_store_path, load_stored
from store.stored import StoredDoc, indexed_text
from store.vectors import VectorStore, VectorStoreUnavailable

WINDOW = 256


@dataclass
class EmbedStats:
    encoder_seconds: float = 0.0
    vectors: int = 0
    error: str | None = None


def windows(pending: list[tuple[str, str, int]], size: int = WINDOW) -> list[list[tuple[str, str, int]]]:
    """Group (path, key, chunks) into consecutive windows of about `size` chunks."""
    out: list[list[tuple[str, str, int]]] = []
    n = 0
    for item in pending:
        if not out or n >= size:
            out.append([])
            n = 0
        out[-1].append(item)
        n += item[2]
    return out


def embed_pending(index_dir: Path, settings: Settings, store: VectorStore, pending: list[tuple[str, str, int]],
                  done: Callable[[list[str]], None], stats: EmbedStats,
                  cache: dict[str, StoredDoc] | None = None, fresh: frozenset[str] = frozenset()) -> None:
    """Embed the chunks of `pending` (path, key, chunk count) missing from `store`; `done(paths)` after
    each window. Stops at the first failure of the store (stats.error), leaving the rest pending.
    Keys in `fresh` were processed in this run (their store file did not exist, so no vectors can):
    they are not looked up first."""
    emb = None
    for win in windows(pending):
        todo: list[tuple[str, str, dict]] = []  # (id, text, metadata)
        try:
            for rel, key, _ in win:
                stored = (cache or {}).get(key) or load_stored(doc_store_path(index_dir, key))
                if stored is None:
                    continue
                ids = [c.id for c in stored.chunks]
                have = set() if key in fresh else store.existing(ids)
                todo += [(c.id, indexed_text(c, stored.meta), {"key": stored.key, "doc": stored.doc.path,
                          "section": c.section, "start": c.start, "end": c.end})
                         for c in stored.chunks if c.id not in have]
            todo.sort(key=lambda t: len(t[1]))
            for b in range(0, len(todo), settings.embed_batch_size):
                batch = todo[b:b + settings.embed_batch_size]
                emb = emb or get_embeddings(settings.embedding_model)
                t = time.perf_counter()
                vecs = emb.embed_documents([x[1] for x in batch])
                stats.encoder_seconds += time.perf_counter() - t
                store.upsert([x[0] for x in batch], vecs, [x[2] for x in batch])
                stats.vectors += len(batch)
        except VectorStoreUnavailable as e:
            stats.error = e.reason
            return
        done([rel for rel, _, _ in win])

