"""Reviewers' verdicts on flagged pairs: set and read them, their audit trail, and the review queue.

A verdict hangs on the pair's content key (``models.pair_key``: the two claim texts and speakers), not on claim or
pair ids, so it survives re-ingest and re-scan (issue 4). ``verdicts`` holds the current value per key;
``verdict_log`` holds every change with the value it replaced. Both are written in one short ``BEGIN IMMEDIATE``
transaction, so several reviewers on one file queue up instead of losing writes; a writer that still finds the
file busy retries with backoff.

Two reviewers on one pair must not silently overwrite each other: a verdict's ``version`` is the id of its last
``verdict_log`` row (0 = never reviewed). A writer that passes the version it showed (``set_verdict(...,
expect=...)``) is refused with ``StaleVerdict`` when someone changed the pair since.

The queue is plain SQL over ``pairs`` + ``claims`` + ``verdicts`` so filters, counts and paging stay in SQLite. It
shows each pair once: an updated article (a new document whose claims repeat the old one's) gives pairs with the
same ``pair_key`` as the old document's, and the queue keeps the likeliest row per key, as ``export`` does.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .errors import CrossclaimError
from .figures import FigureGroup, drifting_figures
from .models import ECHO, LABELS, Claim, Reason, ScoredPair
from .store import Database, fold, tie_break_sql

__all__ = [
    "VERDICTS",
    "STATUSES",
    "UNREVIEWED",
    "Verdict",
    "LogEntry",
    "QueueFilter",
    "QueueItem",
    "ClusterView",
    "ReviewError",
    "StaleVerdict",
    "set_verdict",
    "get_verdict",
    "verdict_version",
    "verdict_log",
    "queue",
    "queue_ids",
    "count_queue",
    "status_counts",
    "get_item",
    "neighbours",
    "cluster_view",
    "facets",
    "figure_differences",
    "context_of",
    "reason_detail",
    "describe_reason",
]

VERDICTS: tuple[str, ...] = ("confirmed", "false_alarm", "temporal_update", "needs_more")
"""What a reviewer can say about a pair: a real conflict, not one, newer news rather than a conflict, still open."""

UNREVIEWED = "unreviewed"
STATUSES: tuple[str, ...] = (UNREVIEWED, *VERDICTS)
"""A pair's review status: its verdict, or ``unreviewed``."""

_BUSY_RETRIES = 8


class ReviewError(CrossclaimError):
    """A verdict or queue request that cannot be honoured (unknown status, unknown pair...)."""


class StaleVerdict(ReviewError):
    """A verdict written against a state of the pair that someone else has changed since.

    ``current`` is the pair's verdict now (None if it was cleared), ``expected`` the version the writer showed.
    """

    def __init__(self, pair_key: str, expected: int, current: Verdict | None):
        self.pair_key, self.expected, self.current = pair_key, expected, current
        if current is None:
            now = "unreviewed"
        else:
            now = f"{current.status} by {current.reviewer or 'anonymous'}"
            if current.note:
                now += f" (note: {current.note!r})"
        super().__init__(f"this pair changed while you were looking at it: it is now {now}; reload it, or send "
                         f"version {current.version if current else 0} to overwrite that")


@dataclass(frozen=True, slots=True)
class Verdict:
    """A pair's current verdict. ``version`` is the id of its last ``verdict_log`` row: what a writer passes as
    ``expect`` to ``set_verdict`` so it does not overwrite a change it has not seen."""

    pair_key: str
    status: str
    note: str | None
    reviewer: str | None
    updated_at: float
    version: int = 0


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One change of a verdict: ``previous`` is the status it replaced (None for the first verdict)."""

    id: int
    pair_key: str
    status: str
    previous: str | None
    note: str | None
    reviewer: str | None
    at: float


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows. Empty fields do not filter.

    ``labels`` empty = every label. ``status`` is one of ``STATUSES``, or ``reviewed`` (any verdict). ``outlet`` and
    ``speaker`` match either side exactly; ``q`` is a substring of either claim's text, speaker or outlet, case and
    accents ignored (``store.fold``); ``date_from``/``date_to`` (ISO dates, inclusive) match if either claim was
    published in the range; ``differs`` keeps the pairs on one subject whose claims give different figures for one
    thing (relays: figures or dates; ``models.gives_different_figures``).
    """

    labels: tuple[str, ...] = ("contradicts",)
    status: str | None = None
    outlet: str | None = None
    speaker: str | None = None
    cluster: int | None = None
    date_from: str | None = None
    date_to: str | None = None
    q: str | None = None
    min_score: float = 0.0
    differs: bool = False

    def __post_init__(self):
        if self.status and self.status not in (*STATUSES, "reviewed"):
            raise ReviewError(f"unknown status {self.status!r}; use one of {', '.join((*STATUSES, 'reviewed'))}")


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One pair as the queue shows it: the scored pair, its row id, and its verdict (None = unreviewed)."""

    pair_id: str
    pair: ScoredPair
    verdict: Verdict | None

    @property
    def pair_key(self) -> str:
        return self.pair.pair_key

    @property
    def status(self) -> str:
        return self.verdict.status if self.verdict else UNREVIEWED

    @property
    def p_contradicts(self) -> float:
        return self.pair.probs.get("contradicts", 0.0)


@dataclass(frozen=True, slots=True)
class ClusterView:
    """The claims of one cluster grouped by source (speaker, outlet), and the scored pairs between them, each once
    (as the queue lists them)."""

    cluster: int
    groups: tuple[tuple[tuple[str | None, str | None], tuple[Claim, ...]], ...]
    items: tuple[QueueItem, ...] = field(default=())
    figures: tuple[FigureGroup, ...] = field(default=())  # what its sources give differently (``figures``)
    # claim id -> id of the claim ``groups`` lists for it: an updated article repeats the old one's claims (same
    # text, speaker and outlet), and each is listed once
    listed_as: Mapping[str, str] = field(default_factory=dict)


# -- verdicts ----------------------------------------------------------------------------------------------------
def _is_busy(exc: sqlite3.OperationalError) -> bool:
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


def _check_text(name: str, value: str | None) -> None:
    """Refuse text SQLite cannot store as UTF-8 (a lone surrogate such as JSON's "\\ud800")."""
    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ReviewError(f"{name} is not valid text: character {exc.start + 1} is a lone surrogate "
                          f"({value[exc.start]!a})") from None


def verdict_version(db: Database, pair_key: str) -> int:
    """The pair's verdict version: the id of its last ``verdict_log`` row, 0 if it was never reviewed."""
    return db.conn.execute("SELECT coalesce(max(id), 0) FROM verdict_log WHERE pair_key = ?", (pair_key,)).fetchone()[0]


def set_verdict(
    db: Database, pair_key: str, status: str, *, note: str | None = None, reviewer: str | None = None,
    expect: int | None = None,
) -> LogEntry:
    """Record a verdict and its audit-log row in one transaction; returns the log row (its ``id`` is the verdict's
    new version).

    ``expect``: the version of the verdict the reviewer saw (``Verdict.version``, 0 for an unreviewed pair). When
    given and the pair has changed since, nothing is written and ``StaleVerdict`` is raised, so a second reviewer
    does not silently overwrite the first. None writes whatever the pair's state (last writer wins).

    Retries with jittered backoff when the file stays busy past SQLite's own busy timeout, so a burst of
    concurrent reviewers loses nothing (tests/test_concurrency.py).
    """
    if status not in VERDICTS:
        raise ReviewError(f"unknown verdict {status!r}; use one of {', '.join(VERDICTS)}")
    if not pair_key:
        raise ReviewError("empty pair key")
    _check_text("note", note)
    _check_text("reviewer", reviewer)
    note = (note or "").strip() or None
    reviewer = (reviewer or "").strip() or None
    delay = 0.01
    for attempt in range(_BUSY_RETRIES + 1):
        try:
            with db.atomic() as conn:
                now = time.time()
                # read under the write lock (BEGIN IMMEDIATE), so no other writer can slip in between check and write
                if expect is not None and verdict_version(db, pair_key) != expect:
                    raise StaleVerdict(pair_key, expect, get_verdict(db, pair_key))
                row = conn.execute("SELECT status FROM verdicts WHERE pair_key = ?", (pair_key,)).fetchone()
                previous = row[0] if row else None
                conn.execute(
                    "INSERT INTO verdicts (pair_key, status, note, reviewer, updated_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT(pair_key) DO UPDATE SET status = excluded.status, note = excluded.note, "
                    "reviewer = excluded.reviewer, updated_at = excluded.updated_at",
                    (pair_key, status, note, reviewer, now),
                )
                cur = conn.execute(
                    "INSERT INTO verdict_log (pair_key, status, previous, note, reviewer, at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (pair_key, status, previous, note, reviewer, now),
                )
                log_id = cur.lastrowid
            return LogEntry(log_id, pair_key, status, previous, note, reviewer, now)
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or attempt == _BUSY_RETRIES:
                raise
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 1.0)
    raise AssertionError("unreachable")


def get_verdict(db: Database, pair_key: str) -> Verdict | None:
    r = db.conn.execute(f"SELECT v.*, {_VERSION_SQL} AS version FROM verdicts v WHERE v.pair_key = ?",
                        (pair_key,)).fetchone()
    return None if r is None else Verdict(r["pair_key"], r["status"], r["note"], r["reviewer"], r["updated_at"],
                                          r["version"])


def verdict_log(db: Database, pair_key: str | None = None) -> list[LogEntry]:
    """The audit trail, oldest first; of one pair when ``pair_key`` is given."""
    sql = "SELECT * FROM verdict_log" + (" WHERE pair_key = ?" if pair_key else "") + " ORDER BY id"
    rows = db.conn.execute(sql, (pair_key,) if pair_key else ()).fetchall()
    return [LogEntry(r["id"], r["pair_key"], r["status"], r["previous"], r["note"], r["reviewer"], r["at"])
            for r in rows]


# -- the queue ---------------------------------------------------------------------------------------------------
_VERSION_SQL = "(SELECT coalesce(max(l.id), 0) FROM verdict_log l WHERE l.pair_key = v.pair_key)"
_SELECT = f"""
    SELECT p.*, v.status AS v_status, v.note AS v_note, v.reviewer AS v_reviewer, v.updated_at AS v_at,
           {_VERSION_SQL} AS v_version
    FROM pairs p
    JOIN claims a ON a.claim_id = p.a_id
    JOIN claims b ON b.claim_id = p.b_id
    LEFT JOIN verdicts v ON v.pair_key = p.pair_key
"""
# Highest contradiction probability first: the desk looks at the likeliest conflicts first (issue 4).
_RANK = f"p.p_contradicts DESC, p.score DESC, {tie_break_sql('p')}, p.pair_id"
_ORDER = " ORDER BY " + _RANK
_FROM = """
    FROM pairs p JOIN claims a ON a.claim_id = p.a_id JOIN claims b ON b.claim_id = p.b_id
    LEFT JOIN verdicts v ON v.pair_key = p.pair_key
"""


_DIFFERS_SQL = "p.differs = 1"
"""``models.gives_different_figures``, stored with each pair (``Database.add_pairs``): pairs on one subject whose
claims give different figures for one thing (relays: figures or dates)."""


def _where(f: QueueFilter, *, with_status: bool = True) -> tuple[str, list]:
    where: list[str] = []
    params: list = []
    if f.labels:
        where.append(f"p.label IN ({','.join('?' * len(f.labels))})")
        params += list(f.labels)
    if f.min_score:
        where.append("p.p_contradicts >= ?")
        params.append(f.min_score)
    if with_status and f.status:
        if f.status == UNREVIEWED:
            where.append("v.status IS NULL")
        elif f.status == "reviewed":
            where.append("v.status IS NOT NULL")
        else:
            where.append("v.status = ?")
            params.append(f.status)
    if f.outlet:
        where.append("(a.outlet = ? OR b.outlet = ?)")
        params += [f.outlet, f.outlet]
    if f.speaker:
        where.append("(a.speaker = ? OR b.speaker = ?)")
        params += [f.speaker, f.speaker]
    if f.cluster is not None:
        where.append("p.cluster = ?")
        params.append(f.cluster)
    if f.date_from or f.date_to:
        lo, hi = f.date_from or "0000", (f.date_to or "9999") + "\uffff"
        where.append("((a.published >= ? AND a.published <= ?) OR (b.published >= ? AND b.published <= ?))")
        params += [lo, hi, lo, hi]
    if f.differs:
        where.append(_DIFFERS_SQL)
    if f.q and fold(f.q).strip():
        # SQLite's LIKE folds ASCII only (MÜLLER would miss Müller): compare Python-folded text instead
        # (``store.fold``, registered on every connection). One call per row: the six columns joined by a
        # separator no search can contain.
        cols = " || char(31) || ".join(f"coalesce({c}, '')" for c in (
            "a.text", "b.text", "a.speaker", "b.speaker", "a.outlet", "b.outlet"))
        where.append(f"instr(fold({cols}), ?) > 0")
        params.append(fold(f.q).strip())
    return (" WHERE " + " AND ".join(where)) if where else "", params


def _shown(f: QueueFilter, *, with_status: bool = True) -> tuple[str, list]:
    """SQL for the rows the queue shows under ``f``: ``pair_id`` and ``v_status`` of one row per ``pair_key``.

    An updated article is a new document, so its claims pair up again with the same texts and speakers: the same
    ``pair_key`` (and verdict) as the old document's pairs. Like ``export`` (and ``scan``'s output, which keeps one
    row per pair of sources), the queue keeps the likeliest matching row per key, in queue order.
    """
    where, params = _where(f, with_status=with_status)
    sql = (f"SELECT pair_id, v_status FROM (SELECT p.pair_id, v.status AS v_status, "
           f"row_number() OVER (PARTITION BY p.pair_key ORDER BY {_RANK}) AS n_key {_FROM}{where}) WHERE n_key = 1")
    return sql, params


def _claims_by_id(db: Database, ids: Iterable[str]) -> dict[str, Claim]:
    ids_l = list(set(ids))
    out: dict[str, Claim] = {}
    for i in range(0, len(ids_l), 500):
        chunk = ids_l[i : i + 500]
        for r in db.conn.execute(f"SELECT * FROM claims WHERE claim_id IN ({','.join('?' * len(chunk))})", chunk):
            out[r["claim_id"]] = Database._claim(r)
    return out


def _items(db: Database, rows: list[sqlite3.Row]) -> list[QueueItem]:
    claims = _claims_by_id(db, [r["a_id"] for r in rows] + [r["b_id"] for r in rows])
    out = []
    for r in rows:
        reasons = tuple(Reason.from_dict(d) for d in json.loads(r["reasons"]))
        pair = ScoredPair(
            a=claims[r["a_id"]], b=claims[r["b_id"]], label=r["label"],
            probs={lab: r[f"p_{lab}"] for lab in LABELS}, reasons=reasons, cluster=r["cluster"],
            nli=(r["nli_ab"] or 0.0, r["nli_ba"] or 0.0), p_model=r["p_model"],
        )
        verdict = None
        if r["v_status"] is not None:
            verdict = Verdict(r["pair_key"], r["v_status"], r["v_note"], r["v_reviewer"], r["v_at"], r["v_version"])
        out.append(QueueItem(pair_id=r["pair_id"], pair=pair, verdict=verdict))
    return out


def queue(db: Database, f: QueueFilter = QueueFilter(), *, limit: int | None = None,
          offset: int = 0) -> list[QueueItem]:
    """Pairs matching ``f``, one per ``pair_key``, likeliest conflicts first."""
    shown, params = _shown(f)
    sql = _SELECT + f" WHERE p.pair_id IN (SELECT pair_id FROM ({shown}))" + _ORDER
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    return _items(db, db.conn.execute(sql, params).fetchall())


def queue_ids(db: Database, f: QueueFilter = QueueFilter()) -> list[str]:
    """Pair ids of the queue in order (cheap: for next/previous navigation)."""
    shown, params = _shown(f)
    sql = f"SELECT p.pair_id FROM pairs p WHERE p.pair_id IN (SELECT pair_id FROM ({shown}))" + _ORDER
    return [r[0] for r in db.conn.execute(sql, params)]


def count_queue(db: Database, f: QueueFilter = QueueFilter()) -> int:
    """How many pairs ``queue(db, f)`` lists."""
    shown, params = _shown(f)
    return db.conn.execute(f"SELECT count(*) FROM ({shown})", params).fetchone()[0]


def status_counts(db: Database, f: QueueFilter = QueueFilter()) -> dict[str, int]:
    """How many pairs under ``f`` (ignoring its status) have each status, plus ``all``; counted as the queue lists
    them (one per ``pair_key``)."""
    shown, params = _shown(f, with_status=False)
    sql = f"SELECT coalesce(v_status, ?) AS s, count(*) FROM ({shown}) GROUP BY s"
    counts = {s: 0 for s in STATUSES}
    for s, n in db.conn.execute(sql, [UNREVIEWED, *params]):
        counts[s] = counts.get(s, 0) + n
    counts["all"] = sum(counts[s] for s in STATUSES)
    return counts


def get_item(db: Database, pair_id: str) -> QueueItem | None:
    rows = db.conn.execute(_SELECT + " WHERE p.pair_id = ?", (pair_id,)).fetchall()
    return _items(db, rows)[0] if rows else None


def neighbours(db: Database, pair_id: str, f: QueueFilter = QueueFilter()) -> tuple[str | None, str | None, int, int]:
    """(previous id, next id, 1-based position, total) of ``pair_id`` in the queue ``f``; position 0 if absent."""
    ids = queue_ids(db, f)
    try:
        i = ids.index(pair_id)
    except ValueError:
        return None, (ids[0] if ids else None), 0, len(ids)
    return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None), i + 1, len(ids)


def cluster_view(db: Database, cluster: int) -> ClusterView | None:
    """All claims of a cluster grouped by (speaker, outlet), and its scored pairs as the queue lists them (one per
    ``pair_key``). Claims with the same text, speaker and outlet (an updated article's copies of the old one's) are
    listed once, the first published; ``ClusterView.listed_as`` maps the others to it."""
    own = [r[0] for r in db.conn.execute("SELECT claim_id FROM clusters WHERE cluster = ?", (cluster,))]
    items = queue(db, QueueFilter(labels=(), cluster=cluster))
    ids = own + [c for it in items for c in (it.pair.a.claim_id, it.pair.b.claim_id)]
    if not ids:
        return None
    by_id = _claims_by_id(db, ids)
    listed: dict[tuple[str, str | None, str | None], Claim] = {}
    listed_as: dict[str, str] = {}
    for c in sorted(by_id.values(), key=lambda c: (c.published or "", c.doc_id, c.position)):
        first = listed.setdefault((c.text, c.speaker, c.outlet), c)
        listed_as[c.claim_id] = first.claim_id
    claims = list(listed.values())
    own_listed = {listed_as[i] for i in own if i in listed_as}
    figures = drifting_figures([c for c in claims if c.claim_id in own_listed], dict.fromkeys(own_listed, cluster))
    groups: dict[tuple[str | None, str | None], list[Claim]] = {}
    for c in claims:
        groups.setdefault((c.speaker, c.outlet), []).append(c)
    ordered = sorted(groups.items(), key=lambda kv: ((kv[0][0] or "~").lower(), (kv[0][1] or "").lower()))
    return ClusterView(cluster, tuple((k, tuple(v)) for k, v in ordered), tuple(items), tuple(figures), listed_as)


def figure_differences(db: Database) -> tuple[int, int]:
    """How many pairs on one subject give different figures (``models.gives_different_figures``), and how many of
    those are relays (``echo``) whose two copies differ: numbers that drift between sources, and misquotes or updates
    between outlets. Counted as the queue lists them (``?label=any&differs=1``: one per ``pair_key``)."""
    return (count_queue(db, QueueFilter(labels=(), differs=True)),
            count_queue(db, QueueFilter(labels=(ECHO,), differs=True)))


def facets(db: Database) -> dict[str, list]:
    """Values the queue's filters can take: outlets, speakers, clusters, labels (those present in flagged pairs)."""
    q = db.conn.execute
    return {
        "outlets": [r[0] for r in q("SELECT DISTINCT outlet FROM claims WHERE outlet IS NOT NULL ORDER BY outlet")],
        "speakers": [r[0] for r in q("SELECT DISTINCT speaker FROM claims WHERE speaker IS NOT NULL ORDER BY speaker")],
        "clusters": [r[0] for r in q("SELECT DISTINCT cluster FROM pairs WHERE cluster IS NOT NULL ORDER BY cluster")],
        "labels": [r[0] for r in q("SELECT DISTINCT label FROM pairs ORDER BY label")],
    }


# -- reasons as shown ----------------------------------------------------------------------------------------------
def reason_detail(r: Reason) -> str:
    """A reason's detail without a leading "kind: " (cue reasons carry it: ``negation: “not”``), for showing next to
    the kind."""
    head = f"{r.kind}:"
    return r.detail[len(head):].lstrip() if r.detail.startswith(head) else r.detail


def describe_reason(r: Reason) -> str:
    """``kind: detail`` with the kind once (``denial: “denied”``, not ``denial: denial: “denied”``)."""
    return f"{r.kind}: {reason_detail(r)}"


# -- context -----------------------------------------------------------------------------------------------------
_SENT_END = re.compile(r"[.!?…][\"'”’)\]]*\s+|\n\s*\n")


def context_of(doc_text: str | None, claim: Claim, *, n_sentences: int = 1, max_chars: int = 400) -> tuple[str, str]:
    """The document text just before and just after a claim: up to ``n_sentences`` each side, at most ``max_chars``.

    Returns ``("", "")`` when the document is missing or the claim's span no longer matches it.
    """
    if not doc_text:
        return "", ""
    start, end = claim.span
    if not (0 <= start <= end <= len(doc_text)):
        return "", ""
    if " ".join(doc_text[start:end].split()) != " ".join(claim.text.split()):
        return "", ""
    head = doc_text[max(0, start - max_chars) : start]
    cuts = [m.end() for m in _SENT_END.finditer(head.rstrip())]
    # head is stripped before matching, so the boundary just before the claim does not count
    before = head[cuts[-n_sentences] :] if len(cuts) >= n_sentences else head
    if len(cuts) < n_sentences and start - max_chars > 0:
        before = "…" + before.lstrip()
    tail = doc_text[end : end + max_chars]
    ends = [m.end() for m in _SENT_END.finditer(tail)]
    # the first boundary just closes the claim's own sentence when the span stops before its full stop
    skip = 1 if ends and ends[0] <= 3 else 0
    after = tail[: ends[n_sentences - 1 + skip]] if len(ends) >= n_sentences + skip else tail
    if len(ends) < n_sentences + skip and end + max_chars < len(doc_text):
        after = after.rstrip() + "…"
    return before, after
