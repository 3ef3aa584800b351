"""The vector side of the store: the Chroma client and collection of the configured embedding model."""
from __future__ import annotations

from base.embeddings import PlanQAEmbeddingFunction, collection_name
from base.settings import Settings
from store.stored import StoredDoc, indexed_text


def chroma_client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    cs = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=cs)
    path = settings.index_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=cs)


def chroma_collection(settings: Settings, client=None):
    client = client or chroma_client(settings)
    return client.get_or_create_collection(
        name=collection_name(settings.embedding_model),
        embedding_function=PlanQAEmbeddingFunction(settings.embedding_model),
        metadata={"hnsw:space": "cosine", "embedding_model": settings.embedding_model},
    )


def ensure_vectors(collection, emb, stored: StoredDoc | None, settings: Settings) -> None:
    """Upsert the vectors of a document's chunks that the collection lacks (resumes after a kill)."""
    if stored is None:
        return
    ids = [c.id for c in stored.chunks]
    have = set(collection.get(ids=ids, include=[])["ids"]) if ids else set()
    todo = [c for c in stored.chunks if c.id not in have]
    for b in range(0, len(todo), settings.embed_batch_size):
        batch = todo[b:b + settings.embed_batch_size]
        texts = [indexed_text(c, stored.meta) for c in batch]
        collection.upsert(
            ids=[c.id for c in batch],
            embeddings=emb.embed_documents(texts),
            documents=texts,
            metadatas=[{"key": stored.key, "doc": stored.doc.path, "section": c.section,
                        "start": c.start, "end": c.end} for c in batch])


def reset_collection(settings: Settings, collection) -> None:
    client = chroma_client(settings)
    try:
        client.delete_collection(collection.name)
    except Exception:  # noqa: BLE001 - absent is fine
        pass
