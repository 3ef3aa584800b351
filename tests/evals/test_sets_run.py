"""`python -m evals` over a sets file: sets side by side, each on its own corpus, blind sets aggregate-only."""
from __future__ import annotations

import json
from pathlib import Path

from evals.__main__ import run_parser
from evals.runner import RunOptions, run

from .conftest import DOC, TEXT, FakeAssistant

OPEN_ITEMS = [
    {"id": "o1", "question": "咸宁认定多少家高企?", "type": "numeric", "answer": "310家", "must_include": ["310"],
     "docs": [DOC], "evidence": ["通过认定高新技术企业310家"], "unanswerable": False, "lang": "zh"},
    {"id": "o2", "question": "How many tech SMEs?", "type": "list", "answer": "2300", "must_include": ["2300"],
     "docs": [DOC], "evidence": ["科技型中小企业入库2300家"], "unanswerable": False, "lang": "en"},
]
BLIND_ITEMS = [
    {"id": "SECRET-1", "question": "SECRETQ 申报多少家?", "type": "numeric", "answer": "SECRETA 350家",
     "must_include": ["350"], "any_of": [], "docs": [DOC], "evidence": ["组织申报高新技术企业350家"],
     "unanswerable": False, "lang": "zh"},
    {"id": "SECRET-2", "question": "SECRETQ 深圳呢?", "type": "unanswerable", "answer": "SECRETA 没有",
     "must_include": [], "docs": [], "evidence": [], "unanswerable": True, "lang": "zh"},
    {"id": "SECRET-3", "question": "SECRETQ 入库多少?", "type": "numeric", "answer": "SECRETA 2300",
     "must_include": ["2300"], "docs": [DOC], "evidence": ["科技型中小企业入库2300家"], "unanswerable": False,
     "lang": "zh"},
]
SCRIPT = {
    "咸宁认定多少家高企?": ("通过认定高新技术企业310家[1]", ["通过认定高新技术企业310家"]),
    "How many tech SMEs?": ("about 2000[1]", ["科技型中小企业入库2300家"]),
    "SECRETQ 入库多少?": ("SECRETANSWER 999家[1]", ["科技型中小企业入库2300家"]),
}


def _jsonl(path: Path, items: list[dict]) -> None:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")


def make_sets(tmp_path: Path, open_thresholds: str = "", blind_thresholds: str = "") -> Path:
    for name, items in (("open", OPEN_ITEMS), ("secret", BLIND_ITEMS)):
        d = tmp_path / name
        (d / "docs").mkdir(parents=True)
        (d / "docs" / DOC).write_text(TEXT, encoding="utf-8")
        _jsonl(d / "qa.jsonl", items)
    p = tmp_path / "sets.toml"
    p.write_text(f'[[set]]\nname = "open"\nqa = "open/*.jsonl"\ncorpus = "open/docs"\n{open_thresholds}\n'
                 f'[[set]]\nname = "secret"\ndescription = "blind"\nqa = ["secret/qa.jsonl"]\ncorpus = "secret/docs"\n'
                 f'blind = true\n{blind_thresholds}\n', encoding="utf-8")
    return p


def _run(tmp_path: Path, sets_file: Path, **kw):
    calls = []

    def settings_fn(corpus, index, out_dir, answerer, log=print):
        calls.append((Path(corpus), index))
        return type("S", (), {"corpus_dir": Path(corpus), "index_dir": Path(out_dir) / "idx", "answerer": "extractive"})()

    code = run(RunOptions(out=tmp_path / "out", quiet=True, sets_file=sets_file, **kw),
               factory=lambda s, r: FakeAssistant(r, script=SCRIPT), settings_fn=settings_fn)
    return code, calls


def test_sets_run_side_by_side_on_their_own_documents(tmp_path, capsys):
    code, calls = _run(tmp_path, make_sets(tmp_path))
    assert code == 0
    assert calls == [(tmp_path / "open" / "docs", None), (tmp_path / "secret" / "docs", None)]
    stdout = capsys.readouterr().out
    header = stdout.splitlines()[0]
    assert "open" in header and "secret (blind)" in header
    for label in ("false-refusal rate", "refusal recall", "refusal precision", "citation accuracy",
                  "grounded-number rate", "naive-RAG baseline accuracy", "latency p50 / p95", "accuracy, answerable",
                  "accuracy, language en", "accuracy, type numeric"):
        assert label in stdout, label
    out = tmp_path / "out"
    combined = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert combined["sets"]["open"]["accuracy"] == 0.5 and combined["blind"] == ["secret"]
    # refused the answerable 350 (a false refusal), refused the unanswerable one, answered 999 for 2300
    assert abs(combined["sets"]["secret"]["accuracy"] - 1 / 3) < 1e-9
    assert combined["sets"]["secret"]["n_items"] == 3
    assert combined["sets"]["open"]["refusal"]["false_refusal_rate"] == 0.0
    assert (out / "open" / "results.jsonl").exists() and "o2" in (out / "open" / "report.md").read_text(encoding="utf-8")
    assert not (out / "secret" / "results.jsonl").exists()
    assert {p.name for p in (out / "secret").iterdir()} == {"metrics.json", "report.md", "report.html"}
    assert "evaluation sets side by side" in (out / "report.html").read_text(encoding="utf-8")


def test_a_blind_set_never_shows_an_item(tmp_path, capsys):
    code, _ = _run(tmp_path, make_sets(tmp_path))
    captured = capsys.readouterr()
    out = tmp_path / "out"
    texts = [captured.out, captured.err] + [p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()
                                            and "open" not in p.relative_to(out).parts]
    for text in texts:
        assert "SECRET" not in text
    blind_metrics = json.loads((out / "secret" / "metrics.json").read_text(encoding="utf-8"))
    assert blind_metrics["warnings"] == ["1 item(s): any_of-empty (deviation)"]
    assert blind_metrics["warnings_by_kind"] == {"any_of-empty": 1}
    assert "Failed items" not in (out / "secret" / "report.md").read_text(encoding="utf-8")
    # by type and language only: a document's or a tag's few items would tell how each fared
    assert "accuracy_by_type" in blind_metrics and "accuracy_by_lang" in blind_metrics
    assert "accuracy_by_doc" not in blind_metrics and "accuracy_by_tag" not in blind_metrics
    open_metrics = json.loads((out / "open" / "metrics.json").read_text(encoding="utf-8"))
    assert "accuracy_by_doc" in open_metrics


def test_gate_names_every_failing_metric_and_set(tmp_path, capsys):
    sets = make_sets(tmp_path, "[set.thresholds]\nmin_accuracy = 0.4\nmin_accuracy_by_type = { list = 0.5 }\n",
                     "[set.thresholds]\nmin_accuracy = 0.9\nmax_false_refusal_rate = 0.4\n")
    code, _ = _run(tmp_path, sets, gate=True)
    err = capsys.readouterr().err
    assert code == 1
    assert "GATE FAILED: open: accuracy_by_type.list = 0.000 is below min_accuracy_by_type.list = 0.500" in err
    assert "GATE FAILED: secret: accuracy = 0.333 is below min_accuracy = 0.900" in err
    assert "GATE FAILED: secret: refusal.false_refusal_rate = 0.500 is above max_false_refusal_rate = 0.400" in err
    assert "GATE FAILED: open: accuracy =" not in err
    code, _ = _run(tmp_path, sets, gate=True, sets=["open"], overrides={"min_accuracy": 0.0})
    assert code == 1 and "secret" not in capsys.readouterr().out


def test_one_set_by_name(tmp_path, capsys):
    code, calls = _run(tmp_path, make_sets(tmp_path), sets=["open"])
    assert code == 0 and len(calls) == 1
    assert not (tmp_path / "out" / "secret").exists()
    code, calls = _run(tmp_path, make_sets(tmp_path / "b"), sets=["nope"])
    assert code == 2 and calls == [] and "unknown set(s) nope" in capsys.readouterr().err


def test_a_broken_set_stops_the_run_before_any_index_is_built(tmp_path, capsys):
    sets = make_sets(tmp_path)
    _jsonl(tmp_path / "secret" / "qa.jsonl", [{**BLIND_ITEMS[0], "must_include": [], "any_of": []}])
    code, calls = _run(tmp_path, sets)
    err = capsys.readouterr().err
    assert code == 2 and calls == []
    assert "secret: 1 problem(s) stop the run" in err and "criteria (error)" in err and "SECRET" not in err


def test_cli_flags():
    args = run_parser().parse_args(["--set", "dev", "--set", "test", "--strict", "--max-false-refusal-rate", "0.1"])
    assert args.sets == ["dev", "test"] and args.strict and args.max_false_refusal_rate == 0.1 and args.qa is None
