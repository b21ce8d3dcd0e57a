"""Verdicts, their audit trail, the review queue's filters and counts, and the terminal `review` command."""

import re
import sqlite3
import threading
import time

import pytest
from click.testing import CliRunner
from markupsafe import escape

from detector.cli_review import review
from detector.models import Claim, Document, Reason, ScoredPair, gives_different_figures, pair_key
from detector.review import (
    STATUSES,
    QueueFilter,
    ReviewError,
    cluster_view,
    context_of,
    count_queue,
    facets,
    get_item,
    get_verdict,
    neighbours,
    queue,
    set_verdict,
    status_counts,
    verdict_log,
)
from detector.store import Database
from detector.web.render import highlight
from tests._review_fixtures import build_demo_db, demo_records


@pytest.fixture
def db(tmp_path):
    with Database(build_demo_db(tmp_path / "demo.db")) as d:
        yield d


def speakers(items):
    return [(it.pair.a.speaker, it.pair.b.speaker) for it in items]


def test_queue_is_flagged_pairs_likeliest_first(db):
    items = queue(db)
    assert [it.pair.label for it in items] == ["contradicts"] * 4
    ps = [it.p_contradicts for it in items]
    assert ps == sorted(ps, reverse=True) == [0.91, 0.84, 0.77, 0.58]
    assert speakers(items)[0] == ("Der Spiegel", "John Kirby (US National Security Council)")
    assert all(it.status == "unreviewed" and it.verdict is None for it in items)
    assert len(queue(db, QueueFilter(labels=()))) == 7
    assert [it.pair.label for it in queue(db, QueueFilter(labels=("echo",)))] == ["echo"]


def test_set_verdict_keeps_previous_value_reviewer_and_time(db):
    key = queue(db)[0].pair_key
    t0 = time.time()
    first = set_verdict(db, key, "needs_more", reviewer="ana")
    second = set_verdict(db, key, "confirmed", note="  Kirby denies it  ", reviewer="ben")
    assert (first.previous, second.previous) == (None, "needs_more")
    v = get_verdict(db, key)
    assert (v.status, v.note, v.reviewer) == ("confirmed", "Kirby denies it", "ben")
    assert v.updated_at >= t0
    log = verdict_log(db, key)
    assert [(e.status, e.previous, e.reviewer) for e in log] == [("needs_more", None, "ana"),
                                                                ("confirmed", "needs_more", "ben")]
    assert all(e.at >= t0 for e in log)
    assert queue(db)[0].status == "confirmed"


def test_unknown_verdict_is_refused(db):
    with pytest.raises(ReviewError, match="unknown verdict 'maybe'"):
        set_verdict(db, queue(db)[0].pair_key, "maybe")
    with pytest.raises(ReviewError, match="unknown status"):
        QueueFilter(status="done")
    assert verdict_log(db) == []


def test_verdict_survives_rescan_and_reingest(tmp_path, db):
    """Verdicts hang on the pair's content, so a new scan (new rows, sides swapped, other doc ids) still finds them."""
    top = queue(db)[0]
    set_verdict(db, top.pair_key, "confirmed", reviewer="ana")
    db.conn.execute("DELETE FROM pairs")
    a, b = top.pair.a, top.pair.b
    db.add_pairs([ScoredPair(a=b, b=a, label="contradicts", probs=top.pair.probs)], scorer="rescan")
    assert queue(db)[0].status == "confirmed"

    # the same sentences, re-ingested from re-scraped pages with other furniture, in a fresh store
    docs = []
    for c, extra in ((a, "Menu. "), (b, "Share this. ")):
        text = extra + c.text + "  More news."
        doc = Document(doc_id=Document.make_id(text), text=text, source="re.txt", outlet=c.outlet)
        span = (len(extra), len(extra) + len(c.text))
        docs.append((doc, Claim(claim_id=Claim.make_id(doc.doc_id, span), doc_id=doc.doc_id,
                                text=c.text.replace(" ", "  ", 1), span=span, assertion=c.assertion,
                                context=c.context, speaker=c.speaker, outlet=c.outlet)))
    assert pair_key(docs[0][1], docs[1][1]) == top.pair_key
    with Database(tmp_path / "again.db") as db2:
        set_verdict(db2, top.pair_key, "confirmed")  # verdicts can be carried over by key alone
        for doc, c in docs:
            db2.add_document(doc, [c])
        db2.add_pairs([ScoredPair(a=docs[0][1], b=docs[1][1], label="contradicts", probs=top.pair.probs)], "x")
        assert [it.status for it in queue(db2)] == ["confirmed"]


@pytest.mark.parametrize(
    "f, expected",
    [
        (QueueFilter(outlet="CNN"), 3),
        (QueueFilter(outlet="The Wall Street Journal"), 1),
        (QueueFilter(speaker="Global Times"), 1),
        (QueueFilter(cluster=2), 1),
        (QueueFilter(cluster=2, labels=()), 2),
        (QueueFilter(date_from="2023-02-28"), 1),  # either side published on or after
        (QueueFilter(date_from="2023-02-27"), 4),
        (QueueFilter(date_to="2023-02-24"), 2),
        (QueueFilter(date_from="2023-02-25", date_to="2023-02-26"), 2),
        (QueueFilter(q="kirby"), 1),
        (QueueFilter(q="DISINFORMATION"), 2),
        (QueueFilter(q="%"), 0),  # LIKE wildcards are literal
        (QueueFilter(q="$12 million"), 1),
        (QueueFilter(min_score=0.8), 2),
        (QueueFilter(labels=("agrees", "echo")), 2),
    ],
)
def test_queue_filters(db, f, expected):
    assert len(queue(db, f)) == expected == count_queue(db, f)


def test_status_filter_and_counts(db):
    items = queue(db)
    set_verdict(db, items[0].pair_key, "confirmed")
    set_verdict(db, items[1].pair_key, "false_alarm")
    set_verdict(db, items[1].pair_key, "temporal_update")
    counts = status_counts(db)
    assert counts == {"unreviewed": 2, "confirmed": 1, "false_alarm": 0, "temporal_update": 1, "needs_more": 0,
                      "all": 4}
    assert set(STATUSES) <= set(counts)
    assert [it.pair_id for it in queue(db, QueueFilter(status="confirmed"))] == [items[0].pair_id]
    assert len(queue(db, QueueFilter(status="unreviewed"))) == 2
    assert len(queue(db, QueueFilter(status="reviewed"))) == 2
    # counts ignore the status filter but honour the others
    assert status_counts(db, QueueFilter(status="confirmed", outlet="CNN"))["all"] == 3


def test_neighbours_follow_the_filtered_queue(db):
    ids = [it.pair_id for it in queue(db)]
    assert neighbours(db, ids[0]) == (None, ids[1], 1, 4)
    assert neighbours(db, ids[3]) == (ids[2], None, 4, 4)
    cnn = [it.pair_id for it in queue(db, QueueFilter(outlet="CNN"))]
    assert neighbours(db, cnn[1], QueueFilter(outlet="CNN")) == (cnn[0], cnn[2], 2, 3)
    # a pair outside the filtered queue: position 0, "next" is the queue's first
    gt = queue(db, QueueFilter(speaker="Global Times"))[0].pair_id
    assert neighbours(db, gt, QueueFilter(outlet="The Wall Street Journal"))[2] == 0


def test_get_item_and_cluster_view(db):
    top = queue(db)[0]
    assert get_item(db, top.pair_id).pair == top.pair
    assert get_item(db, "0" * 16) is None
    view = cluster_view(db, 1)
    sources = [k for k, _ in view.groups]
    assert ("Der Spiegel", "The Kyiv Independent") in sources and ("Der Spiegel", "ZeroHedge") in sources
    assert ("China's Foreign Ministry", "CNN") in sources
    assert sum(len(cs) for _, cs in view.groups) == 5
    assert {it.pair.label for it in view.items} == {"contradicts", "echo", "neutral"}
    assert cluster_view(db, 99) is None
    f = facets(db)
    assert "CNN" in f["outlets"] and f["clusters"] == [1, 2] and "echo" in f["labels"]


def test_context_is_the_sentences_around_the_claim(db):
    docs, _, _ = demo_records()
    cnn, (kirby, fm) = docs[2]
    assert context_of(cnn.text, kirby) == ("The White House responded on Monday. ", " " + fm.text + " ")
    before, after = context_of(cnn.text, fm)
    assert before == kirby.text + " " and after == " Officials will keep watching, Kirby added."
    assert context_of(None, kirby) == ("", "")
    assert context_of("different text entirely", kirby) == ("", "")  # span no longer matches: no context


def test_highlight_escapes_first_then_marks_spans():
    text = 'He said <b>100</b> & "none" <script>x()</script>'
    reasons = (
        Reason("number", "100 <drones>", "a", (11, 14)),
        Reason('neg"ation', "x", "a", (8, 30)),  # overlaps the first span
        Reason("date", "other side", "b", (0, 2)),
        Reason("nli", "no span"),
        Reason("denial", "clipped", "a", (-4, 2)),
    )
    html = str(highlight(text, reasons, "a"))
    assert "<script>" not in html and "<b>" not in html
    assert re.sub(r"</?mark[^>]*>", "", html) == str(escape(text))
    assert html.count("<mark") == html.count("</mark>") == 4
    assert 'class="hl hl-negation hl-number" title="number: 100 &lt;drones&gt;; neg&#34;ation: x"' in html
    assert '<mark class="hl hl-denial" title="denial: clipped">He</mark>' in html
    assert str(highlight(text, reasons, "c")) == str(highlight(text, (), "a"))


def test_set_verdict_retries_while_another_writer_holds_the_file(tmp_path, db):
    key = queue(db)[0].pair_key
    impatient = Database(db.path, timeout=0.02)  # SQLite's own busy wait gives up after 20 ms
    blocker = sqlite3.connect(db.path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.4, lambda: blocker.execute("COMMIT"))
    with impatient:
        released.start()
        entry = set_verdict(impatient, key, "confirmed", reviewer="ana")
    released.join()
    blocker.close()
    assert entry.status == "confirmed" and [e.status for e in verdict_log(db, key)] == ["confirmed"]


def test_review_command_records_verdicts_one_pair_at_a_time(tmp_path):
    path = build_demo_db(tmp_path / "demo.db")
    result = CliRunner().invoke(
        review, ["--db", str(path), "--reviewer", "ana"], input="c\nKirby says no evidence\ns\nF\n\nq\n"
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("\n[1/4] contradicts 91%  P(contradicts) 91%  cluster 1  status unreviewed\n")
    assert ("  A  Der Spiegel (The Kyiv Independent, 2023-02-23)\n"
            "     relay: The Kyiv Independent -> Der Spiegel\n") in out
    assert "  - non_confirmation [B]: Kirby: has not seen China move that way\n" in out
    assert "[4/4] contradicts 58%" in out
    assert out.endswith("Recorded 2 verdicts as ana.\n")
    with Database(path) as db:
        log = verdict_log(db)
        assert [(e.status, e.note, e.reviewer) for e in log] == [
            ("confirmed", "Kirby says no evidence", "ana"), ("false_alarm", None, "ana")]
    # the next session starts with what is left
    again = CliRunner().invoke(review, ["--db", str(path), "--reviewer", "ana"], input="q\n")
    assert "[1/2] contradicts 84%" in again.output and "[2/2] contradicts 58%" not in again.output


def test_review_command_differs_keeps_pairs_giving_different_figures(tmp_path):
    path = build_demo_db(tmp_path / "demo.db")
    with Database(path) as db:
        want = {r["pair_id"] for r in db.conn.execute("SELECT pair_id, label FROM pairs")
                if (it := get_item(db, r["pair_id"])) and r["label"] != "unrelated"
                and any(x.side and (x.kind == "number" or (x.kind == "date" and r["label"] == "echo"))
                        for x in it.pair.reasons)}
        f = QueueFilter(labels=(), status=None, differs=True)
        assert want and {it.pair_id for it in queue(db, f)} == want
        # the queue's stored flag and the Python rule say the same
        everything = queue(db, QueueFilter(labels=(), status=None))
        assert {it.pair_id for it in everything if gives_different_figures(it.pair.label, it.pair.reasons)} == want
        assert count_queue(db, f) == len(want) < count_queue(db, QueueFilter(labels=(), status=None))
        with db.atomic() as conn:  # whatever their label: one of them neutral
            conn.execute("UPDATE pairs SET label = 'neutral' WHERE pair_id = ?", (min(want),))
    result = CliRunner().invoke(review, ["--db", str(path), "--status", "any", "--differs"], input="s\n" * len(want))
    assert result.exit_code == 0, result.output
    assert f"[{len(want)}/{len(want)}] neutral" in result.output or f"[1/{len(want)}] neutral" in result.output
    assert f"[{len(want)}/{len(want)}]" in result.output and f"[1/{len(want)}]" in result.output


def test_review_command_strips_terminal_control_sequences(tmp_path):
    path = tmp_path / "ansi.db"
    docs, pairs, _ = demo_records()
    p = pairs[0]
    evil = Claim(**{**{f: getattr(p.b, f) for f in p.b.__slots__}, "speaker": "Kirby\x1b[2J\x1b]0;pwn\x07"})
    with Database(path) as db:
        for doc, claims in docs:
            db.add_document(doc, [evil if c.claim_id == evil.claim_id else c for c in claims])
        db.add_pairs([ScoredPair(a=p.a, b=evil, label="contradicts", probs=p.probs)], "x")
    result = CliRunner().invoke(review, ["--db", str(path)], input="q\n")
    assert "\x1b" not in result.output and "\x07" not in result.output and "Kirby[2J]0;pwn" in result.output


def test_review_command_needs_an_existing_db(tmp_path):
    result = CliRunner().invoke(review, ["--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "no database at" in result.output and "crossclaim scan" in result.output
