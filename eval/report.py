"""A self-contained Markdown report of one evaluation run, with PNG plots built from the predictions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import precision_recall_curve

from detector.models import LABELS

from .metrics import N_BINS, confusion, predicted_labels, reliability_bins
from .pairs import LabelledPair

SWEEP = tuple(round(t, 2) for t in np.arange(0.05, 1.0, 0.05))
N_WORST = 15
MAX_TEXT = 600  # FNC-1 bodies run to thousands of characters; the report shows their start


def write_report(dir: str | Path, gold: Sequence[str], proba: np.ndarray, pairs: Sequence[LabelledPair],
                 metrics: dict, *, title: str, predicted: Sequence[str] | None = None) -> Path:
    """Write ``report.md`` and ``pr_curve.png``, ``reliability.png``, ``confusion.png`` into ``dir``.

    ``proba`` is (n, 4) in LABELS order, aligned with ``gold`` and ``pairs``. Returns the report's path.
    """
    out = Path(dir)
    out.mkdir(parents=True, exist_ok=True)
    gold = list(gold)
    proba = np.asarray(proba, dtype=float)
    y = np.array([g == "contradicts" for g in gold])
    p_contra = proba[:, LABELS.index("contradicts")]
    cm = confusion(gold, proba, predicted)

    _plot(out, y, p_contra, cm)

    lines = [f"# {title}", "", f"{len(gold)} pairs.", "", "## Metrics", "", "| metric | value |", "|---|---|"]
    for k, v in metrics.items():
        lines.append(f"| {k} | {_fmt(v, k)} |")
    lines += ["", "## Confusion matrix", "", "Rows: gold label. Columns: predicted label.", "",
              "| gold \\ predicted | " + " | ".join(LABELS) + " |", "|---" * (len(LABELS) + 1) + "|"]
    for lab, row in zip(LABELS, cm):
        lines.append(f"| {lab} | " + " | ".join(str(int(c)) for c in row) + " |")
    lines += ["", "![confusion matrix](confusion.png)", ""]

    lines += ["## Contradiction threshold sweep", "",
              "A pair is flagged as a contradiction when its contradiction probability is at least the threshold.",
              "", *threshold_table(y, p_contra), "", "![precision-recall curve](pr_curve.png)", ""]

    lines += ["## Calibration of the contradiction probability", "",
              f"ECE = {_fmt(metrics.get('ece', math.nan))} over {N_BINS} equal-width bins.", "",
              "| bin | pairs | mean predicted | fraction contradicts |", "|---|---|---|---|"]
    count, mean_prob, frac_pos = reliability_bins(y, p_contra)
    for i in range(N_BINS):
        if count[i]:
            lines.append(f"| {i / N_BINS:.2f}-{(i + 1) / N_BINS:.2f} | {int(count[i])} | {mean_prob[i]:.3f} "
                         f"| {frac_pos[i]:.3f} |")
    lines += ["", "![reliability diagram](reliability.png)", ""]

    lines += ["## Worst errors", "", "Wrong predictions, most confident first.", ""]
    for p, g, pred, conf in worst_errors(gold, proba, pairs, predicted=predicted):
        lines += [f"### {p.id}: gold {g}, predicted {pred} ({conf:.2f})", "",
                  f"- **A**{_src(p.source_a)}: {_quote(p.text_a)}", f"- **B**{_src(p.source_b)}: {_quote(p.text_b)}",
                  ""]
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def threshold_table(y: np.ndarray, p_contra: np.ndarray) -> list[str]:
    """Markdown rows: precision, recall, F1 and number flagged at each threshold of SWEEP, plus the best-F1 one."""
    if not 0 < y.sum() < len(y):
        return ["(no sweep: the gold labels hold only one class for contradicts)"]
    precision, recall, thresholds = precision_recall_curve(y, p_contra)
    # precision[i], recall[i] hold for "flag when p >= thresholds[i]"; the last entry has no threshold.
    rows = ["| threshold | precision | recall | F1 | flagged |", "|---|---|---|---|---|"]
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros_like(precision),
                   where=(precision + recall) > 0)
    for t in SWEEP:
        i = int(np.searchsorted(thresholds, t))
        if i >= len(thresholds):
            rows.append(f"| {t:.2f} | - | 0.000 | - | 0 |")
            continue
        rows.append(f"| {t:.2f} | {precision[i]:.3f} | {recall[i]:.3f} | {f1[i]:.3f} | "
                    f"{int(np.sum(p_contra >= thresholds[i]))} |")
    best = int(np.argmax(f1[:-1]))
    rows.append(f"| {thresholds[best]:.3f} (best-F1 threshold) | {precision[best]:.3f} | {recall[best]:.3f} | "
                f"{f1[best]:.3f} | {int(np.sum(p_contra >= thresholds[best]))} |")
    return rows


def worst_errors(gold: Sequence[str], proba: np.ndarray, pairs: Sequence[LabelledPair], n: int = N_WORST,
                 predicted: Sequence[str] | None = None) -> list[tuple[LabelledPair, str, str, float]]:
    """The ``n`` wrong predictions with the highest probability on the predicted label: (pair, gold, pred, p)."""
    pred = list(predicted) if predicted is not None else predicted_labels(proba)
    idx = {lab: i for i, lab in enumerate(LABELS)}
    conf = np.array([row[idx[p]] for row, p in zip(np.asarray(proba), pred)])
    wrong = [i for i in range(len(gold)) if pred[i] != gold[i]]
    wrong.sort(key=lambda i: -conf[i])
    return [(pairs[i], gold[i], pred[i], float(conf[i])) for i in wrong[:n]]


def _plot(out: Path, y: np.ndarray, p_contra: np.ndarray, cm: np.ndarray) -> None:
    try:
        import matplotlib
    except ImportError:
        raise ImportError("the report's plots need matplotlib: pip install 'crossclaim[report]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay, PrecisionRecallDisplay

    fig, ax = plt.subplots(figsize=(5, 4.5))
    if 0 < y.sum() < len(y):
        PrecisionRecallDisplay.from_predictions(y, p_contra, name="contradicts", ax=ax, plot_chance_level=True)
    else:
        ax.text(0.5, 0.5, "one class only: no curve", ha="center")
    ax.set_title("Precision-recall, contradicts")
    fig.tight_layout()
    fig.savefig(out / "pr_curve.png", dpi=100)
    plt.close(fig)

    count, mean_prob, frac_pos = reliability_bins(y, p_contra)
    full = count > 0
    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", label="perfectly calibrated")
    ax.plot(mean_prob[full], frac_pos[full], marker="o", label="contradicts")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("fraction that contradict")
    ax.set_title(f"Reliability ({N_BINS} bins)")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(out / "reliability.png", dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 5))
    ConfusionMatrixDisplay(cm, display_labels=list(LABELS)).plot(ax=ax, colorbar=False, values_format="d")
    ax.set_title("Confusion matrix")
    fig.tight_layout()
    fig.savefig(out / "confusion.png", dpi=100)
    plt.close(fig)


def _fmt(v, key: str = "") -> str:
    if not isinstance(v, float):
        return str(v)
    if math.isnan(v):
        return "n/a"
    if key == "n" or key.endswith(".support"):
        return f"{v:.0f}"
    return f"{v:.1f}" if key == "pairs_per_s" else f"{v:.4f}"


def _src(source: str | None) -> str:
    return f" ({source})" if source else ""


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + " [...]"
