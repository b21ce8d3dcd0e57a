"""The command line through CliRunner: claims listing, and scan end to end on the bundled example corpus with the
real packaged models (embedder, ONNX NLI, spaCy) and the shipped scorer parameters."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from detector.cli import ALL_LABELS, cli
from detector.store import Database

NOTE = (
    "Mayor Ana Ruiz said that the city will close three libraries next year.\n\n"
    "According to Reuters, the harbour will be dredged in the autumn.\n\n"
    "The new ferry line between the two islands opened on Saturday morning.\n"
)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def note(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text(NOTE, "utf-8")
    return path


def test_labels_bogus_is_a_usage_error(tmp_path):
    r = invoke("scan", str(tmp_path / "x.txt"), "--db", str(tmp_path / "s.db"), "--labels", "contradicts,bogus")
    assert r.exit_code == 2
    assert "unknown label(s) bogus; choose from " + ", ".join(ALL_LABELS) in " ".join(r.stderr.split())
    assert not (tmp_path / "s.db").exists()  # refused before touching the store


def test_labels_any_means_every_label(tmp_path):
    from detector.cli import _labels

    assert _labels("any") == list(ALL_LABELS)
    Database(tmp_path / "s.db").close()
    r = invoke("scan", "--db", str(tmp_path / "s.db"), "--labels", "any", "-q")
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("value", ["", " , "])
def test_labels_empty_is_a_usage_error(tmp_path, value):
    Database(tmp_path / "s.db").close()
    r = invoke("scan", "--db", str(tmp_path / "s.db"), "--labels", value)
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-1] == (
        "Error: Invalid value for --labels: no label given; choose from " + ", ".join(ALL_LABELS) + ", or any")
    assert r.stdout == ""


@pytest.mark.parametrize("command", ["scan", "claims"])
def test_no_inputs_and_no_store_is_refused_and_creates_none(tmp_path, command):
    path = tmp_path / "typo.db"
    r = invoke(command, "--db", str(path))
    assert r.exit_code == 1
    assert r.stderr == (f"Error: no database at {path}: run `crossclaim scan INPUT --db {path}` first, "
                        "or pass --db PATH\n")
    assert not path.exists()


def test_unknown_format_is_a_usage_error(tmp_path):
    r = invoke("scan", "--db", str(tmp_path / "s.db"), "--format", "xml")
    assert r.exit_code == 2 and "'xml' is not one of" in r.stderr


def test_scan_on_a_store_from_a_newer_crossclaim_is_a_one_line_error(tmp_path):
    path = tmp_path / "newer.db"
    with Database(path) as db:
        db.conn.execute("INSERT INTO migrations VALUES ('999_future', 0)")
    r = invoke("claims", "--db", str(path))
    assert r.exit_code == 1
    assert r.stderr == f"Error: {path}: written by a newer crossclaim (unknown migrations: 999_future)\n"


def test_scan_lists_a_pair_an_updated_article_repeats_once(tmp_path, capsys):
    from detector.cli import _print_pairs
    from detector.review import QueueFilter, queue_ids
    from tests._review_fixtures import add_updated_cnn_article, build_demo_db

    with Database(build_demo_db(tmp_path / "demo.db")) as db:
        add_updated_cnn_article(db)
        labels = ["contradicts", "agrees", "neutral", "echo"]
        for group in (False, True):
            _print_pairs(db, "jsonl", None, 0.0, labels, group=group)
            rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
            keys = [db.conn.execute("SELECT pair_key FROM pairs WHERE pair_id = ?", (i,)).fetchone()[0]
                    for r in rows for i in (r["pair_id"], *r["more_pairs"])]
            assert len(keys) == len(set(keys)) == 7, group
            # the rows the review queue shows
            assert {r["pair_id"] for r in rows} <= set(queue_ids(db, QueueFilter(labels=tuple(labels))))


@pytest.mark.slow
def test_claims_prints_speakers(note):
    r = invoke("claims", str(note), "--outlet", "Harbour Post")
    assert r.exit_code == 0, r.output
    assert r.stdout == (
        "[Ana Ruiz (Mayor) via Harbour Post] Mayor Ana Ruiz said that the city will close three libraries next year.\n"
        "[Reuters via Harbour Post] According to Reuters, the harbour will be dredged in the autumn.\n"
        "[Harbour Post] The new ferry line between the two islands opened on Saturday morning.\n"
    )


@pytest.mark.slow
def test_claims_jsonl_and_from_the_store(note, tmp_path):
    r = invoke("claims", str(note), "--outlet", "Harbour Post", "--format", "jsonl")
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["speaker"] for x in rows] == ["Ana Ruiz (Mayor)", "Reuters", "Harbour Post"]
    assert rows[1]["relay"] == ["Harbour Post", "Reuters"]
    assert all(NOTE[x["span"][0] : x["span"][1]] == x["text"] for x in rows)
    # claims with INPUTS stores nothing; ingest does, and claims without INPUTS lists the store
    db = tmp_path / "c.db"
    Database(db).close()
    assert invoke("claims", "--db", str(db)).stdout == ""  # an empty store lists nothing
    assert invoke("ingest", str(note), "--db", str(db), "--outlet", "Harbour Post", "-q").exit_code == 0
    stored = invoke("claims", "--db", str(db), "--format", "jsonl")
    assert {json.loads(line)["claim_id"] for line in stored.stdout.splitlines()} == {x["claim_id"] for x in rows}


# -- scan end to end -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def scanned(examples_dir, tmp_path_factory):
    db = tmp_path_factory.mktemp("scan") / "scan.db"
    r = CliRunner().invoke(cli, ["scan", str(examples_dir), "--db", str(db), "--format", "jsonl", "--top", "200"])
    assert r.exit_code == 0, r.output
    return db, r


_EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "drone-reports" / "reports.jsonl"
EXAMPLE_URLS = {r["id"]: r.get("url") for r in
                (json.loads(line) for line in _EXAMPLE.read_text("utf-8").splitlines() if line.strip())}
EXAMPLE_IDS = set(EXAMPLE_URLS)


def jsonl_rows(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.slow
def test_scan_jsonl_fields(scanned):
    _, r = scanned
    rows = jsonl_rows(r.stdout)
    assert rows, "no contradictions flagged on the example corpus"
    assert [x["rank"] for x in rows] == list(range(1, len(rows) + 1))
    for x in rows:
        assert x["label"] == "contradicts"
        assert 0.0 <= x["score"] <= 1.0 and 0.0 <= x["p_contradicts"] <= 1.0
        assert x["score"] == x["p_contradicts"]  # the label is contradicts, so its score is p(contradicts)
        assert isinstance(x["cluster"], int)
        for side in ("a", "b"):
            s = x[side]
            for key in ("text", "speaker", "outlet", "published", "doc", "span"):
                assert key in s, (side, key)
            assert s["text"] and s["outlet"] and s["doc"]
            assert s["ref"] in EXAMPLE_IDS  # the example corpus's own record ids come through
            assert s["url"] == EXAMPLE_URLS[s["ref"]]
            assert len(s["span"]) == 2 and 0 <= s["span"][0] < s["span"][1]
        assert x["reasons"]
        for reason in x["reasons"]:
            assert set(reason) >= {"kind", "detail"} and reason["detail"]
            if "span" in reason:
                text = x[reason["side"]]["text"]
                assert 0 <= reason["span"][0] < reason["span"][1] <= len(text)
    ps = [x["p_contradicts"] for x in rows]
    assert ps == sorted(ps, reverse=True)  # ranked by probability of contradiction
    assert not any(x["differs"] for x in rows)  # the example corpus gives no figure two ways


@pytest.mark.slow
def test_scan_writes_no_progress_bars_into_a_log(scanned):
    """Progress bars are for a terminal: piped or logged, stderr holds only the summary, no carriage returns."""
    _, r = scanned
    assert "\r" not in r.stderr
    assert r.stderr.startswith("7 documents (7 new), 28 claims, ") and r.stderr.count("\n") == 1


def test_scan_never_flags_a_source_against_itself(scanned):
    from detector.candidates import same_source

    db, r = scanned
    rows = jsonl_rows(r.stdout)
    for x in rows:
        assert x["a"]["speaker"] != x["b"]["speaker"], x
    with Database(db) as store:
        for p in store.pairs(labels=["contradicts", "agrees", "neutral", "unrelated"]):
            assert not same_source(p.a, p.b), (p.a.speaker, p.b.speaker)


@pytest.mark.slow
def test_scan_spans_locate_the_claims_in_their_documents(scanned):
    db, r = scanned
    with Database(db) as store:
        for x in jsonl_rows(r.stdout):
            for side in ("a", "b"):
                s = x[side]
                doc = store.document(s["doc"])
                assert doc is not None and doc.text[s["span"][0] : s["span"][1]] == s["text"]


@pytest.mark.slow
def test_relays_are_echoes_not_conflicts(scanned):
    db, _ = scanned
    with Database(db) as store:
        echoes = store.pairs(labels=["echo"])
        assert echoes, "the example corpus relays Der Spiegel's report through two outlets"
        echo_ids = {p.pair_id for p in echoes}
        for p in echoes:
            assert p.a.speaker == p.b.speaker and p.a.outlet != p.b.outlet
            assert [x.kind for x in p.reasons] == ["relay"]
        flagged = {p.pair_id for p in store.pairs(labels=["contradicts"])}
        assert not echo_ids & flagged


def _scan_feed(tmp_path, rows: list[dict], *args: str):
    """Write ``rows`` as a JSONL feed, scan it into a new store with ``args``; (store path, result)."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    db = tmp_path / "feed.db"
    return db, invoke("scan", str(feed), "--db", str(db), *args)


@pytest.mark.slow
def test_a_relay_with_different_figures_says_so(tmp_path):
    """Two wires quote one official with different death tolls: still a relay (never scored), not agreement."""
    db, r = _scan_feed(tmp_path, [
        {"id": "w1", "outlet": "Northwire", "published": "2024-03-01", "text":
         "At least 40 people were killed when a ferry capsized on Lake Kivu on Thursday, the provincial governor "
         "said. Rescue teams worked through the night."},
        {"id": "w2", "outlet": "Southwire", "published": "2024-03-01", "text":
         "Twelve people died when a ferry capsized on Lake Kivu on Thursday, according to the provincial governor. "
         "Divers are still searching the lake."},
    ])
    assert r.exit_code == 0
    summary = " ".join(r.stderr.split())
    assert "1 relays; " in summary and "different figures (including 1 relay): --differs" in summary
    with Database(db) as store:
        (echo,) = store.pairs(labels=["echo"])
        assert echo.a.speaker == echo.b.speaker == "provincial governor"
        relay, *figures = echo.reasons
        assert relay.kind == "relay" and "with different figures" in relay.detail
        assert "agreement by echo" not in relay.detail
        assert {r.kind for r in figures} == {"number"}
        for r in figures:  # the spans point at the figures in each side's text
            side = echo.a if r.side == "a" else echo.b
            assert side.text[r.span[0] : r.span[1]] in ("40", "Twelve")
        scored = store.pairs(labels=["contradicts", "agrees", "neutral", "unrelated"])
        assert echo.pair_id not in {p.pair_id for p in scored}  # one speaker: never scored against itself
    r = invoke("scan", "--db", str(db), "--differs", "--all-pairs", "--format", "jsonl")
    assert r.exit_code == 0
    assert echo.pair_id in [json.loads(line)["pair_id"] for line in r.stdout.splitlines()]
    # the table's "why" names the two figures once, in the relay's reason
    r = invoke("scan", "--db", str(db), "--labels", "echo")
    (why,) = [line for line in r.stdout.splitlines() if line.strip().startswith("why:")]
    assert "with different figures" in why and why.count(" vs ") == 1, why
    # the story's table of figures lists both wires with what each says the governor said
    r = invoke("figures", "--db", str(db), "--unit", "death")
    head, *rows = r.stdout.splitlines()
    assert head.endswith(", death: 2 figures from 2 sources"), r.stdout
    assert [line.split()[0] for line in rows if " via " in line] == ["Twelve", "40"]
    assert {line.split(" via ")[1].split(",")[0] for line in rows if " via " in line} == {"Southwire", "Northwire"}


@pytest.mark.slow
def test_scan_differs_lists_sources_giving_different_figures(tmp_path):
    """Numbers that drift between sources are listed for checking whatever the classifier made of the pair."""
    _, r = _scan_feed(tmp_path, [
        {"id": "h1", "outlet": "Harbour Times", "published": "2024-05-02", "text":
         "A ferry overturned off the northern coast on Tuesday. The coast guard said the ferry was carrying 60 "
         "passengers when it overturned."},
        {"id": "c1", "outlet": "Daily Courier", "published": "2024-05-03", "text":
         "A ferry sank off the northern coast on Tuesday. Local officials said the ferry was carrying 200 "
         "passengers when it overturned."},
    ], "--differs", "--all-pairs", "--format", "jsonl")
    assert r.exit_code == 0, r.output
    assert "1 pair gives different figures: --differs" in " ".join(r.stderr.split())
    (row,) = [json.loads(line) for line in r.stdout.splitlines()]
    assert {row["a"]["speaker"], row["b"]["speaker"]} == {"coast guard", "Local officials"}
    assert row["label"] != "unrelated"
    figures = [x for x in row["reasons"] if x["kind"] == "number"]
    assert {x["detail"] for x in figures} in ({"60 vs 200 (passenger)"}, {"200 vs 60 (passenger)"})
    assert sorted(x["side"] for x in figures) == ["a", "b"]
    assert row["differs"] is True


@pytest.mark.slow
def test_scan_with_another_parameter_file_rescores_the_store(scanned, tmp_path):
    """A refitted file must not be mixed silently with the old file's scores: every stored pair is scored again."""
    import shutil

    from detector.scoring import load_params

    db = tmp_path / "copy.db"
    shutil.copy(scanned[0], db)
    params = load_params()
    rule = params["calibrations"]["news"]["pipeline"]["rebuttal_rule"]
    rule["precision"] = 0.99  # the demo's top pairs rest on this rule: they must move to 0.99
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(params), "utf-8")
    with Database(db) as store:
        n_pairs = store.count("pairs", "scorer != 'relay'")
        shipped = {r[0]: r[1] for r in store.conn.execute("SELECT pair_id, p_contradicts FROM pairs")}

    r = invoke("scan", "--db", str(db), "--params", str(mine), "--format", "jsonl", "--top", "200")
    assert r.exit_code == 0, r.output
    assert f"0 newly scored, {n_pairs} re-scored" in r.stderr
    with Database(db) as store:
        mine_p = {r[0]: r[1] for r in store.conn.execute("SELECT pair_id, p_contradicts FROM pairs")}
        assert store.count("pairs", "scorer LIKE 'pipeline:news:%'") == n_pairs
    raised = [k for k in shipped if abs(mine_p[k] - 0.99) < 1e-9]
    assert raised and all(shipped[k] < 0.99 for k in raised)
    assert jsonl_rows(r.stdout)[0]["score"] == pytest.approx(0.99)

    # a later scan without --params (re-ranking, --differs, ...) keeps the store's own fit, and says so
    r = invoke("scan", "--db", str(db), "--format", "jsonl", "--top", "200", "--differs")
    assert f"using the parameter file this store was scored with, {mine.resolve()}" in r.stderr
    assert ", 0 newly scored, 0 relays" in r.stderr
    r = invoke("scan", "--db", str(db), "--format", "jsonl", "--top", "200", "--params", "shipped")  # back
    assert "re-scored" in r.stderr
    with Database(db) as store:
        back = {r[0]: r[1] for r in store.conn.execute("SELECT pair_id, p_contradicts FROM pairs")}
    assert all(back[k] == pytest.approx(shipped[k]) for k in shipped)
    r = invoke("scan", "--db", str(db), "--format", "jsonl", "--top", "200")  # the shipped file again: nothing to do
    assert ", 0 newly scored, 0 relays" in r.stderr and "using the parameter file" not in r.stderr
    mine2 = tmp_path / "mine2.json"
    mine.rename(mine2)
    invoke("scan", "--db", str(db), "--params", str(mine2), "-q")
    mine2.unlink()  # a remembered file that is gone: the shipped one, with a warning
    r = invoke("scan", "--db", str(db), "--format", "jsonl", "--top", "200")
    assert f"warning: this store was scored with {mine2.resolve()}, which is gone" in r.stderr
    assert "re-scored" in r.stderr


@pytest.mark.slow
def test_eval_on_exported_verdicts_scores_as_the_scan_did(scanned, tmp_path):
    """The desk's verdicts measure the scorer whose flags they reviewed: `eval` on the export gives every pair the
    probability the scan stored, the rebuttal rule on juxtaposed claims included (it raised the demo's top pair)."""
    import shutil

    from detector.review import QueueFilter, queue, set_verdict

    db = tmp_path / "copy.db"
    shutil.copy(scanned[0], db)
    with Database(db) as store:
        items = [it for it in queue(store, QueueFilter(labels=())) if it.pair.label != "echo"]
        for i, it in enumerate(items):
            set_verdict(store, it.pair_key, "confirmed" if i % 2 == 0 else "false_alarm", reviewer="t")
        stored = {it.pair_key: it.pair.probs["contradicts"] for it in items}
        raised = [k for k, it in ((it.pair_key, it) for it in items)
                  if it.pair.p_model is not None and it.pair.p_model < it.pair.probs["contradicts"] - 0.1]
    assert raised, "the demo's top pair rests on the rebuttal rule"
    out, pred = tmp_path / "verdicts.jsonl", tmp_path / "pred.jsonl"
    assert invoke("export", "--db", str(db), "--format", "jsonl", "-o", str(out)).exit_code == 0
    assert any(r["same_story"] for r in jsonl_rows(out.read_text("utf-8")))
    r = invoke("eval", str(out), "--predictions", str(pred), "--silent")
    assert r.exit_code == 0, r.output
    got = {x["id"]: x["p_contradicts"] for x in jsonl_rows(pred.read_text("utf-8"))}
    assert set(got) <= set(stored) and set(raised) <= set(got)
    assert all(got[k] == pytest.approx(stored[k], abs=1e-6) for k in got)


@pytest.mark.slow
def test_verbose_logs_one_line_per_stage(scanned, caplog):
    db, _ = scanned
    quiet = invoke("scan", "--db", str(db), "-q", "--top", "3")
    assert not [r for r in caplog.records if r.name == "crossclaim" and r.levelname == "INFO"]
    r = invoke("-v", "scan", "--db", str(db), "-q", "--top", "3")
    assert r.exit_code == 0, r.output
    assert r.stdout == quiet.stdout  # the results do not change
    lines = [r.getMessage() for r in caplog.records if r.name == "crossclaim" and r.levelname == "INFO"]
    assert [m.split(":")[0] for m in lines] == ["ingest", "claims", "clustering", "candidates", "scoring", "store"]
    with Database(db) as store:
        n_claims = len(store.claims())
    assert lines[1] == f"claims: {n_claims} in the store"
    assert lines[4].startswith("scoring: 0 pairs scored with ")  # all scored by the first scan


@pytest.mark.slow
def test_rescan_scores_no_new_pairs(scanned, examples_dir):
    db, first = scanned
    with Database(db) as store:
        before = (store.count("documents"), store.count("claims"), store.count("pairs"))
    r = invoke("scan", str(examples_dir), "--db", str(db), "--format", "jsonl", "--top", "200")
    assert r.exit_code == 0, r.output
    assert "(0 new)" in r.stderr and ", 0 newly scored, 0 relays" in r.stderr
    with Database(db) as store:
        assert (store.count("documents"), store.count("claims"), store.count("pairs")) == before
    assert [(x["pair_id"], x["rank"]) for x in jsonl_rows(r.stdout)] == [
        (x["pair_id"], x["rank"]) for x in jsonl_rows(first.stdout)]


@pytest.mark.slow
def test_scan_formats_agree(scanned):
    db, first = scanned
    expected = jsonl_rows(first.stdout)
    top = str(len(expected))

    as_json = invoke("scan", "--db", str(db), "--format", "json", "--top", top, "-q")
    assert as_json.exit_code == 0, as_json.output
    assert [x["pair_id"] for x in json.loads(as_json.stdout)] == [x["pair_id"] for x in expected]

    as_csv = invoke("scan", "--db", str(db), "--format", "csv", "--top", top, "-q")
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [int(x["rank"]) for x in rows] == [x["rank"] for x in expected]
    assert [x["a_text"] for x in rows] == [x["a"]["text"] for x in expected]
    assert [x["b_speaker"] for x in rows] == [x["b"]["speaker"] or "" for x in expected]
    assert [(x["a_ref"], x["b_url"]) for x in rows] == [(x["a"]["ref"], x["b"]["url"] or "") for x in expected]
    assert all(x["label"] == "contradicts" for x in rows)

    table = invoke("scan", "--db", str(db), "--format", "table", "--top", "2", "-q")
    assert table.exit_code == 0, table.output
    blocks = [b for b in table.stdout.split("\n\n") if b.strip()]
    assert len(blocks) == min(2, len(expected))
    for block, x in zip(blocks, expected):
        lines = block.splitlines()
        assert lines[0].startswith(f"#{x['rank']}  CONTRADICTS  p=")
        assert lines[1].startswith(f"  A: {x['a']['speaker']}") and lines[3].startswith(f"  B: {x['b']['speaker']}")
        assert lines[-1].startswith("  why: ")


@pytest.mark.slow
def test_scan_labels_and_min_score_filters(scanned):
    db, first = scanned
    both = jsonl_rows(invoke("scan", "--db", str(db), "--format", "jsonl", "--top", "500", "-q",
                             "--labels", "contradicts,echo").stdout)
    assert {x["label"] for x in both} == {"contradicts", "echo"}
    assert [x["label"] for x in both] == sorted((x["label"] for x in both), key=lambda v: v != "contradicts")
    # printed scores are rounded to 4 places: cut just below the best one
    cut = round(max(x["p_contradicts"] for x in jsonl_rows(first.stdout)) - 0.0002, 4)
    high = jsonl_rows(invoke("scan", "--db", str(db), "--format", "jsonl", "-q", "--min-score", str(cut)).stdout)
    assert 1 <= len(high) < len(jsonl_rows(first.stdout)) or len(jsonl_rows(first.stdout)) == 1
    assert all(x["score"] >= cut for x in high)
    assert len(jsonl_rows(invoke("scan", "--db", str(db), "--format", "jsonl", "-q", "--top", "1").stdout)) == 1


def _speakers(row: dict) -> tuple[str, str]:
    return row["a"]["speaker"] or "", row["b"]["speaker"] or ""


@pytest.mark.slow
def test_demo_ranks_the_foreign_ministry_denial_conflict_in_the_top_5(scanned):
    top5 = jsonl_rows(scanned[1].stdout)[:5]
    assert any(
        any("Foreign Ministry" in s for s in _speakers(x))
        and any(("officials" in s or "Wall Street Journal" in s) for s in _speakers(x))
        for x in top5
    ), [_speakers(x) for x in top5]


@pytest.mark.slow
def test_demo_ranks_the_kirby_vs_spiegel_conflict_in_the_top_5(scanned):
    top5 = jsonl_rows(scanned[1].stdout)[:5]
    assert any(
        any("Kirby" in s for s in _speakers(x)) and "Der Spiegel" in _speakers(x) for x in top5
    ), [_speakers(x) for x in top5]


@pytest.mark.slow
def test_pages_that_name_no_outlet_are_named_once(tmp_path, note):
    """A desk has to know who published what: pages with no outlet are listed in one warning, not silently kept."""
    plain = tmp_path / "plain.txt"
    plain.write_text("The harbour master said the port would stay closed until Friday.\n", "utf-8")
    r = invoke("ingest", str(plain), str(note), "--db", str(tmp_path / "s.db"), "--outlet", "Harbour Post")
    assert "name no outlet" not in r.stderr  # --outlet names it for every input
    r = invoke("ingest", str(plain), "--db", str(tmp_path / "t.db"))
    assert f"warning: 1 new document(s) name no outlet ({plain}); pass --outlet" in r.stderr
    r = invoke("ingest", str(plain), "--db", str(tmp_path / "t.db"))  # nothing new: nothing to say
    assert "name no outlet" not in r.stderr


def _help(*command: str) -> str:
    r = invoke(*command, "--help")
    assert r.exit_code == 0, r.output
    return " ".join(r.stdout.split())


@pytest.mark.parametrize("command", ["ingest", "scan", "claims", "figures", "review", "serve", "export"])
def test_every_db_option_names_crossclaim_db(command):
    assert "[env var: CROSSCLAIM_DB; default: crossclaim.db]" in _help(command)


def test_help_says_what_each_command_does_with_its_inputs():
    assert _help("calibrate").startswith("Usage: cli calibrate [OPTIONS] [PAIRS]...")  # optional with --recipe
    figures = _help("figures")
    assert "--db FILE The SQLite store written by `crossclaim scan` (read only)." in figures
    assert "write" not in figures
    assert "(default: your login name). [env var: CROSSCLAIM_REVIEWER]" in _help("review")
    assert "[env var: CROSSCLAIM_REVIEWER]" in _help("serve") and "[env var: CROSSCLAIM_TOKEN]" in _help("serve")
