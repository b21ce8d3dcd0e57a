"""``crossclaim bench``: a small end-to-end smoke run on the real models (no timing thresholds: the machine is
shared)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from eval.bench import PRIMARY_METRIC, TARGETS, append_markdown, build_corpus, run_bench

DATASETS = Path(os.environ.get("CROSSCLAIM_DATASETS", Path(__file__).resolve().parents[2] / "shared" / "datasets"))
needs_data = pytest.mark.skipif(
    not (DATASETS / "fnc-1" / "train_bodies.csv").is_file()
    or not (DATASETS / "emergent" / "edata_train.csv").is_file(),
    reason=f"the benchmark corpus needs FNC-1 and Emergent under {DATASETS} (../shared/datasets); not present here",
)

COUNTS = ("bench_n_docs", "bench_n_documents", "bench_n_claims", "bench_n_clusters", "bench_n_cross_source",
          "bench_n_candidates", "bench_n_scored", "bench_n_echoes", "bench_n_nli_inferences", "bench_n_embedded",
          "bench_nli_raw_batch", "bench_cores")
SECONDS = ("bench_seconds_load", "bench_seconds_ingest", "bench_seconds_embed", "bench_seconds_candidates",
           "bench_seconds_score", "bench_seconds_total")
RATES = ("bench_docs_per_s_ingest", "bench_claims_per_s_ingest", "bench_embeddings_per_s", "bench_pairs_per_s_score",
         "bench_nli_inferences_per_s_score", "bench_nli_raw_pairs_per_s", "bench_claims_per_s_end_to_end")
MACHINE = ("bench_date", "bench_cpu", "bench_python", "bench_onnxruntime", "bench_torch")


@needs_data
def test_corpus_is_multi_outlet_and_deterministic():
    docs = build_corpus(DATASETS, 40)
    assert len(docs) == 40
    assert docs == build_corpus(DATASETS, 40)
    assert len({d["outlet"] for d in docs}) > 10  # one story, many outlets
    assert len({d["id"] for d in docs}) == 40
    assert all(d["text"].strip() and d["outlet"] for d in docs)


@pytest.fixture(scope="module")
def figures():
    if not (DATASETS / "fnc-1" / "train_bodies.csv").is_file():
        pytest.skip(f"the benchmark corpus needs FNC-1 and Emergent under {DATASETS}; not present here")
    before = os.environ.get("CROSSCLAIM_CACHE")
    out = run_bench(DATASETS, n_docs=30)
    assert os.environ.get("CROSSCLAIM_CACHE") == before  # the fresh cache folder is not left behind
    return out


@pytest.mark.slow
@needs_data
def test_smoke_figures(figures):
    f = figures
    assert f["bench_primary_metric"] == PRIMARY_METRIC
    for key in (*COUNTS, *SECONDS, *RATES, *MACHINE, "bench_candidate_ratio", "bench_peak_rss_mb",
                "bench_targets_met", "bench_load_avg_start", "bench_load_avg_end", "bench_ram_gb"):
        assert key in f, key
    for key in COUNTS:
        assert isinstance(f[key], int) and f[key] >= 0, key
    for key in (*SECONDS, *RATES):
        assert isinstance(f[key], float) and math.isfinite(f[key]) and f[key] > 0, key
    assert f["bench_n_docs"] == 30
    assert f["bench_n_claims"] >= 30  # a few claims per lead paragraph
    assert 0 < f["bench_n_candidates"] <= f["bench_n_cross_source"]
    assert f["bench_candidate_ratio"] == pytest.approx(f["bench_n_candidates"] / f["bench_n_cross_source"], abs=1e-4)
    assert f["bench_n_scored"] == f["bench_n_candidates"]  # fresh store: every candidate is scored
    assert f["bench_n_nli_inferences"] >= f["bench_n_scored"]  # fresh NLI cache: both directions computed
    assert f["bench_n_embedded"] >= f["bench_n_claims"] * 0.9  # fresh embedding cache (duplicates embed once)
    parts = sum(f[k] for k in SECONDS if k not in ("bench_seconds_load", "bench_seconds_total"))
    assert parts == pytest.approx(f["bench_seconds_total"], rel=0.05, abs=0.05)
    assert f["bench_peak_rss_mb"] > 100
    assert f["bench_targets_met"] is (f["bench_claims_per_s_end_to_end"] >= TARGETS[PRIMARY_METRIC]
                                      and f["bench_candidate_ratio"] <= TARGETS["bench_candidate_ratio"])


@pytest.mark.slow
@needs_data
def test_append_markdown(figures, tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    append_markdown(path, figures)
    append_markdown(path, figures)
    text = path.read_text("utf-8")
    assert text.startswith("# Benchmarks\n")
    assert text.count("\n## ") == 2
    assert "| claims/s end to end (target >= 20) |" in text
    assert figures["bench_cpu"] in text


def test_missing_datasets_named(tmp_path):
    from eval.bench import BenchDataError

    with pytest.raises(BenchDataError, match="train_bodies.csv"):
        build_corpus(tmp_path, 10)


def test_bench_reads_the_datasets_beside_the_project_from_any_folder(tmp_path, monkeypatch):
    """The default is calibrate's (``datasets_root``), not ../shared/datasets under the current folder."""
    from click.testing import CliRunner

    import eval.bench
    from detector.cli import cli
    from eval.shipped import datasets_root

    monkeypatch.delenv("CROSSCLAIM_DATASETS", raising=False)
    monkeypatch.chdir(tmp_path)
    seen = []
    monkeypatch.setattr(eval.bench, "run_bench", lambda datasets, n_docs: seen.append(Path(datasets)) or {"n": 1})
    r = CliRunner().invoke(cli, ["bench", "--json"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert seen == [datasets_root()]
    assert datasets_root() == Path(__file__).resolve().parents[2] / "shared" / "datasets"
    assert "CROSSCLAIM_DATASETS" in CliRunner().invoke(cli, ["bench", "--help"]).stdout
