"""The news feed built from FNC-1 bodies for precision studies: one outlet per body, dev-side bodies only."""

from __future__ import annotations

import csv
import json

import pytest

from eval.newsfeed import feed, main
from eval.pairs import in_dev

DEV = [str(i) for i in range(1, 400) if in_dev(f"body:{i}")][:2]
FIT = next(str(i) for i in range(1, 400) if not in_dev(f"body:{i}"))
BODIES = {DEV[0]: "The harbour reopened on Monday, the port authority said.",
          DEV[1]: "The port authority denied that the harbour had reopened.",
          FIT: "Ferries were running again by Tuesday."}


def test_each_body_is_a_page_of_its_own_outlet():
    assert feed(DEV[::-1], BODIES) == [
        {"text": BODIES[DEV[1]], "outlet": "Outlet 1", "id": f"body:{DEV[1]}"},
        {"text": BODIES[DEV[0]], "outlet": "Outlet 2", "id": f"body:{DEV[0]}"},
    ]


@pytest.mark.parametrize("ids, message", [
    ([FIT], "on the fit side of the split"),
    (["999999"], "no FNC-1 body with Body ID 999999"),
    ([DEV[0], DEV[0]], "given twice"),
])
def test_bodies_the_scorer_was_fitted_on_unknown_or_repeated_are_refused(ids, message):
    with pytest.raises(ValueError, match=message):
        feed(ids, BODIES)


def test_command_writes_the_feed_that_scan_reads(tmp_path, monkeypatch):
    (tmp_path / "fnc-1").mkdir()
    with (tmp_path / "fnc-1" / "train_bodies.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Body ID", "articleBody"])
        w.writerows(BODIES.items())
    monkeypatch.setenv("CROSSCLAIM_DATASETS", str(tmp_path))
    out = tmp_path / "feed.jsonl"
    main([",".join(DEV), str(out)])
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [(r["outlet"], r["text"]) for r in rows] == [("Outlet 1", BODIES[DEV[0]]), ("Outlet 2", BODIES[DEV[1]])]
    with pytest.raises(SystemExit, match="on the fit side"):
        main([FIT, str(tmp_path / "no.jsonl")])
    assert not (tmp_path / "no.jsonl").exists()


def test_the_feed_is_read_as_one_document_per_body(tmp_path):
    from detector.ingest import read_inputs

    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in feed(DEV, BODIES)), "utf-8")
    docs = read_inputs([str(path)]).documents
    assert [(d.outlet, d.ref) for d in docs] == [("Outlet 1", f"body:{DEV[0]}"), ("Outlet 2", f"body:{DEV[1]}")]
