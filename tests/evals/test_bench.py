"""The scale benchmark's documents and table."""
from __future__ import annotations

from pathlib import Path

from base.regions import region_pattern
from evals.bench import ROWS, table
from evals.benchdocs import make_corpus

ROOT = Path(__file__).resolve().parents[2]


def test_generated_corpus_is_deterministic_renamed_and_rescaled(tmp_path):
    extras = make_corpus(ROOT / "corpus", tmp_path / "a", 12, seed=5, extra=2)
    again = make_corpus(ROOT / "corpus", tmp_path / "b", 12, seed=5, extra=2)
    gen = sorted((tmp_path / "a").glob("gen*.txt"))
    assert len(gen) == 7 and len(extras) == 2 and all(p.parent.name == ".extra" for p in extras)
    assert [p.read_text() for p in gen] == [(tmp_path / "b" / p.name).read_text() for p in gen]
    assert [p.name for p in extras] == [p.name for p in again]
    real = {m.group(0) for p in (ROOT / "corpus").glob("*.txt") for m in region_pattern().finditer(p.read_text())}
    template = (ROOT / "corpus" / "002_2a333607f86502c4.txt").read_text(encoding="utf-8")
    for p in gen:
        text = p.read_text(encoding="utf-8")
        named = {m.group(0) for m in region_pattern().finditer(text)}
        assert named and not named & real, p.name  # other regions only
    # the figures are scaled: the template's 310 家 is gone from its copies (factor ≠ 1)
    from evals.benchdocs import _named_regions

    usable = [p for p in sorted((ROOT / "corpus").glob("*.txt")) if _named_regions(p.read_text(encoding="utf-8"))]
    k = [p.name for p in usable].index("002_2a333607f86502c4.txt")
    copies = [p.read_text(encoding="utf-8") for i, p in enumerate(gen) if i % len(usable) == k]
    assert "310家" in template and copies and all("310家" not in c for c in copies)
    assert make_corpus(ROOT / "corpus", tmp_path / "c", 12, seed=6)[:0] == [] and \
        sorted(p.read_text() for p in (tmp_path / "c").glob("gen*.txt")) != sorted(p.read_text() for p in gen)


def test_table_has_a_column_per_size_and_a_dash_for_missing_figures():
    out = table([{"docs": 5, "p50": 40.0}, {"docs": 200}], "minilm")
    lines = out.splitlines()
    assert lines[1] == "| | 5 docs | 200 docs |"
    assert "| warm p50 ms | 40 | — |" in lines
    assert len(lines) == 3 + len(ROWS)
