"""The pluggable NLI backend: a sentence-transformers CrossEncoder loaded from a local folder.

No NLI cross-encoder ships on PyPI, so the tests build a tiny BERT sequence classifier with random weights in a
temporary folder (the standard Hugging Face layout: config.json with id2label, weights, tokenizer files) and load
it the way a user's own checkpoint would be loaded. Its scores mean nothing; what is tested is the plumbing:
loading offline, column names from the config, probabilities per pair, the errors, and that `calibrate --nli`
writes a parameter file that `eval` and `scan` use only with the same backend.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from detector.cli import cli as main
from detector.errors import ModelUnavailable, ParamsError
from detector.nli import CrossEncoderNli, load_nli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "drone-reports"

WORDS = ("the a an of to in on and not no ministry denied confirmed deal drones russia china said have seen report "
         "officials agreed weather sunny rain city council approved rejected budget plan mayor police arrested "
         "man bridge closed opened storm team won lost match prices rose fell percent").split()


def _tiny_cross_encoder(folder: Path, id2label: dict[int, str]) -> Path:
    torch = pytest.importorskip("torch")
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    tok = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"))
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=32, max_position_embeddings=128, num_labels=len(id2label), initializer_range=0.5,
                     id2label=id2label, label2id={v: k for k, v in id2label.items()})
    BertForSequenceClassification(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def nli_folder(tmp_path_factory) -> Path:
    return _tiny_cross_encoder(tmp_path_factory.mktemp("ce") / "tiny-nli",
                               {0: "contradiction", 1: "entailment", 2: "neutral"})


def test_cross_encoder_backend_scores_pairs(nli_folder):
    nli = load_nli(f"cross-encoder:{nli_folder}")
    assert isinstance(nli, CrossEncoderNli)
    assert nli.name == f"cross-encoder:{nli_folder}"
    assert nli.columns == ("contradiction", "entailment", "neutral")
    prem = ["the ministry denied the deal", "rain in the city", "police arrested a man"]
    hyp = ["the ministry confirmed the deal", "sunny weather", "the bridge closed"]
    s = nli.scores(prem, hyp)
    assert s.shape == (3, 3) and s.dtype == np.float32
    assert np.allclose(s.sum(axis=1), 1.0, atol=1e-5) and (s >= 0).all()
    assert np.array_equal(s, nli.scores(prem, hyp))  # same pairs, same scores
    assert not np.allclose(s[0], s[1])  # the scores depend on the text
    assert nli.scores([], []).shape == (0, 3)


def test_a_plain_model_folder_loads_as_cross_encoder(nli_folder):
    nli = load_nli(str(nli_folder))
    assert isinstance(nli, CrossEncoderNli) and "contradiction" in nli.columns


def test_cross_encoder_without_a_contradiction_label_is_refused(tmp_path):
    folder = _tiny_cross_encoder(tmp_path / "yes-no", {0: "yes", 1: "no"})
    with pytest.raises(ModelUnavailable, match=r"no 'contradiction' output \(labels: yes, no\)"):
        load_nli(f"cross-encoder:{folder}").columns  # noqa: B018 -- the property loads the model, which raises


def test_missing_cross_encoder_folder_is_a_clear_error(tmp_path):
    missing = tmp_path / "not-here"
    with pytest.raises(ModelUnavailable, match="cannot load CrossEncoder NLI model"):
        load_nli(f"cross-encoder:{missing}").scores(["a"], ["b"])


def _labelled_pairs(path: Path) -> Path:
    """32 short labelled pairs, 8 per label, in the generic format."""
    rows = []
    for i in range(8):
        n = 10 + i
        rows += [
            ("contradicts", f"the council approved the budget plan {n}", f"the council rejected the budget plan {n}"),
            ("agrees", f"police arrested a man on the bridge {n}", f"a man was arrested by police on the bridge {n}"),
            ("neutral", f"prices rose {n} percent in the city", f"the mayor said prices in the city rose {n}"),
            ("unrelated", f"the team won the match {n}", f"a storm closed the bridge {n}"),
        ]
    with path.open("w", encoding="utf-8") as f:
        for k, (label, a, b) in enumerate(rows):
            f.write(json.dumps({"id": f"p{k}", "text_a": a, "text_b": b, "label": label}) + "\n")
    return path


@pytest.mark.slow
def test_calibrate_eval_and_scan_with_a_cross_encoder(nli_folder, tmp_path):
    backend = f"cross-encoder:{nli_folder}"
    pairs = _labelled_pairs(tmp_path / "pairs.jsonl")
    params = tmp_path / "params.json"
    runner = CliRunner()

    r = runner.invoke(main, ["calibrate", str(pairs), "--nli", backend, "--out", str(params), "--silent"])
    assert r.exit_code == 0, r.output
    fitted = json.loads(params.read_text())
    assert fitted["calibrations"]["news"]["nli_backend"] == backend

    r = runner.invoke(main, ["eval", str(pairs), "--params", str(params), "--nli", backend, "--json", "--silent"])
    assert r.exit_code == 0, r.output
    metrics = json.loads(r.output.strip().splitlines()[-1])
    assert metrics["n"] == 32 and metrics["calibration"] == "news" and 0 <= metrics["accuracy"] <= 1

    # naming the embedder the file was fitted with (the packaged default here) is accepted and scores the same
    r2 = runner.invoke(main, ["eval", str(pairs), "--params", str(params), "--nli", backend,
                              "--embedder", fitted["calibrations"]["news"]["embedder"], "--json", "--silent"])
    assert r2.exit_code == 0, r2.output
    again = json.loads(r2.output.strip().splitlines()[-1])
    assert again["accuracy"] == metrics["accuracy"] and again["contradicts.roc_auc"] == metrics["contradicts.roc_auc"]

    r = runner.invoke(main, ["eval", str(pairs), "--scorer", "nli", "--nli", backend, "--json", "--silent"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output.strip().splitlines()[-1])["n"] == 32

    # the default backend with parameters fitted for another one: refused, naming the backend to pass
    r = runner.invoke(main, ["eval", str(pairs), "--params", str(params), "--json", "--silent"])
    assert r.exit_code != 0
    assert f"--nli {backend}" in r.output

    db = tmp_path / "desk.db"
    r = runner.invoke(main, ["scan", str(EXAMPLES), "--db", str(db), "--params", str(params), "--nli", backend,
                             "--format", "jsonl", "--labels", "contradicts,agrees,neutral,unrelated", "-q"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.output.splitlines() if line.startswith("{")]
    assert rows and all(0 <= row["p_contradicts"] <= 1 for row in rows)

    r = runner.invoke(main, ["scan", "--db", str(db), "--params", str(params), "-q"])
    assert r.exit_code != 0 and "fitted with NLI backend" in r.output


def test_scorer_refuses_params_fitted_for_another_backend_without_one(nli_folder):
    from detector.scoring import PipelineScorer, load_params

    d = load_params()
    d["calibrations"]["news"]["nli_backend"] = f"cross-encoder:{nli_folder}"
    with pytest.raises(ParamsError, match="pass the same backend with `--nli cross-encoder:"):
        PipelineScorer(params=d)
    PipelineScorer(params=d, nli=load_nli(f"cross-encoder:{nli_folder}"))  # the same backend: accepted
