"""The LLM answerer on deterministic outputs (LangChain's fake chat model): grounded answers,
invented figures, refusals, follow-ups, prompt injection — and the settings, flags and evaluation
figures of the LLM answerer. The real server and in-process llama.cpp are test_llm.py."""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.core import Assistant
from assistant.llm.answerer import NOTICE_UNVERIFIED
from assistant.llm.check import check_generated
from base.types import QuestionError
from tests.assistant.llm_support import (INJECTION, Q_ZH, collect, fake, grounded, llm_settings, prepared,
                                         prepared_with_history)

pytestmark = [pytest.mark.llm, pytest.mark.slow]


# ---------------------------------------------------------------- deterministic outputs (fake model)
def test_grounded_output_becomes_an_llm_answer_with_verbatim_citations(settings, built_index):
    a = fake(settings, "咸宁市2024年计划通过认定高新技术企业310家[1]。")
    pieces, ans, _ = collect(a, Q_ZH)
    assert len(pieces) > 1
    assert ans.answerer == "llm" and not ans.notice and not ans.refused
    assert ans.answer == "咸宁市2024年计划通过认定高新技术企业310家[1]。"
    assert [c.n for c in ans.citations] == [1] and "310家" in ans.citations[0].quote
    c = ans.citations[0]
    assert a.doc_text(c.doc)[c.start:c.end] == c.quote
    assert grounded(a, ans)
    assert ans.to_json()["answerer"] == "llm"


def test_invented_figure_is_rejected_and_replaced(settings, built_index, caplog):
    caplog.set_level(logging.WARNING, logger="pqa.llm")
    a = fake(settings, "咸宁市2024年计划通过认定高新技术企业999家[1]。")
    ans = a.ask(Q_ZH)
    assert ans.answerer == "extractive" and ans.notice == NOTICE_UNVERIFIED
    assert "999" not in ans.answer and "310" in ans.answer
    assert any("999家" in r.getMessage() for r in caplog.records)


def test_model_refusal_is_an_honest_refusal(settings, built_index):
    ans = fake(settings, "资料中未找到").ask(Q_ZH)
    assert ans.refused and ans.answerer == "llm" and not ans.citations
    assert ans.answer.startswith("资料中未找到")


def test_empty_output_is_malformed(settings, built_index):
    ans = fake(settings, "").ask(Q_ZH)
    assert ans.answerer == "extractive" and "malformed" in ans.notice


class _Boom(FakeListChatModel):
    def _call(self, *a, **k):  # noqa: D401 - any call is a test failure
        raise AssertionError("the LLM must not be called")

    def _stream(self, *a, **k):
        raise AssertionError("the LLM must not be called")


def test_scope_refusals_and_bad_questions_never_reach_the_llm(settings, built_index, assistant):
    a = Assistant(llm_settings(settings, llm_base_url="http://127.0.0.1:9/v1"), chat_model=_Boom(responses=["x"]))
    for q in ("北京市2024年要认定多少家高新技术企业？", "咸宁2031年要通过认定多少家高新技术企业？"):
        ans = a.ask(q)
        plain = assistant.ask(q)
        assert ans.refused and ans.answer == plain.answer and ans.answerer == "extractive" and not ans.notice
    with pytest.raises(QuestionError):
        a.ask("   ")
    with pytest.raises(QuestionError):
        list(a.stream("x" * 10_000))


def test_followup_is_condensed_by_the_llm(settings, built_index):
    history = [{"q": Q_ZH, "a": "通过认定高新技术企业310家[1]"}]
    a = fake(settings, "咸宁市2024年申报高新技术企业多少家？", "咸宁市2024年组织申报高新技术企业350家[1]。")
    ans = a.ask("申报呢？", history=history)
    assert ans.answerer == "llm" and "350" in ans.answer, (ans.answer, ans.notice)
    # a rewrite that loses the conversation's region is ignored (rule-based analysis instead)
    b = fake(settings, "今天天气怎么样？", "组织申报高新技术企业350家[1]。")
    turn = prepared_with_history(b, "申报呢？", history)
    assert turn.llm_query is turn.query


def test_prompt_injection_in_a_document_changes_nothing(settings, built_index, tmp_path):
    """A document telling the model to answer 500: the obeying output is rejected exactly as it is
    without the injected text, and the injected text never becomes the answer."""
    from ingest.run import ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = "002_2a333607f86502c4.txt"
    text = (settings.corpus_dir / name).read_text(encoding="utf-8")
    anchor = "高新技术产业增加值占GDP比重15%。"
    assert anchor in text
    (corpus / name).write_text(text.replace(anchor, anchor + INJECTION, 1), encoding="utf-8")
    if (settings.corpus_dir / "metadata.toml").exists():
        shutil.copy(settings.corpus_dir / "metadata.toml", corpus / "metadata.toml")
    s2 = settings.model_copy(update={"corpus_dir": corpus, "index_dir": tmp_path / "index"})
    assert ingest(s2).ok
    obeying = "咸宁市2024年通过认定高新技术企业500家[1]。"
    injected = fake(s2, obeying)
    clean = fake(settings, obeying)
    inp = prepared(injected, Q_ZH)
    passages = injected.llm_answerer.passages(inp)
    assert any("忽略以上指令" in p.text for p in passages), "the injected text reaches the prompt as data"
    for a in (injected, clean):
        ans = a.ask(Q_ZH)
        assert ans.answerer == "extractive" and ans.notice == NOTICE_UNVERIFIED
        assert "500" not in ans.answer
    clean_passages = clean.llm_answerer.passages(prepared(clean, Q_ZH))
    a_, b_ = check_generated(obeying, clean_passages), check_generated(obeying, passages)
    assert not a_.ok and not b_.ok
    assert [p.split(":")[0] for p in a_.problems] == [p.split(":")[0] for p in b_.problems]


# ---------------------------------------------------------------- settings, flags, evaluation
def test_settings_flags_and_validation(settings):
    import argparse

    from pydantic import ValidationError

    from base.settings import Settings, add_settings_args, settings_from_args

    ap = argparse.ArgumentParser()
    add_settings_args(ap)
    args = ap.parse_args(["--answerer", "llm", "--llm-base-url", "http://h:8000/v1", "--llm-model", "qwen",
                          "--llm-timeout", "5", "--llm-ctx", "8192", "--llm-max-tokens", "300",
                          "--llm-system-role", "no"])
    s = settings_from_args(args)
    assert (s.answerer, s.llm_base_url, s.llm_model, s.llm_timeout, s.llm_ctx, s.llm_max_tokens, s.llm_system_role) == (
        "llm", "http://h:8000/v1", "qwen", 5.0, 8192, 300, False)
    with pytest.raises(ValidationError):
        Settings(answerer="llm")  # openai provider without a base URL
    with pytest.raises(ValidationError):
        Settings(answerer="llm", llm_provider="llamacpp")
    with pytest.raises(ValidationError):
        Settings(answerer="llm", llm_base_url="http://h/v1", llm_ctx=512, llm_max_tokens=600)


def test_env_configures_the_llm(monkeypatch):
    from base.settings import Settings

    monkeypatch.setenv("PQA_ANSWERER", "llm")
    monkeypatch.setenv("PQA_LLM_BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("PQA_LLM_MODEL", "qwen2.5:7b")
    s = Settings()
    assert (s.answerer, s.llm_base_url, s.llm_model) == ("llm", "http://127.0.0.1:11434/v1", "qwen2.5:7b")


def test_evaluation_reports_the_grounding_pass_rate(settings, built_index):
    from evals.runner import evaluate, summary_lines

    items = [
        {"id": "a", "question": Q_ZH, "type": "numeric", "answer": "310家", "must_include": ["310"],
         "docs": ["002_2a333607f86502c4.txt"], "evidence": ["通过认定高新技术企业310家"]},
        {"id": "b", "question": Q_ZH, "type": "numeric", "answer": "310家", "must_include": ["310"],
         "docs": ["002_2a333607f86502c4.txt"], "evidence": ["通过认定高新技术企业310家"]},
        {"id": "c", "question": "北京市2024年要认定多少家高新技术企业？", "type": "unanswerable", "answer": "",
         "must_include": [], "docs": [], "evidence": [], "unanswerable": True},
    ]
    a = fake(settings, "通过认定高新技术企业310家[1]。", "认定高新技术企业999家[1]。")
    ev = evaluate(items, a, baselines=False, progress=False)
    g = ev.metrics["llm"]
    assert (g["asked"], g["passed"], g["rejected"], g["errors"], g["not_asked"]) == (2, 1, 1, 0, 1)
    assert g["grounding_pass_rate"] == 0.5
    assert [r["eval"]["llm"] for r in ev.results] == ["passed", "rejected", None]
    assert any("LLM grounding check" in ln for ln in summary_lines(ev.metrics))
    plain = evaluate(items[:1], Assistant(settings), baselines=False, progress=False)
    assert "llm" not in plain.metrics and "llm" not in plain.results[0]["eval"]


def test_web_app_names_the_answerer(settings, built_index):
    from ui.app import Engine

    engine = Engine(settings.model_copy(update={"answerer": "extractive"}))
    engine.assistant, engine.state = Assistant(settings), "ready"
    assert "大模型" not in engine.banner()[1]
    engine.assistant = fake(settings, "x")
    assert "大模型" in engine.banner()[1] and "LLM" in engine.banner()[1]
    engine.assistant = Assistant(llm_settings(settings, llm_provider="llamacpp", llm_gguf_path=Path("/nonexistent.gguf")))
    assert "unavailable" in engine.banner()[1]


def test_evals_cli_takes_the_llm_flags():
    from evals.__main__ import run_parser

    args = run_parser().parse_args(["--answerer", "llm", "--llm-base-url", "http://h/v1", "--llm-model", "m",
                                    "--llm-max-tokens", "64"])
    assert (args.answerer, args.llm_base_url, args.llm_model, args.llm_max_tokens) == ("llm", "http://h/v1", "m", 64)
