"""Frozen records passed between the pipeline's stages.

Every stage takes and returns these; nothing passes nested dicts around. Offsets are character offsets into
``Document.text`` (claims) or into ``Claim.text`` (reason spans).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

LABELS: tuple[str, ...] = ("contradicts", "agrees", "neutral", "unrelated")
"""The labels a scored pair can carry, in the order of the classifier's probability columns."""

ECHO = "echo"
"""Label of a pair that is one report relayed by two outlets: agreement by echo, never scored as independent."""
DIFFERENCE_KINDS = ("number", "date")
"""Reason kinds that point, with a side and a span, at a figure or a date one claim gives and the other gives
differently. On a relay (``echo``) pair, either is a misquote or an update of one report."""
SOURCE_DIFFERENCE_KINDS = ("number",)
"""The difference kinds that count between two sources (``gives_different_figures``)."""


def gives_different_figures(label: str, reasons) -> bool:
    """Whether a pair on one subject gives different figures for one thing: a relay whose two copies differ in a
    figure or a date, or two sources giving different figures for one counted thing (numbers that drift). Dates
    alone do not count between sources: two claims often date different events ("due by April", "shipped in
    February"). ``unrelated`` pairs are not on one subject."""
    if label == "unrelated":
        return False
    kinds = DIFFERENCE_KINDS if label == ECHO else SOURCE_DIFFERENCE_KINDS
    return any(r.kind in kinds and r.side is not None for r in reasons)


def sha(*parts: str, n: int = 16) -> str:
    """Short, stable hex digest of the parts (joined with a separator that cannot occur in text)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()[:n]


@dataclass(frozen=True, slots=True)
class Document:
    """One news story, after extraction and clean-up.

    A scraped page that carried several unrelated stories becomes several documents with the same ``source``.
    ``doc_id`` is a hash of the cleaned text, so ingesting the same content twice gives the same id.
    """

    doc_id: str
    text: str
    source: str  # where it came from: a path, "path:LINE" for JSONL/CSV rows, "<stdin>"; "#2" marks a split story
    outlet: str | None = None  # who published it
    url: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    title: str | None = None
    ref: str | None = None  # the input's own id for the story (JSONL/CSV `id`), kept for the desk's records

    @staticmethod
    def make_id(text: str) -> str:
        return sha(" ".join(text.split()))


@dataclass(frozen=True, slots=True)
class InputProblem:
    """Why one input (or one line/row of it) could not be used."""

    source: str
    problem: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.problem}"


@dataclass(frozen=True, slots=True)
class Claim:
    """A check-worthy statement, with who asserts it and who published it.

    ``text`` is the sentence as it stands in the document (``span`` locates it). ``assertion`` is what is
    asserted, with the attribution frame ("X said that", "according to X") removed; ``context`` is the assertion
    with as much of its neighbourhood as it needs to be understood on its own. Scorers read ``context``.
    ``relay`` is the chain from the publishing outlet to the original speaker, e.g.
    ("ZeroHedge", "Der Spiegel"); it has one element when the outlet speaks for itself.
    """

    claim_id: str
    doc_id: str
    text: str
    span: tuple[int, int]
    assertion: str
    context: str
    speaker: str | None
    outlet: str | None
    relay: tuple[str, ...] = ()
    published: str | None = None
    entities: tuple[str, ...] = ()
    position: int = 0  # index of the sentence in its document

    @staticmethod
    def make_id(doc_id: str, span: tuple[int, int]) -> str:
        return sha(doc_id, str(span[0]), str(span[1]))


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence for a pair's label.

    ``kind`` is one of: nli, number, date, entity, negation, denial, non_confirmation, hedging, temporal, relay,
    similarity. ``side`` says which claim the span is in ("a" or "b"); ``span`` is an offset into that claim's
    ``text``.
    """

    kind: str
    detail: str
    side: str | None = None
    span: tuple[int, int] | None = None

    @classmethod
    def from_dict(cls, d: dict) -> Reason:
        span = d.get("span")
        return cls(kind=d["kind"], detail=d["detail"], side=d.get("side"), span=tuple(span) if span else None)

    def to_dict(self) -> dict:
        d: dict = {"kind": self.kind, "detail": self.detail}
        if self.side is not None:
            d["side"] = self.side
        if self.span is not None:
            d["span"] = list(self.span)
        return d


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """A candidate pair of claims with its label, probabilities and reasons."""

    a: Claim
    b: Claim
    label: str
    probs: dict[str, float]
    reasons: tuple[Reason, ...] = ()
    cluster: int | None = None
    nli: tuple[float, float] = (0.0, 0.0)  # raw contradiction score a->b, b->a
    features: tuple[float, ...] = field(default=(), compare=False)
    # the classifier's own p(contradicts), before the rebuttal rule's floor; None when not known (echo pairs,
    # pairs stored before it was kept)
    p_model: float | None = None

    @property
    def score(self) -> float:
        """Probability of the pair's own label."""
        return self.probs.get(self.label, 0.0)

    @property
    def pair_id(self) -> str:
        return pair_id(self.a.claim_id, self.b.claim_id)

    @property
    def pair_key(self) -> str:
        return pair_key(self.a, self.b)


def pair_id(a_id: str, b_id: str) -> str:
    x, y = sorted((a_id, b_id))
    return sha(x, y)


def pair_key(a: Claim, b: Claim) -> str:
    """Content key of a pair (the two claim texts and speakers), order-free.

    Reviewers' verdicts hang on this key so they survive re-ingest and re-scan.
    """
    sides = sorted([(" ".join(a.text.split()), a.speaker or ""), (" ".join(b.text.split()), b.speaker or "")])
    return sha(sides[0][0], sides[0][1], sides[1][0], sides[1][1], n=24)


def juxtaposed(a: Claim, b: Claim, clusters: dict[str, int] | None) -> bool:
    """Whether one page or one topic cluster put the two claims side by side (the rebuttal rule's ``same_story``)."""
    return a.doc_id == b.doc_id or (clusters is not None and clusters.get(a.claim_id) is not None
                                    and clusters.get(a.claim_id) == clusters.get(b.claim_id))
