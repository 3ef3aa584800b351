"""The runner with a fake assistant: asks with history, scores, writes outputs, gates."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.runner import RunOptions, apply_gate, cache_index_dir, evaluate, load_thresholds, run

from .conftest import DOC, TEXT, FakeAssistant

SCRIPT = {
    "咸宁认定多少家高企?": ("通过认定高新技术企业310家[1]", ["通过认定高新技术企业310家"]),
    "How many tech SMEs in Xianning?": ("2,300 tech-based SMEs[1]", ["科技型中小企业入库2300家"]),
    "那申报呢?": ("申报999家[1]", ["科技型中小企业入库2300家"]),  # wrong figure, wrong citation
}


def test_evaluate_scores_items_and_passes_history(items):
    fake = FakeAssistant(script=SCRIPT)
    abl = {"bm25": FakeAssistant("bm25", chunks=["科技型中小企业入库2300家。"]), "dense": FakeAssistant("dense", chunks=[])}
    ev = evaluate(items, fake, ablations=abl, progress=False)
    m = ev.metrics
    assert [c[1] for c in fake.calls] == [None, None, [{"q": "咸宁认定多少家高企?", "a": "310家"}], None]
    assert [r["eval"]["correct"] for r in ev.results] == [True, True, False, True]
    assert m["accuracy"] == 0.75 and m["accuracy_answerable"] == pytest.approx(2 / 3)
    assert m["accuracy_unanswerable"] == 1.0
    assert m["accuracy_by_lang"]["en"]["accuracy"] == 1.0 and m["accuracy_by_lang"]["zh"]["n"] == 3
    assert m["accuracy_by_type"]["followup"]["accuracy"] == 0.0
    assert m["refusal"]["precision"] == 1.0 and m["refusal"]["recall"] == 1.0
    assert m["citations"]["accuracy"] == pytest.approx(2 / 3)
    assert m["numbers"] == {"grounded": 2, "total": 3, "grounded_rate": pytest.approx(2 / 3),
                            "ungrounded_rate": pytest.approx(1 / 3)}
    assert ev.results[2]["eval"]["numbers"]["ungrounded"] == ["999家"]
    # hybrid fake returns [SME chunk, 350/310 chunk]: n1 → 2, e1 → 1, f1 → 2
    assert [r["eval"]["retrieval_rank"] for r in ev.results[:3]] == [2, 1, 2]
    hy = m["retrieval"]["hybrid"]
    assert hy["hit@1"] == pytest.approx(1 / 3) and hy["hit@3"] == 1.0 and hy["mrr"] == pytest.approx((0.5 + 1 + 0.5) / 3)
    assert m["retrieval"]["bm25"]["hit@1"] == pytest.approx(1 / 3) and m["retrieval"]["bm25"]["hit@5"] == pytest.approx(1 / 3)
    assert m["retrieval"]["dense"]["mrr"] == 0.0
    # naive RAG answers with the top chunk: only e1 (2300) is right; it never refuses
    assert m["baselines"]["naive_rag"]["accuracy"] == 0.25
    assert m["latency_ms"]["p50"] is not None and m["errors"] == 0
    assert ev.results[0]["id"] == "n1" and ev.results[0]["citations"][0]["doc"] == DOC


def test_evaluate_records_errors_without_stopping(items):
    fake = FakeAssistant(script={**SCRIPT, "咸宁认定多少家高企?": RuntimeError("boom")})
    ev = evaluate(items, fake, baselines=False, progress=False)
    assert ev.results[0]["error"] == "RuntimeError: boom" and not ev.results[0]["eval"]["correct"]
    assert ev.metrics["errors"] == 1 and len(ev.results) == 4
    assert "baselines" not in ev.metrics and list(ev.metrics["retrieval"]) == ["hybrid"]


def test_gate():
    metrics = {"accuracy": 0.8, "refusal": {"recall": None}, "citations": {"accuracy": 0.5},
               "numbers": {"ungrounded_rate": 0.2}}
    failures, notes = apply_gate(metrics, {"min_accuracy": 0.9, "min_refusal_recall": 0.5,
                                           "min_citation_accuracy": 0.5, "max_ungrounded": 0.1})
    assert len(failures) == 2 and "accuracy = 0.800 is below min_accuracy" in failures[0]
    assert "ungrounded_rate = 0.200 is above max_ungrounded" in failures[1]
    assert any("undefined" in n for n in notes)
    assert apply_gate(metrics, {"min_accuracy": 0.8})[0] == []


def test_shipped_thresholds_are_conservative():
    """The default thresholds are the shipped set's, and leave room: no minimum at 1, no maximum at 0."""
    from evals.sets import load_sets

    t = load_thresholds()
    assert t == next(x for x in load_sets() if x.name == "shipped").thresholds
    assert all(v < 1.0 for k, v in t.items() if k.startswith("min_"))
    assert all(v > 0.0 for k, v in t.items() if k.startswith("max_"))


def _opts(tmp_path: Path, qa: Path, **kw) -> RunOptions:
    return RunOptions(qa=[qa], out=tmp_path / "out", quiet=True, **kw)


@pytest.fixture
def qa_file(tmp_path, items) -> Path:
    p = tmp_path / "qa.jsonl"
    p.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return p


def fake_settings(corpus_dir: Path):
    def settings_fn(corpus, index, out_dir, answerer, log=print):
        return type("S", (), {"corpus_dir": Path(corpus or corpus_dir), "index_dir": Path(out_dir) / "idx",
                              "answerer": answerer or "extractive"})()
    return settings_fn


def _fake_run(tmp_path, qa_file, **kw):
    made = []

    def factory(settings, retrieval):
        made.append(retrieval)
        return FakeAssistant(retrieval, script=SCRIPT)

    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / DOC).write_text(TEXT, encoding="utf-8")
    settings_fn = fake_settings(corpus)

    code = run(_opts(tmp_path, qa_file, **kw), factory=factory, settings_fn=settings_fn)
    return code, made


def test_run_writes_all_outputs(tmp_path, qa_file, capsys):
    code, made = _fake_run(tmp_path, qa_file)
    assert code == 0 and made == ["hybrid", "bm25", "dense"]
    out = tmp_path / "out"
    lines = [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in lines] == ["n1", "e1", "f1", "u1"]
    assert {"question", "answer", "refused", "citations", "latency_ms"} <= set(lines[0])
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["accuracy"] == 0.75 and metrics["run"]["answerer"] == "extractive"
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# Evaluation report")
    assert "<svg" in (out / "report.html").read_text(encoding="utf-8")
    assert "accuracy: 0.750" in capsys.readouterr().out


def test_run_gate_and_overrides(tmp_path, qa_file, capsys):
    thresholds = tmp_path / "t.json"
    thresholds.write_text(json.dumps({"min_accuracy": 0.9}), encoding="utf-8")
    code, _ = _fake_run(tmp_path, qa_file, gate=True, thresholds_file=thresholds, baselines=False)
    assert code == 1 and "GATE FAILED" in capsys.readouterr().err
    code, made = _fake_run(tmp_path, qa_file, gate=True, thresholds_file=thresholds, baselines=False,
                           overrides={"min_accuracy": 0.7})
    assert code == 0 and made == ["hybrid"] and "gate: passed" in capsys.readouterr().out
    # an explicit --min-* flag gates even without --gate
    code, _ = _fake_run(tmp_path, qa_file, overrides={"min_citation_accuracy": 0.99})
    assert code == 1


def test_run_rejects_what_it_cannot_score(tmp_path, items, capsys):
    p = tmp_path / "bad.jsonl"
    p.write_text(json.dumps({**items[0], "must_include": [], "any_of": []}) + "\n", encoding="utf-8")
    code, made = _fake_run(tmp_path, p)
    assert code == 2 and made == [] and "needs `must_include` or `any_of`" in capsys.readouterr().err
    code, _ = _fake_run(tmp_path, tmp_path / "missing.jsonl")
    assert code == 2 and "no such file" in capsys.readouterr().err
    p.write_text(json.dumps(items[0]) + "\n{oops\n", encoding="utf-8")
    code, _ = _fake_run(tmp_path, p)
    assert code == 2 and "not valid JSON" in capsys.readouterr().err


def test_run_scores_an_unknown_type_with_a_warning_unless_strict(tmp_path, items, capsys):
    p = tmp_path / "odd.jsonl"
    p.write_text(json.dumps({**items[0], "type": "trivia"}) + "\n", encoding="utf-8")
    code, made = _fake_run(tmp_path, p)
    err = capsys.readouterr().err
    assert code == 0 and made == ["hybrid", "bm25", "dense"] and "1 deviation(s)" in err
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["accuracy_by_type"]["trivia"]["accuracy"] == 1.0
    assert any("unknown type 'trivia'" in w for w in metrics["warnings"])
    code, made = _fake_run(tmp_path, p, strict=True)
    assert code == 2 and made == [] and "unknown type" in capsys.readouterr().err


# ---------------------------------------------------------------- issue 11: an evaluator's own file

# three items as an evaluator brought them from elsewhere: `"any_of": []`, an unanswerable item naming
# the document it is a near miss of, and a figure written 2.7 that the assistant states as 2.70%
EVALUATOR_ITEMS = [
    {"id": "ev-any", "question": "咸宁认定多少家高企?", "type": "numeric", "answer": "310家",
     "must_include": ["310"], "any_of": [], "docs": [DOC], "evidence": ["通过认定高新技术企业310家"],
     "unanswerable": False, "lang": "zh"},
    {"id": "ev-near", "question": "咸宁高企奖励多少钱?", "type": "unanswerable", "answer": "没有写奖励金额",
     "must_include": [], "docs": [DOC], "evidence": ["通过认定高新技术企业310家"], "unanswerable": True},
    {"id": "ev-27", "question": "研发投入强度目标?", "type": "numeric", "answer": "2.7%", "must_include": ["2.7"],
     "docs": [DOC], "evidence": ["科技型中小企业入库2300家"], "unanswerable": False, "lang": "zh"},
]
EVALUATOR_SCRIPT = {"咸宁认定多少家高企?": ("通过认定高新技术企业310家[1]", ["通过认定高新技术企业310家"]),
                    "研发投入强度目标?": ("研发投入强度达到2.70%[1]", ["科技型中小企业入库2300家"])}


def test_an_evaluators_file_runs_and_is_scored_with_warnings(tmp_path, corpus_dir, capsys):
    qa = tmp_path / "theirs.jsonl"
    qa.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in EVALUATOR_ITEMS), encoding="utf-8")
    settings_fn = fake_settings(corpus_dir)

    code = run(RunOptions(qa=[qa], out=tmp_path / "out", baselines=False),
               factory=lambda s, r: FakeAssistant(r, script=EVALUATOR_SCRIPT), settings_fn=settings_fn)
    captured = capsys.readouterr()
    assert code == 0
    assert "3 deviation(s)" in captured.err and "`any_of` is empty" in captured.err
    out = tmp_path / "out"
    results = [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["eval"]["correct"] for r in results] == [True, True, True]  # the near miss was refused
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["accuracy"] == 1.0
    assert metrics["warnings_by_kind"] == {"any_of-empty": 1, "unanswerable-docs": 1, "lang-missing": 1}
    for report in ("report.md", "report.html"):
        text = (out / report).read_text(encoding="utf-8")
        assert "Warnings (3)" in text and "ev-near" in text and "`any_of` is empty" in text
    code = run(RunOptions(qa=[qa], out=tmp_path / "out2", baselines=False, strict=True),
               factory=lambda s, r: FakeAssistant(r, script=EVALUATOR_SCRIPT), settings_fn=settings_fn)
    err = capsys.readouterr().err
    assert code == 2 and "`any_of` is empty" in err and "unanswerable item must have docs=[]" in err


def test_cache_index_dir_is_under_out_and_per_corpus(tmp_path):
    for name in ("c1", "c2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.txt").write_text(name, encoding="utf-8")
    a = cache_index_dir(tmp_path / "out", tmp_path / "c1", "e5-small")
    b = cache_index_dir(tmp_path / "out", tmp_path / "c2", "e5-small")
    assert a != b and a.parent == tmp_path / "out" / "index-cache"
