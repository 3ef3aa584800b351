"""The gate: each set against its own thresholds, every failing metric named."""
from __future__ import annotations

import json

import pytest

from evals.gate import ThresholdsError, apply_gate, clean_thresholds, load_thresholds

METRICS = {"accuracy": 0.8, "accuracy_answerable": 0.85, "lang_gap": 0.12,
           "refusal": {"recall": 0.5, "precision": None, "false_refusal_rate": 0.2},
           "citations": {"accuracy": 0.9}, "numbers": {"ungrounded_rate": 0.0},
           "latency_ms": {"p50": 30.0, "p95": 60.0}, "baselines": {"naive_rag": {"accuracy": 0.5}},
           "accuracy_by_type": {"list": {"accuracy": 0.4, "n": 5}, "numeric": {"accuracy": 0.95, "n": 20}},
           "accuracy_by_lang": {"en": {"accuracy": 0.7, "n": 10}, "zh": {"accuracy": 0.82, "n": 30}}}


def test_every_failing_metric_is_named():
    failures, notes = apply_gate(METRICS, {
        "min_accuracy": 0.75, "max_false_refusal_rate": 0.08, "min_refusal_precision": 0.5,
        "max_lang_gap": 0.05, "max_latency_p50_ms": 50, "min_naive_margin": 0.2,
        "min_accuracy_by_type": {"list": 0.8, "numeric": 0.9, "comparison": 0.8},
        "min_accuracy_by_lang": {"en": 0.75}})
    assert failures == [
        "refusal.false_refusal_rate = 0.200 is above max_false_refusal_rate = 0.080",
        "lang_gap = 0.120 is above max_lang_gap = 0.050",
        "accuracy_by_type.list = 0.400 is below min_accuracy_by_type.list = 0.800",
        "accuracy_by_lang.en = 0.700 is below min_accuracy_by_lang.en = 0.750",
    ]
    assert any("refusal.precision is undefined" in n for n in notes)
    assert any("accuracy_by_type.comparison is undefined" in n for n in notes)
    assert any("naive_margin = 0.300 ok" in n for n in notes)
    assert apply_gate(METRICS, {})[0] == []


def test_thresholds_are_checked():
    with pytest.raises(ThresholdsError, match="unknown threshold"):
        clean_thresholds({"min_acc": 0.5})
    with pytest.raises(ThresholdsError, match="table of numbers"):
        clean_thresholds({"min_accuracy_by_type": 0.5})
    assert clean_thresholds({"_comment": "x", "min_accuracy": 1}) == {"min_accuracy": 1.0}


def test_load_thresholds_from_json_flat_or_by_set(tmp_path):
    flat = tmp_path / "t.json"
    flat.write_text(json.dumps({"_comment": "c", "min_accuracy": 0.9}), encoding="utf-8")
    assert load_thresholds(flat) == {"min_accuracy": 0.9}
    by_set = tmp_path / "s.json"
    by_set.write_text(json.dumps({"shipped": {"min_accuracy": 0.9}, "dev": {"min_accuracy": 0.5}}), encoding="utf-8")
    assert load_thresholds(by_set, "dev") == {"min_accuracy": 0.5}
    assert load_thresholds(tmp_path / "missing.json") == {}
    from evals.sets import load_sets

    assert load_thresholds(set_name="test") == next(x for x in load_sets() if x.name == "test").thresholds
