"""Embedders: shapes, dtype, normalisation, and the on-disk cache embedding each distinct text once."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings import CachedEmbedder, Embedder, EmbeddingCache


@pytest.fixture
def cache(tmp_path):
    c = EmbeddingCache(tmp_path / "emb.sqlite")
    yield c
    c.close()


def test_fake_embedder_is_deterministic_and_normalised(fake_embedder):
    texts = ["The ferry left at noon.", "The ferry left at noon.", "Wheat prices rose sharply."]
    X = fake_embedder.encode(texts)
    assert X.shape == (3, fake_embedder.dim) and X.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(X[0], X[1])
    np.testing.assert_array_equal(X, type(fake_embedder)().encode(texts))  # a new instance, the same vectors


def test_cached_embedder_embeds_each_text_once(fake_embedder, cache):
    emb = CachedEmbedder(fake_embedder, cache)
    assert isinstance(emb, Embedder)
    first = emb.encode(["alpha beta", "gamma delta", "alpha beta"])
    assert emb.n_computed == 2  # the duplicate is embedded once
    assert fake_embedder.n_texts == 2
    second = emb.encode(["gamma delta", "epsilon zeta", "alpha beta"])
    assert emb.n_computed == 3  # only "epsilon zeta" is new
    np.testing.assert_array_equal(second[0], first[1])
    np.testing.assert_array_equal(second[2], first[0])
    assert len(cache) == 3


def test_cache_survives_a_new_process(fake_embedder, tmp_path):
    path = tmp_path / "persist.sqlite"
    a = CachedEmbedder(fake_embedder, EmbeddingCache(path))
    X = a.encode(["a sentence about rivers", "a sentence about ports"])
    a.cache.close()
    b = CachedEmbedder(type(fake_embedder)(), EmbeddingCache(path))
    Y = b.encode(["a sentence about ports", "a sentence about rivers"])
    assert b.n_computed == 0
    np.testing.assert_array_equal(Y, X[::-1])
    b.cache.close()


def test_cache_keys_by_model_and_normalisation(fake_embedder, cache):
    other = type(fake_embedder)(name="another-model")
    e1, e2 = CachedEmbedder(fake_embedder, cache), CachedEmbedder(other, cache)
    e1.encode(["shared text"])
    e2.encode(["shared text"])
    assert (e1.n_computed, e2.n_computed) == (1, 1)  # a different model never reads the other's vectors
    raw = e1.encode(["shared text"], normalize=False)
    assert e1.n_computed == 2
    assert np.linalg.norm(raw[0]) > 1.0  # two identical tokens: unnormalised length is not 1


def test_cached_embedder_shapes(fake_embedder, cache):
    emb = CachedEmbedder(fake_embedder, cache)
    assert emb.encode([]).shape == (0, fake_embedder.dim)
    X = emb.encode(["one", "two", "three", "four"])
    assert X.shape == (4, fake_embedder.dim) and X.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-6)


def test_default_cache_path_follows_env(tmp_path, monkeypatch):
    from embeddings.base import default_cache_path

    monkeypatch.setenv("CROSSCLAIM_CACHE", str(tmp_path / "here"))
    assert default_cache_path() == tmp_path / "here" / "embeddings.sqlite"


def test_tests_never_use_the_home_cache():
    from embeddings.base import default_cache_path

    assert "/.cache/" not in str(default_cache_path())


# -- the real packaged model ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_minilm_shape_dtype_and_norm(real_embedder):
    X = real_embedder.encode(["The bridge was closed for repairs.", "Ticket sales fell last year.", "Hi."])
    assert X.shape == (3, 384) and X.dtype == np.float32
    assert real_embedder.dim == 384
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-5)
    assert real_embedder.encode([]).shape == (0, 384)


@pytest.mark.slow
def test_minilm_paraphrase_is_closer_than_unrelated(real_embedder):
    a, para, other = real_embedder.encode([
        "The city council approved the new budget on Tuesday.",
        "On Tuesday the council of the city passed its new budget.",
        "A rare bird was spotted nesting on the cliffs.",
    ])
    assert float(a @ para) > 0.7
    assert float(a @ para) > float(a @ other) + 0.4


@pytest.mark.slow
def test_load_embedder_caches_under_the_test_cache(real_embedder, tmp_path):
    from embeddings import load_embedder

    emb = load_embedder(cache=tmp_path / "e.sqlite")
    assert isinstance(emb, CachedEmbedder)
    emb.inner = real_embedder  # reuse the loaded model; the cache wrapper is what is under test
    X1 = emb.encode(["The harbour froze in January.", "Snow closed the pass."])
    X2 = emb.encode(["Snow closed the pass."])
    assert emb.n_computed == 2
    np.testing.assert_allclose(X2[0], X1[1], atol=1e-6)
