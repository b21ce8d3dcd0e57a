"""Verdicts, their audit trail, the review queue's filters and counts, and the terminal `review` command."""

import dataclasses
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
    StaleVerdict,
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
from tests._review_fixtures import add_updated_cnn_article, build_demo_db, demo_records


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


# -- concurrent reviewers ----------------------------------------------------------------------------------------
def test_a_verdict_written_over_an_unseen_change_is_refused(db):
    key = queue(db)[0].pair_key
    assert get_item(db, queue(db)[0].pair_id).verdict is None  # version 0: never reviewed
    first = set_verdict(db, key, "confirmed", note="two wires agree", reviewer="carol", expect=0)
    assert get_verdict(db, key).version == first.id
    # alice's page still shows the pair unreviewed (version 0)
    with pytest.raises(StaleVerdict, match="confirmed by carol") as caught:
        set_verdict(db, key, "false_alarm", reviewer="alice", expect=0)
    assert caught.value.current.note == "two wires agree" and caught.value.expected == 0
    v = get_verdict(db, key)
    assert (v.status, v.note, v.reviewer) == ("confirmed", "two wires agree", "carol")
    assert len(verdict_log(db, key)) == 1
    # having seen carol's verdict, alice may overwrite it; without expect, the write is unconditional
    second = set_verdict(db, key, "false_alarm", reviewer="alice", expect=v.version)
    assert second.previous == "confirmed" and get_verdict(db, key).version == second.id
    set_verdict(db, key, "needs_more", reviewer="dan")
    assert [e.reviewer for e in verdict_log(db, key)] == ["carol", "alice", "dan"]


def test_a_note_that_is_not_text_is_refused(db):
    with pytest.raises(ReviewError, match="note is not valid text: character 6 is a lone surrogate"):
        set_verdict(db, queue(db)[0].pair_key, "confirmed", note="seen \ud800")
    assert verdict_log(db) == []


def _scripted_prompts(monkeypatch, answers, hook=None):
    """Replace click.prompt with scripted answers; ``hook(n)`` runs before the n-th answer (0-based) is given."""
    import click

    seen = []

    def prompt(text, **kw):
        n = len(seen)
        seen.append(text)
        if hook:
            hook(n)
        return answers[n]

    monkeypatch.setattr(click, "prompt", prompt)
    return seen


def test_review_command_never_overwrites_a_verdict_it_did_not_show(tmp_path, monkeypatch):
    path = build_demo_db(tmp_path / "demo.db")
    with Database(path) as db:
        first, second, third = queue(db)[:3]

    def someone_else(n):
        with Database(path) as other:
            if n == 0:  # while bob looks at pair 1, alice reviews pair 2 on the web
                set_verdict(other, second.pair_key, "confirmed", note="checked with the ministry", reviewer="alice")
            if n == 1:  # and while bob types his note on pair 1, carol answers pair 1
                set_verdict(other, first.pair_key, "temporal_update", note="newer news", reviewer="carol")

    _scripted_prompts(monkeypatch, ["f", "his note", "c", "bob again", "q"], someone_else)
    result = CliRunner().invoke(review, ["--db", str(path), "--reviewer", "bob"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert ("  Not saved: while you were deciding, carol set it to temporal_update with the note “newer news”. "
            "Here it is again.\n\n[1/4] contradicts 91%") in out
    assert "  verdict: temporal_update by carol\n  note: newer news\n" in out
    # pair 2 is not shown as unreviewed any more: the default queue (unreviewed) skips it and says why
    assert ("[2/4] skipped: since this list was loaded, alice set it to confirmed with the note "
            "“checked with the ministry”.\n") in out
    assert "[3/4] contradicts 77%" in out and out.endswith("Recorded 1 verdict as bob.\n")
    with Database(path) as db:
        assert [(e.status, e.reviewer, e.previous) for e in verdict_log(db, first.pair_key)] == [
            ("temporal_update", "carol", None), ("confirmed", "bob", "temporal_update")]
        v = get_verdict(db, second.pair_key)
        assert (v.status, v.note, v.reviewer) == ("confirmed", "checked with the ministry", "alice")
        assert get_verdict(db, third.pair_key) is None


def test_review_command_keeps_the_note_on_enter_and_clears_it_with_a_dash(tmp_path, monkeypatch):
    path = build_demo_db(tmp_path / "demo.db")
    with Database(path) as db:
        first, second = queue(db)[:2]
        set_verdict(db, first.pair_key, "needs_more", note="ask the ministry", reviewer="ana")
        set_verdict(db, second.pair_key, "needs_more", note="wait for the wires", reviewer="ana")
    seen = _scripted_prompts(monkeypatch, ["c", "", "f", "-", "q"])
    result = CliRunner().invoke(review, ["--db", str(path), "--status", "needs_more", "--reviewer", "ben"])
    assert result.exit_code == 0, result.output
    assert seen[1] == "Note (Enter keeps “ask the ministry”, - for none)"
    with Database(path) as db:
        v = get_verdict(db, first.pair_key)
        assert (v.status, v.note, v.reviewer) == ("confirmed", "ask the ministry", "ben")
        v = get_verdict(db, second.pair_key)
        assert (v.status, v.note) == ("false_alarm", None)


def test_review_command_offers_the_typed_note_again_after_a_refused_write(tmp_path, monkeypatch):
    path = build_demo_db(tmp_path / "demo.db")
    with Database(path) as db:
        first = queue(db)[0]

    def someone_else(n):
        if n == 1:  # while bob types his note, carol answers the pair
            with Database(path) as other:
                set_verdict(other, first.pair_key, "confirmed", note="carol saw two wires", reviewer="carol")

    seen = _scripted_prompts(monkeypatch, ["f", "one wire copied the other", "t", "", "q"], someone_else)
    result = CliRunner().invoke(review, ["--db", str(path), "--reviewer", "bob"])
    assert "Not saved: while you were deciding, carol set it to confirmed" in result.output
    assert seen[3] == "Note (Enter keeps “one wire copied the other”, - for none)"
    with Database(path) as db:
        v = get_verdict(db, first.pair_key)
        assert (v.status, v.note, v.reviewer) == ("temporal_update", "one wire copied the other", "bob")


def test_review_command_shows_a_change_to_a_reviewed_pair_before_asking(tmp_path, monkeypatch):
    path = build_demo_db(tmp_path / "demo.db")
    with Database(path) as db:
        first, second = queue(db)[:2]
        set_verdict(db, second.pair_key, "needs_more", reviewer="ana")

    def someone_else(n):
        if n == 0:
            with Database(path) as other:
                set_verdict(other, second.pair_key, "false_alarm", reviewer="alice")

    _scripted_prompts(monkeypatch, ["s", "q"], someone_else)
    result = CliRunner().invoke(review, ["--db", str(path), "--status", "any"])
    assert result.exit_code == 0, result.output
    assert ("  Changed since this list was loaded: alice set it to false_alarm.\n\n"
            "[2/4] contradicts 84%  P(contradicts) 84%  cluster 1  status false_alarm\n") in result.output


# -- an updated article --------------------------------------------------------------------------------------------
def test_an_updated_article_does_not_list_its_pairs_twice(tmp_path, db):
    before = [it.pair_id for it in queue(db, QueueFilter(labels=()))]
    add_updated_cnn_article(db)
    assert db.count("pairs") == 12
    # one row per pair key, the likeliest (the old document's here), as `export` keeps
    assert [it.pair_id for it in queue(db, QueueFilter(labels=()))] == before
    assert count_queue(db, QueueFilter(labels=())) == 7 and count_queue(db) == 4
    assert status_counts(db)["all"] == status_counts(db)["unreviewed"] == 4
    assert len(queue(db, QueueFilter(outlet="CNN"))) == 3
    # a verdict hangs on the key: it counts once
    set_verdict(db, queue(db)[0].pair_key, "confirmed")
    assert status_counts(db) == {**{s: 0 for s in STATUSES}, "unreviewed": 3, "confirmed": 1, "all": 4}
    assert count_queue(db, QueueFilter(status="unreviewed")) == 3
    # a filter only the new document matches still finds the pair, once
    newer = queue(db, QueueFilter(date_from="2023-02-28"))
    assert len(newer) == 4 and len({it.pair_key for it in newer}) == 4


def test_review_command_lists_an_updated_articles_pairs_once(tmp_path):
    path = build_demo_db(tmp_path / "demo.db")
    with Database(path) as db:
        add_updated_cnn_article(db)
    result = CliRunner().invoke(review, ["--db", str(path)], input="q\n")
    assert "[1/4] contradicts 91%" in result.output


def test_the_cluster_view_lists_an_updated_articles_pairs_and_claims_once(db):
    before = cluster_view(db, 1)
    add_updated_cnn_article(db)
    view = cluster_view(db, 1)
    # the pairs as the queue lists them: one per key, the same rows as before
    assert [it.pair_id for it in view.items] == [it.pair_id for it in before.items]
    assert [it.pair_id for it in view.items] == [it.pair_id for it in queue(db, QueueFilter(labels=(), cluster=1))]
    # the new document's copy of a CNN claim (same text, speaker, outlet) is listed once, as the first published
    assert [(k, [c.claim_id for c in cs]) for k, cs in view.groups] == [
        (k, [c.claim_id for c in cs]) for k, cs in before.groups]
    cnn = dict(view.groups)[("China's Foreign Ministry", "CNN")]
    assert len(cnn) == 1 and cnn[0].published == "2023-02-27"
    copies = [i for i, listed in view.listed_as.items() if listed == cnn[0].claim_id]
    assert len(copies) == 2 and db.claim(next(i for i in copies if i != cnn[0].claim_id)).published == "2023-02-28"
    assert view.figures == before.figures


# -- search --------------------------------------------------------------------------------------------------------
def _one_pair_store(path, outlet: str, sides: list[tuple[str, str]], probs: dict[str, float]) -> Database:
    """A store holding one document of two claims ((sentence, speaker) each) and the pair between them."""
    text = " ".join(sentence for sentence, _ in sides)
    doc = Document(doc_id=Document.make_id(text), text=text, source="t.txt", outlet=outlet)
    claims = []
    for sentence, speaker in sides:
        start = text.index(sentence)
        span = (start, start + len(sentence))
        claims.append(Claim(claim_id=Claim.make_id(doc.doc_id, span), doc_id=doc.doc_id, text=sentence, span=span,
                            assertion=sentence, context=sentence, speaker=speaker, outlet=doc.outlet))
    db = Database(path)
    db.add_document(doc, claims)
    db.add_pairs([ScoredPair(a=claims[0], b=claims[1], label="contradicts", probs=probs)], "x")
    return db


def test_search_ignores_case_beyond_ascii(tmp_path):
    with _one_pair_store(tmp_path / "u.db", "Tagesblatt",
                         [("Thomas Müller said the Straße was closed.", "Thomas Müller"),
                          ("ÉLYSÉE officials denied it.", "Élysée")],
                         {"contradicts": 0.8, "agrees": 0.1, "neutral": 0.05, "unrelated": 0.05}) as db:
        for q in ("MÜLLER", "müller", "Müller", "STRASSE", "straße", "élysée officials", "Tagesblatt"):
            assert count_queue(db, QueueFilter(q=q)) == 1 == len(queue(db, QueueFilter(q=q))), q
        for q in ("mueller", "Müllers", "officials denied it. Thomas"):
            assert count_queue(db, QueueFilter(q=q)) == 0, q
    result = CliRunner().invoke(review, ["--db", str(tmp_path / "u.db"), "--search", "MÜLLER"], input="q\n")
    assert "[1/1] contradicts 80%" in result.output


def test_search_ignores_accents_and_the_dotted_capital_i(tmp_path):
    with _one_pair_store(tmp_path / "t.db", "Nordpost",
                         [("The İstanbul office of Çelik Haber said talks were off.", "Çelik Haber"),
                          ("Officials in Malmö said they continue.", "Malmö officials")],
                         {"contradicts": 0.7, "agrees": 0.1, "neutral": 0.1, "unrelated": 0.1}) as db:
        for q in ("istanbul", "ISTANBUL", "İSTANBUL", "celik haber", "MALMO", "malmö officials", "Çelik"):
            assert count_queue(db, QueueFilter(q=q)) == 1, q
        for q in ("istanbull", "malmoe", "Celik Habers"):
            assert count_queue(db, QueueFilter(q=q)) == 0, q


# -- reasons as shown ------------------------------------------------------------------------------------------------
def test_reasons_name_their_kind_once_and_repeat_no_line(tmp_path):
    docs, pairs, _ = demo_records()
    p = pairs[2]  # Zerohedge vs the Foreign Ministry
    cue = Reason("negation", "negation: “never”", "b", (p.b.text.index("never"), p.b.text.index("never") + 5))
    twice = dataclasses.replace(cue, span=(0, 5))  # the same cue word found a second time
    pair = dataclasses.replace(p, reasons=(cue, twice, Reason("nli", "NLI contradiction 0.9 (a→b)")))
    title = re.search(r'title="([^"]*)"', str(highlight(pair.b.text, pair.reasons, "b"))).group(1)
    assert title == str(escape("negation: “never”"))
    path = tmp_path / "r.db"
    with Database(path) as db:
        for doc, claims in docs:
            db.add_document(doc, claims)
        db.add_pairs([pair], "x")
    out = CliRunner().invoke(review, ["--db", str(path)], input="q\n").output
    assert out.count("  - negation [B]: “never”\n") == 1 and "negation: negation" not in out
    assert "  - nli: NLI contradiction 0.9 (a→b)\n" in out
