"""The vector side of the store: Chroma (embedded or a server), every call bounded by a timeout.

One collection per embedding model and rebuild epoch; vectors of a document version have ids
``<key>:<n>`` and metadata ``key``, so a generation asks only for its own keys.

Embedded Chroma caches each collection's HNSW index in the process that opened it and never sees
another process's writes (a reader then fails with "Error finding id"). So every opening here gets a
System of its own: a reader opens one per generation (``VectorStore.for_generation``), a writer a fresh
one per run. Calls run in a worker thread and give up after ``settings.chroma_timeout`` seconds; a
reader that failed backs off (1, 2, 4 … 30 s) and answers "unavailable" at once meanwhile, then
tries again: the store comes back without a restart.
"""
from __future__ import annotations

import logging
import sqlite3
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, Callable, TypeVar

from base.embeddings import PlanQAEmbeddingFunction, collection_name
from base.settings import Settings
from store.errors import IndexError_

log = logging.getLogger("pqa.store")
T = TypeVar("T")
COLLECTION_PREFIX = "planqa-"
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="chroma")
_client_lock = threading.Lock()


class VectorStoreUnavailable(IndexError_):
    """The vector store did not answer (down, frozen, refused, broken); ``reason`` is short."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def where_the_store_is(settings: Settings) -> str:
    if settings.chroma_host:
        return f"Chroma server {settings.chroma_host}:{settings.chroma_port}"
    return f"embedded Chroma in {settings.index_dir / 'chroma'}"


def bounded(fn: Callable[[], T], timeout: float, what: str) -> T:
    """fn() in a worker thread; VectorStoreUnavailable when it fails or takes over `timeout` s."""
    fut = _pool.submit(fn)
    try:
        return fut.result(timeout=timeout)
    except FutureTimeout:
        raise VectorStoreUnavailable(f"{what}: no answer within {timeout:g} s") from None
    except VectorStoreUnavailable:
        raise
    except Exception as e:  # noqa: BLE001 - every failure of the store is "unavailable" to callers
        msg = str(e).strip().splitlines()[0][:160] if str(e).strip() else ""
        raise VectorStoreUnavailable(f"{what}: {type(e).__name__}{': ' + msg if msg else ''}") from e


def _new_client(settings: Settings):
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings

    cs = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=cs)
        session = getattr(getattr(client, "_server", None), "_session", None)
        if session is not None:  # the HTTP client has no timeout of its own
            import httpx

            session.timeout = httpx.Timeout(settings.chroma_timeout * 4)
        return client
    path = settings.index_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    with _client_lock:  # a System of our own, not the process-wide cached (possibly stale) one
        SharedSystemClient._identifier_to_system.pop(str(path), None)
        client = chromadb.PersistentClient(path=str(path), settings=cs)
        SharedSystemClient._identifier_to_system.pop(str(path), None)
    return client


class _Backoff:
    """After a failure, calls are refused for 1, 2, 4 … 30 s; the first call after that probes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failures = 0
        self.until = 0.0
        self.reason = ""

    def check(self) -> None:
        with self.lock:
            if time.monotonic() < self.until:
                raise VectorStoreUnavailable(self.reason)

    def failed(self, reason: str) -> None:
        with self.lock:
            self.failures += 1
            self.reason = reason
            self.until = time.monotonic() + min(30.0, 2.0 ** (self.failures - 1))

    def ok(self) -> None:
        with self.lock:
            self.failures, self.until = 0, 0.0


_backoffs: dict[str, _Backoff] = {}


class VectorStore:
    """One collection of the configured store; reads back off after failures, writes raise."""

    def __init__(self, settings: Settings, name: str | None = None, create: bool = True) -> None:
        self.settings = settings
        self.name = name or collection_name(settings.embedding_model)
        self.create = create
        self.timeout = settings.chroma_timeout
        self._lock = threading.Lock()
        self._client: Any = None
        self._collection: Any = None
        self.backoff = _backoffs.setdefault(where_the_store_is(settings), _Backoff())

    # ------------------------------------------------------------ plumbing
    def _open(self) -> Any:
        with self._lock:
            if self._collection is None:
                def op():
                    client = _new_client(self.settings)
                    if self.create:
                        return client, client.get_or_create_collection(
                            name=self.name, embedding_function=PlanQAEmbeddingFunction(self.settings.embedding_model),
                            metadata={"hnsw:space": "cosine", "embedding_model": self.settings.embedding_model})
                    return client, client.get_collection(
                        self.name, embedding_function=PlanQAEmbeddingFunction(self.settings.embedding_model))
                # a server answers at once or is down; embedded Chroma may load a large HNSW index first
                wait = self.timeout if self.settings.chroma_host else max(10.0, self.timeout * 4)
                self._client, self._collection = bounded(op, wait, "opening the vector store")
            return self._collection

    def _read(self, fn: Callable[[Any], T], what: str) -> T:
        self.backoff.check()
        try:
            col = self._open()
            out = bounded(lambda: fn(col), self.timeout, what)
        except VectorStoreUnavailable as e:
            self.backoff.failed(e.reason)
            with self._lock:  # the next probe reconnects from scratch
                self._client = self._collection = None
            raise
        self.backoff.ok()
        return out

    def _write(self, fn: Callable[[Any], T], what: str) -> T:
        col = self._open()
        return bounded(lambda: fn(col), max(30.0, self.timeout * 10), what)

    @property
    def client(self) -> Any:
        self._open()
        return self._client

    # ------------------------------------------------------------ reading
    def query(self, vector: list[float], n: int, keys: list[str] | None) -> list[tuple[str, float]]:
        """(vector id, distance) of the `n` nearest vectors, of document keys `keys` (None: any)."""
        where = None if keys is None else ({"key": keys[0]} if len(keys) == 1 else {"key": {"$in": keys}})

        def op(col):
            res = col.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])
            return list(zip(res["ids"][0], res["distances"][0]))
        return self._read(op, "vector search")

    def heartbeat(self) -> None:
        self._read(lambda col: col.count(), "vector store heartbeat")

    # ------------------------------------------------------------ writing
    def existing(self, ids: list[str]) -> set[str]:
        return set(self._write(lambda col: col.get(ids=ids, include=[])["ids"], "reading vector ids")) if ids else set()

    def upsert(self, ids: list[str], vectors: list[list[float]], metas: list[dict]) -> None:
        """Vectors with their chunk's key and span; the text itself stays in the document store
        (stored twice it doubled Chroma's database and its full-text index grew with every rebuild)."""
        self._write(lambda col: col.upsert(ids=ids, embeddings=vectors, metadatas=metas), "writing vectors")

    def count(self) -> int:
        return self._write(lambda col: col.count(), "counting vectors")

    def drop_keys_except(self, keep: set[str]) -> int:
        """Delete every vector whose document key is not in `keep`; returns how many."""
        ids = self._write(lambda col: col.get(include=[])["ids"], "listing vector ids")
        stale = [i for i in ids if i.split(":", 1)[0] not in keep]
        for b in range(0, len(stale), 2000):
            part = stale[b:b + 2000]
            self._write(lambda col: col.delete(ids=part), "deleting vectors")
        return len(stale)

    def drop_collections_except(self, keep: set[str]) -> list[str]:
        """Delete this project's collections other than `keep` (old rebuild epochs, old models)."""
        client = self.client
        names = self._write(lambda _c: [c if isinstance(c, str) else c.name for c in client.list_collections()],
                            "listing collections")
        gone = [n for n in names if n.startswith(COLLECTION_PREFIX) and n not in keep]
        for n in gone:
            self._write(lambda _c: client.delete_collection(n), "deleting a collection")
        return gone

    def close(self) -> None:
        with self._lock:
            self._client = self._collection = None


def orphan_segment_dirs(chroma_dir: Path) -> list[Path]:
    """HNSW segment folders of embedded Chroma that no segment in its database refers to (a deleted
    collection's folder is left on disk by Chroma)."""
    db = chroma_dir / "chroma.sqlite3"
    if not db.exists():
        return []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        live = {r[0] for r in con.execute("select id from segments")}
    finally:
        con.close()
    return [p for p in chroma_dir.iterdir() if p.is_dir() and len(p.name) == 36 and p.name not in live]


def remove_orphan_segments(settings: Settings) -> int:
    if settings.chroma_host:
        return 0
    n = 0
    for p in orphan_segment_dirs(settings.index_dir / "chroma"):
        shutil.rmtree(p, ignore_errors=True)
        n += 1
    return n


def compact_database(settings: Settings) -> bool:
    """VACUUM embedded Chroma's database (as ``chroma utils vacuum`` does) after large deletions, so
    dropped collections and vectors give their space back. Skipped when another process holds it
    busy for over 5 s (the space is reclaimed by a later run)."""
    db = settings.index_dir / "chroma" / "chroma.sqlite3"
    if settings.chroma_host or not db.exists():
        return False
    try:
        con = sqlite3.connect(str(db), timeout=5)
        try:
            con.execute("VACUUM")
        finally:
            con.close()
    except sqlite3.Error as e:
        log.info("vacuum of %s skipped: %s", db, e)
        return False
    return True


def chroma_collection(settings: Settings, name: str | None = None):
    """The raw Chroma collection (a fresh System of its own) — for tests and tools."""
    return VectorStore(settings, name).client.get_collection(
        name or collection_name(settings.embedding_model),
        embedding_function=PlanQAEmbeddingFunction(settings.embedding_model))


_reader_cache: dict[tuple[str, str], VectorStore] = {}
_reader_lock = threading.Lock()


def reader_store(settings: Settings, collection: str, generation: int) -> VectorStore:
    """The reading VectorStore of a generation, shared by this process's readers of it: a new
    generation gets a new embedded System that sees what the writer wrote."""
    where = where_the_store_is(settings)
    stamp = f"{collection}@{generation}" if not settings.chroma_host else collection
    with _reader_lock:
        vs = _reader_cache.get((where, stamp))
        if vs is None:
            for k in [k for k in _reader_cache if k[0] == where]:
                del _reader_cache[k]  # older generations: their holders keep their own reference
            vs = _reader_cache[(where, stamp)] = VectorStore(settings, collection, create=False)
        return vs
