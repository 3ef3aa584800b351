"""The Chroma server path end to end — ingest into it, answer from it, restart it — and the app
degrading to keyword search (with a notice, within 5 s) while the server is stopped or frozen."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from base.settings import Settings
from ingest.run import ingest

ROOT = Path(__file__).resolve().parents[2]
Q = "How many high-tech enterprises must Xianning certify in 2024?"
NOTICE = "Vector search is unavailable"


def _free_port() -> int:
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        return so.getsockname()[1]


class Server:
    def __init__(self, path: Path, port: int) -> None:
        self.path, self.port, self.proc = path, port, None

    def start(self) -> None:
        chroma = Path(sys.executable).parent / "chroma"
        self.proc = subprocess.Popen([str(chroma), "run", "--path", str(self.path), "--host", "127.0.0.1",
                                      "--port", str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import chromadb

        deadline = time.time() + 60
        while True:
            try:
                chromadb.HttpClient(host="127.0.0.1", port=self.port).heartbeat()
                return
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            self.proc.wait(timeout=30)


def _ask_timed(a, q: str = Q):
    t = time.monotonic()
    ans = a.ask(q)
    return ans, time.monotonic() - t


def _until(a, cond, timeout: float = 45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ans, took = _ask_timed(a)
        assert took < 5.0
        if cond(ans):
            return ans
        time.sleep(1.0)
    raise AssertionError("the assistant did not get there in time")


@pytest.fixture
def server(tmp_path):
    srv = Server(tmp_path / "srv", _free_port())
    srv.start()
    yield srv
    srv.stop()


def test_ingest_answer_stop_freeze_restart(tmp_path, server):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "002_2a333607f86502c4.txt", corpus / "002_2a333607f86502c4.txt")
    s = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", chroma_host="127.0.0.1", chroma_port=server.port,
                 chroma_timeout=1.5)
    summary = ingest(s)
    assert summary.ok and summary.vectors == summary.chunks > 10
    assert not (s.index_dir / "chroma").exists()  # vectors went to the server
    from assistant.core import Assistant

    a = Assistant(s)
    ans, _ = _ask_timed(a)
    assert "310" in ans.answer and not ans.notice
    assert any(d.metadata["source"] == "fused" for d in a.retrieve(Q))

    server.proc.send_signal(signal.SIGSTOP)  # frozen: connections hang
    for _ in range(3):
        ans, took = _ask_timed(a)
        assert took < 5.0 and NOTICE in (ans.notice or "") and "310" in ans.answer
    server.proc.send_signal(signal.SIGCONT)
    _until(a, lambda x: not x.notice)

    server.stop()  # down: connections refused
    for _ in range(3):
        ans, took = _ask_timed(a)
        assert took < 5.0 and NOTICE in (ans.notice or "") and "310" in ans.answer
    env = {**os.environ, "PQA_CORPUS_DIR": str(corpus), "PQA_INDEX_DIR": str(s.index_dir),
           "PQA_CHROMA_HOST": "127.0.0.1", "PQA_CHROMA_PORT": str(server.port), "PQA_CHROMA_TIMEOUT": "1.5"}
    (corpus / "new.txt").write_text("2025年江夏区科技创新工作要点\n一、主要目标\n1.新增高新技术企业42家。\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "ingest", "--quiet"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 1 and "Traceback" not in out.stdout + out.stderr
    assert "VECTORS NOT WRITTEN" in out.stdout and "new.txt" in out.stdout  # keyword-searchable meanwhile
    out = subprocess.run([sys.executable, "-m", "assistant", "ask", Q], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0 and "310" in out.stdout and NOTICE in out.stdout and "Traceback" not in out.stderr

    server.start()  # back on the same port: the same Assistant recovers without a restart
    ans = _until(a, lambda x: not x.notice)
    assert "310" in ans.answer
    out = subprocess.run([sys.executable, "-m", "ingest", "--quiet"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr  # the pending document gets its vectors
    assert "keyword search only" not in out.stdout
