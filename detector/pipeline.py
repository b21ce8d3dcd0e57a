"""The whole job, wired: inputs -> documents -> claims -> clusters and candidate pairs -> scored pairs, stored.

``scan`` is what ``crossclaim scan`` runs. It is incremental: documents already in the store are skipped (same
content, same id), and pairs already scored are not scored again.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from .candidates import propose_pairs
from .claims import ClaimExtractor
from .ingest import MAX_PAGE_BYTES
from .models import DIFFERENCE_KINDS, ECHO, LABELS, Claim, InputProblem, Reason, ScoredPair, gives_different_figures
from .store import Database

__all__ = ["ingest", "scan", "extract", "IngestReport", "ScanReport"]

log = logging.getLogger("crossclaim")

TEXT_CUT = "text is {n:,} characters long; claims are read from the first {limit:,} only"
STORED_UNDER = "already stored from {source} under {outlet}; kept as it is (outlet {new} not applied)"


@dataclass
class IngestReport:
    n_inputs: int = 0
    n_documents: int = 0  # documents read from the inputs
    n_new: int = 0  # of which not yet in the store
    n_claims: int = 0  # claims written for the new documents
    problems: list[InputProblem] = field(default_factory=list)
    no_outlet: list[str] = field(default_factory=list)  # new documents whose outlet nothing named (their sources)

    @property
    def ok(self) -> bool:
        """Something was processed (exit status is non-zero only when nothing was)."""
        return self.n_documents > 0


@dataclass
class ScanReport(IngestReport):
    n_claims_total: int = 0
    n_candidates: int = 0
    n_cross_source: int = 0
    n_scored: int = 0
    n_rescored: int = 0  # stored pairs scored again: another parameter file or model had scored them (not in n_scored)
    n_echoes: int = 0
    n_relay_differences: int = 0  # relays whose two copies give different figures or dates
    n_figure_differences: int = 0  # new pairs giving different figures, relays included (gives_different_figures)
    n_clusters: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _read(inputs, outlet, stdin, max_bytes):
    from .ingest import read_inputs

    return read_inputs(list(inputs), outlet=outlet, stdin=stdin, max_bytes=max_bytes)


def extract(inputs: Sequence[str], *, outlet: str | None = None, stdin=None, extractor: ClaimExtractor | None = None,
            max_bytes: int = MAX_PAGE_BYTES):
    """Read inputs and return (documents, claims per document, problems) without touching a store.

    ``max_bytes`` caps each page (``read_inputs``), as in ``ingest`` and ``scan``."""
    res = _read(inputs, outlet, stdin, max_bytes)
    ex = extractor or ClaimExtractor()
    per_doc = ex.extract_many(res.documents) if res.documents else []
    return res.documents, per_doc, list(res.problems) + _cut_texts(res.documents, ex)


def _cut_texts(docs, ex: ClaimExtractor) -> list[InputProblem]:
    """A warning for each document longer than the extractor reads."""
    return [InputProblem(d.source, TEXT_CUT.format(n=len(d.text), limit=ex.max_text))
            for d in docs if len(d.text) > ex.max_text]


def ingest(inputs: Sequence[str], db: Database, *, outlet: str | None = None, stdin=None,
           extractor: ClaimExtractor | None = None, show_progress: bool = False,
           max_bytes: int = MAX_PAGE_BYTES) -> IngestReport:
    """Read inputs and store each new document with its claims, one transaction per document."""
    from tqdm.auto import tqdm

    res = _read(inputs, outlet, stdin, max_bytes)
    rep = IngestReport(n_inputs=res.n_inputs, n_documents=len(res.documents), problems=list(res.problems))
    new = []
    for d in res.documents:
        stored = db.document(d.doc_id)
        if stored is None:
            new.append(d)
        elif d.outlet and d.outlet != stored.outlet:
            # Same text, so the same id: the stored document (and its claims) stay as they are.
            rep.problems.append(InputProblem(d.source, STORED_UNDER.format(outlet=stored.outlet or "no outlet",
                                                                          source=stored.source, new=d.outlet)))
    rep.no_outlet = [d.source for d in new if not d.outlet]
    if not new:
        _log_ingest(rep)
        return rep
    ex = extractor or ClaimExtractor()
    rep.problems += _cut_texts(new, ex)
    bar = tqdm(total=len(new), desc="claims", unit="doc", disable=None if show_progress else True,
               file=sys.stderr, leave=False)  # None: a bar on a terminal only, none in a log file or a pipe
    for i in range(0, len(new), 32):
        chunk = new[i : i + 32]
        try:
            per_doc = ex.extract_many(chunk)
        except Exception as exc:  # one bad document must not stop the batch: retry one by one
            per_doc = []
            for d in chunk:
                try:
                    per_doc.append(ex.extract_many([d])[0])
                except Exception as exc2:  # noqa: BLE001 - reported, not swallowed
                    rep.problems.append(InputProblem(d.source, f"claim extraction failed: {exc2}"))
                    per_doc.append(None)
            log.debug("batch extraction failed (%s); retried per document", exc)
        for d, claims in zip(chunk, per_doc):
            if claims is None:
                continue
            if db.add_document(d, claims):
                rep.n_new += 1
                rep.n_claims += len(claims)
        bar.update(len(chunk))
    bar.close()
    _log_ingest(rep)
    return rep


def _log_ingest(rep: IngestReport) -> None:
    log.info("ingest: %d documents from %d inputs (%d new, %d claims stored), %d problems", rep.n_documents,
             rep.n_inputs, rep.n_new, rep.n_claims, len(rep.problems))


def scan(inputs: Sequence[str], db: Database, *, outlet: str | None = None, stdin=None, embedder=None,
         scorer=None, extractor: ClaimExtractor | None = None, k: int = 8, cap: int | None = 2,
         show_progress: bool = False, max_bytes: int = MAX_PAGE_BYTES) -> ScanReport:
    """Ingest, cluster, propose cross-source pairs, score the new ones and store everything."""
    from .scoring import PipelineScorer, score_claim_pairs

    t0 = time.perf_counter()
    ing = ingest(inputs, db, outlet=outlet, stdin=stdin, extractor=extractor, show_progress=show_progress,
                 max_bytes=max_bytes)
    rep = ScanReport(**vars(ing))
    t1 = time.perf_counter()
    rep.seconds["ingest"] = t1 - t0
    claims = db.claims()
    rep.n_claims_total = len(claims)
    log.info("claims: %d in the store", rep.n_claims_total)
    if len(claims) < 2:
        log.info("scoring: nothing to pair (fewer than 2 claims)")
        return rep
    if scorer is None:
        scorer = PipelineScorer(embedder=embedder)
    emb = scorer.featurizer._embedder() if embedder is None else embedder
    X = emb.encode([c.context for c in claims], show_progress=show_progress)
    t2 = time.perf_counter()
    rep.seconds["embed"] = t2 - t1
    cands = propose_pairs(claims, X, k=k)
    pool = cands.pairs
    if pool and cap:
        cands.pairs = _cap(pool, claims, X, cap, params=getattr(scorer, "params", None))
    rep.n_candidates = len(cands.pairs)
    rep.n_cross_source = cands.n_cross_source
    rep.n_clusters = len(set(cands.clusters.values()))
    log.info("clustering: %d clusters (embedded in %.1f s)", rep.n_clusters, t2 - t1)
    done = db.scored_pair_ids()
    todo = [(a, b) for a, b in cands.pairs if _pid(a, b) not in done]
    name = getattr(scorer, "fingerprint", None) or getattr(scorer, "name", "pipeline")
    by_id = {c.claim_id: c for c in claims}
    stale = [(by_id[a], by_id[b]) for a, b in db.pairs_scored_otherwise(name) if a in by_id and b in by_id]
    todo += stale  # scored by another parameter file or model: scored again, so the store holds one scorer's view
    rep.n_rescored = len(stale)
    t3 = time.perf_counter()
    rep.seconds["candidates"] = t3 - t2
    log.info("candidates: %d pairs of %d cross-source pairs, %d relays; %d to score (%d scored before by another "
             "parameter file or model)", rep.n_candidates, rep.n_cross_source, len(cands.echoes), len(todo),
             rep.n_rescored)
    scored = score_claim_pairs(todo, scorer, clusters=cands.clusters, show_progress=show_progress) if todo else []
    echoes = [_echo(a, b, cands.clusters) for a, b in cands.echoes if _pid(a, b) not in done]
    t4 = time.perf_counter()
    log.info("scoring: %d pairs scored with %s in %.1f s, %d new relays", len(scored), name, t4 - t3, len(echoes))
    db.add_pairs(scored, scorer=name)
    db.add_pairs(echoes, scorer="relay")
    db.set_clusters(cands.clusters)
    rep.n_scored = len(scored) - len(stale)
    rep.n_echoes = len(echoes)
    rep.n_relay_differences = sum(gives_different_figures(e.label, e.reasons) for e in echoes)
    rep.n_figure_differences = rep.n_relay_differences + sum(gives_different_figures(p.label, p.reasons)
                                                             for p in scored)
    rep.seconds["score"] = time.perf_counter() - t3
    log.info("store: %d scored pairs, %d relays and %d cluster assignments written to %s", len(scored), len(echoes),
             len(cands.clusters), db.path)
    return rep


def _cap(pool, claims, X, k, params=None):
    """Rank the candidate pool with the cheap lexical baseline and keep each claim's best few (see cap_pairs)."""
    import numpy as np

    from .candidates import cap_pairs
    from .errors import ParamsError
    from .scoring import LexicalScorer, TextPair

    row = {c.claim_id: i for i, c in enumerate(claims)}
    sim = np.array([float(X[row[a.claim_id]] @ X[row[b.claim_id]]) for a, b in pool])
    try:
        lex = LexicalScorer(params=params)
    except ParamsError as exc:  # no baseline in the parameter file: rank by similarity alone
        log.debug("no lexical baseline (%s); capping by similarity", exc)
        return cap_pairs(pool, sim, sim, k=k)
    P = lex.predict_proba([TextPair(a.assertion, b.assertion) for a, b in pool])
    return cap_pairs(pool, P[:, LABELS.index("contradicts")], sim, k=k)


def _pid(a: Claim, b: Claim) -> str:
    from .models import pair_id

    return pair_id(a.claim_id, b.claim_id)


def _echo(a: Claim, b: Claim, clusters: dict[str, int]) -> ScoredPair:
    """One report relayed by two outlets: agreement by echo, unless the two copies give different figures or dates.

    Then the outlets disagree on what the source said (a misquote, or a figure updated between the two), which a
    desk wants to see. The pair stays a relay (the same speaker is never scored against itself), and its reasons
    say so and point at the differing figures.
    """
    from .checks import run_checks

    via = " and ".join(x for x in (a.outlet, b.outlet) if x)
    chk = run_checks(a.assertion, b.assertion, spans_a=a.text, spans_b=b.text)
    differ = [r for r in chk.reasons if r.kind in DIFFERENCE_KINDS and r.side is not None]
    if differ:
        shown = "; ".join(dict.fromkeys(r.detail for r in differ if r.side == "a"))
        reasons = (Reason("relay", f"one report by {a.speaker}, relayed by {via} with different figures, {shown}: "
                                   "check which outlet quoted it right, or whether the figure was updated"),
                   *differ)
    else:
        reasons = (Reason("relay", f"one report by {a.speaker}, relayed by {via}: agreement by echo, not "
                                   "independent corroboration"),)
    probs = {lab: 0.0 for lab in LABELS}
    probs[ECHO] = 1.0
    return ScoredPair(a=a, b=b, label=ECHO, probs=probs, reasons=reasons, cluster=clusters.get(a.claim_id))
