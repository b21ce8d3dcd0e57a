"""Items with gold clusters (which sentences report the same event), readers, and clustering metrics.

ECB+ gold mentions become sentence-level items: one item per (document, sentence) that holds at least one event
mention. A sentence often mentions several events (3 on average in dev); its gold cluster is the coreference
chain of its *widest* event mention, the one whose chain reaches the most documents (ties: the earliest mention
in the sentence). That is the event the sentence shares with other outlets, which is what the clustering stage
must find; the sentence's other, more local events would mostly make singleton clusters.
See docs/EVALUATION.md.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

from detector.errors import InputError

from .pairs import not_utf8

CLUSTER_FORMATS = ("ecbplus", "jsonl")
MENTION_KEYS = ("doc_id", "sent_id", "full_sentence", "coref_chain", "tokens_ids")


@dataclass(frozen=True, slots=True)
class ClusterItem:
    """One text and its gold cluster id. ``source`` is the document (or outlet) it comes from."""

    id: str
    text: str
    cluster: str
    source: str | None = None


def read_cluster_items(path: str | Path, format: str | None = None) -> list[ClusterItem]:
    """Read items from ECB+ gold-mention JSON (a list of mentions) or JSONL (``id, text, cluster, source?``)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    fmt = format or ("jsonl" if path.suffix == ".jsonl" else "ecbplus" if path.suffix == ".json" else None)
    readers = {"ecbplus": _read_ecbplus, "jsonl": _read_jsonl}
    if fmt not in readers:
        told = f"unknown format {format!r}" if format else f"cannot tell the format from the name {path.name!r}"
        raise InputError(str(path), f"{told}; pass --format, one of {', '.join(CLUSTER_FORMATS)}")
    try:
        return readers[fmt](path)
    except UnicodeDecodeError:
        raise not_utf8(path) from None


def _read_ecbplus(path: Path, pick: str = "widest") -> list[ClusterItem]:
    try:
        mentions = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"not valid JSON ({e.msg}, column {e.colno})", e.lineno) from None
    if not isinstance(mentions, list):
        raise InputError(str(path), "expected a JSON list of mentions")
    by_sentence: dict[tuple[str, int], list[dict]] = defaultdict(list)
    chain_docs: dict[str, set[str]] = defaultdict(set)
    for i, m in enumerate(mentions):
        if not isinstance(m, dict) or any(k not in m for k in MENTION_KEYS):
            raise InputError(str(path), f"mention {i} lacks one of {', '.join(MENTION_KEYS)}")
        if m.get("event_entity", "event") != "event":
            continue
        m = _event_mention(m, i, path)
        by_sentence[(m["doc_id"], m["sent_id"])].append(m)
        chain_docs[m["coref_chain"]].add(m["doc_id"])
    if not by_sentence:
        raise InputError(str(path), "no event mentions (is this an entity mention file?)")

    def start(m: dict) -> int:
        return min(m["tokens_ids"]) if m["tokens_ids"] else 0

    items = []
    for (doc, sent), ms in sorted(by_sentence.items()):
        if pick == "first":
            chosen = min(ms, key=start)
        else:
            chosen = min(ms, key=lambda m: (-len(chain_docs[m["coref_chain"]]), start(m)))
        items.append(ClusterItem(id=f"{doc}:{sent}", text=chosen["full_sentence"], cluster=chosen["coref_chain"],
                                 source=doc))
    return items


def _event_mention(m: dict, i: int, path: Path) -> dict:
    """The fields of event mention ``i`` the reader uses, checked, with sent_id an int and coref_chain a str."""

    def bad(problem: str) -> InputError:
        return InputError(str(path), f"mention {i}: {problem}")

    doc, sent, text, chain, tokens = (m[k] for k in MENTION_KEYS)
    if not isinstance(doc, str) or not doc.strip():
        raise bad(f"doc_id must be a non-empty string, got {json.dumps(doc)}")
    if isinstance(sent, str) and sent.strip().isdigit():
        sent = int(sent)
    if not _is_int(sent):
        raise bad(f"sent_id must be a sentence number, got {json.dumps(sent)}")
    if not isinstance(text, str) or not text.strip():
        raise bad("empty full_sentence")
    if not (isinstance(chain, str) or _is_int(chain)) or not str(chain).strip():
        raise bad(f"coref_chain must be a string, got {json.dumps(chain)}")
    if not isinstance(tokens, list) or not all(_is_int(t) for t in tokens):
        raise bad(f"tokens_ids must be a list of token numbers, got {json.dumps(tokens)}")
    return {**m, "sent_id": sent, "coref_chain": str(chain)}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _item_field(d: dict, key: str, path: Path, line: int) -> str | None:
    """A JSONL item's field as a string: None when missing or blank; InputError for a list, object or boolean.
    ``text`` must be a string; ``id``, ``cluster`` and ``source`` may also be whole numbers (0 included)."""
    value = d.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not (isinstance(value, str) or (key != "text" and _is_int(value))):
        kind = "a string" if key == "text" else "a string or a whole number"
        raise InputError(str(path), f"{key} must be {kind}, got {json.dumps(value)}", line)
    return str(value)


def _read_jsonl(path: Path) -> list[ClusterItem]:
    from .pairs import iter_jsonl_objects

    items, seen = [], {}
    for line_no, d in iter_jsonl_objects(path):
        id_, text, cluster, source = (_item_field(d, k, path, line_no) for k in ("id", "text", "cluster", "source"))
        if id_ is None or text is None or cluster is None:
            raise InputError(str(path), "each line needs non-empty id, text and cluster", line_no)
        if id_ in seen:
            raise InputError(str(path), f"id {id_!r} is already used on line {seen[id_]}", line_no)
        seen[id_] = line_no
        items.append(ClusterItem(id=id_, text=text, cluster=cluster, source=source))
    if not items:
        raise InputError(str(path), "no items")
    return items


def b_cubed(gold: Sequence, predicted: Sequence) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998), averaged over items.

    For item i: precision = |pred(i) & gold(i)| / |pred(i)|, recall = |pred(i) & gold(i)| / |gold(i)|. Summed
    over the n_ij items of each (gold i, predicted j) cell, that is n_ij**2 / |pred j| and n_ij**2 / |gold i|.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predicted")
    if not len(gold):
        raise ValueError("no items")
    c = contingency_matrix(np.asarray(gold), np.asarray(predicted)).astype(float)  # rows gold, columns predicted
    sq = c ** 2
    precision = float((sq / c.sum(axis=0, keepdims=True)).sum() / c.sum())
    recall = float((sq / c.sum(axis=1, keepdims=True)).sum() / c.sum())
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate_clusters(items: Sequence[ClusterItem], predicted_labels: Sequence | np.ndarray) -> dict[str, float | str]:
    """Flat dict: ``n``, ``n_clusters``, ``gold_n_clusters``, ``bcubed_precision/recall/f1``, ``ari``, ``nmi``."""
    gold = [it.cluster for it in items]
    pred = np.asarray(predicted_labels)
    if pred.shape != (len(gold),):
        raise ValueError(f"predicted_labels must have shape ({len(gold)},), got {pred.shape}")
    p, r, f = b_cubed(gold, pred)
    return {
        "n": float(len(gold)),
        "n_clusters": float(len(set(pred.tolist()))),
        "gold_n_clusters": float(len(set(gold))),
        "bcubed_precision": p,
        "bcubed_recall": r,
        "bcubed_f1": f,
        "ari": float(adjusted_rand_score(gold, pred)),
        "nmi": float(normalized_mutual_info_score(gold, pred)),
        "primary_metric": "bcubed_f1",
    }


def cluster_items(items: Sequence[ClusterItem], *, distance_threshold: float | None = None,
                  embedder=None) -> np.ndarray:
    """Cluster the items' texts with the pipeline's own stage; returns one int label per item.

    Vectors come from ``embedder.encode(texts)`` (default: ``embeddings.load_embedder()``), L2-normalised float32,
    and clusters from ``detector.candidates.cluster_embeddings``.
    """
    from detector.candidates import cluster_embeddings

    if embedder is None:
        from embeddings import load_embedder

        embedder = load_embedder()
    X = np.asarray(embedder.encode([it.text for it in items]), dtype=np.float32)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    X = X / np.where(norms > 0, norms, 1.0)
    return np.asarray(cluster_embeddings(X, distance_threshold=distance_threshold))
