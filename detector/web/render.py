"""Safe HTML fragments for the review pages.

Scraped text is never marked safe: ``highlight`` escapes every piece of the claim first and only then wraps the
reason spans in ``<mark>`` (issue 4, XSS). Everything else reaches the templates as plain strings, which Jinja2
autoescapes.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from ..models import Reason
from ..review import describe_reason

__all__ = ["highlight", "pct", "kind_class"]


def kind_class(kind: str) -> str:
    """A CSS class for a reason kind, restricted to [a-z0-9_-] whatever the store holds."""
    return "hl-" + (re.sub(r"[^a-z0-9_-]", "", kind.lower()) or "other")


def highlight(text: str, reasons: tuple[Reason, ...] | list[Reason], side: str) -> Markup:
    """``text`` escaped, with the spans of ``side``'s reasons wrapped in ``<mark>`` (title = the reasons' details).

    Spans are offsets into ``text``; overlapping spans are split into segments so the markup stays well nested.
    Out-of-range spans are clipped, empty ones ignored.
    """
    n = len(text)
    spans: list[tuple[int, int, Reason]] = []
    for r in reasons:
        if r.side != side or not r.span:
            continue
        s, e = max(0, int(r.span[0])), min(n, int(r.span[1]))
        if s < e:
            spans.append((s, e, r))
    if not spans:
        return Markup(escape(text))
    points = sorted({0, n, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[Markup] = []
    for s, e in zip(points, points[1:]):
        seg = text[s:e]
        cover = [r for (rs, re_, r) in spans if rs <= s and e <= re_]
        if not cover:
            out.append(escape(seg))
            continue
        classes = " ".join(sorted({kind_class(r.kind) for r in cover}))
        title = "; ".join(dict.fromkeys(describe_reason(r) for r in cover))
        out.append(Markup('<mark class="hl {}" title="{}">{}</mark>').format(classes, title, seg))
    return Markup("").join(out)


def pct(p: float | None) -> str:
    return "–" if p is None else f"{100 * p:.0f}%"
