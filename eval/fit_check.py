"""How calibrated the sentence head is on held-out groups of its own fit data (out of fold; no dev data).

    python -m eval.fit_check [CALIBRATION ...]      # default: every calibration of the shipped recipe

For each calibration of the shipped recipe (``eval.shipped.recipe``), the sentence head is fitted as `calibrate`
fits it, over the same grouped folds (FNC-1 body, Emergent claim, ClaimDiff topic, ...), with the recipe's weights.
Its out-of-fold p(contradicts), each predicted by a model that never saw that pair's group, is scored against the
labels, every pair counted once: ECE (15 bins) beside the ECE a perfectly calibrated scorer shows by chance on as
many pairs, ROC-AUC, and the mean p against the share of contradictions. A dev-set ECE well above this one points
at a shift between the fit and dev groups rather than at the fit (docs/RESULTS.md, ClaimDiff).
"""

from __future__ import annotations

from collections.abc import Sequence

from .fit_side import features, run, sentence_oof


def check(name: str, pairs, weights, featurizer) -> str:
    from sklearn.metrics import roc_auc_score

    from .metrics import chance_calibration_error, expected_calibration_error

    _, y, _, p = sentence_oof(features(pairs, featurizer), pairs, weights)
    t = (y == "contradicts").astype(float)
    auc = roc_auc_score(t, p) if 0 < t.sum() < len(t) else float("nan")
    return (f"{name}: {len(y)} fit sentence pairs, out of fold: ECE {expected_calibration_error(t, p):.3f} "
            f"(by chance {chance_calibration_error(p):.3f}), ROC-AUC {auc:.3f}, mean p {p.mean():.3f}, "
            f"share contradicts {t.mean():.3f}")


def main(argv: Sequence[str] | None = None) -> None:
    run(lambda *args: [check(*args)], argv, prog="python -m eval.fit_check", doc=__doc__)


if __name__ == "__main__":
    main()
