"""The sets file (evals/sets.toml) and the private index of each set's documents."""
from __future__ import annotations

from pathlib import Path

import pytest

from evals.sets import SETS_FILE, SetsError, blind_qa_files, docs_fingerprint, index_cache_dir, load_sets, prune_index_cache, select

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_sets_file():
    sets = {s.name: s for s in load_sets()}
    assert list(sets) == ["shipped", "dev", "test", "dev2", "test2", "dev3", "test3", "dev4", "test4", "dev5", "test5", "dev6", "test6", "dev7", "test7", "dev8", "test8", "dev9", "test9", "dev10", "test10", "dev11", "test11", "dev12", "test12", "dev13", "test13", "dev14", "test14", "dev15", "test15", "dev16", "test16", "dev17", "test17", "dev18", "test18", "dev19", "test19"]
    assert [s.name for s in sets.values() if s.blind] == ["test", "test2", "test3", "test4", "test5", "test6", "test7", "test8", "test9", "test10", "test11", "test12", "test13", "test14", "test15", "test16", "test17", "test18", "test19"]
    assert sets["shipped"].qa == [ROOT / "evals" / "qa.jsonl", ROOT / "evals" / "qa_open.jsonl"]
    assert sets["shipped"].corpus == ROOT / "corpus"
    for s in sets.values():  # every set is gated on accuracy, refusals, citations and grounded numbers
        assert {"min_accuracy", "max_false_refusal_rate", "min_refusal_recall", "min_citation_accuracy",
                "max_ungrounded"} <= set(s.thresholds)
        assert all(0.0 <= v <= 1.0 for v in s.thresholds.values())
        assert s.thresholds["max_ungrounded"] <= 0.02  # grounded numbers are an honesty rule, not a score
    assert sets["test"].blind and not sets["dev"].blind and not sets["shipped"].blind
    for name in ("dev", "test"):
        s = sets[name]
        assert s.corpus == ROOT / "evals" / "heldout" / name / "docs"
        assert s.qa and all(p.parent == ROOT / "evals" / "heldout" / name and p.suffix == ".jsonl" for p in s.qa)


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "q1.jsonl").write_text("{}\n", encoding="utf-8")
    p = tmp_path / "sets.toml"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = '[[set]]\nname = "mine"\nqa = "q*.jsonl"\ncorpus = "docs"\n[set.thresholds]\nmin_accuracy = 0.5\n' \
       'min_accuracy_by_type = { list = 0.8 }\n'


def test_an_evaluator_adds_a_set(tmp_path):
    (s,) = load_sets(write(tmp_path, GOOD))
    assert s.name == "mine" and s.qa == [tmp_path / "q1.jsonl"] and s.corpus == tmp_path / "docs"
    assert s.thresholds == {"min_accuracy": 0.5, "min_accuracy_by_type": {"list": 0.8}} and not s.blind
    assert select([s], []) == [s] and select([s], ["mine"]) == [s]
    with pytest.raises(SetsError, match="unknown set"):
        select([s], ["nope"])


@pytest.mark.parametrize("text,message", [
    ("", "no \\[\\[set\\]\\] tables"),
    ("[[set]\n", "cannot be read"),
    (GOOD.replace('"mine"', '"a b"'), "`name`"),
    (GOOD.replace('"q*.jsonl"', '"x*.jsonl"'), "no QA file matches"),
    (GOOD.replace('"docs"', '"nowhere"'), "`corpus`"),
    (GOOD.replace("min_accuracy = 0.5", "min_acuracy = 0.5"), "unknown threshold 'min_acuracy'"),
    (GOOD.replace("min_accuracy = 0.5", 'min_accuracy = "high"'), "must be a number"),
    (GOOD + GOOD, "duplicate set name"),
    (GOOD.replace('name = "mine"', 'name = "mine"\nblnd = true'), "unknown key"),
])
def test_bad_sets_files_are_named(tmp_path, text, message):
    with pytest.raises(SetsError, match=message):
        load_sets(write(tmp_path, text))
    assert SETS_FILE.exists()


def test_index_cache_follows_the_documents(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("一", encoding="utf-8")
    first = index_cache_dir(tmp_path / "out", docs, "e5-small")
    assert first.parent == tmp_path / "out" / "index-cache" and first.name.startswith("docs_")
    assert index_cache_dir(tmp_path / "out", docs, "e5-small") == first
    assert index_cache_dir(tmp_path / "out", docs, "other-model") != first
    (docs / "a.txt").write_text("二", encoding="utf-8")
    second = index_cache_dir(tmp_path / "out", docs, "e5-small")
    assert second != first
    assert docs_fingerprint(docs, "e5-small") == second.name.rsplit("-", 1)[1]
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    other = tmp_path / "out" / "index-cache" / "corpus-0123456789"
    other.mkdir()
    assert prune_index_cache(second) == [first] and not first.exists() and second.exists() and other.exists()


def test_corpus_in_the_repository_is_labelled_by_its_path():
    d = index_cache_dir(Path("/tmp/out"), ROOT / "evals" / "heldout" / "dev" / "docs", "e5-small")
    assert d.name.startswith("evals_heldout_dev_docs-")


def test_blind_qa_files_are_those_of_the_test_splits(tmp_path):
    blind = blind_qa_files()
    tests = {ROOT / "evals" / "heldout" / n for n in ("test", "test2", "test3", "test4", "test5", "test6", "test7", "test8", "test9", "test10", "test11", "test12", "test13", "test14", "test15", "test16", "test17", "test18", "test19")}
    assert blind and all(p.parent in tests for p in blind) and {p.parent for p in blind} == tests
    assert ROOT / "evals" / "qa.jsonl" not in blind
    assert blind_qa_files(tmp_path / "missing.toml") == blind  # fails closed
