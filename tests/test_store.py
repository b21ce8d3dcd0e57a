"""The SQLite store: migrations, one transaction per document, idempotent re-adds, pair round trips, bad files."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time

import pytest

from detector.errors import StoreError
from detector.models import ECHO, LABELS, Claim, Document, Reason, ScoredPair
from detector.store import MIGRATIONS, SCHEMA_VERSION, Database

TEXT = (
    "The river authority said the dam would reopen in May. "
    "Local farmers told the Valley Gazette that the gates had stayed shut for three weeks."
)


def make_doc(text: str = TEXT, **kw) -> Document:
    return Document(doc_id=Document.make_id(text), text=text, source=kw.pop("source", "mem.txt"), **kw)


def make_claims(doc: Document, speakers=("river authority", "local farmers")) -> list[Claim]:
    out = []
    pos = 0
    for i, (sentence, speaker) in enumerate(zip(doc.text.split(". "), speakers)):
        sentence = sentence if sentence.endswith(".") else sentence + "."
        start = doc.text.index(sentence[:-1], pos)
        span = (start, start + len(sentence))
        pos = span[1] - 1
        out.append(Claim(
            claim_id=Claim.make_id(doc.doc_id, span), doc_id=doc.doc_id, text=sentence, span=span,
            assertion=sentence, context=sentence, speaker=speaker, outlet=doc.outlet,
            relay=tuple(x for x in (doc.outlet, speaker) if x), published=doc.published,
            entities=("Valley Gazette",) if i else (), position=i,
        ))
    return out


def test_fresh_store_runs_every_migration(fresh_db):
    assert fresh_db.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    names = [r[0] for r in fresh_db.conn.execute("SELECT name FROM migrations ORDER BY name")]
    assert names == sorted(n for n, _ in MIGRATIONS)
    tables = {r[0] for r in fresh_db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"documents", "claims", "clusters", "pairs", "migrations"} <= tables


def test_reopening_a_file_does_not_rerun_migrations(tmp_path):
    path = tmp_path / "s.db"
    with Database(path) as db:
        first = dict(db.conn.execute("SELECT name, applied_at FROM migrations").fetchall())
        db.add_document(make_doc())
    time.sleep(0.01)
    with Database(path) as db:
        again = dict(db.conn.execute("SELECT name, applied_at FROM migrations").fetchall())
        assert again == first
        assert db.schema_version == SCHEMA_VERSION
        assert db.count("documents") == 1


def test_add_document_stores_document_and_claims(fresh_db):
    doc = make_doc(outlet="Valley Gazette", published="2024-05-02", url="https://example.org/dam", title="Dam")
    claims = make_claims(doc)
    assert fresh_db.add_document(doc, claims) is True
    assert fresh_db.document(doc.doc_id) == doc
    assert fresh_db.documents() == [doc]
    assert fresh_db.claims() == claims  # every field survives, tuples included
    assert fresh_db.claim(claims[1].claim_id) == claims[1]
    assert fresh_db.claims([doc.doc_id]) == claims
    assert fresh_db.claims(["nope"]) == []


def test_readding_the_same_document_is_a_no_op(fresh_db):
    doc = make_doc()
    claims = make_claims(doc)
    assert fresh_db.add_document(doc, claims) is True
    assert fresh_db.add_document(doc, claims) is False
    # the same content from another source has the same id: still a no-op
    assert fresh_db.add_document(make_doc(source="elsewhere.txt"), claims) is False
    assert fresh_db.count("documents") == 1
    assert fresh_db.count("claims") == len(claims)


def test_failing_claim_insert_leaves_no_document(fresh_db):
    doc = make_doc()
    good = make_claims(doc)
    # a claim pointing at a document that does not exist violates the foreign key
    orphan = Claim(claim_id="x" * 16, doc_id="no-such-document", text="Orphan claim text here.", span=(0, 5),
                   assertion="Orphan.", context="Orphan.", speaker=None, outlet=None)
    with pytest.raises(sqlite3.IntegrityError):
        fresh_db.add_document(doc, [*good, orphan])
    assert fresh_db.count("documents") == 0
    assert fresh_db.count("claims") == 0
    assert not fresh_db.conn.in_transaction
    # the store is still usable and the document can be added properly afterwards
    assert fresh_db.add_document(doc, good) is True
    assert fresh_db.count("claims") == len(good)


def test_exception_while_producing_claims_rolls_back(fresh_db):
    doc = make_doc()

    def claims():
        yield from make_claims(doc)[:1]
        raise RuntimeError("extractor blew up")

    with pytest.raises(RuntimeError, match="extractor blew up"):
        fresh_db.add_document(doc, claims())
    assert (fresh_db.count("documents"), fresh_db.count("claims")) == (0, 0)


def scored(a: Claim, b: Claim, label="contradicts", cluster=3) -> ScoredPair:
    probs = {"contradicts": 0.7, "agrees": 0.1, "neutral": 0.15, "unrelated": 0.05}
    reasons = (
        Reason("nli", "NLI contradiction 0.81 (a→b), 0.64 (b→a)"),
        Reason("number", "3 week vs 5 week", "a", (10, 11)),
        Reason("denial", "denial: “denied”", "b", (0, 6)),
    )
    return ScoredPair(a=a, b=b, label=label, probs=probs, reasons=reasons, cluster=cluster, nli=(0.81, 0.64))


def test_pairs_round_trip(fresh_db):
    doc = make_doc()
    a, b = make_claims(doc)
    fresh_db.add_document(doc, [a, b])
    p = scored(a, b)
    assert fresh_db.add_pairs([p], scorer="pipeline") == 1
    (back,) = fresh_db.pairs()
    assert back.a == a and back.b == b
    assert back.label == "contradicts"
    assert back.probs == pytest.approx(p.probs)
    assert back.score == pytest.approx(0.7)
    assert back.reasons == p.reasons  # spans come back as tuples, sides and details intact
    assert back.nli == pytest.approx((0.81, 0.64))
    assert back.cluster == 3
    assert fresh_db.scored_pair_ids() == {p.pair_id}
    row = fresh_db.conn.execute("SELECT pair_key, scorer FROM pairs").fetchone()
    assert tuple(row) == (p.pair_key, "pipeline")


def test_echo_pairs_keep_their_label_and_score(fresh_db):
    doc = make_doc()
    a, b = make_claims(doc)
    fresh_db.add_document(doc, [a, b])
    probs = {lab: 0.0 for lab in LABELS} | {ECHO: 1.0}
    echo = ScoredPair(a=a, b=b, label=ECHO, probs=probs, reasons=(Reason("relay", "one report, two outlets"),))
    fresh_db.add_pairs([echo], scorer="relay")
    (back,) = fresh_db.pairs(labels=[ECHO])
    assert back.label == ECHO
    assert back.score == 1.0
    assert back.probs["contradicts"] == 0.0
    assert back.reasons == echo.reasons
    assert fresh_db.pairs(labels=["contradicts"]) == []


def test_pairs_filter_and_order(fresh_db):
    text = "One claim sits here. Another claim sits here. A third claim sits here."
    doc = make_doc(text)
    cs = make_claims(doc, speakers=("x", "y", "z"))
    fresh_db.add_document(doc, cs)
    lo = ScoredPair(cs[0], cs[1], "contradicts", {"contradicts": 0.55, "agrees": 0.45, "neutral": 0, "unrelated": 0})
    hi = ScoredPair(cs[0], cs[2], "contradicts", {"contradicts": 0.9, "agrees": 0.1, "neutral": 0, "unrelated": 0})
    ag = ScoredPair(cs[1], cs[2], "agrees", {"contradicts": 0.2, "agrees": 0.8, "neutral": 0, "unrelated": 0})
    fresh_db.add_pairs([lo, hi, ag], scorer="t")
    assert [p.pair_id for p in fresh_db.pairs(labels=["contradicts"])] == [hi.pair_id, lo.pair_id]
    assert [p.pair_id for p in fresh_db.pairs(min_score=0.6)] == [hi.pair_id, ag.pair_id]
    assert {p.label for p in fresh_db.pairs()} == {"contradicts", "agrees"}


def test_equal_probabilities_go_by_the_stronger_nli_clash(fresh_db):
    """Pairs the rebuttal rule raised to its precision share one p: the NLI model's clash orders them."""
    from detector.review import queue

    doc = make_doc("One claim sits here. Another claim sits here. A third claim sits here. A fourth one too.")
    cs = make_claims(doc, speakers=("w", "x", "y", "z"))
    fresh_db.add_document(doc, cs)
    probs = {"contradicts": 0.846, "agrees": 0.1, "neutral": 0.054, "unrelated": 0}
    plain = sorted((ScoredPair(cs[0], c, "contradicts", probs) for c in cs[1:]), key=lambda p: p.pair_id)
    # the clash runs against the pair-id order, and sits on either side of the pair
    weak, mid, strong = (ScoredPair(p.a, p.b, p.label, p.probs, nli=n)
                         for p, n in zip(plain, [(0.2, 0.1), (0.5, 0.3), (0.1, 0.9)]))
    fresh_db.add_pairs([weak, strong, mid], scorer="t")
    want = [strong.pair_id, mid.pair_id, weak.pair_id]
    assert [p.pair_id for p in fresh_db.pairs(labels=["contradicts"])] == want
    assert [it.pair_id for it in queue(fresh_db)] == want


def test_equal_probabilities_go_by_the_classifiers_own_p_first(fresh_db):
    """Among pairs raised to one p by the rule, the classifier's own p(contradicts) orders them, then the NLI clash;
    a pair stored without it (p_model None) counts with its p."""
    from detector.cli import _contradicts_first
    from detector.review import queue

    doc = make_doc("One claim sits here. Another claim sits here. A third claim sits here. A fourth one too.")
    cs = make_claims(doc, speakers=("w", "x", "y", "z"))
    fresh_db.add_document(doc, cs)
    probs = {"contradicts": 0.846, "agrees": 0.1, "neutral": 0.054, "unrelated": 0}
    plain = sorted((ScoredPair(cs[0], c, "contradicts", probs) for c in cs[1:]), key=lambda p: p.pair_id)
    # the strongest NLI clash has the weakest classifier p; the unknown p_model counts as 0.846
    low, unknown, high = (ScoredPair(p.a, p.b, p.label, p.probs, nli=n, p_model=m)
                          for p, n, m in zip(plain, [(0.9, 0.9), (0.1, 0.1), (0.5, 0.5)], [0.05, None, 0.40]))
    fresh_db.add_pairs([low, high, unknown], scorer="t")
    want = [unknown.pair_id, high.pair_id, low.pair_id]
    stored = fresh_db.pairs(labels=["contradicts"])
    assert [p.pair_id for p in stored] == want
    assert [p.p_model for p in stored] == [None, 0.40, 0.05]
    assert [it.pair_id for it in queue(fresh_db)] == want
    assert [p.pair_id for p in sorted([low, high, unknown], key=_contradicts_first)] == want


def test_file_store_uses_wal(tmp_path):
    with Database(tmp_path / "w.db") as db:
        assert db.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_store_from_a_newer_crossclaim_is_refused(tmp_path):
    path = tmp_path / "newer.db"
    with Database(path) as db:
        db.conn.execute("INSERT INTO migrations VALUES ('999_from_the_future', 0)")
    with pytest.raises(StoreError) as exc:
        Database(path)
    msg = str(exc.value)
    assert "newer crossclaim" in msg and "999_from_the_future" in msg and str(path) in msg


@pytest.mark.parametrize("content", [b"this is a plain text file, not a database\n" * 50, b"\x00\xff" * 4096])
def test_non_sqlite_file_raises_store_error(tmp_path, content):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not a usable crossclaim database") as exc:
        Database(path)
    assert str(path) in str(exc.value)


def test_database_needs_a_path_or_memory():
    with pytest.raises(ValueError, match="memory=True"):
        Database()


def test_document_ref_round_trips(fresh_db):
    doc = make_doc(ref="cms-4711", outlet="Valley Gazette")
    fresh_db.add_document(doc, make_claims(doc))
    assert fresh_db.document(doc.doc_id).ref == "cms-4711"
    assert [d.ref for d in fresh_db.documents()] == ["cms-4711"]
    assert fresh_db.document_refs() == {doc.doc_id: "cms-4711"}
    other = make_doc("The bridge will reopen on Friday after repairs to its eastern pillar.")
    fresh_db.add_document(other)
    assert fresh_db.document(other.doc_id).ref is None


def test_document_links_for_some_or_all_documents(fresh_db):
    docs = [make_doc(f"The council met on day {i} and approved {i} new parking bays.", ref=f"r{i}",
                     url=f"https://example.org/{i}") for i in range(3)]
    for d in docs:
        fresh_db.add_document(d)
    everything = {d.doc_id: (d.url, d.ref) for d in docs}
    assert fresh_db.document_links() == everything
    wanted = [docs[2].doc_id, docs[0].doc_id, docs[0].doc_id, "no-such-doc"]
    assert fresh_db.document_links(iter(wanted)) == {k: everything[k] for k in (docs[0].doc_id, docs[2].doc_id)}
    assert fresh_db.document_links([]) == {}
    many = [f"missing-{i}" for i in range(1200)] + [docs[1].doc_id]  # more ids than one SQLite statement binds
    assert fresh_db.document_links(many) == {docs[1].doc_id: everything[docs[1].doc_id]}


def test_a_store_from_before_document_refs_is_migrated(tmp_path):
    """A store written by the release before 003_document_ref: opening it adds the column and keeps the data."""
    from detector.store import _m001_initial, _m002_verdicts

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    _m001_initial(conn)
    _m002_verdicts(conn)
    conn.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    conn.executemany("INSERT INTO migrations VALUES (?, ?)", [("001_initial", 1.0), ("002_verdicts", 2.0)])
    doc = make_doc()
    conn.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (doc.doc_id, doc.source, None, None, None, None, doc.text, 3.0))
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Database(path) as db:
        assert db.schema_version == SCHEMA_VERSION
        assert "003_document_ref" in {r[0] for r in db.conn.execute("SELECT name FROM migrations")}
        (old,) = db.documents()
        assert old.doc_id == doc.doc_id and old.text == doc.text and old.ref is None
        new = make_doc("The bridge will reopen on Friday after repairs to its eastern pillar.", ref="r-2")
        assert db.add_document(new)
        assert db.document(new.doc_id).ref == "r-2"



def test_a_store_from_before_p_model_is_migrated(tmp_path):
    """A store written before 004_pair_p_model: its pairs keep their scores and read back with p_model None."""
    path = tmp_path / "old.db"
    doc = make_doc()
    a, b = make_claims(doc)
    with Database(path) as db:
        db.add_document(doc, [a, b])
    old = ScoredPair(a, b, "contradicts", {"contradicts": 0.7, "agrees": 0.1, "neutral": 0.2, "unrelated": 0.0})
    conn = sqlite3.connect(path)  # back to the version-3 layout, and one pair stored the way it stored them
    conn.execute("DROP INDEX pairs_differs")
    conn.execute("ALTER TABLE pairs DROP COLUMN differs")
    conn.execute("ALTER TABLE pairs DROP COLUMN p_model")
    conn.execute("DELETE FROM migrations WHERE name IN ('004_pair_p_model', '005_pair_differs')")
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO pairs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (old.pair_id, old.pair_key, a.claim_id, b.claim_id, "contradicts", 0.7, 0.7, 0.1, 0.2, 0.0, 0.3,
                  0.4, "[]", None, "pipeline", 5.0))
    conn.commit()
    conn.close()
    with Database(path) as db:
        assert db.schema_version == SCHEMA_VERSION
        assert "004_pair_p_model" in {r[0] for r in db.conn.execute("SELECT name FROM migrations")}
        (p,) = db.pairs()
        assert (p.pair_id, p.score, p.nli, p.p_model) == (old.pair_id, 0.7, (0.3, 0.4), None)
        db.add_pairs([dataclasses.replace(old, p_model=0.25)], scorer="pipeline")
        assert [q.p_model for q in db.pairs()] == [0.25]


def _version_4_store(path, pairs, reasons_json=None) -> None:
    """A store as crossclaim wrote it before 005_pair_differs, holding ``pairs`` (their claims in one document)."""
    doc = make_doc()
    with Database(path) as db:
        db.add_document(doc, list({c.claim_id: c for p in pairs for c in (p.a, p.b)}.values()))
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX pairs_differs")
    conn.execute("ALTER TABLE pairs DROP COLUMN differs")
    conn.execute("DELETE FROM migrations WHERE name = '005_pair_differs'")
    conn.execute("PRAGMA user_version = 4")
    conn.executemany("INSERT INTO pairs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [(p.pair_id, p.pair_key, p.a.claim_id, p.b.claim_id, p.label, p.score,
                       p.probs.get("contradicts", 0.0), 0.1, 0.7, 0.0, None, None,
                       reasons_json or json.dumps([r.to_dict() for r in p.reasons]), None, "pipeline", 5.0, None)
                      for p in pairs])
    conn.commit()
    conn.close()


def _differs_pairs():
    doc = make_doc()
    a, b = make_claims(doc)
    c = dataclasses.replace(b, claim_id="c" * 16, text="Farmers said 12 wells ran dry.")
    figure = Reason("number", "40 vs 12 (well)", side="a", span=(0, 2))
    date = Reason("date", "March vs April", side="b", span=(0, 5))
    probs = {"contradicts": 0.2, "agrees": 0.1, "neutral": 0.7, "unrelated": 0.0}
    return [ScoredPair(a, b, "neutral", probs, (figure,)),  # figures differ between sources
            ScoredPair(a, c, "neutral", probs, (date,)),  # a date alone does not count between sources
            ScoredPair(b, c, ECHO, {ECHO: 1.0}, (date,))]  # on a relay it does


def test_a_store_from_before_differs_is_backfilled_from_the_reasons(tmp_path):
    """A store written before 005_pair_differs: the migration marks, from each pair's stored reasons, the pairs that
    give different figures (models.gives_different_figures), and new pairs are marked as they are stored."""
    path = tmp_path / "old.db"
    old = _differs_pairs()
    _version_4_store(path, old)
    with Database(path) as db:
        assert db.schema_version == SCHEMA_VERSION
        marked = dict(db.conn.execute("SELECT pair_id, differs FROM pairs").fetchall())
        assert marked == {old[0].pair_id: 1, old[1].pair_id: 0, old[2].pair_id: 1}
        # stored again as unrelated (not on one subject), the first one is no longer marked
        db.add_pairs([dataclasses.replace(old[0], label="unrelated")], scorer="pipeline")
        assert db.conn.execute("SELECT differs FROM pairs WHERE pair_id = ?", (old[0].pair_id,)).fetchone()[0] == 0
        plan = db.conn.execute("EXPLAIN QUERY PLAN SELECT count(*) FROM pairs WHERE differs = 1").fetchall()
        assert any("pairs_differs" in r[-1] for r in plan)  # counted by the index, not by reading every pair


def test_a_backfill_that_meets_unreadable_reasons_names_the_pair_and_changes_nothing(tmp_path):
    path = tmp_path / "old.db"
    old = _differs_pairs()[:1]
    _version_4_store(path, old, reasons_json='[{"kind": "number", ')
    with pytest.raises(StoreError, match=rf"old\.db: .*pair {old[0].pair_id} has unreadable reasons"):
        Database(path)
    conn = sqlite3.connect(path)  # the migration rolled back: still the version-4 layout, the pair as it was
    assert "differs" not in {r[1] for r in conn.execute("PRAGMA table_info(pairs)")}
    assert "005_pair_differs" not in {r[0] for r in conn.execute("SELECT name FROM migrations")}
    assert conn.execute("SELECT count(*) FROM pairs").fetchone()[0] == 1
    conn.close()


@pytest.mark.parametrize("old", [True, False], ids=["old store", "new file"])
def test_processes_opening_a_store_at_once_migrate_it_once(tmp_path, old):
    """A desk upgrades crossclaim (or starts afresh) and starts `serve` and `scan` on one store together: every
    opener gets a usable store, and each migration runs once (each checks again, inside its transaction, whether
    another opener ran it)."""
    import threading

    path = tmp_path / "desk.db"
    if old:
        _version_4_store(path, _differs_pairs())
    barrier, errors = threading.Barrier(6), []

    def open_it():
        barrier.wait()
        try:
            Database(path).close()
        except Exception as exc:  # noqa: BLE001 - the test reports whatever an opener met
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    with Database(path) as db:
        ran = [r[0] for r in db.conn.execute("SELECT name FROM migrations")]
        assert sorted(ran) == sorted(n for n, _ in MIGRATIONS)
        assert db.conn.execute("SELECT count(*) FROM pairs WHERE differs = 1").fetchone()[0] == (2 if old else 0)
