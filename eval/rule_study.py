"""How the rebuttal rule should combine with the classifier, measured on fit pairs only (docs/SCORING.md).

    python -m eval.rule_study [CALIBRATION ...]      # default: every calibration of the shipped recipe

For each calibration of the shipped recipe (``eval.shipped.recipe``), the sentence head is fitted as `calibrate`
fits it; on the fit pairs where the rule fires, the classifier's out-of-fold p(contradicts) is combined with the
rule's measured precision by a noisy-OR and by a floor (max), and each is compared with the labels: mean p against
the share of contradictions, and log loss. Weights are the recipe's. Prints one line per combination.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .fit_side import features, run, sentence_oof


def study(name: str, pairs, weights, featurizer) -> list[str]:
    from detector.scoring import rebuttal_pattern, rebuttal_rule

    fb = features(pairs, featurizer)
    rule = rebuttal_rule(fb, np.array([p.label for p in pairs]))
    if "precision" not in rule:
        return [f"{name}: rule off ({rule or 'too few related pairs'})"]
    rows, y, w, p = sentence_oof(fb, pairs, weights)
    fires = rebuttal_pattern(fb.X[rows], rule["min_cos"])
    t, p, w = (y == "contradicts")[fires], p[fires], w[fires]
    q = rule["precision"]
    out = [f"{name}: {int(fires.sum())} fit pairs where the rule fires, share contradicts "
           f"{np.average(t, weights=w):.3f}, rule precision {q:.3f}"]
    for label, pp in (("classifier", p), ("noisy-or", 1 - (1 - p) * (1 - q)), ("floor", np.maximum(p, q))):
        pc = np.clip(pp, 1e-6, 1 - 1e-6)
        nll = -np.average(t * np.log(pc) + (1 - t) * np.log(1 - pc), weights=w)
        out.append(f"  {label:<10}  mean p {np.average(pp, weights=w):.3f}  log loss {nll:.3f}")
    return out


def main(argv: Sequence[str] | None = None) -> None:
    run(study, argv, prog="python -m eval.rule_study", doc=__doc__)


if __name__ == "__main__":
    main()
