"""The eval, eval-clusters and calibrate commands through CliRunner, with a stub scorer (unit tests only)."""

import json
import shutil

import click
import numpy as np
import pytest
from click.testing import CliRunner

from eval import data_hash, read_pairs
from eval.commands import calibrate_command, eval_clusters_command, eval_command
from eval.metrics import evaluate
from eval.pairs import input_files
from tests._eval_fixtures import eval_fixtures

FX = eval_fixtures()  # the fixtures under their datasets' file names, in a temporary folder
CUES = ("denies", "closed", "still standing", "No dog", "asleep", "declined", "1940s")


class StubScorer:
    """Contradicts when text_b has a denial cue, else agrees; confidence 0.7."""

    def __init__(self, name):
        self.name = name

    def predict_proba(self, pairs, show_progress=False):
        out = np.full((len(pairs), 4), 0.1)
        for i, p in enumerate(pairs):
            out[i, 0 if any(c in p.text_b for c in CUES) else 1] = 0.7
        return out


@pytest.fixture
def stub_scoring(monkeypatch):
    """Stub load_scorer and calibrate on detector.scoring; records the calls."""
    import detector.scoring as scoring

    calls = {}

    def load_scorer(name="pipeline", **kwargs):
        calls["load_scorer"] = (name, kwargs)
        return StubScorer(name)

    def calibrate(pairs, labels, groups=None, *, sample_weight=None, show_progress=False):
        calls["calibrate"] = (list(pairs), list(labels), groups)
        calls["sample_weight"] = sample_weight
        return {"format": "stub", "n_pairs": len(pairs)}

    monkeypatch.setattr(scoring, "load_scorer", load_scorer)
    monkeypatch.setattr(scoring, "calibrate", calibrate)
    return calls


def run(cmd, args):
    return CliRunner().invoke(cmd, args, catch_exceptions=False)


def expected(path, fnc=False):
    from detector.scoring import TextPair
    from eval.pairs import group_of

    pairs = read_pairs(path)
    proba = StubScorer("x").predict_proba([TextPair(p.text_a, p.text_b) for p in pairs])
    return evaluate([p.label for p in pairs], proba, fnc=fnc, groups=[group_of(p) for p in pairs])


@pytest.mark.parametrize("path", ["generic.jsonl", "generic.csv", "fnc1", "fnc1-test", "emergent", "claimdiff",
                                  "sick", "snli", "anli", "climate-fever"])
def test_eval_json_on_every_format(stub_scoring, path):
    r = run(eval_command, [str(FX / path), "--json", "--silent"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    want = expected(FX / path, fnc=path.startswith("fnc1"))
    assert got.pop("pairs_per_s") > 0
    want.pop("pairs_per_s", None)
    # the shipped parameter file has a calibration for every dataset kind; generic pairs get its default
    want_cal = {"generic.jsonl": None, "generic.csv": None, "fnc1": "news", "fnc1-test": "news",
                "emergent": "news"}.get(path, path)
    assert got.pop("calibration") == want_cal
    assert got.keys() == want.keys()
    for k, v in want.items():
        assert got[k] == (None if isinstance(v, float) and np.isnan(v) else pytest.approx(v) if isinstance(v, float)
                          else v), k
    for key in ("n", "accuracy", "macro_f1", "contradicts.f1", "contradicts.precision", "contradicts.recall",
                "agrees.f1", "neutral.recall", "unrelated.precision", "contradicts.roc_auc", "contradicts.pr_auc",
                "ece"):
        assert key in got
    assert ("fnc_score" in got) == path.startswith("fnc1")
    assert stub_scoring["load_scorer"] == ("pipeline", {"calibration": want_cal})


def test_eval_calibration_option_and_fallback(stub_scoring, tmp_path):
    r = run(eval_command, [str(FX / "sick"), "--json", "--silent", "--calibration", "news"])
    assert r.exit_code == 0 and stub_scoring["load_scorer"] == ("pipeline", {"calibration": "news"})
    # a single-calibration file (as `calibrate PAIRS` writes) has no "sick": the file's default is used
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"calibrations": {"mine": {}}, "default_calibration": "mine"}))
    r = run(eval_command, [str(FX / "sick"), "--json", "--silent", "--params", str(single)])
    assert r.exit_code == 0
    assert stub_scoring["load_scorer"] == ("pipeline", {"params": str(single), "calibration": None})
    r = run(eval_command, [str(FX / "sick"), "--json", "--silent", "--scorer", "nli"])
    assert stub_scoring["load_scorer"] == ("nli", {}) and "calibration" not in json.loads(r.output)


def test_eval_exact_numbers(stub_scoring):
    r = run(eval_command, [str(FX / "generic.jsonl"), "--json", "--scorer", "lexical", "--silent"])
    got = json.loads(r.output)
    assert stub_scoring["load_scorer"][0] == "lexical"
    # g1 contradicts (cue "closed") right, g2 agrees right, g3 neutral -> agrees, g4 unrelated -> agrees
    assert got["n"] == 4 and got["accuracy"] == 0.5 and got["contradicts.f1"] == 1.0
    assert got["agrees.precision"] == pytest.approx(1 / 3) and got["ece"] == pytest.approx(0.3 / 4 + 0.1 * 3 / 4)
    assert got["contradicts.roc_auc"] == 1.0 and got["primary_metric"] == "contradicts.f1"


def test_eval_text_output(stub_scoring):
    r = run(eval_command, [str(FX / "generic.jsonl"), "--silent"])
    lines = r.output.splitlines()
    assert lines[0].split() == ["n", "4"] and lines[1].split() == ["accuracy", "0.5000"]
    assert lines[-2].split() == ["primary_metric", "contradicts.f1"] and lines[-1].split()[0] == "calibration"


def test_eval_predictions_and_report(stub_scoring, tmp_path):
    r = run(eval_command, [str(FX / "fnc1"), "--silent", "--json", "--predictions", str(tmp_path / "p.jsonl"),
                           "--report", str(tmp_path / "rep")])
    assert r.exit_code == 0
    rows = [json.loads(x) for x in (tmp_path / "p.jsonl").read_text().splitlines()]
    # the stub reads text_b, here the body, which has no denial cue
    assert rows[1] == {"id": "train_stances:3", "label": "contradicts", "predicted": "agrees",
                       "p_contradicts": 0.1, "p_agrees": 0.7, "p_neutral": 0.1, "p_unrelated": 0.1}
    assert [r["id"] for r in rows] == [p.id for p in read_pairs(FX / "fnc1")]
    assert (tmp_path / "rep" / "report.md").exists() and (tmp_path / "rep" / "pr_curve.png").exists()


def test_eval_convert(tmp_path):
    out = tmp_path / "sick.jsonl"
    r = run(eval_command, [str(FX / "sick"), "--convert", str(out)])
    assert r.exit_code == 0 and read_pairs(out) == read_pairs(FX / "sick")


def test_eval_limit_and_split(stub_scoring, tmp_path):
    r = run(eval_command, [str(FX / "climate-fever"), "--limit", "2", "--seed", "1", "--convert",
                           str(tmp_path / "x.jsonl")])
    assert r.exit_code == 0 and len(read_pairs(tmp_path / "x.jsonl")) == 2
    r = run(eval_command, [str(FX / "generic.jsonl"), "--split", "dev", "--convert", str(tmp_path / "d.jsonl")])
    r2 = run(eval_command, [str(FX / "generic.jsonl"), "--split", "fit", "--convert", str(tmp_path / "f.jsonl")])
    assert r.exit_code == 0 and r2.exit_code == 0, (r.output, r2.output)
    n = sum(len(p.read_text().splitlines()) for p in (tmp_path / "d.jsonl", tmp_path / "f.jsonl") if p.exists())
    assert n == 4


def test_eval_errors_are_one_line(stub_scoring):
    r = CliRunner().invoke(eval_command, [str(FX / "bad_label.jsonl"), "--json"])
    assert r.exit_code == 1
    assert r.output.startswith("Error: ") and "bad_label.jsonl:2: label 'refutes'" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_calibrate(stub_scoring, tmp_path):
    out = tmp_path / "params.json"
    r = run(calibrate_command, [str(FX / "generic.jsonl"), str(FX / "emergent"), "--out", str(out), "--silent"])
    assert r.exit_code == 0, r.output
    params = json.loads(out.read_text())
    files = input_files(FX / "generic.jsonl") + input_files(FX / "emergent")
    assert params["format"] == "crossclaim-pair-scorer/2" and params["n_pairs"] == 8
    assert params["calibrations"]["news"]["format"] == "stub" and params["default_calibration"] == "news"
    assert params["data_hash"] == data_hash(files)
    assert params["data_files"] == [str(f) for f in files]
    assert params["command"] and params["created"].endswith("+00:00")
    pairs, labels, groups = stub_scoring["calibrate"]
    assert labels[:4] == ["contradicts", "agrees", "neutral", "unrelated"]
    assert groups[:4] == ["bridge", "bridge", "mayor", "id:g4"] and groups[4] == "claim:c-1"
    assert pairs[0].text_a == "The bridge in Lowtown reopened on Monday." and pairs[0].date_b == "2024-03-05"


def test_calibrate_needs_pairs_or_recipe():
    r = CliRunner().invoke(calibrate_command, [])
    assert r.exit_code == 2 and "give PAIRS..., --recipe shipped|news, or both" in r.output


@pytest.mark.parametrize("args", [[str(FX / "generic.jsonl")], ["--recipe", "news"],
                                  ["--recipe", "shipped", str(FX / "generic.jsonl")]])
def test_calibrate_never_overwrites_the_shipped_file_unasked(stub_scoring, monkeypatch, tmp_path, args):
    import eval.commands as commands

    shipped = tmp_path / "pair_scorer.json"
    monkeypatch.setattr(commands, "DEFAULT_OUT", shipped)
    r = CliRunner().invoke(calibrate_command, [*args, "--silent"])
    assert r.exit_code == 2 and "--out is required" in r.output and not shipped.exists()
    assert "calibrate" not in stub_scoring  # refused before anything was fitted


def _datasets(tmp_path, folders):
    root = tmp_path / "datasets"
    for src, dst in folders.items():
        shutil.copytree(FX / src, root / dst)
    return root


def test_calibrate_recipe_reads_datasets_env(stub_scoring, tmp_path, monkeypatch):
    # The fixture folders stand in for ../shared/datasets: fnc-1/ and emergent/.
    root = tmp_path / "datasets"
    for src, dst in (("fnc1", "fnc-1"), ("emergent", "emergent")):
        (root / dst).mkdir(parents=True)
        for f in (FX / src).iterdir():
            (root / dst / f.name).write_bytes(f.read_bytes())
    monkeypatch.setenv("CROSSCLAIM_DATASETS", str(root))
    out = tmp_path / "p.json"
    r = run(calibrate_command, ["--recipe", "news", "--out", str(out), "--silent"])
    assert r.exit_code == 0, r.output
    params = json.loads(out.read_text())
    assert params["data_files"] == ["fnc-1/train_stances.csv", "fnc-1/train_bodies.csv",
                                    "emergent/url-versions-2015-06-14-clean-train.csv", "emergent/edata_train.csv"]
    assert params["data_hash"] == data_hash(root.rglob("*.csv"))
    assert list(params["calibrations"]) == ["news"] and params["default_calibration"] == "news"
    assert params["calibrations"]["news"]["data_hash"] == params["data_hash"]


def test_calibrate_shipped_recipe_fits_one_calibration_per_dataset(stub_scoring, tmp_path, monkeypatch):
    root = tmp_path / "datasets"
    folders = {"fnc1": "fnc-1", "emergent": "emergent", "claimdiff": "claimdiff", "climate-fever": "climate-fever",
               "sick": "sick", "snli": "snli", "anli": "anli"}
    for src, dst in folders.items():
        shutil.copytree(FX / src, root / dst)
    monkeypatch.setenv("CROSSCLAIM_DATASETS", str(root))
    out = tmp_path / "p.json"
    r = run(calibrate_command, ["--recipe", "shipped", "--out", str(out), "--silent"])
    assert r.exit_code == 0, r.output
    params = json.loads(out.read_text())
    assert list(params["calibrations"]) == ["news", "claimdiff", "climate-fever", "sick", "snli", "anli"]
    assert params["default_calibration"] == "news" and params["format"] == "crossclaim-pair-scorer/2"
    sick = params["calibrations"]["sick"]
    assert sick["data_hash"] == data_hash(input_files(root / "sick")) and all(f.startswith("sick/")
                                                                             for f in sick["data_files"])
    # each non-news calibration is fitted on its dataset's fit side only (the last call was anli's)
    fitted = [p.text_b for p in stub_scoring["calibrate"][0]]
    from eval.pairs import dev_split

    fit, dev = dev_split(read_pairs(root / "anli"))
    assert dev and sorted(fitted) == sorted(p.text_b for p in fit) and not {p.text_b for p in dev} & set(fitted)
    assert params["data_hash"] == data_hash([f for d in folders.values() for f in input_files(root / d)])


def test_calibrate_adds_your_pairs_to_the_recipe(stub_scoring, tmp_path, monkeypatch):
    root = _datasets(tmp_path, {"fnc1": "fnc-1", "emergent": "emergent"})
    monkeypatch.setenv("CROSSCLAIM_DATASETS", str(root))
    r = run(calibrate_command, ["--recipe", "news", "--out", str(tmp_path / "base.json"), "--silent"])
    assert r.exit_code == 0, r.output
    base_pairs, base_labels, base_groups = stub_scoring["calibrate"]
    base_w = list(stub_scoring["sample_weight"])
    mine = read_pairs(FX / "generic.jsonl")
    out = tmp_path / "p.json"
    r = run(calibrate_command, ["--recipe", "news", str(FX / "generic.jsonl"), "--out", str(out), "--silent"])
    assert r.exit_code == 0, r.output
    pairs, labels, groups = stub_scoring["calibrate"]
    assert pairs[: len(base_pairs)] == base_pairs and labels == base_labels + [p.label for p in mine]
    assert [p.text_b for p in pairs[len(base_pairs):]] == [p.text_b for p in mine]
    assert list(stub_scoring["sample_weight"]) == base_w + [1.0] * len(mine)  # the recipe's weights kept, yours 1
    params = json.loads(out.read_text())
    assert list(params["calibrations"]) == ["news"] and params["default_calibration"] == "news"
    news = params["calibrations"]["news"]
    assert news["data_files"][-1].endswith("generic.jsonl") and news["data_files"][0] == "fnc-1/train_stances.csv"
    assert news["data_hash"] == params["data_hash"] == data_hash([*root.rglob("*.csv"), FX / "generic.jsonl"])
    # under another name, your pairs make a calibration of their own, and the file's default
    r = run(calibrate_command, ["--recipe", "news", str(FX / "generic.jsonl"), "--name", "desk", "--out", str(out),
                                "--silent"])
    params = json.loads(out.read_text())
    assert list(params["calibrations"]) == ["news", "desk"] and params["default_calibration"] == "desk"
    assert params["calibrations"]["desk"]["n_pairs"] == len(mine)
    # --weight makes each of your pairs count more beside the recipe's
    r = run(calibrate_command, ["--recipe", "news", str(FX / "generic.jsonl"), "--weight", "5", "--out", str(out),
                                "--silent"])
    assert r.exit_code == 0, r.output
    assert list(stub_scoring["sample_weight"]) == base_w + [5.0] * len(mine)


@pytest.mark.parametrize("args, problem", [
    (["--weight", "0"], "0.0 is not in the range x>0"),
    (["--weight", "3"], "--weight weighs your PAIRS against a recipe's pairs"),  # no recipe: nothing to weigh against
])
def test_calibrate_weight_needs_a_recipe_and_a_positive_value(stub_scoring, tmp_path, args, problem):
    r = CliRunner().invoke(calibrate_command, [str(FX / "generic.jsonl"), *args, "--out", str(tmp_path / "p.json")])
    assert r.exit_code == 2 and problem in r.output


def test_calibrate_own_pairs_names_the_calibration(stub_scoring, tmp_path):
    out = tmp_path / "mine.json"
    r = run(calibrate_command, [str(FX / "generic.jsonl"), "--name", "desk", "--out", str(out), "--silent"])
    assert r.exit_code == 0, r.output
    params = json.loads(out.read_text())
    assert list(params["calibrations"]) == ["desk"] and params["default_calibration"] == "desk"
    assert params["calibrations"]["desk"]["n_pairs"] == params["n_pairs"] == len(read_pairs(FX / "generic.jsonl"))


def test_eval_clusters_with_fixed_clustering(monkeypatch):
    import eval.commands as commands

    monkeypatch.setattr(commands, "_encode", lambda texts: np.eye(len(texts), dtype=np.float32))
    seen = []

    def cluster_embeddings(X, *, distance_threshold=None):
        seen.append(distance_threshold)
        return np.array([0, 0, 1] if distance_threshold is None or distance_threshold > 0.5 else [0, 1, 2])

    import detector.candidates

    monkeypatch.setattr(detector.candidates, "cluster_embeddings", cluster_embeddings)
    monkeypatch.setattr(detector.candidates, "DEFAULT_DISTANCE_THRESHOLD", 0.55, raising=False)
    r = run(eval_clusters_command, [str(FX / "clusters.jsonl"), "--json"])
    got = json.loads(r.output)
    assert got["bcubed_f1"] == 1.0 and got["n_clusters"] == 2 and got["threshold"] == 0.55
    r = run(eval_clusters_command, [str(FX / "clusters.jsonl"), "--json", "--threshold", "0.3", "--threshold", "0.7"])
    got = json.loads(r.output)
    assert [g["threshold"] for g in got] == [0.3, 0.7] and seen[1:] == [0.3, 0.7]
    assert got[0]["bcubed_precision"] == 1.0 and got[0]["bcubed_recall"] == pytest.approx(2 / 3)


def test_every_command_has_help():
    for cmd in (eval_command, eval_clusters_command, calibrate_command):
        r = CliRunner().invoke(cmd, ["--help"])
        assert r.exit_code == 0 and "Example: crossclaim" in r.output
        assert all(p.help for p in cmd.params if isinstance(p, click.Option)), cmd.name


def _one_line_error(r, *parts):
    assert r.exit_code == 1, r.output
    assert r.output.startswith("Error: ") and len(r.output.strip().splitlines()) == 1, r.output
    for part in parts:
        assert part in r.output, r.output


def test_generic_format_on_a_folder_is_a_clear_error(stub_scoring, tmp_path):
    r = CliRunner().invoke(eval_command, [str(FX / "fnc1"), "--format", "csv"])
    _one_line_error(r, "fnc1: format csv reads a file, not a folder")
    r = CliRunner().invoke(calibrate_command, [str(FX / "fnc1"), "--format", "jsonl", "--out",
                                               str(tmp_path / "p.json")])
    _one_line_error(r, "fnc1: format jsonl reads a file, not a folder")


@pytest.mark.parametrize("option,value", [("--predictions", "f/p.jsonl"), ("--report", "f/rep"),
                                          ("--convert", "f/x.jsonl")])
def test_eval_refuses_an_unwritable_output_before_scoring(stub_scoring, tmp_path, option, value):
    (tmp_path / "f").write_text("a file, not a folder\n")
    r = CliRunner().invoke(eval_command, [str(FX / "generic.jsonl"), "--silent", option, str(tmp_path / value)])
    _one_line_error(r, f"Error: {tmp_path / value}: ")
    assert "is a file, not a folder" in r.output
    assert "load_scorer" not in stub_scoring  # refused before the scorer was loaded


def test_calibrate_refuses_an_unwritable_out_before_fitting(stub_scoring, tmp_path):
    (tmp_path / "f").write_text("a file, not a folder\n")
    out = tmp_path / "f" / "p.json"
    r = CliRunner().invoke(calibrate_command, [str(FX / "generic.jsonl"), "--out", str(out), "--silent"])
    _one_line_error(r, f"Error: {out}: {tmp_path / 'f'} is a file, not a folder")
    assert "calibrate" not in stub_scoring


def test_calibrate_keeps_a_finished_fit_when_the_write_fails(stub_scoring, tmp_path, monkeypatch):
    import eval.commands as commands

    monkeypatch.setattr(commands, "_check_output", lambda path, folder=False: None)  # the path turns bad mid-fit
    (tmp_path / "f").write_text("a file, not a folder\n")
    r = CliRunner().invoke(calibrate_command, [str(FX / "generic.jsonl"), "--out", str(tmp_path / "f" / "p.json"),
                                               "--silent"])
    _one_line_error(r, "the fitted parameters were saved to ")
    saved = r.output.strip().rsplit(" ", 1)[1]
    assert json.loads(open(saved, encoding="utf-8").read())["n_pairs"] == 4
    import os

    os.remove(saved)


def test_eval_split_with_no_pairs_on_that_side(stub_scoring, tmp_path):
    # the fixture's two FNC-1 bodies both fall on the fit side
    out = tmp_path / "dev.jsonl"
    r = CliRunner().invoke(eval_command, [str(FX / "fnc1"), "--split", "dev", "--convert", str(out)])
    _one_line_error(r, "fnc1: no pairs on the dev side of the split: all 5 are on the fit side")
    assert not out.exists()
    r = CliRunner().invoke(eval_command, [str(FX / "fnc1"), "--split", "dev", "--json"])
    _one_line_error(r, "no pairs on the dev side")


def test_calibrate_refuses_pairs_without_contradicts(stub_scoring, tmp_path):
    mine = tmp_path / "agreed.jsonl"
    mine.write_text("".join(json.dumps(p) + "\n" for p in (
        {"id": "a", "text_a": "The river flooded.", "text_b": "Floods hit the river town.", "label": "agrees"},
        {"id": "b", "text_a": "The river flooded.", "text_b": "The mayor met farmers.", "label": "neutral"})))
    r = CliRunner().invoke(calibrate_command, [str(mine), "--out", str(tmp_path / "p.json"), "--silent"])
    _one_line_error(r, f"{mine}: no pair is labelled contradicts")
    assert "calibrate" not in stub_scoring and not (tmp_path / "p.json").exists()


@pytest.mark.parametrize("error,parts", [
    # scikit-learn's, when a cross-validation fold trains on a single label
    ("This solver needs samples of at least 2 classes in the data, but the data contains only one class: 1",
     ["generic.jsonl: cannot fit on these pairs: agrees has 1 pair; contradicts has 1 pair;",
      "each label needs at least 5 pairs"]),
    ("no pair kind has enough labelled pairs (20, with two labels) to fit",
     ["generic.jsonl: cannot fit on these pairs: agrees has 1 pair"]),
])
def test_calibrate_failure_names_the_files_and_the_rare_labels(stub_scoring, tmp_path, monkeypatch, error, parts):
    import detector.scoring as scoring

    def calibrate(*args, **kwargs):
        raise ValueError(error)

    monkeypatch.setattr(scoring, "calibrate", calibrate)
    r = CliRunner().invoke(calibrate_command, [str(FX / "generic.jsonl"), "--out", str(tmp_path / "p.json"),
                                               "--silent"])
    _one_line_error(r, *parts)


def test_calibrate_failure_without_rare_labels_still_names_the_files(stub_scoring, tmp_path, monkeypatch):
    import detector.scoring as scoring

    def calibrate(*args, **kwargs):
        raise ValueError("need at least 20 labelled pairs to fit, got 9")

    monkeypatch.setattr(scoring, "calibrate", calibrate)
    from eval import shipped

    monkeypatch.setattr(shipped, "MIN_PER_LABEL", 1)
    r = CliRunner().invoke(calibrate_command, [str(FX / "generic.jsonl"), str(FX / "emergent"), "--out",
                                               str(tmp_path / "p.json"), "--silent"])
    _one_line_error(r, f"Error: {FX / 'generic.jsonl'}, {FX / 'emergent'}/url-versions-2015-06-14-clean-train.csv",
                    "need at least 20 labelled pairs to fit, got 9")


@pytest.mark.parametrize("args,problem", [
    (["generic.jsonl", "generic.jsonl"], "generic.jsonl: given twice; give each file once"),
    (["fnc1", "fnc1/train_stances.csv"], "fnc1/train_stances.csv: reads "),
])
def test_calibrate_refuses_a_file_given_twice(stub_scoring, tmp_path, args, problem):
    r = CliRunner().invoke(calibrate_command, [*(str(FX / a) for a in args), "--out", str(tmp_path / "p.json")])
    _one_line_error(r, problem)
    assert "calibrate" not in stub_scoring


def test_calibrate_refuses_a_recipe_file_among_pairs(stub_scoring, tmp_path, monkeypatch):
    root = _datasets(tmp_path, {"fnc1": "fnc-1", "emergent": "emergent"})
    monkeypatch.setenv("CROSSCLAIM_DATASETS", str(root))
    r = CliRunner().invoke(calibrate_command, ["--recipe", "news", str(root / "emergent"), "--out",
                                               str(tmp_path / "p.json"), "--silent"])
    _one_line_error(r, "is one of the recipe's files already")


def test_calibrate_never_fits_on_the_dev_side(stub_scoring, tmp_path):
    r = CliRunner().invoke(calibrate_command, [str(FX / "generic.jsonl"), "--split", "dev", "--out",
                                               str(tmp_path / "p.json")])
    assert r.exit_code == 2 and "'dev' is not one of 'all', 'fit'" in r.output
    assert "calibrate" not in stub_scoring


def test_eval_clusters_prints_counts_as_whole_numbers(monkeypatch):
    import detector.candidates
    import eval.commands as commands

    monkeypatch.setattr(commands, "_encode", lambda texts: np.eye(len(texts), dtype=np.float32))
    monkeypatch.setattr(detector.candidates, "cluster_embeddings", lambda X, distance_threshold=None: np.arange(3))
    r = run(eval_clusters_command, [str(FX / "clusters.jsonl"), "--threshold", "0.4"])
    rows = dict(line.split() for line in r.output.splitlines())
    assert rows["n"] == "3" and rows["n_clusters"] == "3" and rows["gold_n_clusters"] == "2"
    assert rows["threshold"] == "0.4000"
    # and whole numbers in JSON too
    got = json.loads(run(eval_clusters_command, [str(FX / "clusters.jsonl"), "--threshold", "0.4", "--json"]).output)
    assert [type(got[k]) for k in ("n", "n_clusters", "gold_n_clusters")] == [int, int, int]
    assert (got["n"], got["n_clusters"], got["gold_n_clusters"], got["threshold"]) == (3, 3, 2, 0.4)


def test_eval_json_prints_counts_as_whole_numbers(stub_scoring):
    got = json.loads(run(eval_command, [str(FX / "generic.jsonl"), "--json", "--silent"]).output)
    counts = {k: v for k, v in got.items() if k == "n" or k.endswith(".support")}
    assert len(counts) == 5 and all(type(v) is int for v in counts.values()), counts
    assert got["n"] == len(read_pairs(FX / "generic.jsonl")) == sum(v for k, v in counts.items() if k != "n")


def test_shipped_module_help_writes_nothing(tmp_path, monkeypatch, run_main):
    from eval.shipped import main

    monkeypatch.setenv("CROSSCLAIM_DATASETS", str(tmp_path / "none"))
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_main(main, ["--help"])
    assert code == 0
    assert out.startswith("usage: python -m eval.shipped [-h] [OUT]\n")
    assert "THE recipe for the parameters crossclaim ships" in out
    for bad, problem in ((["-o", "x.json"], "unrecognized arguments: -o"), (["a.json", "b.json"], "unrecognized "
                         "arguments: b.json"), ([str(tmp_path)], f"{tmp_path}: is a folder")):
        code, _, err = run_main(main, bad)
        assert code == 2 and problem in err
    assert list(tmp_path.iterdir()) == []  # no file named --help, no fit


def test_calibrate_names_the_flags_it_left_out_of_a_fit_with_your_pairs(stub_scoring, monkeypatch, tmp_path):
    import detector.scoring as scoring

    def calibrate(pairs, labels, groups=None, *, sample_weight=None, show_progress=False):
        head = {"left_out": ["non_confirmation", "nonconf_x_cos"], "flag_support": {"non_confirmation": 1}}
        return {"format": "stub", "n_pairs": len(pairs), "pipeline": {"heads": {"sentence": head}}}

    monkeypatch.setattr(scoring, "calibrate", calibrate)
    r = CliRunner().invoke(calibrate_command, [str(FX / "generic.jsonl"), "--out", str(tmp_path / "p.json"),
                                               "--silent"])
    assert r.exit_code == 0, r.output
    assert "calibration 'news', claim pairs (what scan scores): fewer than 10 of the fitted pairs" in r.output
    assert "does not confirm (“have not seen”) (1 pair); does not confirm, by similarity" in r.output
