"""Issue 2, acceptance 2: `crossclaim scan` on the three real scraped seed pages (read from ../shared/seeds)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from detector.cli import cli

pytestmark = pytest.mark.slow

FURNITURE = ("Subscribe", "indicates required", "Skip to content", "Read more", "Show More", "Newsletters",
             "Most popular", "Support independent journalism")


@pytest.fixture(scope="module")
def seed_scan(seeds_dir, tmp_path_factory):
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    pages = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    runner = CliRunner()
    scan = runner.invoke(cli, ["scan", *pages, "--db", str(db), "--format", "jsonl", "--top", "50", "-q"])
    assert scan.exit_code == 0, scan.output
    claims = runner.invoke(cli, ["claims", "--db", str(db), "--format", "jsonl"])
    assert claims.exit_code == 0, claims.output
    rows = [json.loads(line) for line in scan.stdout.splitlines() if line.startswith("{")]
    return rows, [json.loads(line) for line in claims.stdout.splitlines()], db


def _has(row, speaker_part_a, speaker_part_b):
    sa, sb = row["a"]["speaker"] or "", row["b"]["speaker"] or ""
    return (speaker_part_a in sa and speaker_part_b in sb) or (speaker_part_a in sb and speaker_part_b in sa)


def test_no_page_furniture_among_claims(seed_scan):
    _, claims, _ = seed_scan
    assert len(claims) > 20
    for c in claims:
        for word in FURNITURE:
            assert word not in c["text"], (word, c["text"])
        assert len(c["text"].split()) >= 6  # no menu lines


def test_kirby_against_spiegel_drone_report_is_a_top5_contradiction(seed_scan, tmp_path):
    rows, claims, db = seed_scan
    top5 = rows[:5]
    hits = [r for r in top5 if _has(r, "Kirby", "Der Spiegel")]
    assert hits, [(r["a"]["speaker"], r["b"]["speaker"]) for r in top5]
    row = hits[0]
    assert row["label"] == "contradicts"
    kirby = row["a"] if "Kirby" in row["a"]["speaker"] else row["b"]
    assert "have not seen them" in kirby["text"] and "move in that direction" in kirby["text"]
    # the Bingo/ZT-180 drone claims are among the pairs between these two sources
    out = CliRunner().invoke(cli, ["scan", "--db", str(db), "--format", "jsonl", "--all-pairs", "--top", "200",
                                   "-q"])
    pairs = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    bingo = [p for p in pairs if _has(p, "Kirby", "Der Spiegel") and p["label"] == "contradicts"
             and any("Bingo" in p[s]["text"] for s in ("a", "b"))]
    assert bingo, "no Kirby vs Der Spiegel/Bingo pair labelled contradicts"
    assert set(p["pair_id"] for p in bingo) & {row["pair_id"], *row["more_pairs"]}


def test_pairs_the_rule_raised_say_what_the_classifier_alone_gave(seed_scan):
    rows, _, _ = seed_scan
    raised = [r for r in rows if any(x["kind"] == "rebuttal" and "classifier alone" in x["detail"]
                                     for x in r["reasons"])]
    assert raised, "no pair raised by the rebuttal rule among the seed conflicts"
    for r in raised:
        (detail,) = [x["detail"] for x in r["reasons"] if x["kind"] == "rebuttal"]
        alone = float(detail.rsplit("classifier alone: ", 1)[1].rstrip(")"))
        assert r["p_model"] == pytest.approx(alone, abs=0.005) and r["p_model"] < r["p_contradicts"]
    for r in rows:  # pairs the rule did not raise: p is the classifier's own
        if r not in raised:
            assert r["p_model"] == pytest.approx(r["p_contradicts"], abs=1e-4)
    # equal p: the classifier's own p orders them
    for x, y in zip(rows, rows[1:]):
        if x["label"] == y["label"] == "contradicts" and x["p_contradicts"] == y["p_contradicts"]:
            assert x["p_model"] >= y["p_model"]


def test_foreign_ministry_denial_against_lethal_aid_report_is_top10(seed_scan):
    rows, _, _ = seed_scan
    top10 = rows[:10]
    assert any(
        r["label"] == "contradicts"
        and (_has(r, "Foreign Ministry", "officials") or _has(r, "Foreign Ministry", "Wall Street Journal"))
        for r in top10
    ), [(r["a"]["speaker"], r["b"]["speaker"]) for r in top10]


def test_seed_claims_carry_the_right_speakers(seed_scan):
    _, claims, _ = seed_scan
    by_text = {c["text"]: c for c in claims}
    kirby = [c for t, c in by_text.items() if "move in that direction" in t]
    assert kirby and all("John Kirby" in c["speaker"] and "National Security Council" in c["speaker"] for c in kirby)
    denial = [c for t, c in by_text.items() if "denied any plans to provide lethal aid" in t]
    assert denial and all("Foreign Ministry" in c["speaker"] for c in denial)
    assert all(c["relay"][-2:] == ["CNN", c["speaker"]] for c in denial)
    bingo = [c for t, c in by_text.items() if "ZT-180 prototype drones" in t]
    assert len(bingo) == 2 and all(c["speaker"] == "Der Spiegel" for c in bingo)
    assert {c["outlet"] for c in bingo} == {"The Kyiv Independent", "ZeroHedge"}
    officials = [c for t, c in by_text.items() if "marked departure" in t]
    assert officials and "officials" in officials[0]["speaker"]


def test_no_flagged_pair_has_one_speaker_or_one_relayed_report(seed_scan):
    rows, _, db = seed_scan
    out = CliRunner().invoke(cli, ["scan", "--db", str(db), "--format", "jsonl", "--all-pairs", "--top", "500",
                                   "--labels", "contradicts,agrees,neutral,unrelated", "-q"])
    pairs = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert pairs
    for p in pairs:
        assert p["a"]["speaker"] != p["b"]["speaker"], p
    # the same Der Spiegel report on two outlets' pages is an echo, never a scored pair
    echoes = CliRunner().invoke(cli, ["scan", "--db", str(db), "--format", "jsonl", "--labels", "echo",
                                      "--all-pairs", "-q"])
    echo_rows = [json.loads(line) for line in echoes.stdout.splitlines() if line.startswith("{")]
    assert any(r["a"]["speaker"] == r["b"]["speaker"] == "Der Spiegel" and r["a"]["outlet"] != r["b"]["outlet"]
               for r in echo_rows)
