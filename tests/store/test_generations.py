"""Generations behind an atomic pointer; readers' leases keep theirs from the collector."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from base.types import Chunk, Doc, DocMeta
from store import IndexMissing, open_index, read_manifest
from store.files import atomic_write
from store.index import (MANIFEST, collect_files, doc_store_path, pending_documents, protected_manifests, publish,
                         tokens_path)
from store.leases import live_generations
from store.lexical import LexicalIndex
from store.stored import StoredDoc

ROOT = Path(__file__).resolve().parents[2]


def _doc(index_dir: Path, key: str, text: str) -> dict:
    doc = Doc(path=f"{key}.txt", text=text, kind="txt", sha256=key)
    chunk = Chunk(id=f"{key}:0", doc=doc.path, section="", start=0, end=len(text), text=text, heading="")
    atomic_write(doc_store_path(index_dir, key), StoredDoc(key, doc, DocMeta(), [chunk], []).to_json())
    atomic_write(tokens_path(index_dir, key), json.dumps([[text]]))
    return {"key": key, "title": key, "chunks": 1, "targets": 0}


def _generation(index_dir: Path, keys: list[str], pending: list[str] = ()) -> int:
    docs = {f"{k}.txt": _doc(index_dir, k, f"文本{k}") for k in keys}
    lex = LexicalIndex.assemble([([f"{k}:0" for k in keys], [[f"文本{k}"] for k in keys])])
    name = f"lexical/{'-'.join(keys)}.npz"
    (index_dir / "lexical").mkdir(parents=True, exist_ok=True)
    lex.save(index_dir / name)
    return publish(index_dir, {"docs": docs, "pending": list(pending), "lexical": name, "collection": "c"})


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexMissing, match="python -m ingest"):
        open_index(tmp_path)
    assert read_manifest(tmp_path)["docs"] == {}


def test_pointer_swap_and_pending_documents(tmp_path):
    g1 = _generation(tmp_path, ["a", "b"])
    g2 = _generation(tmp_path, ["a", "c"], pending=["c.txt"])
    assert g2 == g1 + 1
    assert json.loads((tmp_path / MANIFEST).read_text())["generation"] == g2
    snap = open_index(tmp_path)
    assert snap.generation == g2 and set(snap.docs) == {"a.txt", "c.txt"} and snap.pending == {"c.txt"}
    assert pending_documents(tmp_path) == ["c.txt"]
    assert snap.lexical.chunk_ids == ["a:0", "c:0"]


def test_collector_spares_the_current_and_leased_generations_only(tmp_path):
    g1 = _generation(tmp_path, ["a", "b"])
    held = open_index(tmp_path)  # a reader of g1
    _generation(tmp_path, ["a", "c"])
    g3 = _generation(tmp_path, ["d"])
    assert live_generations(tmp_path) == {g1}
    collect_files(tmp_path, protected_manifests(tmp_path))
    assert sorted(p.name for p in tmp_path.glob("gen-*")) == sorted([f"gen-{g1}", f"gen-{g3}"])
    assert {p.name.split(".")[0] for p in (tmp_path / "docs").glob("*.json")} == {"a", "b", "d"}
    assert len(list((tmp_path / "lexical").glob("*.npz"))) == 2
    assert held.docs["b.txt"].chunks[0].text == "文本b"
    held.lease.close()
    del held
    collect_files(tmp_path, protected_manifests(tmp_path))
    assert [p.name for p in tmp_path.glob("gen-*")] == [f"gen-{g3}"]
    assert {p.name.split(".")[0] for p in (tmp_path / "docs").glob("*.json")} == {"d"}


def test_a_dead_readers_lease_is_collected(tmp_path):
    g1 = _generation(tmp_path, ["a"])
    code = ("import sys,time; from pathlib import Path; from store import open_index;"
            "s=open_index(Path(sys.argv[1])); print('ok', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ok"
        _generation(tmp_path, ["b"])
        assert live_generations(tmp_path) == {g1}
    finally:
        proc.kill()
        proc.wait()
    assert live_generations(tmp_path) == set()
    assert not list((tmp_path / "leases").iterdir())


def test_snapshot_garbage_collection_releases_its_lease(tmp_path):
    g1 = _generation(tmp_path, ["a"])
    snap = open_index(tmp_path)
    assert live_generations(tmp_path) == {g1}
    del snap
    assert live_generations(tmp_path) == set()


def test_a_reader_that_cannot_write_leases_still_opens_the_index(tmp_path):
    _generation(tmp_path, ["a"])
    (tmp_path / "leases").write_text("not a folder")  # mkdir/open fail with an OSError, as on a read-only disk
    snap = open_index(tmp_path)
    assert snap.lease is not None and snap.lease.path is None and set(snap.docs) == {"a.txt"}
