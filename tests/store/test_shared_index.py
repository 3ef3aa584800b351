"""One index, many processes: a reader answers throughout while another process rewrites the index
(changed, added, removed documents and a --rebuild); a killed --rebuild leaves the previous
generation whole, and repeated rebuilds do not grow the index."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from base.settings import Settings
from ingest.run import ingest
from store import read_manifest
from store.vectors import chroma_collection

ROOT = Path(__file__).resolve().parents[2]
XIALU = "000_a4900b7333be9756.txt"
JIANGXIA = ("2025年江夏区科技创新工作要点\n江夏区科学技术和经济信息化局\n2025年3月10日\n"
            "一、主要目标\n1.新增高新技术企业{n}家，培育科技型中小企业120家。\n")
Q_JX = "江夏区2025年新增高新技术企业多少家?"
Q_XL = "下陆区2023年高新技术产业增加值想做到多少?"

READER = """
import json, sys, time, traceback
from pathlib import Path
from assistant.core import Assistant
from base.settings import Settings
s = Settings(corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]))
stop = Path(sys.argv[3])
a = Assistant(s)
print(json.dumps({"ready": True}), flush=True)
while not stop.exists():
    for q in sys.argv[4:]:
        t = time.perf_counter()
        try:
            ans = a.ask(q)
            rec = {"q": q, "gen": a.corpus.snapshot.generation, "answer": ans.answer, "refused": ans.refused,
                   "notice": ans.notice, "sources": sorted({d.metadata["source"] for d in a.retrieve(q)})}
        except Exception as e:
            rec = {"q": q, "error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()[-1500:]}
        rec["ms"] = (time.perf_counter() - t) * 1000
        print(json.dumps(rec, ensure_ascii=False), flush=True)
"""


def _env(s: Settings) -> dict:
    return {**os.environ, "PQA_CORPUS_DIR": str(s.corpus_dir), "PQA_INDEX_DIR": str(s.index_dir)}


def _ingest_cli(s: Settings, *args: str) -> None:
    out = subprocess.run([sys.executable, "-m", "ingest", "--quiet", *args], cwd=ROOT, env=_env(s),
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr


class Reader:
    def __init__(self, s: Settings, tmp: Path, questions: list[str]) -> None:
        self.stop = tmp / "stop"
        self.log = open(tmp / "reader.jsonl", "w+", encoding="utf-8")
        self.proc = subprocess.Popen([sys.executable, "-c", READER, str(s.corpus_dir), str(s.index_dir), str(self.stop),
                                      *questions], cwd=ROOT, stdout=self.log, stderr=subprocess.DEVNULL)
        self.wait_for(lambda r: r.get("ready"), 180)

    def records(self) -> list[dict]:
        return [json.loads(x) for x in (Path(self.log.name).read_text(encoding="utf-8").splitlines()) if x.strip()]

    def wait_for(self, cond, timeout: float = 120) -> dict:
        deadline = time.time() + timeout
        seen = len(self.records())
        while time.time() < deadline:
            recs = self.records()
            for r in recs[max(0, seen - 1):]:
                if cond(r):
                    return r
            assert self.proc.poll() is None, "reader died"
            time.sleep(0.3)
        raise AssertionError(f"reader never saw it; last: {self.records()[-3:]}")

    def close(self) -> list[dict]:
        self.stop.touch()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        return self.records()


def test_reader_answers_throughout_outside_rewrites_and_a_rebuild(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / XIALU, corpus / XIALU)
    s = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    assert ingest(s).ok
    reader = Reader(s, tmp_path, [Q_JX, Q_XL])
    try:
        (corpus / "jiangxia.txt").write_text(JIANGXIA.format(n=42), encoding="utf-8")
        _ingest_cli(s)  # added
        reader.wait_for(lambda r: r.get("q") == Q_JX and "42" in r.get("answer", ""))
        (corpus / "jiangxia.txt").write_text(JIANGXIA.format(n=57), encoding="utf-8")
        _ingest_cli(s)  # changed
        reader.wait_for(lambda r: r.get("q") == Q_JX and "57" in r.get("answer", ""))
        (corpus / XIALU).unlink()
        _ingest_cli(s)  # removed
        reader.wait_for(lambda r: r.get("q") == Q_XL and r.get("refused"))
        _ingest_cli(s, "--rebuild")
        final = read_manifest(s.index_dir)["generation"]
        r = reader.wait_for(lambda r: r.get("q") == Q_JX and r.get("gen") == final)
        assert "57" in r["answer"] and "dense" in r["sources"] or "fused" in r["sources"]
    finally:
        recs = reader.close()
    errors = [r for r in recs if "error" in r]
    assert not errors, errors[:3]
    assert not [r for r in recs if r.get("notice") and "Vector search" in r["notice"]]
    assert len(recs) > 10


def _du(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def _vectors_of_current(s: Settings) -> tuple[int, int]:
    m = read_manifest(s.index_dir)
    keys = [e["key"] for e in m["docs"].values()]
    col = chroma_collection(s, m["collection"])
    have = len(col.get(where={"key": {"$in": keys}} if len(keys) > 1 else {"key": keys[0]}, include=[])["ids"])
    return have, sum(e["chunks"] for e in m["docs"].values())


@pytest.mark.slow
def test_killed_rebuilds_leave_the_previous_generation_whole_and_rebuilds_do_not_grow_the_index(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (XIALU, "002_2a333607f86502c4.txt"):
        shutil.copy(ROOT / "corpus" / name, corpus / name)
    clean = Settings(corpus_dir=corpus, index_dir=tmp_path / "clean")
    assert ingest(clean).ok
    s = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    assert ingest(s).ok
    # how long one whole --rebuild takes on this machine, so the kills fall inside a run
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-m", "ingest", "--quiet", "--rebuild"], cwd=ROOT, env=_env(s),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    full = time.monotonic() - t0
    rng = random.Random(11)
    kills = 0
    for _ in range(10):
        before = read_manifest(s.index_dir)["generation"]
        proc = subprocess.Popen([sys.executable, "-m", "ingest", "--quiet", "--rebuild"], cwd=ROOT, env=_env(s),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.9) * full)
        proc.send_signal(signal.SIGKILL)
        kills += proc.wait() == -signal.SIGKILL
        have, want = _vectors_of_current(s)
        assert have == want, f"generation {read_manifest(s.index_dir)['generation']} (was {before}) lacks vectors"
    assert kills >= 5  # most runs were killed half-way (a fast machine may finish some)
    for _ in range(3):
        assert ingest(s, rebuild=True).ok
    have, want = _vectors_of_current(s)
    assert have == want
    assert abs(_du(s.index_dir) - _du(clean.index_dir)) <= 0.1 * _du(clean.index_dir), \
        (_du(s.index_dir), _du(clean.index_dir))
    assert len([p for p in (s.index_dir / "chroma").iterdir() if p.is_dir()]) == 1
