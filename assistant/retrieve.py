"""Retrieval: BM25 (jieba tokens), dense (e5 vectors in Chroma) and their fusion, as LangChain
``BaseRetriever``s returning ``Document``s whose metadata carry the chunk id, document path, span
and score.

Scope travels in the RunnableConfig, so any LangChain caller keeps it::

    retriever.invoke("咸宁2024年…", config=scoped(RetrievalScope(docs={"002.txt"}, lang="zh")))

and a chain ``… | retriever`` invoked with that config passes it on. Without a scope every document
is searched and the question is taken as Chinese.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableConfig, ensure_config
from pydantic import ConfigDict
import numpy as np

from base.embeddings import collection_name, get_embeddings
from base.settings import Settings
from store import IndexSnapshot, StoredDoc
from store.vectors import VectorStoreUnavailable, reader_store
from base.tokenize import tokens
from base.types import Chunk

log = logging.getLogger("pqa.retrieve")

@dataclass(frozen=True)
class RetrievalScope:
    """What a search is limited to: document paths (None = all), the question's language (it sets
    the fusion weights) and the text the lexical retriever matches (default: the query itself)."""

    docs: frozenset[str] | None = None
    lang: str = "zh"
    lexical_query: str | None = None


def scoped(scope: RetrievalScope, config: RunnableConfig | None = None) -> RunnableConfig:
    """A RunnableConfig carrying `scope` (merged into `config`'s configurable)."""
    config = dict(config or {})
    config["configurable"] = {**(config.get("configurable") or {}), "scope": scope}
    return config  # type: ignore[return-value]


class ScopedRetriever(BaseRetriever):
    """A retriever that reads its RetrievalScope from the config it is invoked with."""

    def invoke(self, input: str, config: RunnableConfig | None = None, **kwargs: Any) -> list[Document]:
        config = ensure_config(config)
        scope = (config.get("configurable") or {}).get("scope") or RetrievalScope()
        return super().invoke(input, config, scope=scope, **kwargs)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                scope: RetrievalScope = RetrievalScope(), **_: Any) -> list[Document]:
        return self.search(query, scope)

    def search(self, query: str, scope: RetrievalScope) -> list[Document]:
        raise NotImplementedError


class CorpusView:
    """In-memory view of an index snapshot: chunks by id, documents, targets, the lexical index."""

    def __init__(self, snapshot: IndexSnapshot) -> None:
        self.snapshot = snapshot
        self.docs: dict[str, StoredDoc] = snapshot.docs
        self.chunks: dict[str, tuple[Chunk, StoredDoc]] = snapshot.chunks
        self.lexical = snapshot.lexical
        paths = list(self.docs)
        self._doc_no = {p: i for i, p in enumerate(paths)}
        # document number of every lexical row (-1: a row whose chunk is not in the snapshot)
        self.row_doc = np.array([self._doc_no.get(self.chunks[c][1].doc.path, -1) if c in self.chunks else -1
                                 for c in self.lexical.chunk_ids], dtype=np.int64)
        self.keys = [s.key for s in self.docs.values()]
        self.pending = snapshot.pending  # documents without vectors yet: lexical search only

    def known_regions(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for s in self.docs.values():
            if s.meta.region:
                out.setdefault(s.meta.region, [])
                out[s.meta.region] = list(dict.fromkeys(out[s.meta.region] + s.meta.aliases))
        return out

    def allowed_rows(self, docs: frozenset[str] | None) -> np.ndarray:
        """Boolean mask of lexical rows of documents `docs` (None: every document of the snapshot)."""
        if docs is None:
            return self.row_doc >= 0
        nums = np.array([self._doc_no[p] for p in docs if p in self._doc_no], dtype=np.int64)
        return np.isin(self.row_doc, nums)

    def to_document(self, chunk_id: str, score: float, source: str) -> Document:
        chunk, stored = self.chunks[chunk_id]
        return Document(page_content=chunk.text, id=chunk_id,
                        metadata={"id": chunk_id, "doc": stored.doc.path, "section": chunk.section,
                                  "start": chunk.start, "end": chunk.end, "score": score, "source": source})


class BM25Retriever(ScopedRetriever):
    """Okapi BM25 over jieba search-mode tokens of the labelled chunks (store.lexical: sparse
    postings persisted per generation, scored only for the query's terms)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    corpus: CorpusView
    k: int = 30

    def search(self, query: str, scope: RetrievalScope) -> list[Document]:
        q = tokens(scope.lexical_query or query)
        if not q or not self.corpus.lexical.chunk_ids:
            return []
        lex = self.corpus.lexical
        hits = lex.top(q, self.k, self.corpus.allowed_rows(scope.docs))
        return [self.corpus.to_document(lex.chunk_ids[r], s, "bm25") for r, s in hits]


class DenseRetriever(ScopedRetriever):
    """Nearest neighbours of the question's embedding among the snapshot's vectors (documents still
    being embedded are left out). Raises VectorStoreUnavailable when the store does not answer."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    corpus: CorpusView
    settings: Settings
    vectors: Any = None
    k: int = 30

    def model_post_init(self, __context: Any) -> None:
        if self.vectors is None:
            m = self.corpus.snapshot.manifest
            name = m.get("collection") or collection_name(self.settings.embedding_model)
            self.vectors = reader_store(self.settings, name, self.corpus.snapshot.generation)

    def search(self, query: str, scope: RetrievalScope) -> list[Document]:
        docs = self.corpus.docs
        paths = [p for p in (docs if scope.docs is None else scope.docs) if p in docs and p not in self.corpus.pending]
        if not paths:
            return []
        vec = get_embeddings(self.settings.embedding_model).embed_query(query)
        hits: list[tuple[str, float]] = []
        if len(paths) == len(docs):
            # every document: no filter (fast), dropping vectors of other generations
            hits = [h for h in self.vectors.query(vec, 2 * self.k, None) if h[0] in self.corpus.chunks][: self.k]
        if len(hits) < self.k:
            hits = self.vectors.query(vec, self.k, [docs[p].key for p in paths])
        allowed = set(paths)
        return [self.corpus.to_document(cid, 1.0 - float(dist), "dense") for cid, dist in hits
                if cid in self.corpus.chunks and self.corpus.chunks[cid][1].doc.path in allowed]


def rrf(ranked_lists: list[tuple[float, list[Document]]], k: int = 60) -> list[Document]:
    """Weighted reciprocal-rank fusion; the fused score is stored in metadata['score'], and each
    source's own score as metadata['<source>_score'] (the answer step weighs the dense similarity)."""
    scores: dict[str, float] = {}
    docs: dict[str, Document] = {}
    own: dict[str, dict[str, float]] = {}
    for weight, docs_list in ranked_lists:
        for rank, d in enumerate(docs_list):
            cid = d.metadata["id"]
            scores[cid] = scores.get(cid, 0.0) + weight / (k + rank + 1)
            docs.setdefault(cid, d)
            own.setdefault(cid, {})[f"{d.metadata.get('source', 'x')}_score"] = float(d.metadata.get("score", 0.0))
    out = []
    for cid in sorted(scores, key=scores.get, reverse=True):
        d = docs[cid]
        out.append(Document(page_content=d.page_content, id=cid,
                            metadata={**d.metadata, **own[cid], "score": scores[cid], "source": "fused"}))
    return out


class HybridRetriever(ScopedRetriever):
    """BM25 + dense fused by reciprocal rank, weighted by the question's language. Measured on the
    shipped QA set (hit@1 of gold evidence): for Chinese questions BM25 alone is best (0.87) and
    dense only dilutes it (BM25 1.0 + dense 0.8: 0.77), so dense weighs 0.3 — enough to lift a
    paraphrase, not to outvote an exact match; for English questions (lexical query expanded through
    the glossary) equal weights beat dense-heavy ones (0.49 vs 0.42)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    bm25: BM25Retriever
    dense: DenseRetriever | None = None
    k: int = 8
    rrf_k: int = 60
    weights: dict[str, tuple[float, float]] = {"zh": (1.0, 0.3), "en": (1.0, 1.0)}

    def search(self, query: str, scope: RetrievalScope) -> list[Document]:
        wb, wd = self.weights.get(scope.lang, (1.0, 1.0))
        lexical = self.bm25.search(query, scope)
        if self.dense is None:
            return rrf([(wb, lexical)], self.rrf_k)[: self.k]
        try:
            dense = self.dense.search(query, scope)
        except Exception as e:  # noqa: BLE001 - the store is down, frozen or broken: keyword search answers
            reason = e.reason if isinstance(e, VectorStoreUnavailable) else f"{type(e).__name__}: {e}"[:200]
            log.warning("vector search unavailable (%s); answering from keyword search alone", reason)
            out = rrf([(wb or 1.0, lexical)], self.rrf_k)[: self.k]
            for d in out:
                d.metadata["degraded"] = reason
            return out
        return rrf([(wb, lexical), (wd, dense)], self.rrf_k)[: self.k]
