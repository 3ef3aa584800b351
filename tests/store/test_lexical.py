"""The persisted lexical index: BM25Okapi scores, incremental assembly, save/load, top-k and scope."""
from __future__ import annotations

import math
import random

import numpy as np

from store.lexical import LexicalIndex


def reference_scores(docs: list[list[str]], query: list[str], k1=1.5, b=0.75, eps=0.25) -> list[float]:
    """Okapi BM25 as rank_bm25.BM25Okapi defines it, written out independently."""
    n = len(docs)
    avgdl = sum(map(len, docs)) / n
    df: dict[str, int] = {}
    for d in docs:
        for w in set(d):
            df[w] = df.get(w, 0) + 1
    idf = {w: math.log(n - f + 0.5) - math.log(f + 0.5) for w, f in df.items()}
    floor = eps * sum(idf.values()) / len(idf)
    idf = {w: (v if v >= 0 else floor) for w, v in idf.items()}
    out = []
    for d in docs:
        s = 0.0
        for q in query:
            tf = d.count(q)
            s += idf.get(q, 0.0) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avgdl))
        out.append(s)
    return out


def corpus(seed: int = 3, n: int = 300) -> tuple[list[str], list[list[str]]]:
    rng = random.Random(seed)
    vocab = [f"词{i}" for i in range(120)]
    docs = [[rng.choice(vocab[: rng.randint(3, 120)]) for _ in range(rng.randint(0, 30))] for _ in range(n)]
    return [f"k{i // 10}:{i % 10}" for i in range(n)], docs


def test_scores_equal_bm25okapi_including_repeated_query_terms_and_unknown_words():
    ids, docs = corpus()
    lex = LexicalIndex.assemble([(ids, docs)])
    for q in (["词1"], ["词1", "词2", "词1"], ["词119", "没有"], ["没有"]):
        assert np.allclose(lex.scores(q), reference_scores(docs, q))


def test_incremental_assembly_from_a_previous_index_equals_a_fresh_one(tmp_path):
    ids, docs = corpus()
    first = LexicalIndex.assemble([(ids[:200], docs[:200])])
    first.save(tmp_path / "a.npz")
    loaded = LexicalIndex.load(tmp_path / "a.npz")
    # drop rows 0..49 (a removed document), keep 50..199 from the saved index, add 200..299 as tokens
    again = LexicalIndex.assemble([(ids[50:200], loaded), (ids[200:], docs[200:])])
    fresh = LexicalIndex.assemble([(ids[50:], docs[50:])])
    assert again.chunk_ids == fresh.chunk_ids
    for q in (["词3", "词7"], ["词100"]):
        assert np.allclose(again.scores(q), fresh.scores(q))
        assert np.allclose(again.scores(q), reference_scores(docs[50:], q))
    assert "词0" in fresh.vocab or not any("词0" in d for d in docs[50:])


def test_top_k_is_the_full_sort_order_and_respects_the_allowed_rows():
    ids, docs = corpus()
    lex = LexicalIndex.assemble([(ids, docs)])
    q = ["词2", "词5"]
    ref = reference_scores(docs, q)
    want = [i for i in sorted(range(len(ref)), key=lambda i: ref[i], reverse=True) if ref[i] > 0][:15]
    assert [r for r, _ in lex.top(q, 15)] == want
    allowed = np.zeros(len(ids), dtype=bool)
    allowed[100:150] = True
    got = [r for r, _ in lex.top(q, 15, allowed)]
    assert got and all(100 <= r < 150 for r in got)
    assert got == [i for i in want + sorted(range(100, 150), key=lambda i: -ref[i]) if 100 <= i < 150 and ref[i] > 0][:len(got)]


def test_empty_index_and_empty_documents():
    lex = LexicalIndex.assemble([])
    assert lex.top(["x"], 5) == []
    lex = LexicalIndex.assemble([(["a:0", "a:1", "a:2"], [[], ["词"], ["别的"]])])
    assert [r for r, _ in lex.top(["词"], 5)] == [1]
