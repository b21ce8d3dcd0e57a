"""The SQLite store: documents, claims, clusters and scored pairs in one file.

``Database`` wraps one connection. Schema changes are named, ordered migrations; the ``migrations`` table records
which ran, and ``PRAGMA user_version`` holds their count (the schema version). Every document is written in one
transaction with its claims (``add_document``), so an input that fails half-way leaves nothing behind.
"""

from __future__ import annotations

import json
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import StoreError
from .models import Claim, Document, Reason, ScoredPair, gives_different_figures

__all__ = ["Database", "SCHEMA_VERSION", "tie_break_sql", "fold"]


def fold(text: str | None) -> str | None:
    """``text`` for matching that ignores case and accents: compatibility-decomposed (NFKD), case-folded, and
    stripped of combining marks ("MÜLLER", "Müller", "Muller" -> "muller"; "STRASSE", "Straße" -> "strasse";
    "İstanbul", "ISTANBUL" -> "istanbul", where case-folding alone leaves an "i" with a combining dot). SQLite's own
    LIKE and lower() fold ASCII letters only.

    Registered on every connection as the SQL function ``fold(x)``.
    """
    if text is None:
        return None
    # NFKD again after casefold: folding can produce characters that decompose ("İ" -> "i" + combining dot)
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _script(conn: sqlite3.Connection, sql: str) -> None:
    """Run several statements inside the current transaction (executescript would commit it first)."""
    for stmt in sql.split(";"):
        if stmt.strip():
            conn.execute(stmt)


def _m001_initial(conn: sqlite3.Connection) -> None:
    _script(
        conn,
        """
        CREATE TABLE documents (
            doc_id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            outlet TEXT,
            url TEXT,
            published TEXT,
            title TEXT,
            text TEXT NOT NULL,
            ingested_at REAL NOT NULL
        );
        CREATE TABLE claims (
            claim_id TEXT PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            position INTEGER NOT NULL,
            text TEXT NOT NULL,
            assertion TEXT NOT NULL,
            context TEXT NOT NULL,
            speaker TEXT,
            outlet TEXT,
            relay TEXT NOT NULL,      -- JSON list, outlet first
            published TEXT,
            entities TEXT NOT NULL    -- JSON list
        );
        CREATE INDEX claims_doc ON claims(doc_id);
        CREATE TABLE clusters (
            claim_id TEXT PRIMARY KEY REFERENCES claims(claim_id) ON DELETE CASCADE,
            cluster INTEGER NOT NULL
        );
        CREATE INDEX clusters_cluster ON clusters(cluster);
        CREATE TABLE pairs (
            pair_id TEXT PRIMARY KEY,
            pair_key TEXT NOT NULL,
            a_id TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
            b_id TEXT NOT NULL REFERENCES claims(claim_id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            score REAL NOT NULL,
            p_contradicts REAL NOT NULL,
            p_agrees REAL NOT NULL,
            p_neutral REAL NOT NULL,
            p_unrelated REAL NOT NULL,
            nli_ab REAL,
            nli_ba REAL,
            reasons TEXT NOT NULL,    -- JSON list of {kind, detail, side?, span?}
            cluster INTEGER,
            scorer TEXT NOT NULL,
            scored_at REAL NOT NULL
        );
        CREATE INDEX pairs_label ON pairs(label, p_contradicts DESC);
        CREATE INDEX pairs_key ON pairs(pair_key);
        """
    )


def _m002_verdicts(conn: sqlite3.Connection) -> None:
    # Verdicts hang on the pair's content key (claim texts + speakers), not on claim ids, so they survive
    # re-ingest and re-scan. verdict_log is the audit trail: every change, with the value it replaced.
    _script(
        conn,
        """
        CREATE TABLE verdicts (
            pair_key TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            note TEXT,
            reviewer TEXT,
            updated_at REAL NOT NULL
        );
        CREATE TABLE verdict_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            pair_key TEXT NOT NULL,
            status TEXT NOT NULL,
            previous TEXT,
            note TEXT,
            reviewer TEXT,
            at REAL NOT NULL
        );
        CREATE INDEX verdict_log_key ON verdict_log(pair_key);
        """
    )


def _m003_document_ref(conn: sqlite3.Connection) -> None:
    # the input's own id for a story (JSONL/CSV `id`), so a desk can map flagged claims back to its own records
    conn.execute("ALTER TABLE documents ADD COLUMN ref TEXT")


def _m004_pair_p_model(conn: sqlite3.Connection) -> None:
    # the classifier's own p(contradicts) before the rebuttal rule's floor: the first tie-break among pairs the
    # rule raised to one probability (NULL for pairs scored before)
    conn.execute("ALTER TABLE pairs ADD COLUMN p_model REAL")


def _m005_pair_differs(conn: sqlite3.Connection) -> None:
    # whether the pair gives different figures (models.gives_different_figures), stored with the pair so the queue
    # filters and counts such pairs by an index instead of parsing every pair's reasons on every page; pairs stored
    # before are backfilled from their reasons
    conn.execute("ALTER TABLE pairs ADD COLUMN differs INTEGER NOT NULL DEFAULT 0")
    recompute_differs(conn)
    conn.execute("CREATE INDEX pairs_differs ON pairs(differs) WHERE differs = 1")


def _m006_settings(conn: sqlite3.Connection) -> None:
    # what a store remembers between runs: the parameter file its pairs were scored with, so that a later scan
    # without --params keeps that scorer instead of silently re-scoring with the shipped one
    conn.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def recompute_differs(conn: sqlite3.Connection) -> int:
    """Set every stored pair's ``differs`` from its label and reasons; returns how many give different figures.

    The column is written by ``Database.add_pairs``; a migration that changes ``models.gives_different_figures``
    calls this to bring the pairs already stored in line.
    """
    flags = []
    for pair_id, label, reasons, old in conn.execute("SELECT pair_id, label, reasons, differs FROM pairs"):
        try:
            differs = gives_different_figures(label, [Reason.from_dict(d) for d in json.loads(reasons)])
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise sqlite3.DatabaseError(f"pair {pair_id} has unreadable reasons ({exc})") from exc
        flags.append((int(differs), pair_id, old))
    conn.executemany("UPDATE pairs SET differs = ? WHERE pair_id = ?", [(f, pid) for f, pid, old in flags if f != old])
    return sum(f for f, _, _ in flags)


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("001_initial", _m001_initial),
    ("002_verdicts", _m002_verdicts),
    ("003_document_ref", _m003_document_ref),
    ("004_pair_p_model", _m004_pair_p_model),
    ("005_pair_differs", _m005_pair_differs),
    ("006_settings", _m006_settings),
]
SCHEMA_VERSION = len(MIGRATIONS)


def tie_break_sql(table: str = "") -> str:
    """ORDER BY terms for pairs of equal probability, ``table`` the pairs table's alias.

    Pairs the rebuttal rule raised to its precision share one p(contradicts). Among them, the classifier's own
    p(contradicts) before the rule comes first (``p_model``; pairs stored without it count with their p), then the
    stronger NLI contradiction score (either direction).
    """
    p = f"{table}." if table else ""
    return (f"COALESCE({p}p_model, {p}p_contradicts) DESC, "
            f"MAX(COALESCE({p}nli_ab, 0), COALESCE({p}nli_ba, 0)) DESC")


class Database:
    """One SQLite file (or ``memory=True``) holding the pipeline's state.

    >>> with Database(memory=True) as db:
    ...     db.count("documents")
    0
    """

    def __init__(self, path: str | Path | None = None, *, memory: bool = False, timeout: float = 30.0):
        if memory:
            self.path = ":memory:"
        elif path is None:
            raise ValueError("give a path or memory=True")
        else:
            self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.create_function("fold", 1, fold, deterministic=True)
            self.conn.execute("PRAGMA foreign_keys = ON")
            if not memory:
                self._wal(timeout)
                self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable crossclaim database ({exc})") from exc

    def _wal(self, timeout: float) -> None:
        """Switch to WAL. On a new file, openers racing to switch it get "database is locked" at once (SQLite
        does not wait on this one), so try again until ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    # -- lifecycle -------------------------------------------------------------------------------------------
    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one transaction (BEGIN IMMEDIATE, so writers queue instead of failing late)."""
        if self.conn.in_transaction:  # nested: join the outer transaction
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def _migrate(self) -> None:
        self.conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
        done = {r[0] for r in self.conn.execute("SELECT name FROM migrations")}
        known = {n for n, _ in MIGRATIONS}
        if done - known:
            raise StoreError(
                f"{self.path}: written by a newer crossclaim (unknown migrations: {', '.join(sorted(done - known))})"
            )
        for name, fn in MIGRATIONS:
            if name in done:
                continue
            with self.atomic() as conn:
                # another process may have run it since `done` was read: check again under the write lock
                if conn.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                    continue
                fn(conn)
                conn.execute("INSERT INTO migrations VALUES (?, ?)", (name, time.time()))
        self.conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def count(self, table: str, where: str = "", params: Iterable = ()) -> int:
        if table not in {"documents", "claims", "clusters", "pairs"} and not table.isidentifier():
            raise ValueError(f"unknown table {table!r}")
        sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return self.conn.execute(sql, tuple(params)).fetchone()[0]

    # -- settings -------------------------------------------------------------------------------------------
    def setting(self, key: str) -> str | None:
        r = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if r is None else r[0]

    def set_setting(self, key: str, value: str | None) -> None:
        with self.atomic() as conn:
            if value is None:
                conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, value))

    # -- documents and claims ---------------------------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone() is not None

    def add_document(self, doc: Document, claims: Iterable[Claim] = ()) -> bool:
        """Write a document and its claims in one transaction. Returns False if it was already stored."""
        with self.atomic() as conn:
            if conn.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc.doc_id,)).fetchone():
                return False
            conn.execute(
                "INSERT INTO documents (doc_id, source, outlet, url, published, title, text, ingested_at, ref) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc.doc_id, doc.source, doc.outlet, doc.url, doc.published, doc.title, doc.text, time.time(),
                 doc.ref),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.claim_id, c.doc_id, c.span[0], c.span[1], c.position, c.text, c.assertion, c.context,
                        c.speaker, c.outlet, json.dumps(list(c.relay)), c.published, json.dumps(list(c.entities)),
                    )
                    for c in claims
                ],
            )
        return True

    def documents(self) -> list[Document]:
        rows = self.conn.execute("SELECT * FROM documents ORDER BY ingested_at, doc_id").fetchall()
        return [self._document(r) for r in rows]

    def document_links(self, doc_ids: Iterable[str] | None = None) -> dict[str, tuple[str | None, str | None]]:
        """doc_id -> (URL, the input's own id ``Document.ref``), without reading the texts.

        All documents, or only ``doc_ids`` (unknown ids are left out)."""
        if doc_ids is None:
            rows = self.conn.execute("SELECT doc_id, url, ref FROM documents")
            return {d: (url, ref) for d, url, ref in rows}
        ids = sorted(set(doc_ids))
        out: dict[str, tuple[str | None, str | None]] = {}
        for i in range(0, len(ids), 500):  # under SQLite's bound-parameter limit
            chunk = ids[i:i + 500]
            rows = self.conn.execute(
                f"SELECT doc_id, url, ref FROM documents WHERE doc_id IN ({','.join('?' * len(chunk))})", chunk)
            out.update({d: (url, ref) for d, url, ref in rows})
        return out

    def document_refs(self) -> dict[str, str | None]:
        """doc_id -> the input's own id (``Document.ref``), without reading the texts."""
        return {d: ref for d, (_, ref) in self.document_links().items()}

    def document(self, doc_id: str) -> Document | None:
        r = self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if r is None:
            return None
        return self._document(r)

    @staticmethod
    def _document(r: sqlite3.Row) -> Document:
        return Document(doc_id=r["doc_id"], text=r["text"], source=r["source"], outlet=r["outlet"], url=r["url"],
                        published=r["published"], title=r["title"], ref=r["ref"])

    @staticmethod
    def _claim(r: sqlite3.Row) -> Claim:
        return Claim(
            claim_id=r["claim_id"], doc_id=r["doc_id"], text=r["text"], span=(r["start"], r["end"]),
            assertion=r["assertion"], context=r["context"], speaker=r["speaker"], outlet=r["outlet"],
            relay=tuple(json.loads(r["relay"])), published=r["published"], entities=tuple(json.loads(r["entities"])),
            position=r["position"],
        )

    def claims(self, doc_ids: Iterable[str] | None = None) -> list[Claim]:
        if doc_ids is None:
            rows = self.conn.execute("SELECT * FROM claims ORDER BY doc_id, position").fetchall()
        else:
            ids = list(doc_ids)
            rows = []
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                rows += self.conn.execute(
                    f"SELECT * FROM claims WHERE doc_id IN ({','.join('?' * len(chunk))}) ORDER BY doc_id, position",
                    chunk,
                ).fetchall()
        return [self._claim(r) for r in rows]

    def claim(self, claim_id: str) -> Claim | None:
        r = self.conn.execute("SELECT * FROM claims WHERE claim_id = ?", (claim_id,)).fetchone()
        return None if r is None else self._claim(r)

    # -- clusters and pairs -----------------------------------------------------------------------------------
    def set_clusters(self, assignment: dict[str, int]) -> None:
        """Replace the clustering, and re-point stored pairs at it (cluster ids change between scans)."""
        with self.atomic() as conn:
            conn.execute("DELETE FROM clusters")
            conn.executemany("INSERT INTO clusters VALUES (?, ?)", list(assignment.items()))
            conn.execute(
                "UPDATE pairs SET cluster = (SELECT cluster FROM clusters WHERE clusters.claim_id = pairs.a_id)"
            )

    def clusters(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT claim_id, cluster FROM clusters")}

    def scored_pair_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT pair_id FROM pairs")}

    def pairs_scored_otherwise(self, scorer: str) -> list[tuple[str, str]]:
        """(a_id, b_id) of the stored pairs a scorer other than ``scorer`` scored (relays are scored by no model)."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT a_id, b_id FROM pairs WHERE scorer != ? AND scorer != 'relay' ORDER BY pair_id", (scorer,))]

    def add_pairs(self, pairs: Iterable[ScoredPair], scorer: str) -> int:
        rows = []
        now = time.time()
        for p in pairs:
            rows.append(
                (
                    p.pair_id, p.pair_key, p.a.claim_id, p.b.claim_id, p.label, p.score,
                    p.probs.get("contradicts", 0.0), p.probs.get("agrees", 0.0), p.probs.get("neutral", 0.0),
                    p.probs.get("unrelated", 0.0), p.nli[0], p.nli[1],
                    json.dumps([r.to_dict() for r in p.reasons]), p.cluster, scorer, now, p.p_model,
                    int(gives_different_figures(p.label, p.reasons)),
                )
            )
        with self.atomic() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO pairs (pair_id, pair_key, a_id, b_id, label, score, p_contradicts, p_agrees, "
                "p_neutral, p_unrelated, nli_ab, nli_ba, reasons, cluster, scorer, scored_at, p_model, differs) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
        return len(rows)

    def pairs(self, labels: Iterable[str] | None = None, min_score: float = 0.0, *,
              differs: bool = False) -> list[ScoredPair]:
        """Stored pairs, most likely conflicts first (by the probability of their label, then p_contradicts).

        ``differs`` keeps the pairs whose claims give different figures (``models.gives_different_figures``, stored
        with each pair)."""
        sql = "SELECT * FROM pairs"
        params: list = []
        where = []
        if labels is not None:
            labels = list(labels)
            where.append(f"label IN ({','.join('?' * len(labels))})")
            params += labels
        if min_score:
            where.append("score >= ?")
            params.append(min_score)
        if differs:
            where.append("differs = 1")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY score DESC, p_contradicts DESC, {tie_break_sql()}, pair_id"
        rows = self.conn.execute(sql, params).fetchall()
        claims: dict[str, Claim] = {}
        ids = {r["a_id"] for r in rows} | {r["b_id"] for r in rows}
        ids_l = list(ids)
        for i in range(0, len(ids_l), 500):
            chunk = ids_l[i : i + 500]
            for r in self.conn.execute(
                f"SELECT * FROM claims WHERE claim_id IN ({','.join('?' * len(chunk))})", chunk
            ):
                claims[r["claim_id"]] = self._claim(r)
        out = []
        for r in rows:
            reasons = tuple(Reason.from_dict(d) for d in json.loads(r["reasons"]))
            probs = {"contradicts": r["p_contradicts"], "agrees": r["p_agrees"], "neutral": r["p_neutral"],
                     "unrelated": r["p_unrelated"]}
            probs.setdefault(r["label"], r["score"])  # e.g. "echo" pairs keep their own score
            out.append(
                ScoredPair(
                    a=claims[r["a_id"]], b=claims[r["b_id"]], label=r["label"],
                    probs=probs,
                    reasons=reasons, cluster=r["cluster"], nli=(r["nli_ab"] or 0.0, r["nli_ba"] or 0.0),
                    p_model=r["p_model"],
                )
            )
        return out
