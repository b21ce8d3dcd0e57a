"""eval.rule_study on made-up features (a unit test: the featurizer is a stand-in)."""

import numpy as np
import pytest

from detector.scoring import PIPELINE_FEATURES, FeatureBatch
from eval.pairs import LabelledPair
from eval.rule_study import study


class Features:
    """Sentence pairs: cos from the pair's index; the rebuttal pattern on the 12 most similar."""

    def transform(self, pairs):
        n = len(pairs)
        X = np.zeros((n, len(PIPELINE_FEATURES)))
        X[:, PIPELINE_FEATURES.index("cos")] = np.linspace(0.1, 0.9, n)
        X[n - 12:, PIPELINE_FEATURES.index("rebuttal")] = 1
        X[:, PIPELINE_FEATURES.index("nli_max")] = [0.8 if p.text_a.startswith("C") else 0.2 for p in pairs]
        return FeatureBatch(X, np.zeros((n, 2)), np.zeros(n, bool))


def test_study_compares_the_combinations_on_the_pairs_where_the_rule_fires():
    n = 60
    labels = ["agrees", "neutral"] * (n // 2)
    for k in range(n - 12, n - 3):
        labels[k] = "contradicts"  # 9 of the 12 pattern pairs are contradictions
    for k in range(0, 20, 4):
        labels[k] = "contradicts"
    # the NLI feature hints at the label, noisily: "C" texts score high
    hint = [lab == "contradicts" for lab in labels]
    for k in (1, 2, n - 5, n - 4):
        hint[k] = not hint[k]
    pairs = [LabelledPair(id=str(k), text_a=("C" if h else "x") + str(k), text_b=f"b{k}", label=lab,
                          group=f"g{k % 10}") for k, (lab, h) in enumerate(zip(labels, hint))]
    lines = study("toy", pairs, [1.0] * n, Features())
    assert lines[0] == "toy: 12 fit pairs where the rule fires, share contradicts 0.750, rule precision 0.714"
    got = {ln.split()[0]: [float(v) for v in ln.split()[3::3]] for ln in lines[1:]}
    assert list(got) == ["classifier", "noisy-or", "floor"]
    (pc, _), (po, _), (pf, _) = got.values()
    assert po > pf >= pc and pf >= 0.714 - 1e-3  # the noisy-OR is the highest; the floor never under the precision
    assert po == pytest.approx(1 - (1 - pc) * (1 - 0.714), abs=0.2)


def test_study_says_when_the_rule_is_off():
    pairs = [LabelledPair(id=str(k), text_a="a", text_b="b", label="agrees", group=str(k)) for k in range(30)]

    class NoPattern(Features):
        def transform(self, ps):
            fb = super().transform(ps)
            fb.X[:, PIPELINE_FEATURES.index("rebuttal")] = 0
            return fb

    assert study("plain", pairs, [1.0] * 30, NoPattern()) == [
        "plain: rule off ({'n': 0, 'n_contradicts': 0, 'min_cos': 0.3})"]


def test_help_and_bad_options_before_any_dataset_is_read(tmp_path, monkeypatch, run_main):
    from eval.rule_study import main

    monkeypatch.setenv("CROSSCLAIM_DATASETS", str(tmp_path))  # empty: reading it would fail
    code, out, _ = run_main(main, ["--help"])
    assert code == 0
    assert out.startswith("usage: python -m eval.rule_study [-h] [CALIBRATION ...]\n")
    assert "How the rebuttal rule should combine with the classifier" in out
    code, _, err = run_main(main, ["--seed", "3"])
    assert code == 2
    assert "unrecognized arguments: --seed" in err
