"""Hand reviewed pairs on: ClaimReview drafts for confirmed conflicts, labelled pairs for ``crossclaim eval``.

Labelled pairs use the interchange format of the evaluation issue (issue 3): ``id, text_a, text_b, label,
source_a, source_b, date_a, date_b, group, same_story``, followed by ``url_a, url_b, ref_a, ref_b`` (each side's
document URL and the input's own record id, ``Document.ref``) so that a desk can map verdicts back to its
records; the eval reader ignores those. A verdict becomes a label like this (docs/REVIEW.md):

- ``confirmed`` -> ``contradicts``
- ``false_alarm`` -> the scorer's most likely label other than ``contradicts`` (its second label when it flagged
  the pair), ``neutral`` when it gave no probabilities
- ``temporal_update`` -> ``neutral`` (newer news on the same subject, not a conflict)
- ``needs_more`` -> left out (no decision yet)
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import re
from collections.abc import Iterable, Sequence
from typing import IO

from .claims import ROLE_WORDS
from .errors import CrossclaimError
from .models import ECHO, LABELS, Claim, juxtaposed
from .outlets import is_outlet
from .review import VERDICTS, QueueFilter, QueueItem, queue
from .store import Database

__all__ = [
    "FORMATS",
    "PAIR_COLUMNS",
    "DOC_COLUMNS",
    "EXPORT_COLUMNS",
    "ExportError",
    "claimreview_drafts",
    "labelled_pairs",
    "label_for",
    "write_jsonl",
    "write_csv",
    "safe_url",
]

FORMATS = ("claimreview", "jsonl", "csv")
PAIR_COLUMNS = ("id", "text_a", "text_b", "label", "source_a", "source_b", "date_a", "date_b", "group",
                "same_story")
DOC_COLUMNS = ("url_a", "url_b", "ref_a", "ref_b")  # optional extras: not part of the interchange format
EXPORT_COLUMNS = (*PAIR_COLUMNS, *DOC_COLUMNS)
DEFAULT_STATUSES = {
    "claimreview": ("confirmed",),
    "jsonl": ("confirmed", "false_alarm", "temporal_update"),
    "csv": ("confirmed", "false_alarm", "temporal_update"),
}


class ExportError(CrossclaimError):
    """An export request that cannot be honoured (unknown status for the format, bad URL template...)."""


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (scraped ``javascript:`` and the like never pass)."""
    if not url:
        return None
    u = url.strip()
    if re.match(r"(?i)^https?://[^\s/?#]+", u) and not re.search(r"[\s<>\"'`]", u):
        return u
    return None


def _reviewed(db: Database, statuses: Sequence[str]) -> list[QueueItem]:
    """Reviewed pairs with a status in ``statuses``, one per pair key (the likeliest row when a key repeats)."""
    out: dict[str, QueueItem] = {}
    for status in statuses:
        for it in queue(db, QueueFilter(labels=(), status=status)):
            out.setdefault(it.pair_key, it)
    return sorted(out.values(), key=lambda it: (-it.p_contradicts, it.pair_key))


def _check_statuses(statuses: Iterable[str], allowed: Sequence[str]) -> tuple[str, ...]:
    st = tuple(dict.fromkeys(s.strip() for s in statuses if s.strip()))
    bad = [s for s in st if s not in allowed]
    if bad:
        raise ExportError(f"unknown or unusable status {', '.join(map(repr, bad))}; use {', '.join(allowed)}")
    return st


# -- labelled pairs ----------------------------------------------------------------------------------------------
def label_for(status: str, probs: dict[str, float]) -> str | None:
    """The gold label a verdict gives a pair (None: leave the pair out). See the module docstring."""
    if status == "confirmed":
        return "contradicts"
    if status == "temporal_update":
        return "neutral"
    if status == "false_alarm":
        rest = [(probs.get(lab, 0.0), -i, lab) for i, lab in enumerate(LABELS) if lab != "contradicts"]
        p, _, lab = max(rest)
        return lab if p > 0 else "neutral"
    return None


def _source(c: Claim) -> str:
    return c.speaker or c.outlet or ""


def _text(c: Claim) -> str:
    # the scorer reads the context (the assertion with what it needs to stand alone), so eval should too
    return c.context or c.text


def labelled_pairs(db: Database, statuses: Iterable[str] = DEFAULT_STATUSES["jsonl"]) -> list[dict[str, str | None]]:
    """Reviewed pairs as labelled-pairs rows (keys ``EXPORT_COLUMNS``); ``needs_more`` pairs are never included.

    ``url_a``/``url_b`` are the documents' URLs as ingested (not checked: this is data, not a link) and
    ``ref_a``/``ref_b`` the input's own record ids; either is None when the document has none.
    """
    st = _check_statuses(statuses, VERDICTS)
    items = _reviewed(db, [s for s in st if s != "needs_more"])
    links = {d: (url or None, ref or None)
             for d, (url, ref) in db.document_links(c.doc_id for it in items for c in (it.pair.a, it.pair.b)).items()}
    clusters = db.clusters()
    rows = []
    for it in items:
        label = label_for(it.status, it.pair.probs)
        if label is None:
            continue
        a, b = it.pair.a, it.pair.b
        (url_a, ref_a), (url_b, ref_b) = links.get(a.doc_id, (None, None)), links.get(b.doc_id, (None, None))
        rows.append(
            {
                "id": it.pair_key, "text_a": _text(a), "text_b": _text(b), "label": label,
                "source_a": _source(a), "source_b": _source(b), "date_a": a.published or "",
                "date_b": b.published or "",
                "group": f"cluster-{it.pair.cluster}" if it.pair.cluster is not None else it.pair_key,
                "same_story": juxtaposed(a, b, clusters),
                "url_a": url_a, "url_b": url_b, "ref_a": ref_a, "ref_b": ref_b,
            }
        )
    return rows


def write_jsonl(rows: Iterable[dict], fp: IO[str]) -> int:
    """One JSON object per row; None values are written as null."""
    n = 0
    for r in rows:
        fp.write(json.dumps(r, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(rows: Iterable[dict], fp: IO[str], columns: Sequence[str] = EXPORT_COLUMNS) -> int:
    """A header of ``columns``, then one line per row; missing and None values are written as empty cells."""
    w = csv.DictWriter(fp, fieldnames=list(columns), lineterminator="\n")
    w.writeheader()
    n = 0
    for r in rows:
        w.writerow({k: "" if r.get(k) is None else r[k] for k in columns})
        n += 1
    return n


# -- ClaimReview -------------------------------------------------------------------------------------------------
_ORG_WORDS = re.compile(
    r"(?i)\b(ministry|officials?|government|agency|department|office|council|committee|administration|army|"
    r"military|forces|police|embassy|news|times|journal|post|magazine|press|media|report|intelligence|party|"
    r"company|inc|ltd|corp|group|institute|union|commission|bureau|service|spokespeople)\b"
)


_JOB = re.compile(rf"\b(?:{ROLE_WORDS})\b", re.IGNORECASE)


def _author(name: str, outlet: str | None) -> dict:
    """schema.org author node for a claim's speaker: a Person for a personal name, else an Organization."""
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", name)
    base, affiliation = (m.group(1), m.group(2)) if m else (name, None)
    words = base.split()
    personal = (
        not is_outlet(base) and base != outlet and not _ORG_WORDS.search(base) and "'s" not in base
        and "’s" not in base and 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words)
    )
    if not personal:
        return {"@type": "Organization", "name": name}
    node: dict = {"@type": "Person", "name": base}
    if affiliation and _JOB.search(affiliation):  # "Mayor", "union leader", "Russia's Ambassador to China"
        node["jobTitle"] = affiliation
    elif affiliation:  # "National Security Council"
        node["affiliation"] = {"@type": "Organization", "name": affiliation}
    return node


def _describe(c: Claim) -> str:
    who = c.speaker or c.outlet or "an unnamed source"
    where = [x for x in (c.outlet if c.outlet and c.outlet != who else None, c.published) if x]
    return ", ".join([who, *where])


_URL_FIELDS = ("key", "pair_key", "side")


def _check_url_template(template: str) -> None:
    """A URL template names only ``{key}``, ``{pair_key}`` and ``{side}``, and tells every draft apart."""
    import string

    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ExportError(f"--url-template {template!r}: {exc} (write a literal brace as {{{{ or }}}})") from None
    fields = set()
    for _, name, spec, conv in parsed:
        if name is None:
            continue
        if spec or conv or name not in _URL_FIELDS:
            shown = "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
            raise ExportError(f"--url-template {template!r}: unknown placeholder {shown}; "
                              "use {key}, or {pair_key} and {side}")
        fields.add(name)
    if "key" not in fields and not {"pair_key", "side"} <= fields:
        raise ExportError(f"--url-template {template!r} must contain {{key}} (or {{pair_key}} and {{side}}): "
                          "each draft needs its own URL")
    if not safe_url(template.format(key="k", pair_key="k", side="a")):
        raise ExportError(f"--url-template must be an http(s) URL with {{key}}, got {template!r}")


def claimreview_drafts(
    db: Database,
    *,
    org: str = "crossclaim",
    org_url: str | None = None,
    url_template: str | None = None,
    statuses: Iterable[str] = ("confirmed",),
    today: str | None = None,
) -> list[dict]:
    """schema.org ClaimReview JSON-LD drafts, one per side of each confirmed conflict.

    Each side's claim is reviewed against the other: ``claimReviewed`` is its assertion, ``reviewRating`` says it
    is disputed by the other source, and the reviewer's note is the rating's explanation. The source page (http(s)
    URLs only) is the claim's ``appearance``. The input's own record id (``Document.ref``) is left out: drafts are
    meant to be published, and a desk's record ids are usually internal. ``url_template`` (with ``{key}``,
    ``{pair_key}`` or ``{side}``) gives each draft the URL it will be published at; Google's fact-check markup
    requires one, so a draft without it must get one before it goes live.
    """
    st = _check_statuses(statuses, ("confirmed",))
    if url_template is not None:
        _check_url_template(url_template)
    if org_url is not None and not safe_url(org_url):
        raise ExportError(f"--org-url must be an http(s) URL, got {org_url!r}")
    today = today or _dt.date.today().isoformat()
    review_author: dict = {"@type": "Organization", "name": org}
    if org_url:
        review_author["url"] = org_url
    out = []
    for it in _reviewed(db, st):
        note = it.verdict.note if it.verdict else None
        for side, claim, other in (("a", it.pair.a, it.pair.b), ("b", it.pair.b, it.pair.a)):
            item: dict = {"@type": "Claim"}
            name = claim.speaker or claim.outlet
            if name:
                item["author"] = _author(name, claim.outlet)
            if claim.published:
                item["datePublished"] = claim.published
            doc = db.document(claim.doc_id)
            url = safe_url(doc.url) if doc else None
            if url:
                appearance: dict = {"@type": "CreativeWork", "url": url}
                if doc and doc.title:
                    appearance["headline"] = doc.title
                if claim.outlet:
                    appearance["publisher"] = {"@type": "Organization", "name": claim.outlet}
                item["appearance"] = [appearance]
            if it.pair.label == ECHO:
                # one source, two outlets' versions of it (a misquote or an update). Not "relayed": one of the two
                # may be the source's own outlet, the original rather than a relay
                against = f"Reported differently by {other.outlet or 'another outlet'}"
            else:
                against = f"Contradicted by {_describe(other)}"
            rating: dict = {"@type": "Rating", "textualRating": "Disputed", "alternateName": against}
            if note:
                rating["ratingExplanation"] = note
            review: dict = {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "claimReviewed": claim.assertion or claim.text,
                "itemReviewed": item,
                "reviewRating": rating,
                "reviewBody": f"{_describe(claim)}: “{claim.text}” {_describe(other)}: “{other.text}”",
                "author": review_author,
                "datePublished": today,
                "identifier": f"crossclaim:{it.pair_key}:{side}",
            }
            if url_template:
                review["url"] = url_template.format(key=f"{it.pair_key}-{side}", pair_key=it.pair_key, side=side)
            out.append(review)
    return out
