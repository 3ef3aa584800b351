"""The evaluation tab's glue to evals (ui/evalrun.py): which QA files it offers, which gate applies,
and the expected / answer texts of failed items."""
from __future__ import annotations

from pathlib import Path

from ui import evalrun as E


def test_only_files_for_the_apps_corpus_are_offered():
    files = E.qa_files()
    assert "evals/qa.jsonl" in files and E.default_qa() == "evals/qa.jsonl"
    assert not [f for f in files if "heldout" in f]  # held-out sets have their own documents


def test_the_gate_of_the_shipped_set_applies_to_its_file_only(tmp_path):
    thresholds, name = E.thresholds_for(E.ROOT / "evals" / "qa.jsonl")
    assert name == "shipped" and thresholds and all(isinstance(v, (int, float)) for v in thresholds.values())
    upload = tmp_path / "mine.jsonl"
    upload.write_text("", encoding="utf-8")
    assert E.thresholds_for(upload)[0] is None


def test_expected_and_answer_texts():
    item = {"answer": "310家", "must_include": ["310"], "any_of": [["高新"]]}
    assert E.expected_text(item).startswith("310家") and "310" in E.expected_text(item)
    assert "refusal" in E.expected_text({"unanswerable": True, "answer": "无"})
    assert E.answer_text({"answer": "x", "refused": True}).startswith("[refused]")
    assert E.answer_text({"error": "Boom"}) == "ERROR Boom"
    assert isinstance(E.ROOT, Path)
