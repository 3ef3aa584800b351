"""The QA validator, on the shipped QA set and on broken items."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evals.__main__ import main as cli
from evals.metrics import item_lang
from evals.checks import CLASSIC_TYPES, OPEN_TYPES
from evals.validate import counts, triage, validate_files

ROOT = Path(__file__).resolve().parents[2]
QA = ROOT / "evals" / "qa.jsonl"
QA_OPEN = ROOT / "evals" / "qa_open.jsonl"
CORPUS = ROOT / "corpus"
D2 = "002_2a333607f86502c4.txt"
DOCS = ["000_a4900b7333be9756.txt", "001_136a9505bad5a282.txt", D2, "003_485a95091e833f50.txt",
        "004_97c92cf58885207f.txt"]

GOOD = {"id": "t-1", "question": "咸宁2024年高企认定目标是多少家?", "history": [], "type": "numeric",
        "answer": "通过认定310家。", "must_include": ["310"], "docs": [D2],
        "evidence": ["通过认定高新技术企业310家"], "unanswerable": False, "lang": "zh"}


def write(tmp_path: Path, items: list[dict]) -> Path:
    p = tmp_path / "qa.jsonl"
    p.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return p


def problems_of(tmp_path: Path, items: list[dict]) -> list[str]:
    return [str(p) for p in validate_files([write(tmp_path, items)], CORPUS).problems]


# ---------------------------------------------------------------- the shipped QA set


@pytest.fixture(scope="module")
def shipped():
    report = validate_files([QA], CORPUS)
    return report


def test_shipped_qa_set_is_valid(shipped):
    assert shipped.ok, "\n".join(str(p) for p in shipped.problems)


def test_shipped_qa_set_meets_coverage(shipped):
    items = shipped.items
    c = counts(items)
    assert len(items) >= 150
    assert set(c["type"]) == set(CLASSIC_TYPES), "every classic type present"
    assert c["type"]["numeric"] >= 50
    assert c["type"]["unanswerable"] >= 15
    assert c["type"]["followup"] >= 12
    assert c["lang"]["en"] / len(items) >= 0.25
    for doc in DOCS:
        assert c["doc"][doc] >= 20, doc
    for it in items:  # an English question may quote a Chinese term, but is mostly Latin script
        latin = sum(ch.isascii() and ch.isalpha() for ch in it["question"])
        cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in it["question"])
        assert it["lang"] == ("en" if latin > cjk else "zh"), it["id"]
        assert it["lang"] == item_lang(it)
    assert all(it["history"] for it in items if it["type"] == "followup")


def test_open_questions_are_valid_and_cover_every_open_type():
    report = validate_files([QA_OPEN], CORPUS)
    assert report.ok, "\n".join(str(p) for p in report.problems)
    c = counts(report.items)["type"]
    assert all(c[t] >= 10 for t in OPEN_TYPES), c


def test_shipped_hard_cases_present(shipped):
    tags = Counter(t for it in shipped.items for t in it.get("tags", []))
    assert tags["same-indicator"] >= 5 and tags["two-numbers"] >= 5
    musts = {m for it in shipped.items for m in it["must_include"]}
    assert {"310", "350", "170", "200", "8.47", "2.69"} <= musts


# ---------------------------------------------------------------- broken items


def test_good_item_passes(tmp_path):
    assert problems_of(tmp_path, [GOOD]) == []


def test_non_verbatim_evidence_is_caught(tmp_path):
    bad = {**GOOD, "evidence": ["通过认定的高新技术企业310家"]}
    probs = problems_of(tmp_path, [bad])
    assert len(probs) == 1 and "not found verbatim" in probs[0] and "[t-1]" in probs[0]


def test_evidence_in_another_document_is_caught(tmp_path):
    bad = {**GOOD, "docs": ["000_a4900b7333be9756.txt"]}
    assert any("not found verbatim" in p for p in problems_of(tmp_path, [bad]))


def test_must_include_not_in_answer_is_caught(tmp_path):
    bad = {**GOOD, "must_include": ["350"]}
    probs = problems_of(tmp_path, [bad])
    assert len(probs) == 1 and "must_include '350'" in probs[0]
    # numeric boundaries: "31" is not in "310家"
    assert problems_of(tmp_path, [{**GOOD, "must_include": ["31"]}])


def test_any_of_not_in_answer_is_caught(tmp_path):
    probs = problems_of(tmp_path, [{**GOOD, "any_of": [["是", "yes"]]}])
    assert len(probs) == 1 and "any_of" in probs[0]


def test_duplicate_id_is_caught(tmp_path):
    probs = problems_of(tmp_path, [GOOD, {**GOOD, "question": "另一个问题:咸宁认定目标?"}])
    assert len(probs) == 1 and "duplicate id 't-1'" in probs[0]


@pytest.mark.parametrize("change,message", [
    ({"type": "trivia"}, "unknown type"),
    ({"evidence": ["310家"]}, "10–80 characters"),
    ({"docs": ["nope.txt"]}, "not found in the corpus"),
    ({"unanswerable": True, "type": "unanswerable"}, "docs=[] and evidence=[]"),
    ({"type": "followup"}, "needs a non-empty `history`"),
    ({"history": [{"q": "x"}]}, "`history`"),
    ({"must_include": [], "any_of": None}, "needs `must_include` or `any_of`"),
    ({"lang": "fr"}, "`lang`"),
    ({"unanswerable": "no"}, "`unanswerable`"),
    ({"question": "组织申报高新技术企业350家,通过认定高新技术企业310家"}, "copied verbatim"),
])
def test_other_problems(tmp_path, change, message):
    probs = problems_of(tmp_path, [{**GOOD, **change}])
    assert any(message in p for p in probs), probs


# ---------------------------------------------------------------- lenient reading (a run without --strict)


def _triage(items: list[dict], strict: bool = False, corpus: Path | None = None):
    return triage([(f"item {i + 1}", it) for i, it in enumerate(items)], corpus, strict=strict)


@pytest.mark.parametrize("change,kind", [
    ({"any_of": []}, "any_of-empty"),
    ({"unanswerable": True, "type": "unanswerable", "must_include": []}, "unanswerable-docs"),
    ({"type": "trivia"}, "type-unknown"),
    ({"evidence": ["310家"]}, "evidence-length"),
    ({"must_include": ["350"]}, "answer-must_include"),
    ({"lang": "fr"}, "lang-invalid"),
    ({"must_include": "310"}, "must_include-shape"),
    ({"evidence": []}, "evidence-missing"),
])
def test_deviations_that_do_not_matter_to_scoring_are_warnings(change, kind):
    t = _triage([{**GOOD, **change}])
    assert t.errors == [] and len(t.items) == 1
    assert kind in {w.kind for w in t.warnings}
    strict = _triage([{**GOOD, **change}], strict=True)
    assert kind in {e.kind for e in strict.errors} and strict.items == []


def test_missing_lang_is_a_note_even_when_strict():
    item = {k: v for k, v in GOOD.items() if k != "lang"}
    for strict in (False, True):
        t = _triage([item], strict=strict)
        assert t.errors == [] and [w.kind for w in t.warnings] == ["lang-missing"]
        assert t.items[0]["lang"] == "zh"


@pytest.mark.parametrize("change,kind", [
    ({"id": ""}, "id"),
    ({"question": None}, "question"),
    ({"must_include": [], "any_of": []}, "criteria"),
    ({"must_include": [], "any_of": None, "unanswerable": False}, "criteria"),
    ({"any_of": ["a", ["b"]]}, "any_of"),
    ({"history": [{"q": "x"}]}, "history"),
    ({"unanswerable": "no"}, "unanswerable"),
])
def test_what_scoring_needs_stops_the_run(change, kind):
    t = _triage([{**GOOD, **change}])
    assert [e.kind for e in t.errors] == [kind] and t.items == []


def test_scoring_view_reads_deviations_leniently():
    near = {**GOOD, "id": "u", "type": "unanswerable", "unanswerable": True, "must_include": [], "any_of": [],
            "docs": [D2], "evidence": ["通过认定高新技术企业310家"]}
    bare = {"id": "b", "question": "咸宁认定多少家?", "must_include": "310", "any_of": [[], ["家"]]}
    t = _triage([near, bare])
    u, b = t.items
    assert u["unanswerable"] and u["docs"] == [] and u["evidence"] == [] and u["near_miss"] == D2
    assert u["any_of"] is None and u["lang"] == "zh"
    assert b["must_include"] == ["310"] and b["any_of"] == [["家"]] and b["unanswerable"] is False
    assert b["type"] is None and b["docs"] == [] and b["history"] == []
    kinds = {w.kind for w in t.warnings}
    assert {"unanswerable-docs", "any_of-empty", "must_include-shape", "any_of-empty-group", "answer-missing",
            "type-missing", "unanswerable-missing", "docs-missing", "lang-missing"} <= kinds


def test_unanswerable_type_without_flag_is_read_from_type():
    item = {"id": "u", "question": "深圳呢?", "type": "unanswerable", "answer": "没有"}
    t = _triage([item])
    assert t.errors == [] and t.items[0]["unanswerable"] is True


def test_near_miss_document_is_checked_against_the_corpus():
    item = {**GOOD, "type": "unanswerable", "unanswerable": True, "must_include": [], "docs": [], "evidence": [],
            "near_miss": "nope.txt"}
    t = _triage([item], corpus=CORPUS)
    assert t.errors == [] and "near_miss-not-found" in {w.kind for w in t.warnings}
    assert _triage([{**item, "near_miss": D2}], corpus=CORPUS).warnings == []


def test_gold_answer_holds_its_figures_by_value(tmp_path):
    item = {**GOOD, "answer": "研发投入强度2.70%,共2000家", "must_include": ["2.7", "2,000"],
            "evidence": ["通过认定高新技术企业310家"]}
    assert [p for p in problems_of(tmp_path, [item]) if "must_include" in p] == []


def test_bad_json_line_is_reported_with_line_number(tmp_path):
    p = tmp_path / "qa.jsonl"
    p.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n{not json\n", encoding="utf-8")
    probs = [str(x) for x in validate_files([p], CORPUS).problems]
    assert len(probs) == 1 and probs[0].startswith("qa.jsonl:2")


# ---------------------------------------------------------------- CLI


def test_cli_validate_exit_codes(tmp_path, capsys):
    assert cli(["validate", str(write(tmp_path, [GOOD]))]) == 0
    out = capsys.readouterr().out
    assert "1 items" in out and "by type:" in out and "numeric" in out and D2 in out and "OK" in out
    assert cli(["validate", str(write(tmp_path, [GOOD, GOOD]))]) == 1
    assert "duplicate id" in capsys.readouterr().out
    assert cli(["validate", str(tmp_path / "missing.jsonl")]) == 1
    assert "no such file" in capsys.readouterr().out
