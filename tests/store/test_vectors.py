"""The vector store: bounded calls, back-off and recovery, a fresh view per generation, orphan segments."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from base.settings import Settings
from store.vectors import VectorStore, VectorStoreUnavailable, bounded, orphan_segment_dirs, reader_store

ROOT = Path(__file__).resolve().parents[2]
DIM = 8


def _vec(i: int) -> list[float]:
    return [1.0 if j == i % DIM else 0.1 for j in range(DIM)]


def test_bounded_call_gives_up_at_the_timeout():
    t = time.monotonic()
    with pytest.raises(VectorStoreUnavailable, match="no answer within 0.2 s"):
        bounded(lambda: time.sleep(3), 0.2, "vector search")
    assert time.monotonic() - t < 1.0
    with pytest.raises(VectorStoreUnavailable, match="vector search: ConnectionError: refused"):
        bounded(lambda: (_ for _ in ()).throw(ConnectionError("refused")), 1, "vector search")


def test_unreachable_server_fails_fast_backs_off_and_is_retried(tmp_path):
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        port = so.getsockname()[1]  # nothing listens here
    s = Settings(index_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=port, chroma_timeout=1.0)
    vs = VectorStore(s, "planqa-test", create=False)
    t = time.monotonic()
    with pytest.raises(VectorStoreUnavailable):
        vs.query(_vec(0), 3, None)
    with pytest.raises(VectorStoreUnavailable):  # backing off: refused at once
        vs.query(_vec(0), 3, None)
    assert time.monotonic() - t < 3.0
    vs.backoff.until = 0  # the back-off elapsed: the next call probes the server again
    with pytest.raises(VectorStoreUnavailable):
        vs.query(_vec(0), 3, None)
    assert vs.backoff.failures == 2


WRITER = """
import sys
from pathlib import Path
from base.settings import Settings
from store.vectors import VectorStore
s = Settings(index_dir=Path(sys.argv[1]))
vs = VectorStore(s, "planqa-test")
key, n = sys.argv[2], int(sys.argv[3])
vs.upsert([f"{key}:{i}" for i in range(n)], [[1.0 if j == i % 8 else 0.1 for j in range(8)] for i in range(n)],
          [{"key": key}] * n)
if len(sys.argv) > 4:
    vs.drop_keys_except({key})
"""


def _write(index_dir: Path, key: str, n: int, drop_others: bool = False) -> None:
    args = [sys.executable, "-c", WRITER, str(index_dir), key, str(n)] + (["x"] if drop_others else [])
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]


def test_a_reader_of_a_new_generation_sees_what_another_process_wrote(tmp_path):
    """The embedded-Chroma 'Error finding id' after an outside ingest: a reader's cached System
    never sees another process's writes, so each generation gets a System of its own."""
    s = Settings(index_dir=tmp_path)
    _write(tmp_path, "k1", 20)
    r1 = reader_store(s, "planqa-test", 1)
    assert {i.split(":")[0] for i, _ in r1.query(_vec(1), 5, ["k1"])} == {"k1"}
    _write(tmp_path, "k2", 20, drop_others=True)  # another process: new document version, old one gone
    r2 = reader_store(s, "planqa-test", 2)
    assert r2 is not r1
    assert {i.split(":")[0] for i, _ in r2.query(_vec(1), 5, ["k2"])} == {"k2"}
    assert {i.split(":")[0] for i, _ in r2.query(_vec(1), 5, None)} == {"k2"}


def test_orphan_segment_folders_are_found(tmp_path):
    s = Settings(index_dir=tmp_path)
    vs = VectorStore(s, "planqa-a")
    vs.upsert(["a:0"], [_vec(0)], [{"key": "a"}])
    vs.close()
    chroma = tmp_path / "chroma"
    live = [p for p in chroma.iterdir() if p.is_dir()]
    fake = chroma / "12345678-1234-1234-1234-123456789012"
    fake.mkdir()
    assert orphan_segment_dirs(chroma) == [fake]
    assert all(p not in orphan_segment_dirs(chroma) for p in live)
