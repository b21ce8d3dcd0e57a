"""Small labelled-pair fixtures, written for the tests, laid out like each dataset on demand.

The readers find a dataset by its file names (``train_stances.csv``, ``SICK_train_trial.txt``, ``s1.dev``, ...).
The repository must not carry files that look like copies of ../shared/datasets, so the fixtures are stored under
neutral names in tests/fixtures/eval_layouts and copied, once per test session, into a temporary folder with the
names each reader expects.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

STORED = Path(__file__).parent / "fixtures" / "eval_layouts"

# stored name -> the name the dataset reader expects
LAYOUT = {
    "anli/r1_dev.csv": "anli/ANLI_analysis_r1_dev.csv",
    "claimdiff/strength_train.json": "claimdiff/ClaimDiff-S/ClaimDiff-strength-train.json",
    "claimdiff/weak_train.json": "claimdiff/ClaimDiff-W/ClaimDiff-weak-train.json",
    "climate-fever/claims.jsonl": "climate-fever/climate-fever.jsonl",
    "ecbplus/event_mentions.json": "ecbplus/dev_event_gold_mentions.json",
    "emergent/outlets.csv": "emergent/edata_train.csv",
    "emergent/headlines.csv": "emergent/url-versions-2015-06-14-clean-train.csv",
    "fnc1/bodies.csv": "fnc1/train_bodies.csv",
    "fnc1/stances.csv": "fnc1/train_stances.csv",
    "fnc1-bad/bodies.csv": "fnc1-bad/train_bodies.csv",
    "fnc1-bad/stances.csv": "fnc1-bad/train_stances.csv",
    "fnc1-test/test_bodies.csv": "fnc1-test/competition_test_bodies.csv",
    "fnc1-test/test_stances.csv": "fnc1-test/competition_test_stances.csv",
    "sick/pairs.tsv": "sick/SICK_train_trial.txt",
    "snli/labels.txt": "snli/labels.dev",
    "snli/premises.txt": "snli/s1.dev",
    "snli/hypotheses.txt": "snli/s2.dev",
}


@lru_cache(maxsize=1)
def eval_fixtures() -> Path:
    """A temporary folder holding every fixture under its dataset layout (removed when the session ends)."""
    root = Path(tempfile.mkdtemp(prefix="crossclaim-eval-fixtures-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    for src in STORED.rglob("*"):
        if src.is_file():
            rel = src.relative_to(STORED).as_posix()
            dest = root / LAYOUT.get(rel, rel)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    return root
