"""THE recipe for the parameters crossclaim ships, and the fitting step every `calibrate` shares.

    crossclaim calibrate --recipe shipped       # or: python -m eval.shipped

The shipped parameter file holds one *calibration* per kind of text (``detector.scoring.select_calibration``),
each fitted on the fit side of its datasets in $CROSSCLAIM_DATASETS (default: ../shared/datasets beside the
project), so the dev numbers in docs/RESULTS.md stay held out:

- ``news`` (the default, what `scan` uses): FNC-1 and Emergent, split by ``news_fit_dev``; NEWS_FNC_MAX FNC-1
  pairs (every ``disagree`` pair and a label-stratified sample of the rest, weighted back to the real label
  shares), every Emergent fit pair, and random cross-claim Emergent pairs as ``unrelated``;
- ``claimdiff``, ``climate-fever``, ``sick``, ``snli``, ``anli``: a label-stratified sample of at most OTHER_MAX
  pairs of that dataset's fit side (``dev_split``).

``--recipe news`` fits the news calibration alone. The output records the data's hash and the command line.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from detector.errors import InputError

from .pairs import (
    LabelledPair,
    data_hash,
    dev_split,
    group_of,
    input_files,
    news_fit_dev,
    read_pairs,
    sample_pairs,
)

SPLIT_FRACTION = 0.2  # share of groups held out as dev, for every dataset
SPLIT_SEED = 0
NEWS_FNC_MAX = 3000  # NLI on CPU runs at ~150 pairs/s; FNC-1 bodies are long
FNC_RARE = ("contradicts",)  # FNC-1 "disagree" is 1.7% of pairs: all of them are kept, and weighted back down
SAMPLE_SEED = 0
UNRELATED_SHARE = 0.3  # random cross-claim Emergent pairs added as "unrelated", per Emergent fit pair
MIN_PER_LABEL = 5  # detector.scoring.PairClassifier cross-validates over 5 folds: fewer pairs of a label can
# leave a fold's training pairs without it, or with a single label, and the fit fails
OTHER_MAX = 2000  # per non-news dataset: enough for a 29-weight classifier, and NLI on CPU stays a few minutes
OTHER_DATASETS = ("claimdiff", "climate-fever", "sick", "snli", "anli")  # folder = reader format = calibration name
RECIPES = ("shipped", "news")
DEFAULT_CALIBRATION = "news"
# The calibration `eval` uses for each input format, when the parameter file has it.
FORMAT_CALIBRATION = {"fnc1": DEFAULT_CALIBRATION, "emergent": DEFAULT_CALIBRATION, **{d: d for d in OTHER_DATASETS}}
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "detector" / "params" / "pair_scorer.json"


def datasets_root() -> Path:
    """$CROSSCLAIM_DATASETS, or ../shared/datasets relative to the project root."""
    env = os.environ.get("CROSSCLAIM_DATASETS")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


def news_recipe(root: str | Path | None = None) -> tuple[list[LabelledPair], list[Path], list[float]]:
    """The pairs the shipped parameters are fitted on, the files they come from, and each pair's weight.

    FNC-1 pairs are weighted back to the fit side's real label shares (see ``fnc_sample``); Emergent pairs weigh 1.
    """
    root = Path(root) if root is not None else datasets_root()
    fnc_dir, emergent_dir = root / "fnc-1", root / "emergent"
    for d in (fnc_dir, emergent_dir):
        if not d.is_dir():
            raise InputError(str(d), "dataset folder not found; set CROSSCLAIM_DATASETS to the datasets folder")
    fnc, emergent = read_pairs(fnc_dir, "fnc1"), read_pairs(emergent_dir, "emergent")
    fit, _, _ = news_fit_dev(fnc, emergent, fraction=SPLIT_FRACTION, seed=SPLIT_SEED)
    fnc_ids = {p.id for p in fnc}
    fnc_fit = [p for p in fit if p.id in fnc_ids]
    emergent_fit = [p for p in fit if p.id not in fnc_ids]
    unrelated = random_unrelated(emergent_fit, int(UNRELATED_SHARE * len(emergent_fit)), seed=SAMPLE_SEED)
    pairs = fnc_sample(fnc_fit) + emergent_fit + unrelated
    return pairs, input_files(fnc_dir, "fnc1") + input_files(emergent_dir, "emergent"), sample_weights(pairs, fnc_fit)


def fnc_sample(fnc_fit: Sequence[LabelledPair]) -> list[LabelledPair]:
    """Every rare-label FNC-1 pair plus a label-stratified sample of the rest, NEWS_FNC_MAX in all."""
    rare = [p for p in fnc_fit if p.label in FNC_RARE]
    rest = [p for p in fnc_fit if p.label not in FNC_RARE]
    return sorted(rare + sample_pairs(rest, max(0, NEWS_FNC_MAX - len(rare)), seed=SAMPLE_SEED), key=lambda p: p.id)


def sample_weights(pairs: Sequence[LabelledPair], population: Sequence[LabelledPair]) -> list[float]:
    """Weights true_share / sample_share per label, for pairs drawn from ``population`` (1.0 for other pairs)."""
    from collections import Counter

    ids = {p.id for p in population}
    drawn = [p for p in pairs if p.id in ids]
    true, got = Counter(p.label for p in population), Counter(p.label for p in drawn)
    n_true, n_got = sum(true.values()), sum(got.values())
    w = {lab: (true[lab] / n_true) / (got[lab] / n_got) for lab in got}
    return [w[p.label] if p.id in ids else 1.0 for p in pairs]


def random_unrelated(pairs: Sequence[LabelledPair], n: int, *, seed: int = 0) -> list[LabelledPair]:
    """``n`` "unrelated" sentence pairs: the claim of one group against a headline from another group.

    Emergent has no unrelated label, but a scan meets unrelated claim pairs all the time; this is how FNC-1 made
    its own unrelated pairs (a headline beside another story's body), applied at the sentence level. The pair keeps
    the claim's group, so grouped cross-validation still holds whole claims out.
    """
    rng = np.random.default_rng(seed)
    by_group: dict[str, list[LabelledPair]] = {}
    for p in pairs:
        by_group.setdefault(group_of(p), []).append(p)
    groups = sorted(by_group)
    if len(groups) < 2 or n <= 0:
        return []
    out = []
    for k in range(n):
        ga, gb = rng.choice(len(groups), size=2, replace=False)
        a = by_group[groups[ga]][int(rng.integers(len(by_group[groups[ga]])))]
        b = by_group[groups[gb]][int(rng.integers(len(by_group[groups[gb]])))]
        out.append(LabelledPair(id=f"unrelated:{k}", text_a=a.text_a, text_b=b.text_b, label="unrelated",
                                source_a=a.source_a, source_b=b.source_b, group=group_of(a)))
    return out


def dataset_recipe(root: str | Path | None, name: str) -> tuple[list[LabelledPair], list[Path], list[float]]:
    """The fit pairs of one non-news dataset: a label-stratified sample of its fit side, OTHER_MAX at most."""
    root = Path(root) if root is not None else datasets_root()
    folder = root / name
    if not folder.is_dir():
        raise InputError(str(folder), "dataset folder not found; set CROSSCLAIM_DATASETS to the datasets folder")
    fit, _ = dev_split(read_pairs(folder, name), fraction=SPLIT_FRACTION, seed=SPLIT_SEED)
    pairs = sample_pairs(fit, min(OTHER_MAX, len(fit)), seed=SAMPLE_SEED)
    return pairs, input_files(folder, name), [1.0] * len(pairs)


def recipe(name: str, root: str | Path | None = None) -> dict[str, tuple[list[LabelledPair], list[Path], list[float]]]:
    """Calibration name -> (pairs, files, weights) for ``--recipe NAME`` ("shipped" or "news")."""
    if name not in RECIPES:
        raise ValueError(f"unknown recipe {name!r}; choose one of: {', '.join(RECIPES)}")
    root = Path(root) if root is not None else datasets_root()
    out = {DEFAULT_CALIBRATION: news_recipe(root)}
    if name == "shipped":
        for ds in OTHER_DATASETS:
            out[ds] = dataset_recipe(root, ds)
    return out


def fit_calibration(pairs: Sequence[LabelledPair], data_files: Sequence[Path], *, root: Path | None = None,
                    show_progress: bool = False, weights: Sequence[float] | None = None,
                    **calibrate_kwargs) -> dict:
    """Fit the pair scorer on labelled pairs: one calibration, with its data's hash and files."""
    from detector.scoring import TextPair, calibrate

    text_pairs = [TextPair(p.text_a, p.text_b, p.date_a, p.date_b) for p in pairs]
    params = calibrate(text_pairs, [p.label for p in pairs], [group_of(p) for p in pairs],
                       sample_weight=weights, show_progress=show_progress, **calibrate_kwargs)
    params["data_hash"] = data_hash(data_files)
    params["data_files"] = [_relative(Path(f), root) for f in data_files]
    return params


def fit_params(calibrations: dict[str, tuple[Sequence[LabelledPair], Sequence[Path], Sequence[float] | None]], *,
               default: str | None = None, command: str | None = None, root: Path | None = None,
               show_progress: bool = False, **calibrate_kwargs) -> dict:
    """Fit every named calibration and return the parameter file's contents, with provenance added.

    ``data_hash`` at the top is ``eval.pairs.data_hash`` over every calibration's files; each calibration also
    records its own. ``command`` and ``created`` (UTC, ISO 8601) say how and when.
    """
    if not calibrations:
        raise ValueError("nothing to fit: no calibration was given")
    cals, files = {}, []
    for name, (pairs, data_files, weights) in calibrations.items():
        where = ", ".join(_relative(Path(f), root) for f in data_files) or f"calibration {name!r}"
        if show_progress:
            print(f"calibration {name!r}: {len(pairs)} pairs", file=sys.stderr)
        try:
            cals[name] = fit_calibration(pairs, data_files, root=root, show_progress=show_progress,
                                         weights=weights, **calibrate_kwargs)
        except ValueError as e:  # too few pairs, or too few of a label: say which files and which label
            raise InputError(where, _rare_labels(pairs) or str(e)) from None
        files += [Path(f) for f in data_files if Path(f) not in files]
    return {
        "format": "crossclaim-pair-scorer/2",
        "default_calibration": default or next(iter(cals)),
        "calibrations": cals,
        "data_hash": data_hash(files),
        "data_files": [_relative(f, root) for f in files],
        "n_pairs": sum(c["n_pairs"] for c in cals.values()),
        "command": command or command_line(),
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }


def check_fittable(pairs: Sequence[LabelledPair], where: str) -> None:
    """Refuse pairs without a ``contradicts`` label before anything is computed: the scorer fitted on them would
    give every pair a contradiction probability near zero, a contradiction detector that never flags one.
    ``calibrate PAIRS`` checks the calibration your pairs go into; the recipe's datasets all have contradictions."""
    if not any(p.label == "contradicts" for p in pairs):
        raise InputError(where, "no pair is labelled contradicts: a contradiction detector cannot be fitted without "
                                "contradicts examples (add some, or fit them together with --recipe news)")


def _rare_labels(pairs: Sequence[LabelledPair]) -> str | None:
    """Why a fit on ``pairs`` fails, when a label has fewer than MIN_PER_LABEL pairs; None otherwise."""
    from collections import Counter

    counts = Counter(p.label for p in pairs)
    rare = [f"{lab} has {n} pair{'s' if n != 1 else ''}" for lab, n in sorted(counts.items()) if n < MIN_PER_LABEL]
    if not rare and len(counts) > 1:
        return None
    if len(counts) == 1:
        rare.append(f"{next(iter(counts))} is the only label")
    return (f"cannot fit on these pairs: {'; '.join(rare)}. The fit is cross-validated over 5 folds: each label "
            f"needs at least {MIN_PER_LABEL} pairs, and at least two labels are needed (add pairs, or drop or "
            "relabel the rare ones)")


def command_line() -> str:
    """The command that is running, as a person would type it."""
    prog = Path(sys.argv[0]).name
    if prog == "crossclaim":
        return shlex.join(["crossclaim", *sys.argv[1:]])
    if prog == "shipped.py" or sys.argv[0] == "-m":
        return shlex.join(["python", "-m", "eval.shipped", *sys.argv[1:]])
    return shlex.join(sys.argv)


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def main(argv: Sequence[str] | None = None) -> None:
    """python -m eval.shipped [OUT]: the same as `crossclaim calibrate --recipe shipped [--out OUT]`."""
    import argparse
    import json

    ap = argparse.ArgumentParser(prog="python -m eval.shipped", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT, metavar="OUT",
                    help="where to write the parameters (default: the shipped detector/params/pair_scorer.json)")
    out = ap.parse_args(argv).out
    if out.is_dir():
        ap.error(f"{out}: is a folder; give the parameter file to write")
    root = datasets_root()
    params = fit_params(recipe("shipped", root), default=DEFAULT_CALIBRATION, root=root, show_progress=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(params, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out} ({params['n_pairs']} pairs, data_hash {params['data_hash'][:12]})", file=sys.stderr)


if __name__ == "__main__":
    main()
