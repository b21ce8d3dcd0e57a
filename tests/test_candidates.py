"""Candidate pairs (fake embeddings): only independent cross-source pairs, relays kept apart as echoes, near-linear."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from detector.candidates import cluster_embeddings, propose_pairs, same_source
from detector.models import Claim

TOPICS = [
    ["harbour", "ferry", "dock", "pier", "crane", "tide", "vessel", "cargo"],
    ["wheat", "harvest", "farm", "grain", "tractor", "field", "rain", "barley"],
    ["election", "vote", "ballot", "party", "candidate", "poll", "campaign", "seat"],
    ["museum", "painting", "gallery", "exhibit", "curator", "sculpture", "artist", "loan"],
    ["train", "rail", "station", "track", "signal", "carriage", "timetable", "delay"],
]


def claim(cid: str, text: str, speaker: str | None, *, doc: str | None = None, outlet: str | None = "Valley Gazette",
          entities: tuple[str, ...] = ()) -> Claim:
    return Claim(claim_id=cid, doc_id=doc or f"doc-{cid}", text=text, span=(0, len(text)), assertion=text,
                 context=text, speaker=speaker, outlet=outlet, relay=tuple(x for x in (outlet, speaker) if x),
                 entities=entities)


def synthetic(n: int, *, n_speakers: int = 40, seed: int = 0) -> list[Claim]:
    """n claims on five topics, three to a document, from n_speakers speakers across seven outlets."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = [rng.choice(TOPICS[i % len(TOPICS)]) for _ in range(8)]
        out.append(claim(f"c{i}", "the " + " ".join(words) + " today.", f"speaker {i % n_speakers}",
                         doc=f"d{i // 3}", outlet=f"outlet {i % 7}"))
    return out


def ids(pairs) -> set[frozenset[str]]:
    return {frozenset((a.claim_id, b.claim_id)) for a, b in pairs}


# -- same_source -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "a, b",
    [
        ("Der Spiegel", "der spiegel"),
        ("Wang Wenbin (Foreign Ministry)", "China's Foreign Ministry"),
        ("Foreign Ministry spokesperson Wang Wenbin", "Foreign Ministry spokesperson Wang Wenbin"),
        ("Wang Wenbin (Foreign Ministry)", "Wang Wenbin"),
        ("the Chinese Foreign Ministry", "Foreign Ministry"),
        ("Hartley", "Maren Hartley (Ridgeway Police)"),  # one person, once in full and once by surname
        ("Ana Lucia Ferreira (harbour master)", "Ferreira"),
        ("D’Amato", "Paul D’Amato (Mayor)"),
    ],
)
def test_same_source(a, b):
    assert same_source(claim("1", "x", a), claim("2", "y", b))
    assert same_source(claim("2", "y", b), claim("1", "x", a))


@pytest.mark.parametrize(
    "a, b",
    [
        ("Der Spiegel", "John Kirby (National Security Council)"),
        ("Igor Morgulov (Russian Ambassador to China)", "China's Foreign Ministry"),
        ("Igor Morgulov (Russian Ambassador to China)", "China"),  # an ambassador to X does not speak for X
        ("U.S. and European officials", "China's Foreign Ministry"),
        ("Ministry", "Foreign Ministry"),  # an organisation's last word is no surname
        ("Hartley", "Maren Hartley Clinic Trust"),  # too long to be a person's name
        ("HARTLEY", "Maren Hartley"),
        ("Hartley", "Maren hartley"),
        ("Hartley", "Maren Oates"),
        # two capitalised words without a post may be a firm: "Goldman Sachs" is no "Sachs", "Network Rail" no "Rail"
        ("Sachs", "Goldman Sachs"),
        ("Rail", "Network Rail"),
    ],
)
def test_different_sources(a, b):
    assert not same_source(claim("1", "x", a), claim("2", "y", b))


def test_unattributed_claims_fall_back_to_their_outlet():
    a = claim("1", "x", None, outlet="CNN")
    assert same_source(a, claim("2", "y", None, outlet="CNN"))
    assert same_source(a, claim("3", "y", "CNN", outlet="BBC"))
    assert not same_source(a, claim("4", "y", None, outlet="BBC"))
    assert not same_source(claim("5", "x", None, outlet=None), claim("6", "y", None, outlet=None))


# -- propose_pairs ---------------------------------------------------------------------------------------------
def test_same_speaker_pairs_are_never_proposed(fake_embedder):
    claims = synthetic(120, n_speakers=6)
    X = fake_embedder.encode([c.context for c in claims])
    cands = propose_pairs(claims, X)
    assert cands.pairs, "expected some cross-source candidates"
    for a, b in cands.pairs:
        assert a.speaker != b.speaker
        assert not same_source(a, b)
    assert len(ids(cands.pairs)) == len(cands.pairs)  # no pair twice, in either order


def test_spokesperson_and_their_ministry_are_one_source(fake_embedder):
    text_1 = "the ministry has no plan to send tanks to the border this spring."
    text_2 = "the ministry has no plan to send tanks to the border this spring at all."
    claims = [
        claim("ministry", text_1, "China's Foreign Ministry", outlet="CNN"),
        claim("spokes", text_2, "Wang Wenbin (Foreign Ministry)", outlet="Reuters"),
        claim("officials", "the ministry plans to send tanks to the border this spring.", "U.S. officials",
              outlet="The Wall Street Journal"),
    ]
    X = fake_embedder.encode([c.context for c in claims])
    cands = propose_pairs(claims, X)
    got = ids(cands.pairs)
    assert frozenset(("ministry", "spokes")) not in got
    assert frozenset(("ministry", "officials")) in got
    assert frozenset(("spokes", "officials")) in got


def test_relays_of_one_report_are_echoes_not_candidates(fake_embedder):
    report = "the small factory agreed to build one hundred boats for the navy by april."
    claims = [
        claim("relay-1", report, "Der Spiegel", outlet="The Kyiv Independent"),
        claim("relay-2", report.replace("small ", ""), "Der Spiegel", outlet="ZeroHedge"),
        claim("rebuttal", "we have not seen the factory agree to build boats for the navy.",
              "John Kirby (National Security Council)", outlet="ZeroHedge"),
        claim("other", "the harvest of wheat was late because of the rain in the valley.", "Farm Board",
              outlet="Valley Gazette"),
    ]
    X = fake_embedder.encode([c.context for c in claims])
    cands = propose_pairs(claims, X)
    assert ids(cands.echoes) == {frozenset(("relay-1", "relay-2"))}
    got = ids(cands.pairs)
    assert frozenset(("relay-1", "relay-2")) not in got
    assert frozenset(("relay-1", "rebuttal")) in got and frozenset(("relay-2", "rebuttal")) in got


def test_one_source_quoted_with_different_figures_by_two_outlets_is_an_echo(fake_embedder):
    """A misquote (or an update) is what a desk wants to see: the two copies read too differently to pass as one
    report, but they are the same source's account of one story with different figures for one thing."""
    claims = [
        claim("wire-1", "the harbour police chief said 12 people had died when the ferry sank at the pier.",
              "Jürgen Müller (Police chief)", outlet="Reuters"),
        claim("wire-2", "according to reuters the police chief said 41 people had died.",
              "Jürgen Müller (police chief)", outlet="AP"),
        claim("same-figure", "according to reuters the police chief said 12 people had died.",
              "Jürgen Müller (police chief)", outlet="Harbour Post"),
        claim("other", "the harvest of wheat was late because of the rain in the valley.", "Farm Board"),
    ]
    X = fake_embedder.encode([c.context for c in claims])
    assert float(X[0] @ X[1]) < 0.75  # not similar enough to pass as one report relayed
    cands = propose_pairs(claims, X)
    assert cands.clusters["wire-1"] == cands.clusters["wire-2"]
    assert frozenset(("wire-1", "wire-2")) in ids(cands.echoes)
    assert frozenset(("wire-2", "same-figure")) in ids(cands.echoes)  # near-identical copies, as before
    assert frozenset(("wire-1", "same-figure")) not in ids(cands.echoes)  # same figure, different wording
    assert not {frozenset(("wire-1", "wire-2")), frozenset(("wire-1", "same-figure"))} & ids(cands.pairs)


def test_a_page_narration_is_not_paired_with_its_own_quotes(fake_embedder):
    doc = "page-1"
    claims = [
        claim("narration", "the mayor spoke about the new bridge over the river today.", "Valley Gazette",
              doc=doc, outlet="Valley Gazette"),
        claim("quote", "the new bridge over the river will open today.", "Mayor Ana Ruiz", doc=doc,
              outlet="Valley Gazette"),
        claim("elsewhere", "the new bridge over the river will not open today.", "City Engineer Tom Lee",
              outlet="Harbour Post"),
    ]
    X = fake_embedder.encode([c.context for c in claims])
    got = ids(propose_pairs(claims, X).pairs)
    assert frozenset(("narration", "quote")) not in got
    assert frozenset(("quote", "elsewhere")) in got


def test_shared_rare_entities_reach_dissimilar_claims(fake_embedder):
    """Two claims with few words in common but a rare shared name are still proposed (the ~0.3-cosine case)."""
    filler = [claim(f"f{i}", f"the {w} {w} {w} story number {i} about something else entirely.", f"speaker {i}",
                    entities=(f"Name{i}",)) for i, w in enumerate(["apple", "pear", "plum", "fig", "kiwi"] * 8)]
    a = claim("a", "Zorvath Aviation agreed to deliver prototypes by spring.", "Der Spiegel",
              entities=("Zorvath Aviation",))
    b = claim("b", "Officials have not seen Zorvath Aviation move in that direction.", "John Kirby",
              entities=("Zorvath Aviation",))
    claims = [a, b, *filler]
    X = fake_embedder.encode([c.context for c in claims])
    cands = propose_pairs(claims, X, k=2, min_cos=0.9)  # similarity alone would not reach them
    assert frozenset(("a", "b")) in ids(cands.pairs)


def test_candidates_are_near_linear(fake_embedder):
    n, k = 300, 8
    claims = synthetic(n)
    X = fake_embedder.encode([c.context for c in claims])
    cands = propose_pairs(claims, X, k=k)
    brute = sum(1 for a, b in itertools.combinations(claims, 2) if a.speaker != b.speaker)
    assert cands.n_cross_source == brute
    assert len(cands.pairs) <= n * k
    assert len(cands.pairs) <= 0.1 * brute
    bigger = synthetic(2 * n, seed=1)
    Y = fake_embedder.encode([c.context for c in bigger])
    # twice the claims: about twice the candidates (quadratic growth would give four times)
    assert len(propose_pairs(bigger, Y, k=k).pairs) <= 2.5 * len(cands.pairs)


def test_tiny_inputs(fake_embedder):
    assert propose_pairs([], np.zeros((0, 8), dtype=np.float32)).pairs == []
    one = [claim("1", "a lone claim about the ferry.", "X")]
    cands = propose_pairs(one, fake_embedder.encode([one[0].context]))
    assert (cands.pairs, cands.echoes, cands.clusters, cands.n_cross_source) == ([], [], {"1": 0}, 0)


# -- clustering ------------------------------------------------------------------------------------------------
def test_cluster_embeddings_groups_obvious_clusters():
    rng = np.random.default_rng(0)
    centers = np.eye(16, dtype=np.float32)[:3]
    X = np.vstack([c + 0.05 * rng.standard_normal((10, 16)) for c in centers]).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    labels = cluster_embeddings(X)
    assert labels.shape == (30,)
    groups = [set(labels[i * 10 : (i + 1) * 10]) for i in range(3)]
    assert all(len(g) == 1 for g in groups), groups  # each true group is one cluster
    assert len(set.union(*groups)) == 3  # and the three are different clusters


def test_cluster_embeddings_on_fake_text_topics(fake_embedder):
    claims = synthetic(50)
    # topics share no words (average cosine ~0.1, from hash collisions); claims of one topic average ~0.7
    labels = cluster_embeddings(fake_embedder.encode([c.context for c in claims]), distance_threshold=0.6)
    by_topic = {t: {labels[i] for i in range(len(claims)) if i % len(TOPICS) == t} for t in range(len(TOPICS))}
    assert all(len(v) == 1 for v in by_topic.values()), by_topic
    assert len({next(iter(v)) for v in by_topic.values()}) == len(TOPICS)


def test_cluster_embeddings_edge_cases():
    assert cluster_embeddings(np.zeros((0, 4))).shape == (0,)
    assert cluster_embeddings(np.ones((1, 4)) / 2).tolist() == [0]


def test_cap_pairs_keeps_each_claims_likeliest_conflicts_and_nearest_partner():
    import numpy as np

    from detector.candidates import cap_pairs

    cs = [claim(f"c{i}", f"Claim number {i} about the port.", f"speaker {i}") for i in range(6)]
    pairs = [(cs[0], cs[j]) for j in range(1, 6)]
    conflict = np.array([0.9, 0.1, 0.2, 0.05, 0.8])
    similarity = np.array([0.1, 0.95, 0.2, 0.3, 0.1])
    kept = cap_pairs(pairs, conflict, similarity, k=2)
    ids = {b.claim_id for _, b in kept}
    # claim c0 keeps its two likeliest conflicts (c1, c5) and its nearest partner (c2); the others keep their only pair
    assert {"c1", "c5", "c2"} <= ids
    assert len(kept) == 5  # every other claim has just this one pair, so it keeps it
    many = [(cs[0], cs[j]) for j in range(1, 6)] * 1
    assert len(cap_pairs(many, conflict, similarity, k=1)) <= 5
