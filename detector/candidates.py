"""Clusters and candidate pairs: which claims are about the same thing, and which pairs are worth scoring.

Scoring every pair is quadratic; NLI is the expensive step. So each claim gets at most ``k`` partners, drawn from
(1) its nearest neighbours in embedding space, (2) claims sharing rare named entities or numbers with it (the seed
conflicts sit at a cosine of only ~0.3 under MiniLM, so similarity alone misses them) and (3) members of its
topic cluster. Only pairs between different sources survive: a different speaker, and not one report relayed by
two outlets (those are kept apart as ``echo`` pairs: agreement by echo, never independent corroboration).
NLI work is therefore at most ``n * k`` pairs.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .checks import _norm_entity, entities
from .claims import COLLECTIVE
from .models import Claim

__all__ = ["cluster_embeddings", "propose_pairs", "Candidates", "same_source", "DEFAULT_DISTANCE_THRESHOLD"]

DEFAULT_DISTANCE_THRESHOLD = 0.40
"""Cosine distance at which topic clusters stop merging (average linkage). Chosen on ECB+ dev: docs/RESULTS.md."""


def cluster_embeddings(X: np.ndarray, *, distance_threshold: float | None = None, n_neighbors: int = 15) -> np.ndarray:
    """Group L2-normalised vectors (n, d) into clusters; returns an int label per row.

    Average-linkage agglomerative clustering on cosine distance, restricted to a k-nearest-neighbour
    connectivity graph so memory and time stay near-linear in n.
    """
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.neighbors import kneighbors_graph

    X = np.asarray(X, dtype=np.float32)
    n = len(X)
    if n == 0:
        return np.zeros(0, dtype=int)
    if n == 1:
        return np.zeros(1, dtype=int)
    t = DEFAULT_DISTANCE_THRESHOLD if distance_threshold is None else distance_threshold
    k = min(n_neighbors, n - 1)
    conn = kneighbors_graph(X, k, metric="cosine", include_self=False)
    conn = conn.maximum(conn.T)
    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=t, metric="cosine", linkage="average", connectivity=conn
    )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "the number of connected components ..." is expected and handled
        return model.fit_predict(X).astype(int)


_POSS = re.compile(
    r"^(?:the\s+)?(?:(?:china|russia|u\.?s\.?|united states|ukraine|germany|britain|france|eu)(?:'s|’s)|"
    r"chinese|russian|american|ukrainian|german|british|french)\s+",
    re.IGNORECASE,
)


def _identity(name: str) -> set[str]:
    """Keys under which a speaker is known: "Wang Wenbin (Foreign Ministry)" -> {wang wenbin, foreign ministry}."""
    name = name.strip()
    if not name:
        return set()
    keys = set()
    m = re.match(r"^(.*?)\s*\((.*)\)$", name)
    parts = [m.group(1), m.group(2)] if m else [name]
    for i, part in enumerate(parts):
        k = _POSS.sub("", part.lower().replace("’", "'")).strip(" .")
        if not k:
            continue
        # a role such as "National Security Council" names an organisation; a bare job title does not
        if i == 1 and not any(w[:1].isupper() for w in part.split()[-2:]):
            continue
        if i == 1 and re.search(r"\b(?:ambassador|spokes\w+|fellow|minister)\b", k) and " to " in k:
            continue
        keys.add(k)
    return keys


@lru_cache(maxsize=20000)
def _identity_cached(name: str) -> frozenset[str]:
    return frozenset(_identity(name))


def same_source(a: Claim, b: Claim) -> bool:
    """True when two claims come from one source: the same speaker, or a spokesperson and the body they speak
    for ("Wang Wenbin (Foreign Ministry)" and "China's Foreign Ministry"), or a person and their surname alone
    ("David Klinger (LAPD)" and "Klinger"). A report relayed by two outlets keeps
    its original speaker, so relays count as one source too."""
    sa, sb = (a.speaker or a.outlet or ""), (b.speaker or b.outlet or "")
    if not sa or not sb:
        return False
    if sa.lower() == sb.lower():
        return True
    return bool(_identity_cached(sa) & _identity_cached(sb)) or _surname_of(sa, sb) or _surname_of(sb, sa)


_CAPITALISED = re.compile(r"^[A-Z](?:[a-z]|['’][A-Z])[\w'’.-]*$")  # "Klinger", "O’Neal"; not "LAPD" or "e-mail"
# words that end an organisation's name as well as a person's: "Ministry" is not "Foreign Ministry"'s surname
_ORG_HEADS = COLLECTIVE | {"house", "office", "bank", "church", "university", "institute", "center", "centre"}


def _surname_of(short: str, full: str) -> bool:
    """Is ``short`` a surname, on its own ("Klinger"), of the person ``full`` names ("David Klinger (LAPD)")? The
    person's name is two or three capitalised words ending with it, followed by their post or body in brackets,
    which is how attribution names a person: two capitalised words alone may be a firm ("Goldman Sachs")."""
    if not full.endswith(")"):
        return False
    words = full.split(" (")[0].split()
    return (_CAPITALISED.match(short) is not None and short.lower() not in _ORG_HEADS and 2 <= len(words) <= 3
            and all(_CAPITALISED.match(w) for w in words) and words[-1] == short)


def _figures_differ(a: Claim, b: Claim) -> bool:
    """The two claims give figures for one counted thing that share no value (the number check's mismatch)."""
    from .checks import run_checks

    return run_checks(a.assertion, b.assertion).features["num_mismatch"] > 0


def _own_voice(c: Claim) -> bool:
    return bool(c.outlet) and (c.speaker or c.outlet) == c.outlet


@dataclass
class Candidates:
    pairs: list[tuple[Claim, Claim]]  # independent cross-source pairs to score
    echoes: list[tuple[Claim, Claim]]  # one report relayed by different outlets
    clusters: dict[str, int]  # claim_id -> cluster
    n_cross_source: int  # all cross-source pairs (what exhaustive scoring would have cost)


def _keys(c: Claim) -> set[str]:
    keys = {"e:" + _norm_entity(e) for e in (c.entities or [x for x, _ in entities(c.assertion)])}
    return keys


def propose_pairs(claims: Sequence[Claim], X: np.ndarray, *, k: int = 8, k_entity: int = 6, k_doc: int = 10,
                  k_cluster: int = 6,
                  min_cos: float = 0.15, echo_cos: float = 0.75, distance_threshold: float | None = None) -> Candidates:
    """Candidate pairs among claims with embeddings X (rows L2-normalised, aligned with claims)."""
    from sklearn.neighbors import NearestNeighbors

    n = len(claims)
    labels = cluster_embeddings(X, distance_threshold=distance_threshold) if n else np.zeros(0, int)
    clusters = {c.claim_id: int(lab) for c, lab in zip(claims, labels)}
    # how many cross-source pairs exist in total, for the benchmark's ratio
    by_src: dict[str, int] = defaultdict(int)
    for c in claims:
        by_src[(c.speaker or c.outlet or "").lower()] += 1
    n_cross = (n * (n - 1) // 2) - sum(m * (m - 1) // 2 for m in by_src.values())
    if n < 2:
        return Candidates([], [], clusters, n_cross)

    proposals: dict[tuple[int, int], float] = {}

    def propose(i: int, j: int, prio: float) -> None:
        if i == j:
            return
        a, b = claims[i], claims[j]
        if a.doc_id == b.doc_id and (_own_voice(a) or _own_voice(b)):
            return  # a page's narration around a quote is context for it, not an independent source
        key = (min(i, j), max(i, j))
        proposals[key] = max(proposals.get(key, -1.0), prio)

    # (1) nearest neighbours in embedding space
    nn = NearestNeighbors(n_neighbors=min(n, 4 * k + 1), metric="cosine").fit(X)
    dist, idx = nn.kneighbors(X)
    for i in range(n):
        taken = 0
        for d, j in zip(dist[i], idx[i]):
            if j == i or same_source(claims[i], claims[j]):
                continue
            if 1 - d < min_cos:
                break
            propose(i, int(j), 1 - float(d))
            taken += 1
            if taken >= k:
                break

    # (2) shared rare entities (IDF-weighted), via an inverted index; very common keys are skipped
    keys = [_keys(c) for c in claims]
    index: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        for key in ks:
            index[key].append(i)
    max_df = max(5, int(0.2 * n))
    idf = {key: math.log(1 + n / len(ids)) for key, ids in index.items()}
    for i in range(n):
        score: dict[int, float] = defaultdict(float)
        for key in keys[i]:
            ids = index[key]
            if len(ids) > max_df:
                continue
            for j in ids:
                if j != i:
                    score[j] += idf[key]
        best = sorted(((s, j) for j, s in score.items() if not same_source(claims[i], claims[j])), reverse=True)
        for _s, j in best[:k_entity]:
            propose(i, j, float(X[i] @ X[j]))

    # (3) inside one document, every two speakers the page quotes (not the page's own narration): a story that
    # relays a report and then a rebuttal ("we have not seen them ...") puts the conflict on one page
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        if not _own_voice(c):
            by_doc[c.doc_id].append(i)
    for ids in by_doc.values():
        for i in ids:
            sims = sorted(((float(X[i] @ X[j]), j) for j in ids if j != i and not same_source(claims[i], claims[j])),
                          reverse=True)
            for sim, j in sims[:k_doc]:
                propose(i, j, sim)
    # (4) the same topic cluster, most similar first
    members: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        members[int(lab)].append(i)
    for ids in members.values():
        if len(ids) < 2:
            continue
        sub = X[ids]
        S = sub @ sub.T
        for a_pos, i in enumerate(ids):
            taken = 0
            for b_pos in np.argsort(-S[a_pos]):
                j = ids[int(b_pos)]
                if j == i or same_source(claims[i], claims[j]):
                    continue
                propose(i, j, float(S[a_pos, b_pos]))
                taken += 1
                if taken >= k_cluster:
                    break

    pairs, echoes = [], []
    seen_echo = set()
    for (i, j), _ in sorted(proposals.items(), key=lambda kv: -kv[1]):
        pairs.append((claims[i], claims[j]))
    # echoes: the same speaker's report on two different outlets' pages: near-identical content, or one story (a
    # topic cluster) with different figures for one counted thing ("12 people had died" in one wire, "41" in the
    # other), where the two copies read too differently for the similarity alone: a misquote, or an update
    for i in range(n):
        for d, j in zip(dist[i], idx[i]):
            if j <= i:
                continue
            a, b = claims[i], claims[int(j)]
            if not (same_source(a, b) and a.doc_id != b.doc_id and (a.outlet or "") != (b.outlet or "")):
                continue
            if 1 - d >= echo_cos or (clusters[a.claim_id] == clusters[b.claim_id] and _figures_differ(a, b)):
                key = (i, int(j))
                if key not in seen_echo:
                    seen_echo.add(key)
                    echoes.append((a, b))
    return Candidates(pairs, echoes, clusters, n_cross)


def cap_pairs(pairs: Sequence[tuple[Claim, Claim]], conflict: np.ndarray, similarity: np.ndarray, *,
              k: int = 3) -> list[tuple[Claim, Claim]]:
    """Keep, for every claim, its ``k`` likeliest conflicts and its most similar partner; drop the rest.

    ``conflict`` is a cheap conflict score per pair (the lexical baseline's p(contradicts): no NLI), and
    ``similarity`` the embedding cosine. A pair survives if either of its claims keeps it, so each claim ends up
    in at most ``2 * (k + 1)`` pairs and the expensive NLI step stays linear in the number of claims.
    """
    by_claim: dict[str, list[int]] = defaultdict(list)
    for i, (a, b) in enumerate(pairs):
        by_claim[a.claim_id].append(i)
        by_claim[b.claim_id].append(i)
    keep: set[int] = set()
    for ids in by_claim.values():
        ranked = sorted(ids, key=lambda i: (-conflict[i], -similarity[i]))
        keep.update(ranked[:k])
        keep.add(max(ids, key=lambda i: similarity[i]))
    return [pairs[i] for i in sorted(keep)]
