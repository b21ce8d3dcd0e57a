"""eval.fit_check on made-up features (a unit test: the featurizer is a stand-in)."""

import re

import numpy as np

from detector.scoring import PIPELINE_FEATURES, FeatureBatch
from eval.fit_check import check
from eval.pairs import LabelledPair


class Features:
    """One informative feature: the NLI score is high for pairs whose text_a starts with "C"."""

    def transform(self, pairs):
        n = len(pairs)
        X = np.zeros((n, len(PIPELINE_FEATURES)))
        X[:, PIPELINE_FEATURES.index("nli_max")] = [0.9 if p.text_a.startswith("C") else 0.1 for p in pairs]
        body = np.array([p.text_b.startswith("BODY") for p in pairs])
        return FeatureBatch(X, np.zeros((n, 2)), body)


def test_check_scores_out_of_fold_probabilities_of_the_sentence_head():
    rng = np.random.default_rng(0)
    pairs = []
    for k in range(200):
        label = "contradicts" if k % 4 == 0 else ("agrees" if k % 4 == 1 else "neutral")
        hint = (label == "contradicts") != (rng.random() < 0.1)  # the feature is right 90% of the time
        pairs.append(LabelledPair(id=str(k), text_a=("C" if hint else "x") + str(k), text_b=f"b{k}", label=label,
                                  group=f"g{k % 20}"))
    # body pairs are the other head's: left out
    pairs += [LabelledPair(id=f"body{k}", text_a="C", text_b="BODY", label="contradicts", group="gb")
              for k in range(30)]
    line = check("toy", pairs, [1.0] * len(pairs), Features())
    m = re.fullmatch(r"toy: (\d+) fit sentence pairs, out of fold: ECE ([\d.]+) \(by chance ([\d.]+)\), "
                     r"ROC-AUC ([\d.]+), mean p ([\d.]+), share contradicts ([\d.]+)", line)
    assert m, line
    n, ece, chance, auc, mean_p, share = m.groups()
    assert int(n) == 200 and float(share) == 0.25
    assert float(auc) > 0.8  # the feature ranks contradictions out of fold
    assert 0 < float(ece) < 0.15 and 0 < float(chance) < 0.15
    assert abs(float(mean_p) - 0.25) < 0.05  # calibrated on average


def test_help_and_bad_arguments_before_any_dataset_is_read(tmp_path, monkeypatch, run_main):
    from eval.fit_check import main

    monkeypatch.setenv("CROSSCLAIM_DATASETS", str(tmp_path))  # empty: reading it would fail
    code, out, _ = run_main(main, ["--help"])
    assert code == 0
    assert out.startswith("usage: python -m eval.fit_check [-h] [CALIBRATION ...]\n")
    assert "How calibrated the sentence head is on held-out groups" in out
    assert "news, claimdiff, climate-" in out
    code, _, err = run_main(main, ["news", "nwes"])
    assert code == 2
    assert err.splitlines()[-1] == (
        "python -m eval.fit_check: error: unknown calibration(s) nwes; choose from news, claimdiff, climate-fever, "
        "sick, snli, anli")
