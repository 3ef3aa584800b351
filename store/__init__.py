"""The index on disk: manifest, stored documents, lexical tokens and vectors.

``ingest`` writes the store, ``assistant`` reads it; neither imports the other.
"""
from store.errors import IndexError_, IndexMissing
from store.index import MANIFEST, IndexSnapshot, open_index, pending_documents, read_manifest
from store.stored import StoredDoc

__all__ = ["IndexError_", "IndexMissing", "MANIFEST", "IndexSnapshot", "open_index", "pending_documents",
           "read_manifest", "StoredDoc"]
