"""The adversarial set of the LLM grounding check (evals/grounding): rates within the limits.

Runs ``check_generated`` over every (question, model output, expected verdict) item, prints the
false-accept and false-reject rates overall, per split and per kind (run with -s to see them), and
fails when false accepts exceed 2 % or false rejects of good answers exceed 5 %."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from evals.grounding import (DEFAULT_SET, MAX_FALSE_ACCEPT, MAX_FALSE_REJECT, SetError, build_passages, load_set,
                             rates, report_lines, run_items)
from evals.grounding.__main__ import main


@pytest.fixture(scope="module")
def items():
    return load_set(DEFAULT_SET)


@pytest.fixture(scope="module")
def outcomes(items):
    return run_items(items)


def test_the_set_is_large_balanced_and_covers_every_document(items):
    verdicts = Counter(i["verdict"] for i in items)
    assert len(items) >= 100 and verdicts["accept"] >= 50 and verdicts["reject"] >= 50
    assert {p["doc"] for i in items for p in i["passages"]} == {
        "000_a4900b7333be9756.txt", "001_136a9505bad5a282.txt", "002_2a333607f86502c4.txt",
        "003_485a95091e833f50.txt", "004_97c92cf58885207f.txt"}
    assert {i["lang"] for i in items} == {"zh", "en"} and {i["split"] for i in items} == {"dev", "test"}
    kinds = {i["kind"] for i in items if i["verdict"] == "reject"}
    assert {"number-words", "unit", "negation", "lead-unit", "rank", "comparison", "indicator-mixup",
            "wrong-year", "wrong-region"} <= kinds
    assert any(i["kind"] == "refusal" and i["verdict"] == "accept" for i in items)


def test_every_passage_is_verbatim_document_text(items):
    for item in items:
        for p in build_passages(item):
            assert p.text == next(q["quote"] for q in item["passages"] if q["n"] == p.n)
            assert p.end - p.start == len(p.text)


def test_false_accept_and_false_reject_rates_are_within_the_limits(outcomes):
    print("\n" + "\n".join(report_lines(outcomes)))
    total = rates(outcomes)["all"]
    assert total.rejects and total.accepts
    assert total.fa <= MAX_FALSE_ACCEPT, f"false accepts {total.false_accepts}/{total.rejects}"
    assert total.fr <= MAX_FALSE_REJECT, f"false rejects {total.false_rejects}/{total.accepts}"


def test_the_runner_reports_and_fails_above_the_limits(tmp_path, capsys, items):
    assert main(["--split", "dev"]) == 0
    out = capsys.readouterr().out
    assert "false accepts" in out and "false rejects" in out and "dev" in out
    # the same item with the opposite verdict: every one of them is now a wrong verdict
    flipped = tmp_path / "flipped.jsonl"
    rows = [dict(i, verdict="reject" if i["verdict"] == "accept" else "accept") for i in items[:6]]
    flipped.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert main(["--set", str(flipped)]) == 1
    out = capsys.readouterr().out
    assert "wrong verdicts:" in out  # the dev items, each shown
    # a test item's wrong verdict is counted, never shown
    test_ids = [r["id"] for r in rows if r["split"] == "test"]
    assert test_ids and "wrong verdicts on the test split: 1 (not shown)" in out
    assert not any(i in out for i in test_ids)


def test_a_quote_that_is_not_document_text_is_an_error(tmp_path, items):
    bad = dict(items[0], passages=[{"n": 1, "doc": items[0]["passages"][0]["doc"], "quote": "不在文件里的文字"}])
    with pytest.raises(SetError):
        build_passages(bad)
    f = tmp_path / "bad.jsonl"
    f.write_text(json.dumps(bad, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["--set", str(f)]) == 2
