"""Metrics of a pair scorer's probabilities against gold labels, as one flat dict.

Everything scikit-learn computes comes from scikit-learn; only the FNC-1 weighted score and the expected
calibration error (a short weighted sum over sklearn's reliability bins) are written here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
    roc_auc_score,
)

from detector.models import LABELS

N_BINS = 15


def predicted_labels(proba: np.ndarray) -> list[str]:
    """The argmax label of each row of ``proba`` (n, 4), columns in LABELS order."""
    return [LABELS[i] for i in np.asarray(proba).argmax(axis=1)]


def evaluate(gold_labels: Sequence[str], proba: np.ndarray, *, elapsed_s: float | None = None,
             fnc: bool = False, predicted: Sequence[str] | None = None,
             groups: Sequence[str] | None = None) -> dict[str, float | str]:
    """Score probabilities ``proba`` (n, 4; columns = LABELS) against gold labels.

    Returns a flat dict: ``n``, ``accuracy``, ``macro_f1`` (over the labels that occur in the gold labels, so a
    three-label NLI set is not penalised for the fourth), ``<label>.precision/.recall/.f1/.support`` for every
    label, ``contradicts.roc_auc`` and ``contradicts.pr_auc`` (average precision; NaN when gold has only one
    class), ``ece`` of the contradiction probability (15 equal-width bins), ``ece_chance`` (the ECE a perfectly
    calibrated scorer would show on these n pairs by chance: ``chance_calibration_error``), with ``groups`` (the
    pairs' split groups) ``ece_low``/``ece_high`` (a 95% interval: ``group_bootstrap_ece``), ``pairs_per_s`` when
    ``elapsed_s`` is given, ``fnc_score`` (official FNC-1 weighting, relative to the maximum) when ``fnc``, and
    ``primary_metric``, the name of the key to compare runs by. ``predicted`` are the scorer's own labels (its
    decision rule, e.g. a fitted contradiction threshold); without them the argmax of ``proba`` is used.
    """
    gold = list(gold_labels)
    proba = _check_proba(proba, len(gold))
    unknown = sorted(set(gold) - set(LABELS))
    if unknown:
        raise ValueError(f"gold labels must be in {LABELS}, got {unknown}")
    pred = list(predicted) if predicted is not None else predicted_labels(proba)
    if len(pred) != len(gold):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predicted")
    present = [lab for lab in LABELS if lab in set(gold)]

    out: dict[str, float | str] = {"n": float(len(gold))}
    out["accuracy"] = float(accuracy_score(gold, pred))
    out["macro_f1"] = float(f1_score(gold, pred, labels=present, average="macro", zero_division=0))
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=list(LABELS), zero_division=0)
    for i, lab in enumerate(LABELS):
        out[f"{lab}.precision"], out[f"{lab}.recall"] = float(p[i]), float(r[i])
        out[f"{lab}.f1"], out[f"{lab}.support"] = float(f[i]), float(s[i])

    y = np.array([g == "contradicts" for g in gold])
    p_contra = proba[:, LABELS.index("contradicts")]
    both = 0 < y.sum() < len(y)
    out["contradicts.roc_auc"] = float(roc_auc_score(y, p_contra)) if both else math.nan
    out["contradicts.pr_auc"] = float(average_precision_score(y, p_contra)) if both else math.nan
    out["ece"] = expected_calibration_error(y, p_contra)
    out["ece_chance"] = chance_calibration_error(p_contra)
    if groups is not None:
        out["ece_low"], out["ece_high"] = group_bootstrap_ece(y, p_contra, groups)
    if elapsed_s is not None:
        out["pairs_per_s"] = len(gold) / elapsed_s if elapsed_s > 0 else math.inf
    if fnc:
        out["fnc_score"] = fnc_score(gold, pred)
    out["primary_metric"] = "fnc_score" if fnc else "contradicts.f1"
    return out


def confusion(gold_labels: Sequence[str], proba: np.ndarray, predicted: Sequence[str] | None = None) -> np.ndarray:
    """Confusion matrix (4, 4): rows gold, columns predicted, both in LABELS order."""
    pred = list(predicted) if predicted is not None else predicted_labels(proba)
    return confusion_matrix(list(gold_labels), pred, labels=list(LABELS))


def reliability_bins(y_true: np.ndarray, y_prob: np.ndarray, n_bins: int = N_BINS) -> tuple[np.ndarray, ...]:
    """Per equal-width bin: (count, mean predicted probability, fraction positive); empty bins have NaN means.

    Bins are assigned exactly as ``sklearn.calibration.calibration_curve(strategy="uniform")`` assigns them.
    """
    y_true = np.asarray(y_true, dtype=float)
    y_prob = np.asarray(y_prob, dtype=float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(edges[1:-1], y_prob)
    count = np.bincount(ids, minlength=n_bins).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_prob = np.bincount(ids, weights=y_prob, minlength=n_bins) / count
        frac_pos = np.bincount(ids, weights=y_true, minlength=n_bins) / count
    return count, mean_prob, frac_pos


def expected_calibration_error(y_true: np.ndarray, y_prob: np.ndarray, n_bins: int = N_BINS) -> float:
    """Sum over bins of (bin size / n) * |fraction positive - mean predicted probability|."""
    count, mean_prob, frac_pos = reliability_bins(y_true, y_prob, n_bins)
    full = count > 0
    if not full.any():
        return math.nan
    return float(np.sum(count[full] / count.sum() * np.abs(frac_pos[full] - mean_prob[full])))


def chance_calibration_error(y_prob: np.ndarray, n_bins: int = N_BINS, *, n_draws: int = 200,
                             seed: int = 0) -> float:
    """The mean ECE of a perfectly calibrated scorer with these probabilities, over ``n_draws`` simulations.

    Each draw makes labels y ~ Bernoulli(p), which the probabilities describe exactly, and measures their ECE.
    ECE is biased upwards on small samples (a bin of 10 pairs rarely holds exactly its expected share of
    positives), so an ECE near this value is as calibrated as these n pairs can show.
    """
    y_prob = np.asarray(y_prob, dtype=float)
    if len(y_prob) == 0:
        return math.nan
    rng = np.random.default_rng(seed)
    return float(np.mean([expected_calibration_error(rng.random(len(y_prob)) < y_prob, y_prob, n_bins)
                          for _ in range(n_draws)]))


def group_bootstrap_ece(y_true: np.ndarray, y_prob: np.ndarray, groups: Sequence[str], n_bins: int = N_BINS, *,
                        n_draws: int = 1000, seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """A ``level`` percentile interval of the ECE over bootstrap resamples of whole groups.

    Pairs of one group (a topic, an article body) share their label rates, so resampling pairs alone would
    understate how much another draw of held-out groups could move the ECE. With one group per pair it is the
    ordinary bootstrap.
    """
    y_true, y_prob = np.asarray(y_true, dtype=float), np.asarray(y_prob, dtype=float)
    groups = np.asarray(list(groups))
    if len(groups) != len(y_true):
        raise ValueError(f"{len(y_true)} pairs but {len(groups)} groups")
    if len(y_true) == 0:
        return math.nan, math.nan
    _, inverse = np.unique(groups, return_inverse=True)
    members = np.split(np.argsort(inverse, kind="stable"), np.cumsum(np.bincount(inverse))[:-1])
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n_draws):
        idx = np.concatenate([members[g] for g in rng.integers(len(members), size=len(members))])
        draws.append(expected_calibration_error(y_true[idx], y_prob[idx], n_bins))
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(draws, [tail, 100 - tail])
    return float(low), float(high)


# Our labels back to FNC-1's stance names.
_TO_FNC = {"agrees": "agree", "contradicts": "disagree", "neutral": "discuss", "unrelated": "unrelated"}


def fnc_score(gold_labels: Sequence[str], predicted: Sequence[str]) -> float:
    """The FNC-1 competition score relative to its maximum, as the official scorer.py weights it.

    Per pair: 0.25 when both sides agree on related vs unrelated; a further 0.75 when gold is related and the
    exact stance is right. The maximum is 0.25 per unrelated pair plus 1 per related pair.
    """
    gold = np.array([_TO_FNC[g] for g in gold_labels])
    pred = np.array([_TO_FNC[p] for p in predicted])
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    gold_rel, pred_rel = gold != "unrelated", pred != "unrelated"
    score = 0.25 * np.sum(gold_rel == pred_rel) + 0.75 * np.sum(gold_rel & (gold == pred))
    best = 0.25 * np.sum(~gold_rel) + 1.0 * np.sum(gold_rel)
    return float(score / best) if best else math.nan


def _check_proba(proba: np.ndarray, n: int) -> np.ndarray:
    proba = np.asarray(proba, dtype=float)
    if proba.shape != (n, len(LABELS)):
        raise ValueError(f"proba must have shape ({n}, {len(LABELS)}) (columns {LABELS}), got {proba.shape}")
    if not np.isfinite(proba).all():
        raise ValueError("proba has NaN or infinite values")
    return proba
