"""The persisted index: immutable generations behind one atomically replaced pointer.

Layout of ``index_dir``::

    CURRENT                  the pointer: {"generation": N, "dir": "gen-N"} (replaced atomically)
    gen-N/manifest.json      generation N: its documents (path → key, counts), the documents still
                             without vectors ("pending"), its lexical file, its Chroma collection
    lexical/<n>.npz          a lexical index (store.lexical), shared by generations with the same docs
    docs/<key>.json          a processed document version: text, metadata, chunks, targets (immutable)
    docs/<key>.tokens.json   its chunks' lexical tokens, computed once per document version
    chroma/                  embedded Chroma (when no Chroma server is configured); vectors have ids
                             ``<key>:<n>`` and metadata ``key``, in the generation's collection
    leases/                  live readers' generations (store.leases)

Writers (one at a time, ``store.files.index_lock``) write new files beside the current ones and swap
the pointer last; a kill at any point leaves the previous generation whole. Readers read the pointer,
lease the generation, and load it; dense retrieval asks only for the generation's document keys. A
generation is collected once it is neither current nor leased by a live reader.
"""
from __future__ import annotations

import json
import re
import shutil
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from base.types import Chunk
from store.errors import IndexError_, IndexMissing
from store.files import atomic_write
from store.leases import Lease, live_generations
from store.lexical import LexicalIndex
from store.stored import StoredDoc

PIPELINE_VERSION = "47"  # bump when load/clean/metadata/split/targets output changes
MANIFEST = "CURRENT"  # the pointer readers stat to notice a new generation
_GEN = re.compile(r"^gen-(\d+)$")


def empty_manifest() -> dict[str, Any]:
    return {"version": 2, "generation": 0, "docs": {}, "pending": [], "lexical": None, "collection": None}


def _read_json(p: Path) -> dict[str, Any]:
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except PermissionError as e:
        raise IndexError_(f"cannot read {p}: permission denied") from e
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise IndexError_(f"{p} is unreadable ({e}); rebuild with `python -m ingest --rebuild`") from e


def current_generation(index_dir: Path) -> int | None:
    try:
        return int(_read_json(index_dir / MANIFEST)["generation"])
    except FileNotFoundError:
        return None
    except (KeyError, TypeError, ValueError) as e:
        raise IndexError_(f"{index_dir / MANIFEST} is unreadable ({e}); rebuild with "
                          "`python -m ingest --rebuild`") from e


def gen_dir(index_dir: Path, generation: int) -> Path:
    return index_dir / f"gen-{generation}"


def read_generation(index_dir: Path, generation: int) -> dict[str, Any]:
    try:
        return _read_json(gen_dir(index_dir, generation) / "manifest.json")
    except FileNotFoundError as e:
        raise IndexError_(f"generation {generation} of {index_dir} is missing") from e


def read_manifest(index_dir: Path) -> dict[str, Any]:
    """The current generation's manifest (an empty one when there is no index yet)."""
    g = current_generation(index_dir)
    return empty_manifest() if g is None else read_generation(index_dir, g)


def pending_documents(index_dir: Path) -> list[str]:
    """Documents of the current generation that are searchable by keyword but still lack vectors."""
    try:
        return sorted(read_manifest(index_dir).get("pending", []))
    except IndexError_:
        return []


def doc_store_path(index_dir: Path, key: str) -> Path:
    return index_dir / "docs" / f"{key}.json"


def tokens_path(index_dir: Path, key: str) -> Path:
    return index_dir / "docs" / f"{key}.tokens.json"


def load_stored(path: Path) -> StoredDoc | None:
    try:
        return StoredDoc.from_json(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, KeyError, TypeError):
        return None


def publish(index_dir: Path, manifest: dict[str, Any]) -> int:
    """Write `manifest` as a new generation and make it current; returns its number."""
    existing = [int(m.group(1)) for p in index_dir.glob("gen-*") if (m := _GEN.match(p.name))]
    n = max(existing + [current_generation(index_dir) or 0]) + 1
    manifest = {**manifest, "version": 2, "generation": n, "updated": time.strftime("%Y-%m-%dT%H:%M:%S")}
    atomic_write(gen_dir(index_dir, n) / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    atomic_write(index_dir / MANIFEST, json.dumps({"generation": n, "dir": f"gen-{n}"}))
    return n


# ---------------------------------------------------------------- reading
_cache_lock = threading.Lock()
_stored_cache: "weakref.WeakValueDictionary[str, StoredDoc]" = weakref.WeakValueDictionary()


def _stored(index_dir: Path, key: str) -> StoredDoc | None:
    """A stored document version, shared by every snapshot of this process that holds it."""
    p = doc_store_path(index_dir, key)
    ck = str(p.resolve())
    with _cache_lock:
        s = _stored_cache.get(ck)
    if s is None:
        s = load_stored(p)
        if s is not None:
            with _cache_lock:
                _stored_cache[ck] = s
    return s


@dataclass
class IndexSnapshot:
    """What the answering side reads: one generation — its documents, lexical index, pending list."""

    manifest: dict[str, Any]
    docs: dict[str, StoredDoc]  # by document path
    lexical: LexicalIndex
    index_dir: Path | None = None
    lease: Lease | None = field(default=None, repr=False)

    @property
    def generation(self) -> int:
        return int(self.manifest.get("generation", 0))

    @property
    def pending(self) -> frozenset[str]:
        return frozenset(self.manifest.get("pending", []))

    @property
    def chunks(self) -> dict[str, tuple[Chunk, StoredDoc]]:
        return {c.id: (c, s) for s in self.docs.values() for c in s.chunks}


def open_index(index_dir: Path, lease: bool = True) -> IndexSnapshot:
    """Open the current generation (leased while the snapshot lives, so no writer collects it)."""
    for _ in range(20):
        g = current_generation(index_dir)
        if g is None:
            raise IndexMissing(f"no index at {index_dir}: build it with `python -m ingest` "
                               f"(or `make run`, which builds it before starting the app)")
        held = Lease(index_dir, g) if lease else None
        if current_generation(index_dir) != g:
            if held:
                held.close()
            continue  # a writer swapped meanwhile: take the newer one
        try:
            return _load_generation(index_dir, g, held)
        except IndexError_:
            if held:
                held.close()
            if current_generation(index_dir) == g:
                raise
    raise IndexError_(f"index at {index_dir} keeps changing; try again")


def _load_generation(index_dir: Path, g: int, held: Lease | None) -> IndexSnapshot:
    manifest = read_generation(index_dir, g)
    docs = {}
    for rel, entry in manifest["docs"].items():
        s = _stored(index_dir, entry["key"])
        if s is None:
            raise IndexError_(f"index at {index_dir} is incomplete ({rel}); run `python -m ingest`")
        docs[rel] = s
    lexical = LexicalIndex.empty()
    if manifest.get("lexical"):
        try:
            lexical = LexicalIndex.load(index_dir / manifest["lexical"])
        except (OSError, ValueError, KeyError) as e:
            raise IndexError_(f"lexical index of {index_dir} is unreadable ({e}); "
                              "run `python -m ingest --rebuild`") from e
    return IndexSnapshot(manifest=manifest, docs=docs, lexical=lexical, index_dir=index_dir, lease=held)


# ---------------------------------------------------------------- garbage
def protected_manifests(index_dir: Path) -> list[dict[str, Any]]:
    """Manifests of the current generation and of every generation a live reader holds."""
    gens = live_generations(index_dir)
    cur = current_generation(index_dir)
    if cur is not None:
        gens.add(cur)
    out = []
    for g in sorted(gens):
        try:
            out.append(read_generation(index_dir, g))
        except IndexError_:
            continue
    return out


def collect_files(index_dir: Path, keep: list[dict[str, Any]]) -> None:
    """Remove generation folders, lexical files, stored documents and temporary files that no kept
    generation references (also the files of the single-manifest layout this one replaced)."""
    gens = {m["generation"] for m in keep}
    keys = {e["key"] for m in keep for e in m["docs"].values()}
    lexical = {m.get("lexical") for m in keep}
    for p in index_dir.glob("gen-*"):
        m = _GEN.match(p.name)
        if m and int(m.group(1)) not in gens:
            shutil.rmtree(p, ignore_errors=True)
    for p in (index_dir / "lexical").glob("*.npz"):
        if f"lexical/{p.name}" not in lexical:
            p.unlink(missing_ok=True)
    for p in (index_dir / "docs").glob("*.json"):
        if p.name.split(".", 1)[0] not in keys:
            p.unlink(missing_ok=True)
    for pattern in (".*.tmp", "docs/.*.tmp", "lexical/.*.tmp", "gen-*/.*.tmp", "bm25-*.json", "manifest.json"):
        for p in index_dir.glob(pattern):
            p.unlink(missing_ok=True)
