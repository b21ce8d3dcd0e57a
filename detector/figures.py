"""Figures that drift between sources, story by story (``crossclaim figures``).

``scan --differs`` shows two claims at a time. A desk checking a death toll wants one table per story instead: the
figure every source gives for one counted thing, side by side ("40 dead" from one wire, "twelve" from another, "40"
again from a third). The figures are read with the number check's rules (``checks.quantities``: the counted noun,
casualty words, currencies, percent, durations in days), grouped by topic cluster and unit, and a group is kept
when two sources give figures that are not the same (within 5%, as in the number check). A source is a speaker as
published by one outlet, so a relay whose copies differ (a misquote, or an update) shows up too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .checks import Quantity, quantities, same_value
from .models import Claim

__all__ = ["Figure", "FigureGroup", "drifting_figures"]


@dataclass(frozen=True, slots=True)
class Figure(Quantity):
    """A figure (``checks.Quantity``: ``text`` as written, ``span`` into ``claim.text``) and the claim giving it."""

    claim: Claim

    @property
    def source(self) -> tuple[str | None, str | None]:
        return self.claim.speaker, self.claim.outlet


@dataclass(frozen=True, slots=True)
class FigureGroup:
    """The figures the claims of one topic cluster give for one counted thing, smallest first."""

    cluster: int
    unit: str
    figures: tuple[Figure, ...]

    @property
    def values(self) -> list[float]:
        """The distinct figures, those within 5% of each other counted once."""
        out: list[float] = []
        for f in self.figures:
            if not any(same_value(f.value, v) for v in out):
                out.append(f.value)
        return out

    @property
    def sources(self) -> list[tuple[str | None, str | None]]:
        return list(dict.fromkeys(f.source for f in self.figures))


def _drifts(figures: list[Figure]) -> bool:
    """Whether two sources give figures that are not the same."""
    return any(a.source != b.source and not same_value(a.value, b.value)
               for i, a in enumerate(figures) for b in figures[i + 1 :])


def drifting_figures(claims: Iterable[Claim], clusters: dict[str, int]) -> list[FigureGroup]:
    """Every (cluster, unit) whose figures differ between two sources, the groups with most sources first.

    ``clusters`` maps claim ids to topic clusters (``Database.clusters``); claims in no cluster are left out, since
    nothing says what they are about. Figures without a unit ("one of the"), and years, are never compared.
    """
    groups: dict[tuple[int, str], list[Figure]] = {}
    for c in claims:
        cluster = clusters.get(c.claim_id)
        if cluster is None:
            continue
        for q in quantities(c.text):
            if q.unit:
                groups.setdefault((cluster, q.unit), []).append(Figure(q.value, q.unit, q.span, q.text, c))
    out = [FigureGroup(cluster, unit, tuple(sorted(figs, key=lambda f: (f.value, f.source, f.claim.claim_id))))
           for (cluster, unit), figs in groups.items() if _drifts(figs)]
    return sorted(out, key=lambda g: (-len(g.sources), -len(g.values), g.cluster, g.unit))
