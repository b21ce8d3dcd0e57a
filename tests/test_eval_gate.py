"""CI gate: fixed samples through `crossclaim eval` with the real models must stay above recorded floors.

Floors and data hashes live in eval/floors.json (style: trafilatura tests/eval_gate.py). Needs ../shared/datasets.
"""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eval import data_hash
from eval.commands import eval_command
from eval.pairs import input_files
from eval.shipped import datasets_root

FLOORS = json.loads((Path(__file__).resolve().parents[1] / "eval" / "floors.json").read_text())
ENTRIES = {k: v for k, v in FLOORS.items() if not k.startswith("_")}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_metrics_stay_above_floor(name):
    entry = ENTRIES[name]
    path = datasets_root() / entry["dataset"]
    if not path.exists():
        pytest.skip(f"{path} not found: set CROSSCLAIM_DATASETS to ../shared/datasets to run the eval gate")
    assert data_hash(input_files(path)) == entry["data_hash"], f"{path} changed: re-record {name} in eval/floors.json"
    r = CliRunner().invoke(eval_command, [str(path), *entry["args"], "--json", "--silent"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout.strip().splitlines()[-1])  # stderr may carry model-loading chatter
    assert got.get("calibration") == entry.get("calibration"), f"{name}: scored with another calibration"
    low = {k: (got[k], floor) for k, floor in entry["floors"].items()
           if got[k] is None or got[k] < floor - entry["tolerance"]}
    assert not low, f"{name}: below floor (got, floor): {low}"
    high = {k: (got[k], ceiling) for k, ceiling in entry.get("ceilings", {}).items()  # lower is better (ece)
            if got[k] is None or got[k] > ceiling + entry["tolerance"]}
    assert not high, f"{name}: above ceiling (got, ceiling): {high}"
