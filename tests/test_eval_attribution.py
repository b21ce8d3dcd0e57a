"""The blind before/after comparison of attribution rules (``eval.attribution``): sheets hide which side is
which, and scores count the judge's verdicts by side. The extraction itself is tested in test_claims."""

from __future__ import annotations

import json

import pytest

from eval.attribution import main, read_dump, score, sheet

BODIES = {"1": "The pier closed. “It is unsafe,” Lena Brandt said. The council met.", "2": "Ferries run daily."}
BEFORE = {("1", "The pier closed."): "Outlet", ("1", "“It is unsafe,” Lena Brandt said."): "Outlet",
          ("2", "Ferries run daily."): "Outlet"}
AFTER = {**BEFORE, ("1", "“It is unsafe,” Lena Brandt said."): "Outlet → Lena Brandt"}


def test_a_sheet_holds_only_claims_attributed_differently_with_the_sides_hidden():
    items, key, changed = sheet(BEFORE, AFTER, BODIES, n=10, seed=0)
    assert changed == 1 and len(items) == len(key) == 1
    (item,) = items
    assert "[[[ “It is unsafe,” Lena Brandt said. ]]]" in item["context"]
    assert item["context"].startswith("The pier closed.")
    assert {item["X"], item["Y"]} == {"Outlet", "Outlet → Lena Brandt"}
    assert "before" not in json.dumps(items) and "after" not in json.dumps(items)
    side = {key[0]["X"]: item["X"], key[0]["Y"]: item["Y"]}
    assert side == {"before": "Outlet", "after": "Outlet → Lena Brandt"}


def test_sides_are_shuffled_per_item():
    before = {("1", f"s{i}"): "Outlet" for i in range(40)}
    after = {k: "Outlet → X" for k in before}
    _, key, _ = sheet(before, after, {"1": ""}, n=40, seed=3)
    assert 5 < sum(k["X"] == "after" for k in key) < 35


def test_score_counts_verdicts_by_the_side_preferred():
    key = [{"item": 0, "X": "after", "Y": "before"}, {"item": 1, "X": "before", "Y": "after"},
           {"item": 2, "X": "after", "Y": "before"}, {"item": 3, "X": "before", "Y": "after"}]
    verdicts = [{"item": 0, "verdict": "X"}, {"item": 1, "verdict": "Y"}, {"item": 2, "verdict": "Y"},
                {"item": 3, "verdict": "tie_both_wrong"}]
    assert score(key, verdicts) == {"after": 2, "before": 1, "tie_both_wrong": 1}
    with pytest.raises(ValueError, match="item 0"):
        score(key, [{"item": 0, "verdict": "maybe"}])


def test_sheet_and_score_commands_round_trip(tmp_path, monkeypatch, capsys):
    root = tmp_path / "datasets"
    (root / "fnc-1").mkdir(parents=True)
    with (root / "fnc-1" / "train_bodies.csv").open("w", encoding="utf-8") as f:
        f.write('Body ID,articleBody\n1,"The pier closed. “It is unsafe,” Lena Brandt said. The council met."\n')
    monkeypatch.setenv("CROSSCLAIM_DATASETS", str(root))
    for name, rows in (("before.tsv", BEFORE), ("after.tsv", AFTER)):
        (tmp_path / name).write_text("".join(f"{b}\t{r}\t{t}\n" for (b, t), r in rows.items() if b == "1"),
                                     encoding="utf-8")
    assert read_dump(tmp_path / "after.tsv")[("1", "“It is unsafe,” Lena Brandt said.")] == "Outlet → Lena Brandt"
    main(["sheet", str(tmp_path / "before.tsv"), str(tmp_path / "after.tsv"), str(tmp_path / "s"), "--n", "5"])
    assert "1 claims attributed differently; 1 drawn" in capsys.readouterr().out
    key = json.loads((tmp_path / "s" / "key.json").read_text())
    pick = "X" if key[0]["X"] == "after" else "Y"
    (tmp_path / "s" / "verdicts.jsonl").write_text(json.dumps({"item": 0, "verdict": pick}) + "\n")
    main(["score", str(tmp_path / "s")])
    assert capsys.readouterr().out.strip() == "after 1, before 0, tie_both_right 0, tie_both_wrong 0"
