"""The report: Markdown with tables and worst errors, and PNG plots that open."""

import numpy as np

from eval.metrics import evaluate
from eval.pairs import LabelledPair
from eval.report import threshold_table, write_report
from test_eval_metrics import GOLD, PROBA

PNG = b"\x89PNG\r\n\x1a\n"


def test_write_report(tmp_path):
    import matplotlib.image

    pairs = [LabelledPair(f"p{i}", f"text a {i}", "long body " * 200 if i == 3 else f"text b {i}", g,
                          source_b="outlet.example" if i == 3 else None) for i, g in enumerate(GOLD)]
    metrics = evaluate(GOLD, PROBA, fnc=True)
    path = write_report(tmp_path / "r", GOLD, PROBA, pairs, metrics, title="Tiny run")
    text = path.read_text()
    assert path.name == "report.md" and text.startswith("# Tiny run")
    assert "| contradicts.f1 | 0.5000 |" in text and "| fnc_score | 0.6471 |" in text
    assert "| contradicts | 1 | 1 | 0 | 0 |" in text  # first confusion row
    assert "| 0.50 | 0.500 | 0.500 | 0.500 | 2 |" in text  # sweep at threshold 0.5
    # worst error first: p3 (contradicts at 0.62 > p1's agrees at 0.60); the long body is cut
    assert text.index("### p3: gold neutral, predicted contradicts (0.62)") < text.index("### p1:")
    assert "(outlet.example): long body" in text and "[...]" in text
    for name in ("pr_curve.png", "reliability.png", "confusion.png"):
        f = tmp_path / "r" / name
        assert f.stat().st_size > 0 and f.read_bytes()[:8] == PNG
        img = matplotlib.image.imread(f)
        assert img.shape[0] > 100 and img.shape[1] > 100


def test_threshold_table_one_class():
    assert "only one class" in threshold_table(np.array([False, False]), np.array([0.2, 0.4]))[0]


def test_threshold_table_labels_the_best_f1_threshold():
    y = np.array([True, True, False, False])
    rows = threshold_table(y, np.array([0.9, 0.6, 0.4, 0.1]))
    # flagging at p >= 0.6 catches both contradictions and nothing else
    assert rows[-1] == "| 0.600 (best-F1 threshold) | 1.000 | 1.000 | 1.000 | 2 |"
    assert not any("best F1:" in r for r in rows)
