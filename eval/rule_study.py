"""How the rebuttal rule should combine with the classifier, measured on fit pairs only (docs/SCORING.md).

    python -m eval.rule_study [CALIBRATION ...]      # default: every calibration of the shipped recipe

For each calibration of the shipped recipe (``eval.shipped.recipe``), the sentence head is fitted as `calibrate`
fits it; on the fit pairs where the rule fires, the classifier's out-of-fold p(contradicts) is combined with the
rule's measured precision by a noisy-OR and by a floor (max), and each is compared with the labels: mean p against
the share of contradictions, and log loss. Weights are the recipe's. Prints one line per combination.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np


def study(name: str, pairs, weights, featurizer) -> list[str]:
    from detector.models import LABELS
    from detector.scoring import PairClassifier, TextPair, rebuttal_pattern, rebuttal_rule

    from .pairs import group_of

    fb = featurizer.transform([TextPair(p.text_a, p.text_b, p.date_a, p.date_b) for p in pairs])
    y = np.array([p.label for p in pairs])
    rule = rebuttal_rule(fb, y)
    if "precision" not in rule:
        return [f"{name}: rule off ({rule or 'too few related pairs'})"]
    rows = np.flatnonzero(~fb.body)
    X, w = fb.X[rows], np.asarray(weights, dtype=np.float64)[rows]
    clf = PairClassifier().fit(X, y[rows], [group_of(pairs[i]) for i in rows], sample_weight=w)
    p = clf.oof_proba_[:, LABELS.index("contradicts")]
    fires = rebuttal_pattern(X, rule["min_cos"])
    t, p, w = (y[rows] == "contradicts")[fires], p[fires], w[fires]
    q = rule["precision"]
    out = [f"{name}: {int(fires.sum())} fit pairs where the rule fires, share contradicts "
           f"{np.average(t, weights=w):.3f}, rule precision {q:.3f}"]
    for label, pp in (("classifier", p), ("noisy-or", 1 - (1 - p) * (1 - q)), ("floor", np.maximum(p, q))):
        pc = np.clip(pp, 1e-6, 1 - 1e-6)
        nll = -np.average(t * np.log(pc) + (1 - t) * np.log(1 - pc), weights=w)
        out.append(f"  {label:<10}  mean p {np.average(pp, weights=w):.3f}  log loss {nll:.3f}")
    return out


def main(argv: Sequence[str] | None = None) -> None:
    from detector.scoring import Featurizer

    from .shipped import datasets_root, recipe

    calibrations = recipe("shipped", datasets_root())
    names = list(sys.argv[1:] if argv is None else argv) or list(calibrations)
    featurizer = Featurizer()
    for name in names:
        pairs, _, weights = calibrations[name]
        print("\n".join(study(name, pairs, weights, featurizer)), flush=True)


if __name__ == "__main__":
    main()
