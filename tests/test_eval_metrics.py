"""Metrics against values worked out by hand on tiny arrays."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from detector.models import LABELS
from eval.metrics import (
    chance_calibration_error,
    confusion,
    evaluate,
    expected_calibration_error,
    fnc_score,
    group_bootstrap_ece,
    predicted_labels,
)

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"

GOLD = ["contradicts", "contradicts", "agrees", "neutral", "unrelated"]
#                 contradicts agrees neutral unrelated      predicted
PROBA = np.array([[0.90, 0.05, 0.03, 0.02],               # contradicts (right)
                  [0.30, 0.60, 0.05, 0.05],               # agrees (wrong)
                  [0.10, 0.80, 0.05, 0.05],               # agrees (right)
                  [0.62, 0.10, 0.20, 0.08],               # contradicts (wrong)
                  [0.05, 0.05, 0.10, 0.80]])              # unrelated (right)


def test_evaluate_by_hand():
    m = evaluate(GOLD, PROBA, elapsed_s=2.0)
    assert m["n"] == 5 and m["accuracy"] == pytest.approx(3 / 5)
    assert (m["contradicts.precision"], m["contradicts.recall"], m["contradicts.f1"]) == pytest.approx((.5, .5, .5))
    assert (m["agrees.precision"], m["agrees.recall"], m["agrees.f1"]) == pytest.approx((.5, 1, 2 / 3))
    assert (m["neutral.precision"], m["neutral.recall"], m["neutral.f1"]) == (0, 0, 0)
    assert m["unrelated.f1"] == 1 and m["contradicts.support"] == 2
    assert m["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 0 + 1) / 4)
    # positives score 0.9 and 0.3; negatives 0.1, 0.62, 0.05: 5 of 6 pairs ordered right
    assert m["contradicts.roc_auc"] == pytest.approx(5 / 6)
    # ranked: 0.9 (+) 0.62 (-) 0.3 (+): AP = 0.5 * 1 + 0.5 * 2/3
    assert m["contradicts.pr_auc"] == pytest.approx(0.5 + 1 / 3)
    # each probability alone in its bin: mean of |y - p|
    assert m["ece"] == pytest.approx((0.1 + 0.7 + 0.1 + 0.62 + 0.05) / 5)
    assert m["pairs_per_s"] == 2.5
    assert m["primary_metric"] == "contradicts.f1" and "fnc_score" not in m


def test_macro_f1_only_over_gold_labels():
    gold = ["agrees", "contradicts"]
    proba = np.array([[0.1, 0.9, 0, 0], [0.2, 0, 0, 0.8]])  # agrees right, contradicts -> unrelated
    m = evaluate(gold, proba)
    assert m["macro_f1"] == pytest.approx((1 + 0) / 2)
    assert "pairs_per_s" not in m


def test_ece_shared_bin_and_perfect():
    assert expected_calibration_error(np.array([1, 0]), np.array([0.7, 0.7])) == pytest.approx(0.2)
    assert expected_calibration_error(np.array([1, 1, 0, 0]), np.array([1.0, 1.0, 0.0, 0.0])) == 0


def test_chance_calibration_error():
    # certain probabilities: every simulated label matches, no error by chance
    assert chance_calibration_error(np.array([0.0, 1.0, 1.0, 0.0])) == 0
    # one pair at p = 0.5: the simulated label is 0 or 1, |y - 0.5| is always 0.5
    assert chance_calibration_error(np.array([0.5])) == pytest.approx(0.5)
    # n pairs at p = 0.5 share one bin, so the error is E[abs(k/n - 1/2)] for k ~ Binomial(n, 1/2) ...
    n = 4  # ... worked out for n = 4: k = 0..4 with weights 1, 4, 6, 4, 1 and errors .5, .25, 0, .25, .5
    assert chance_calibration_error(np.full(n, 0.5), n_draws=20000) == pytest.approx((2 * .5 + 8 * .25) / 16,
                                                                                       abs=0.01)
    # more pairs, less error by chance; the estimate is reproducible
    p = np.random.default_rng(1).random(2000)
    assert chance_calibration_error(p) < chance_calibration_error(p[:200]) < chance_calibration_error(p[:20])
    assert chance_calibration_error(p[:200]) == chance_calibration_error(p[:200])
    assert math.isnan(chance_calibration_error(np.array([])))


def test_group_bootstrap_ece():
    # every group perfectly calibrated on its own: every resample has ECE 0
    y, p = np.array([1, 0, 1, 0]), np.array([1.0, 0.0, 1.0, 0.0])
    assert group_bootstrap_ece(y, p, ["a", "a", "b", "b"]) == (0.0, 0.0)
    # two groups at p = 0.5, one all positive, one all negative: a resample holds a, b or both, so ECE is
    # 0.5 (one group twice, probability 1/2) or 0 (both): the 95% interval spans [0, 0.5]
    y, p = np.array([1, 1, 0, 0]), np.full(4, 0.5)
    assert group_bootstrap_ece(y, p, ["a", "a", "b", "b"]) == (0.0, 0.5)
    # the same pairs with one group each: resamples mix them, so the interval is narrower at the top
    low, high = group_bootstrap_ece(np.tile(y, 25), np.full(100, 0.5), [str(i) for i in range(100)])
    assert 0 <= low < high < 0.2
    # groups that share their labels widen the interval against pairs resampled alone
    g = [str(i // 10) for i in range(100)]
    yy = np.repeat([1, 0] * 5, 10)
    assert group_bootstrap_ece(yy, np.full(100, 0.5), g)[1] > group_bootstrap_ece(yy, np.full(100, 0.5),
                                                                                  [str(i) for i in range(100)])[1]
    with pytest.raises(ValueError, match="3 pairs but 2 groups"):
        group_bootstrap_ece(np.ones(3), np.ones(3), ["a", "b"])
    m = evaluate(GOLD, PROBA, groups=["g1", "g1", "g2", "g3", "g4"])
    assert m["ece_low"] <= m["ece_high"] and "ece_low" not in evaluate(GOLD, PROBA)


def test_one_class_gives_nan_auc():
    m = evaluate(["agrees", "neutral"], np.array([[0.1, 0.8, 0.1, 0], [0.1, 0.1, 0.8, 0]]))
    assert math.isnan(m["contradicts.roc_auc"]) and math.isnan(m["contradicts.pr_auc"])


def test_fnc_score_by_hand():
    pred = predicted_labels(PROBA)
    assert pred == ["contradicts", "agrees", "agrees", "contradicts", "unrelated"]
    # 1 + 0.25 + 1 + 0.25 + 0.25 out of 4 related * 1 + 1 unrelated * 0.25
    assert fnc_score(GOLD, pred) == pytest.approx(2.75 / 4.25)
    m = evaluate(GOLD, PROBA, fnc=True)
    assert m["fnc_score"] == pytest.approx(2.75 / 4.25) and m["primary_metric"] == "fnc_score"
    assert fnc_score(["unrelated", "agrees"], ["agrees", "unrelated"]) == 0


def test_fnc_score_matches_official_scorer():
    scorer_py = DATASETS / "fnc-1" / "scorer.py"
    if not scorer_py.exists():
        pytest.skip(f"official FNC-1 scorer not found at {scorer_py} (../shared/datasets absent)")
    spec = importlib.util.spec_from_file_location("fnc_official_scorer", scorer_py)
    official = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(official)
    to_fnc = {"agrees": "agree", "contradicts": "disagree", "neutral": "discuss", "unrelated": "unrelated"}
    rng = np.random.default_rng(0)
    gold = [LABELS[i] for i in rng.integers(0, 4, 500)]
    pred = [LABELS[i] for i in rng.integers(0, 4, 500)]

    def rows(labs):
        return [{"Headline": str(i), "Body ID": "0", "Stance": to_fnc[x]} for i, x in enumerate(labs)]

    score, _ = official.score_submission(rows(gold), rows(pred))
    _, best = official.score_defaults(rows(gold))
    assert fnc_score(gold, pred) == pytest.approx(score / best)


def test_confusion_rows_gold_columns_predicted():
    cm = confusion(GOLD, PROBA)
    assert cm.tolist() == [[1, 1, 0, 0], [0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]]


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match=r"shape \(5, 4\)"):
        evaluate(GOLD, PROBA[:, :3])
    with pytest.raises(ValueError, match="gold labels must be in"):
        evaluate(["refutes"] + GOLD[1:], PROBA)


def test_evaluate_uses_the_scorers_own_labels_when_given():
    import numpy as np

    from eval.metrics import evaluate

    gold = ["contradicts", "unrelated", "unrelated", "contradicts"]
    # contradiction never wins the argmax, but a scorer with a 0.3 threshold flags rows 0 and 3
    proba = np.array([[0.35, 0.0, 0.0, 0.65], [0.05, 0.0, 0.0, 0.95], [0.1, 0.0, 0.0, 0.9], [0.4, 0.0, 0.0, 0.6]])
    assert evaluate(gold, proba)["contradicts.f1"] == 0.0
    m = evaluate(gold, proba, predicted=["contradicts", "unrelated", "unrelated", "contradicts"])
    assert m["contradicts.f1"] == 1.0 and m["accuracy"] == 1.0
