"""Speed and memory benchmark: the real pipeline, end to end, on a news corpus built from the labelled datasets.

``run_bench`` is what ``crossclaim bench`` runs. The corpus is the FNC-1 article bodies (real news articles, the
ones Emergent collected), cut to their lead paragraphs so each document holds a few claims, and published by the
outlet domains Emergent records for the same story: the FNC-1 headlines related to a body name its Emergent claim,
and that claim's articles name the outlets that covered it. So one story is told by several outlets and
cross-source pairs exist, as in a day's news. The corpus is written to a temporary JSONL file and read by the
normal readers; nothing is copied into the repository (see ../shared/datasets/README.md).

Everything runs fresh: a temporary SQLite store, and the embedding and NLI caches in a temporary folder
(``CROSSCLAIM_CACHE``), so no score or vector comes from an earlier run. The models are loaded (and warmed up on
text outside the corpus) before the clock starts; their load time is reported apart.

Figures are a flat dict whose keys start with ``bench_``; docs/BENCHMARKS.md says what each one means.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import json
import os
import platform
import re
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from detector.errors import CrossclaimError

__all__ = ["build_corpus", "run_bench", "append_markdown", "BenchDataError", "TARGETS", "PRIMARY_METRIC"]

PRIMARY_METRIC = "bench_claims_per_s_end_to_end"
TARGETS = {"bench_claims_per_s_end_to_end": 20.0, "bench_candidate_ratio": 0.05}
"""Targets on the 2-core development machine: at least 20 claims/s end to end, candidates <= 5% of cross-source
pairs (issue: benchmark)."""

N_RAW_NLI = 256  # pairs in the fixed set for the raw NLI throughput
_WARMUP_TEXT = "Officials said on Monday that the warm-up sentence was loaded before the benchmark began."


class BenchDataError(CrossclaimError):
    """The datasets folder lacks what the benchmark corpus is built from."""


# -- corpus -----------------------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _lead(body: str, lead_words: int) -> str:
    """The first paragraphs of an article, until at least ``lead_words`` words (the whole body if shorter)."""
    paras = [p.strip() for p in re.split(r"\n\s*\n|\n", body) if p.strip()]
    out, n = [], 0
    for p in paras:
        out.append(p)
        n += len(p.split())
        if n >= lead_words:
            break
    return "\n\n".join(out)


def _require(path: Path) -> Path:
    if not path.is_file():
        raise BenchDataError(
            f"{path}: not found; the benchmark needs FNC-1 (train_bodies.csv, train_stances.csv) and Emergent "
            "(edata_train.csv) under --datasets (default: $CROSSCLAIM_DATASETS, else ../shared/datasets beside the "
            "project)"
        )
    return path


def build_corpus(datasets: str | os.PathLike, n_docs: int, *, lead_words: int = 80) -> list[dict]:
    """Up to ``n_docs`` news documents as JSONL-ready records ``{id, text, outlet, title}``, deterministic.

    Bodies are taken story by story (Emergent claim, then Body ID), so a small corpus still has several outlets
    reporting each story. A body whose story has no Emergent match gets an outlet from the whole Emergent pool.
    """
    root = Path(datasets)
    bodies_f = _require(root / "fnc-1" / "train_bodies.csv")
    stances_f = _require(root / "fnc-1" / "train_stances.csv")
    emergent_f = _require(root / "emergent" / "edata_train.csv")
    with open(emergent_f, encoding="utf-8", newline="") as f:
        erows = list(csv.DictReader(f))
    claim_of_headline = {_norm(r["articleHeadline"]): r["claimId"] for r in erows}
    claim_text = {r["claimId"]: r["claimHeadline"] for r in erows}
    outlets_of: dict[str, list[str]] = defaultdict(list)
    for r in erows:
        if r["source"] and r["source"] not in outlets_of[r["claimId"]]:
            outlets_of[r["claimId"]].append(r["source"])
    pool = [o for o, _ in Counter(r["source"] for r in erows if r["source"]).most_common()]
    votes: dict[str, Counter] = defaultdict(Counter)
    with open(stances_f, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["Stance"] != "unrelated":
                cid = claim_of_headline.get(_norm(r["Headline"]))
                votes[r["Body ID"]][cid or "~" + _norm(r["Headline"])[:40]] += 1
    with open(bodies_f, encoding="utf-8", newline="") as f:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(f)}
    story = {bid: (votes[bid].most_common(1)[0][0] if votes.get(bid) else "~" + bid) for bid in bodies}
    order = sorted(bodies, key=lambda b: (story[b], int(b)))
    records, seen_in_story = [], Counter()
    for bid in order:
        text = _lead(bodies[bid], lead_words)
        if len(text.split()) < 8:
            continue
        sid = story[bid]
        outs = outlets_of.get(sid) or []
        k = seen_in_story[sid]
        seen_in_story[sid] += 1
        if k < len(outs):
            outlet = outs[k]
        else:  # more bodies than Emergent outlets for this story: a stable pick from the whole pool
            h = int(hashlib.sha1(f"{sid}|{bid}".encode()).hexdigest(), 16)
            outlet = pool[h % len(pool)]
        records.append({"id": f"fnc-body-{bid}", "text": text, "outlet": outlet, "title": claim_text.get(sid)})
        if len(records) >= n_docs:
            break
    return records


def _fixed_nli_batch(datasets: str | os.PathLike, n: int = N_RAW_NLI) -> tuple[list[str], list[str]]:
    """The first ``n`` Emergent (claim, headline) pairs in file order: the same batch on every run."""
    with open(_require(Path(datasets) / "emergent" / "edata_train.csv"), encoding="utf-8", newline="") as f:
        rows = [r for _, r in zip(range(n), csv.DictReader(f))]
    return [r["claimHeadline"] for r in rows], [r["articleHeadline"] for r in rows]


# -- machine ----------------------------------------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return float("nan")


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "absent"


def _machine() -> dict:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 0
    return {
        "bench_date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "bench_cpu": _cpu_model(),
        "bench_cores": cores,
        "bench_ram_gb": _ram_gb(),
        "bench_python": platform.python_version(),
        "bench_onnxruntime": _version("onnxruntime"),
        "bench_torch": _version("torch"),
        "bench_sentence_transformers": _version("sentence-transformers"),
    }


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return round(peak / (1024**2 if sys.platform == "darwin" else 1024), 1)


def _rate(n: float, seconds: float) -> float:
    return round(n / seconds, 2) if seconds > 0 else float("nan")


# -- the run ----------------------------------------------------------------------------------------------------
def run_bench(datasets: str | os.PathLike | None = None, *, n_docs: int = 1200, lead_words: int = 80,
              k: int = 8, params: str | os.PathLike | None = None,
              show_progress: bool = False) -> dict[str, float | int | str | bool]:
    """Build the corpus, run ingest -> claims -> embed -> candidates -> score on it, and return the figures.

    Returns a flat dict (keys ``bench_*``): counts, seconds per stage, rates, the candidate ratio, peak memory,
    the raw NLI throughput on a fixed batch, the machine and whether the targets (``TARGETS``) were met.
    ``datasets`` defaults to ``eval.shipped.datasets_root()``; ``params`` is a scorer parameter file (default: the
    shipped one).
    """
    if n_docs < 1:
        raise ValueError(f"n_docs must be at least 1, got {n_docs!r}")
    if datasets is None:
        from .shipped import datasets_root

        datasets = datasets_root()
    records = build_corpus(datasets, n_docs, lead_words=lead_words)
    if not records:
        raise BenchDataError(f"{datasets}: no usable FNC-1 article bodies")
    figures: dict[str, float | int | str | bool] = _machine()
    figures["bench_load_avg_start"] = round(os.getloadavg()[0], 2)

    old_cache = os.environ.get("CROSSCLAIM_CACHE")
    with tempfile.TemporaryDirectory(prefix="crossclaim-bench-") as tmp:
        os.environ["CROSSCLAIM_CACHE"] = str(Path(tmp) / "cache")  # fresh caches: nothing from earlier runs
        try:
            figures.update(_run(records, Path(tmp), datasets, k=k, params=params, show_progress=show_progress))
        finally:
            if old_cache is None:
                os.environ.pop("CROSSCLAIM_CACHE", None)
            else:
                os.environ["CROSSCLAIM_CACHE"] = old_cache
    figures["bench_load_avg_end"] = round(os.getloadavg()[0], 2)
    figures["bench_peak_rss_mb"] = _peak_rss_mb()
    figures["bench_targets_met"] = bool(
        figures["bench_claims_per_s_end_to_end"] >= TARGETS["bench_claims_per_s_end_to_end"]
        and figures["bench_candidate_ratio"] <= TARGETS["bench_candidate_ratio"]
    )
    figures["bench_primary_metric"] = PRIMARY_METRIC
    return figures


def _run(records: list[dict], tmp: Path, datasets, *, k: int, params, show_progress: bool) -> dict:
    from detector.claims import ClaimExtractor
    from detector.ingest import read_text_document
    from detector.nli import cached, load_nli
    from detector.pipeline import scan
    from detector.scoring import PipelineScorer
    from detector.store import Database
    from embeddings import load_embedder

    corpus = tmp / "corpus.jsonl"
    with open(corpus, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")

    # models: loaded and warmed up (on text outside the corpus, bypassing the caches) before the clock starts
    t0 = time.perf_counter()
    emb = load_embedder()
    getattr(emb, "inner", emb).encode([_WARMUP_TEXT])
    nli = cached(load_nli())
    raw_nli = getattr(nli, "inner", nli)
    raw_nli.scores([_WARMUP_TEXT], [_WARMUP_TEXT])
    extractor = ClaimExtractor()
    extractor.extract_many(read_text_document(_WARMUP_TEXT, source="warm-up"))
    scorer = PipelineScorer(params=params, embedder=emb, nli=nli)
    seconds_load = time.perf_counter() - t0

    with Database(tmp / "bench.db") as db:
        t1 = time.perf_counter()
        rep = scan([str(corpus)], db, embedder=emb, scorer=scorer, extractor=extractor, k=k,
                   show_progress=show_progress)
        seconds_total = time.perf_counter() - t1
    if rep.problems:
        raise BenchDataError(f"{len(rep.problems)} corpus documents could not be read, e.g. {rep.problems[0]}")

    # raw NLI backend throughput, uncached, on a fixed set of pairs, called the way the scoring stage calls it
    prem, hyp = _fixed_nli_batch(datasets)
    t2 = time.perf_counter()
    raw_nli.scores(prem, hyp, batch_size=scorer.featurizer.batch_size)
    seconds_raw_nli = time.perf_counter() - t2

    s = rep.seconds
    n_claims = rep.n_claims_total
    n_nli = getattr(nli, "n_computed", 0)
    return {
        "bench_n_docs": len(records),
        "bench_n_documents": rep.n_documents,
        "bench_n_claims": n_claims,
        "bench_n_clusters": rep.n_clusters,
        "bench_n_cross_source": rep.n_cross_source,
        "bench_n_candidates": rep.n_candidates,
        "bench_candidate_ratio": round(rep.n_candidates / rep.n_cross_source, 5) if rep.n_cross_source else 0.0,
        "bench_n_scored": rep.n_scored,
        "bench_n_echoes": rep.n_echoes,
        "bench_n_nli_inferences": n_nli,
        "bench_n_embedded": getattr(emb, "n_computed", 0),
        "bench_seconds_load": round(seconds_load, 2),
        "bench_seconds_ingest": round(s.get("ingest", 0.0), 2),
        "bench_seconds_embed": round(s.get("embed", 0.0), 2),
        "bench_seconds_candidates": round(s.get("candidates", 0.0), 2),
        "bench_seconds_score": round(s.get("score", 0.0), 2),
        "bench_seconds_total": round(seconds_total, 2),
        "bench_docs_per_s_ingest": _rate(rep.n_documents, s.get("ingest", 0.0)),
        "bench_claims_per_s_ingest": _rate(rep.n_claims, s.get("ingest", 0.0)),
        "bench_embeddings_per_s": _rate(n_claims, s.get("embed", 0.0)),
        "bench_pairs_per_s_score": _rate(rep.n_scored, s.get("score", 0.0)),
        "bench_nli_inferences_per_s_score": _rate(n_nli, s.get("score", 0.0)),
        "bench_nli_raw_pairs_per_s": _rate(len(prem), seconds_raw_nli),
        "bench_nli_raw_batch": len(prem),
        "bench_claims_per_s_end_to_end": _rate(n_claims, seconds_total),
    }


# -- report -----------------------------------------------------------------------------------------------------
_LABELS = {
    "bench_n_docs": "corpus documents (FNC-1 leads)",
    "bench_n_documents": "documents after reading",
    "bench_n_claims": "claims",
    "bench_n_clusters": "topic clusters",
    "bench_n_cross_source": "all cross-source pairs",
    "bench_n_candidates": "candidate pairs",
    "bench_candidate_ratio": "candidates / cross-source (target <= 0.05)",
    "bench_n_scored": "pairs scored",
    "bench_n_echoes": "relay (echo) pairs",
    "bench_n_nli_inferences": "NLI inferences run",
    "bench_n_embedded": "texts embedded",
    "bench_seconds_load": "model load + warm-up, s (not in total)",
    "bench_seconds_ingest": "ingest + claim extraction, s",
    "bench_seconds_embed": "embedding, s",
    "bench_seconds_candidates": "clusters + candidate pairs, s",
    "bench_seconds_score": "scoring (NLI + checks + classifier), s",
    "bench_seconds_total": "end to end, s",
    "bench_docs_per_s_ingest": "docs/s, ingest + extraction",
    "bench_claims_per_s_ingest": "claims/s, ingest + extraction",
    "bench_embeddings_per_s": "embeddings/s",
    "bench_pairs_per_s_score": "candidate pairs scored/s",
    "bench_nli_inferences_per_s_score": "NLI inferences/s in scoring",
    "bench_nli_raw_pairs_per_s": "raw NLI pairs/s (fixed set of pairs)",
    "bench_claims_per_s_end_to_end": "claims/s end to end (target >= 20)",
    "bench_peak_rss_mb": "peak RSS, MB",
    "bench_targets_met": "targets met",
}


def append_markdown(path: str | os.PathLike, figures: dict) -> None:
    """Append a dated section with the figures as a table (and the machine it ran on) to a Markdown file."""
    p = Path(path)
    f = figures
    head = "" if p.exists() and p.read_text("utf-8").strip() else "# Benchmarks\n"
    lines = [
        head,
        f"\n## {f.get('bench_date', _dt.date.today().isoformat())}: {f.get('bench_n_docs')} documents, "
        f"{f.get('bench_n_claims')} claims\n",
        f"Machine: {f.get('bench_cpu')}, {f.get('bench_cores')} cores, {f.get('bench_ram_gb')} GB RAM; "
        f"Python {f.get('bench_python')}, onnxruntime {f.get('bench_onnxruntime')}, torch {f.get('bench_torch')}, "
        f"sentence-transformers {f.get('bench_sentence_transformers')}. Load average (1 min) "
        f"{f.get('bench_load_avg_start')} at the start, {f.get('bench_load_avg_end')} at the end.\n",
        "| figure | value |",
        "|---|---|",
    ]
    for key, label in _LABELS.items():
        if key in f:
            lines.append(f"| {label} | {f[key]} |")
    p.parent.mkdir(parents=True, exist_ok=True)
    with open(p, "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
