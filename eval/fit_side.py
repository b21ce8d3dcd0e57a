"""What the fit-side studies share (``eval.fit_check``, ``eval.rule_study``): the sentence head fitted as
`calibrate` fits it, with its out-of-fold p(contradicts), and the loop over the shipped recipe's calibrations."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

import numpy as np


def features(pairs, featurizer):
    """The pipeline features of labelled pairs (a ``FeatureBatch``)."""
    from detector.scoring import TextPair

    return featurizer.transform([TextPair(p.text_a, p.text_b, p.date_a, p.date_b) for p in pairs])


def sentence_oof(fb, pairs, weights) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fit the sentence head on the sentence pairs over grouped folds, with the recipe's weights.

    Returns the rows of the sentence pairs, their labels and weights, and each one's out-of-fold p(contradicts),
    predicted by a model that never saw that pair's group.
    """
    from detector.models import LABELS
    from detector.scoring import PairClassifier

    from .pairs import group_of

    rows = np.flatnonzero(~fb.body)
    y = np.array([pairs[i].label for i in rows])
    w = np.asarray(weights, dtype=np.float64)[rows]
    clf = PairClassifier().fit(fb.X[rows], y, [group_of(pairs[i]) for i in rows], sample_weight=w)
    return rows, y, w, clf.oof_proba_[:, LABELS.index("contradicts")]


def run(report: Callable[..., list[str]], argv: Sequence[str] | None = None, *, prog: str, doc: str) -> None:
    """Print ``report(name, pairs, weights, featurizer)`` for the calibrations of the shipped recipe named in
    ``argv`` (default: all of them). ``prog`` and ``doc`` (the module's docstring) make its --help; the arguments
    are checked before any dataset is read."""
    from .shipped import DEFAULT_CALIBRATION, OTHER_DATASETS, datasets_root, recipe

    known = [DEFAULT_CALIBRATION, *OTHER_DATASETS]  # the calibrations of `recipe("shipped")`, in its order
    ap = argparse.ArgumentParser(prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", metavar="CALIBRATION",
                    help=f"calibrations of the shipped recipe: {', '.join(known)} (default: all of them)")
    names = ap.parse_args(argv).names
    bad = [n for n in names if n not in known]
    if bad:
        ap.error(f"unknown calibration(s) {', '.join(bad)}; choose from {', '.join(known)}")
    from detector.scoring import Featurizer

    calibrations = recipe("shipped", datasets_root())
    names = names or list(calibrations)
    featurizer = Featurizer()
    for name in names:
        pairs, _, weights = calibrations[name]
        print("\n".join(report(name, pairs, weights, featurizer)), flush=True)
