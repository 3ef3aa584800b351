"""The lexical (BM25) index of a generation: term counts of every chunk as sparse arrays (numpy only).

Tokens are computed once per document version at ingest (``docs/<key>.tokens.json``); a generation's
index is assembled from the previous generation's arrays (rows of documents kept) plus the token files
of new document versions, so nothing is re-tokenised. On disk it is one uncompressed ``.npz``
(vocabulary, chunk ids, term-major CSC arrays of counts, chunk lengths) that loads in milliseconds;
the BM25 weights are computed from the counts at load time, vectorised.

Scoring is Okapi BM25 exactly as ``rank_bm25.BM25Okapi`` computes it (k1 1.5, b 0.75, negative idf
replaced by 0.25 × the mean idf, a repeated query token counts again), so rankings are unchanged from
the in-memory index it replaces; scoring a query touches only the postings of its terms.
"""
from __future__ import annotations

import io
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

K1, B, EPSILON = 1.5, 0.75, 0.25


def _join(strings: Sequence[str]) -> np.ndarray:
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8)


def _split(arr: np.ndarray) -> list[str]:
    s = arr.tobytes().decode("utf-8")
    return s.split("\n") if s else []


@dataclass
class LexicalIndex:
    """Chunks × terms counts, term-major (CSC): postings of term t are rows[indptr[t]:indptr[t+1]]."""

    vocab: list[str]
    chunk_ids: list[str]
    indptr: np.ndarray  # int64, len(vocab) + 1
    rows: np.ndarray  # int32 chunk row of each posting
    tf: np.ndarray  # float32 count of each posting
    lengths: np.ndarray  # float64 tokens per chunk

    def __post_init__(self) -> None:
        self.term_ids = {t: i for i, t in enumerate(self.vocab)}
        self._weights: np.ndarray | None = None
        self._idf: np.ndarray | None = None

    # ------------------------------------------------------------ build
    @classmethod
    def empty(cls) -> "LexicalIndex":
        return cls([], [], np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(0))

    @classmethod
    def assemble(cls, parts: Iterable[tuple[list[str], list[list[str]] | "LexicalIndex"]]) -> "LexicalIndex":
        """An index of `parts` in order: each (chunk ids, their token lists) or (chunk ids, an index
        holding those rows — taken over without re-tokenising)."""
        vocab: dict[str, int] = {}
        ids: list[str] = []
        r_all, t_all, c_all, lengths = [], [], [], []
        for chunk_ids, src in parts:
            base = len(ids)
            if isinstance(src, LexicalIndex):
                sel = np.array([src.row_of[c] for c in chunk_ids], dtype=np.int64)
                r, t, c = src.postings_of_rows(sel)
                remap = np.array([vocab.setdefault(w, len(vocab)) for w in src.vocab], dtype=np.int64)
                r_all.append(r + base)
                t_all.append(remap[t] if len(remap) else t)
                c_all.append(c)
                lengths.append(src.lengths[sel])
            else:
                rr, tt, cc = [], [], []
                for j, toks in enumerate(src):
                    for w, n in Counter(toks).items():
                        rr.append(base + j)
                        tt.append(vocab.setdefault(w, len(vocab)))
                        cc.append(n)
                r_all.append(np.array(rr, dtype=np.int64))
                t_all.append(np.array(tt, dtype=np.int64))
                c_all.append(np.array(cc, dtype=np.float32))
                lengths.append(np.array([len(x) for x in src], dtype=np.float64))
            ids.extend(chunk_ids)
        if not ids:
            return cls.empty()
        rows = np.concatenate(r_all) if r_all else np.zeros(0, np.int64)
        terms = np.concatenate(t_all) if t_all else np.zeros(0, np.int64)
        counts = np.concatenate(c_all) if c_all else np.zeros(0, np.float32)
        # drop terms no longer used by any chunk, then order postings by (term, row)
        used = np.unique(terms)
        words = list(vocab)
        new_vocab = [words[i] for i in used]
        terms = np.searchsorted(used, terms)
        order = np.lexsort((rows, terms))
        terms, rows, counts = terms[order], rows[order], counts[order]
        indptr = np.zeros(len(new_vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(new_vocab)), out=indptr[1:])
        return cls(new_vocab, ids, indptr, rows.astype(np.int32), counts.astype(np.float32),
                   np.concatenate(lengths))

    @property
    def row_of(self) -> dict[str, int]:
        if not hasattr(self, "_row_of"):
            self._row_of = {c: i for i, c in enumerate(self.chunk_ids)}
        return self._row_of

    def postings_of_rows(self, sel: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(new row, term, count) of the postings of rows `sel` (renumbered 0..len(sel)-1)."""
        new_row = np.full(len(self.chunk_ids), -1, dtype=np.int64)
        new_row[sel] = np.arange(len(sel))
        terms = np.repeat(np.arange(len(self.vocab), dtype=np.int64), np.diff(self.indptr))
        keep = new_row[self.rows] >= 0
        return new_row[self.rows[keep]], terms[keep], self.tf[keep]

    # ------------------------------------------------------------ disk
    def save(self, path: Path) -> None:
        buf = io.BytesIO()
        np.savez(buf, vocab=_join(self.vocab), ids=_join(self.chunk_ids), indptr=self.indptr,
                 rows=self.rows, tf=self.tf, lengths=self.lengths)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(buf.getvalue())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "LexicalIndex":
        with np.load(path, allow_pickle=False) as z:
            return cls(_split(z["vocab"]), _split(z["ids"]), z["indptr"], z["rows"], z["tf"], z["lengths"])

    # ------------------------------------------------------------ scoring
    def _prepare(self) -> None:
        n = len(self.chunk_ids)
        df = np.diff(self.indptr).astype(np.float64)
        idf = np.log(n - df + 0.5) - np.log(df + 0.5)
        if len(idf):
            eps = EPSILON * float(idf.sum() / len(idf))
            idf[idf < 0] = eps
        avgdl = float(self.lengths.sum() / n) if n else 1.0
        tf = self.tf.astype(np.float64)
        norm = K1 * (1 - B + B * self.lengths[self.rows] / avgdl)
        terms = np.repeat(np.arange(len(self.vocab)), np.diff(self.indptr))
        self._weights = idf[terms] * (tf * (K1 + 1) / (tf + norm)) if len(terms) else np.zeros(0)
        self._idf = idf

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk for the query (rank_bm25 BM25Okapi.get_scores)."""
        if self._weights is None:
            self._prepare()
        out = np.zeros(len(self.chunk_ids))
        for w, m in Counter(query_tokens).items():
            t = self.term_ids.get(w)
            if t is None:
                continue
            a, b = self.indptr[t], self.indptr[t + 1]
            out[self.rows[a:b]] += m * self._weights[a:b]
        return out

    def top(self, query_tokens: Sequence[str], k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(row, score) of the best `k` chunks with a positive score, best first (ties: index order);
        `allowed` is a boolean mask of rows that may be returned."""
        s = self.scores(query_tokens)
        cand = np.flatnonzero(s > 0)
        if allowed is not None:
            cand = cand[allowed[cand]]
        if len(cand) > k:
            part = cand[np.argpartition(-s[cand], k - 1)[:k]]
            cut = s[part].min()
            cand = cand[s[cand] >= cut]  # keep ties at the cut, so the order matches a full sort
        order = np.lexsort((cand, -s[cand]))
        return [(int(cand[i]), float(s[cand[i]])) for i in order[:k]]
