"""Click commands `eval`, `eval-clusters` and `calibrate`. Thin: they read, call the library, and print.

detector/cli.py registers them: ``cli.add_command(eval_command)`` etc. Library errors become one-line
``click.ClickException`` messages here and nowhere else.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import click

from detector.errors import CrossclaimError, InputError
from detector.models import LABELS

from .pairs import FORMATS, dev_split, group_of, read_pairs, sample_pairs, write_pairs
from .shipped import (
    DEFAULT_CALIBRATION,
    DEFAULT_OUT,
    FORMAT_CALIBRATION,
    RECIPES,
    SPLIT_FRACTION,
    SPLIT_SEED,
    check_fittable,
    command_line,
    datasets_root,
    fit_params,
)
from .shipped import recipe as shipped_recipe

SCORERS = ("pipeline", "nli", "lexical")
SPLITS = ("all", "dev", "fit")
FIT_SPLITS = ("all", "fit")  # calibrate never fits on the dev side: that is what `eval --split dev` holds out
COUNT_KEYS = ("n", "n_clusters", "gold_n_clusters")  # printed as whole numbers, like each label's support


def _is_count(key: str) -> bool:
    return key in COUNT_KEYS or key.endswith(".support")


def _json_safe(d: dict) -> dict:
    """NaN and infinity are not JSON: write them as null. Counts are whole numbers (the evaluators return floats)."""
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else int(v) if _is_count(k)
                and isinstance(v, float) else v) for k, v in d.items()}


def _take_split(pairs, split, path):
    """The pairs of one side of the grouped split; InputError naming ``path`` when that side is empty."""
    if split == "all":
        return pairs
    fit, dev = dev_split(pairs, fraction=SPLIT_FRACTION, seed=SPLIT_SEED)
    side, other = (dev, "fit") if split == "dev" else (fit, "dev")
    if not side:
        raise InputError(str(path), f"no pairs on the {split} side of the split: all {len(pairs)} are on the "
                                    f"{other} side (the split is by group; see docs/EVALUATION.md)")
    return side


def _check_output(path: str, *, folder: bool = False) -> None:
    """Refuse, before any work, an output path that cannot be written: a file where a folder must be (or the
    reverse), or a folder without write permission. Folders are created later, when the output is written."""
    p = Path(path)
    if p.exists():
        if folder != p.is_dir():
            raise click.ClickException(f"{path}: {'is a file, not a folder' if folder else 'is a folder'}")
        if not os.access(p, os.W_OK):
            raise click.ClickException(f"{path}: not writable (permission denied)")
        return
    ancestor = next(a for a in p.parents if a.exists())
    if not ancestor.is_dir():
        raise click.ClickException(f"{path}: {ancestor} is a file, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise click.ClickException(f"{path}: cannot create it in {ancestor} (permission denied)")


def _print_metrics(metrics: dict) -> None:
    width = max(len(k) for k in metrics)
    for k, v in metrics.items():
        if isinstance(v, float):
            v = "n/a" if math.isnan(v) else f"{v:.0f}" if _is_count(k) else f"{v:.4f}"
        click.echo(f"{k:<{width}}  {v}")


@click.command("eval")
@click.argument("pairs_path", metavar="PAIRS", type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Input format (default: detected).")
@click.option("--scorer", type=click.Choice(SCORERS), default="pipeline", show_default=True,
              help="pipeline = the shipped scorer; nli = the raw NLI model; lexical = the word-overlap baseline.")
@click.option("--params", type=click.Path(exists=True, dir_okay=False),
              help="Parameter file for the pipeline/lexical scorer (default: the shipped one).")
@click.option("--calibration", help="Which calibration of the parameter file to use (default: the one fitted on "
              "this dataset's kind of text, else the file's default; see docs/EVALUATION.md).")
@click.option("--nli", "nli_name", help="NLI backend for the pipeline and nli scorers: aegis-onnx (default), "
              "cross-encoder:PATH or a model folder (the one the parameter file was fitted with).")
@click.option("--embedder", help="sentence-transformers model name or path for the pipeline scorer (default: "
              "packaged all-MiniLM-L6-v2; the one the parameter file was fitted with).")
@click.option("--split", type=click.Choice(SPLITS), default="all", show_default=True,
              help="dev = the held-out groups (FNC-1 bodies, Emergent claims, ...) that calibrate never fits on.")
@click.option("--limit", type=click.IntRange(1), help="Score a label-stratified random sample of N pairs.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the --limit sample.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False), help="Write report.md and plots here.")
@click.option("--predictions", type=click.Path(dir_okay=False), help="Write one JSON line per pair here.")
@click.option("--convert", type=click.Path(dir_okay=False),
              help="Write the pairs in the generic format (.jsonl or .csv) and exit without scoring.")
@click.option("--silent", is_flag=True, help="No progress bar.")
def eval_command(pairs_path, fmt, scorer, params, calibration, nli_name, embedder, split, limit, seed, as_json,
                 report_dir, predictions, convert, silent):
    """Score labelled pairs and report how often the scorer is right.

    Example: crossclaim eval ../shared/datasets/fnc-1 --split dev --limit 2000 --json
    """
    for out, folder in ((convert, False), (predictions, False), (report_dir, True)):
        if out:
            _check_output(out, folder=folder)
    try:
        pairs = _take_split(read_pairs(pairs_path, fmt), split, pairs_path)
        if limit is not None:
            pairs = sample_pairs(pairs, limit, seed=seed)
        if convert:
            try:
                write_pairs(pairs, convert)
            except OSError as e:  # a write that failed although the path was checked
                raise click.ClickException(_os_message(e, convert)) from None
            click.echo(f"wrote {len(pairs)} pairs to {convert}", err=True)
            return
        from detector import scoring

        from .metrics import evaluate
        from .pairs import detect_format

        fmt = fmt or detect_format(pairs_path)
        kwargs = {"params": params} if params else {}
        if scorer != "nli":
            calibration = calibration or _calibration_for(fmt, params)
            kwargs["calibration"] = calibration
        if nli_name and scorer != "lexical":
            from detector.nli import cached, load_nli

            kwargs["nli"] = cached(load_nli(nli_name))
        if embedder and scorer == "pipeline":
            from embeddings import load_embedder

            kwargs["embedder"] = load_embedder(embedder)
        model = scoring.load_scorer(scorer, **kwargs)
        text_pairs = [scoring.TextPair(p.text_a, p.text_b, p.date_a, p.date_b) for p in pairs]
        start = time.perf_counter()
        if hasattr(model, "predict_labelled"):  # the scorer's own decision rule (fitted thresholds)
            story = {}
            if scorer == "pipeline" and any(p.same_story for p in pairs):  # the rebuttal rule as a scan applied it
                story = {"same_story": [bool(p.same_story) for p in pairs]}
            proba, predicted = model.predict_labelled(text_pairs, show_progress=not silent, **story)
        else:
            proba = model.predict_proba(text_pairs, show_progress=not silent)
            predicted = None
        elapsed = time.perf_counter() - start
        gold = [p.label for p in pairs]
        metrics = evaluate(gold, proba, elapsed_s=elapsed, fnc=fmt == "fnc1", predicted=predicted,
                           groups=[group_of(p) for p in pairs])
        if scorer != "nli":
            metrics["calibration"] = getattr(model, "calibration", calibration)
    except (CrossclaimError, ValueError) as e:
        raise click.ClickException(str(e)) from None

    try:
        if predictions:
            _write_predictions(predictions, pairs, gold, proba, predicted)
        if report_dir:
            from .report import write_report

            title = f"crossclaim eval: {Path(pairs_path).name} ({split}), scorer {scorer}"
            path = write_report(report_dir, gold, proba, pairs, metrics, title=title, predicted=predicted)
            click.echo(f"report: {path}", err=True)
    except OSError as e:
        raise click.ClickException(_os_message(e, predictions or report_dir)) from None
    if as_json:
        click.echo(json.dumps(_json_safe(metrics)))
    else:
        _print_metrics(metrics)


def _read_twice(file: Path, path: str, earlier: str) -> str:
    if earlier == "the recipe":
        what = f"{file} is one of the recipe's files already"
    elif Path(earlier).resolve() == Path(path).resolve():
        what = "given twice"
    else:
        what = f"reads {file}, which {earlier} reads too"
    return f"{what}; give each file once (a file fitted twice weighs double, and its data_hash counts it once)"


def _os_message(e: OSError, path) -> str:
    """``<path>: <problem>`` for an output that could not be written."""
    return f"{e.filename or path}: {e.strerror or e}"


def _calibration_for(fmt: str, params: str | None) -> str | None:
    """The calibration fitted on this format's kind of text, when the parameter file has it; else None (default)."""
    from detector.scoring import calibration_names, load_params

    want = FORMAT_CALIBRATION.get(fmt)
    return want if want and want in calibration_names(load_params(params)) else None


def _write_predictions(path, pairs, gold, proba, predicted=None) -> None:
    from .metrics import predicted_labels

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    labels = predicted if predicted is not None else predicted_labels(proba)
    with open(path, "w", encoding="utf-8") as fh:
        for p, g, pred, row in zip(pairs, gold, labels, proba):
            d = {"id": p.id, "label": g, "predicted": pred}
            d.update({f"p_{lab}": round(float(x), 6) for lab, x in zip(LABELS, row)})
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")


@click.command("eval-clusters")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(("ecbplus", "jsonl")), help="Input format (default: by suffix).")
@click.option("--threshold", type=click.FloatRange(0, 2), multiple=True,
              help="Cosine distance threshold of the clustering (default: the pipeline's). Repeat to sweep.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object, or a list when sweeping.")
def eval_clusters_command(file, fmt, threshold, as_json):
    """Cluster items with gold clusters and report B-cubed, ARI, NMI and cluster counts.

    Example: crossclaim eval-clusters ../shared/datasets/ecbplus/dev_event_gold_mentions.json --json
    """
    from .clusters import evaluate_clusters, read_cluster_items

    try:
        items = read_cluster_items(file, fmt)
        X = _encode([it.text for it in items])
        from detector.candidates import cluster_embeddings

        results = []
        for t in threshold or (None,):
            start = time.perf_counter()
            labels = cluster_embeddings(X, distance_threshold=t)
            m = evaluate_clusters(items, labels)
            if t is None:  # report the pipeline's default, when it names one
                t = getattr(sys.modules["detector.candidates"], "DEFAULT_DISTANCE_THRESHOLD", math.nan)
            m["threshold"] = float(t)
            m["items_per_s"] = len(items) / max(time.perf_counter() - start, 1e-9)
            results.append(m)
    except (CrossclaimError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        out = [_json_safe(m) for m in results]
        click.echo(json.dumps(out[0] if len(out) == 1 else out))
        return
    for i, m in enumerate(results):
        if i:
            click.echo("")
        _print_metrics(m)


def _encode(texts):
    import numpy as np

    from embeddings import load_embedder

    X = np.asarray(load_embedder().encode(texts), dtype=np.float32)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)


@click.command("calibrate")
@click.argument("pairs_paths", metavar="[PAIRS]...", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Format of every PAIRS (default: detected each).")
@click.option("--split", type=click.Choice(FIT_SPLITS), default="all", show_default=True,
              help="fit = leave each file's dev groups out, so `eval --split dev` stays held out (calibrate never "
              "fits on the dev side).")
@click.option("--recipe", type=click.Choice(RECIPES),
              help="Fit the shipped parameters from $CROSSCLAIM_DATASETS: shipped = every calibration, news = the "
              "news one alone (see docs/EVALUATION.md). With PAIRS, they are added to the recipe's pairs.")
@click.option("--name", default=DEFAULT_CALIBRATION, show_default=True,
              help="Name of the calibration fitted on PAIRS (the file's default, the one `scan` uses).")
@click.option("--weight", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              help="With --recipe: the weight of each of your PAIRS beside the recipe's pairs (Emergent's weigh 1). "
              "No value is measured for you: compare refits on verdicts held out with --split.")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Where to write the parameters. Required, except with `--recipe shipped` alone, which rewrites "
              "the shipped detector/params/pair_scorer.json.")
@click.option("--nli", "nli_name", help="NLI backend to fit for: aegis-onnx (default), cross-encoder:PATH or a folder.")
@click.option("--embedder", help="sentence-transformers model name or path (default: packaged all-MiniLM-L6-v2).")
@click.option("--silent", is_flag=True, help="No progress bar.")
def calibrate_command(pairs_paths, fmt, split, recipe, name, weight, out, nli_name, embedder, silent):
    """Fit the pair scorer on labelled pairs and write its parameter file.

    PAIRS alone: one calibration, NAME, fitted on them. With --recipe: the recipe's calibrations, and PAIRS join
    the pairs of calibration NAME (your reviewed pairs on top of the news data), which becomes the default.

    Example: crossclaim calibrate --recipe news reviewed.jsonl --out my_params.json
    """
    if not recipe and not pairs_paths:
        raise click.UsageError("give PAIRS..., --recipe shipped|news, or both")
    if weight != 1.0 and not (recipe and pairs_paths):
        raise click.UsageError("--weight weighs your PAIRS against a recipe's pairs: give both --recipe and PAIRS")
    if out is None:
        if recipe != "shipped" or pairs_paths:
            raise click.UsageError("--out is required: only `--recipe shipped` alone rewrites the shipped parameters")
        out = str(DEFAULT_OUT)
    _check_output(out)
    try:
        root = datasets_root() if recipe else None
        calibrations = dict(shipped_recipe(recipe, root)) if recipe else {}
        default = DEFAULT_CALIBRATION
        if pairs_paths:
            from .pairs import input_files

            pairs, files = [], []
            given = {Path(f).resolve(): "the recipe" for _, fs, _ in calibrations.values() for f in fs}
            for path in pairs_paths:
                read = read_pairs(path, fmt)
                for f in input_files(path, fmt):
                    if f.resolve() in given:  # fitted twice, but hashed once: the provenance would not match
                        raise InputError(str(path), _read_twice(f, path, given[f.resolve()]))
                    given[f.resolve()] = str(path)
                    files.append(f)
                pairs += _take_split(read, split, path)
            if name in calibrations:  # your pairs on top of the recipe's, at --weight (1 by default, like Emergent's)
                base, base_files, base_w = calibrations[name]
                check_fittable([*base, *pairs], ", ".join(pairs_paths))
                weights = [*(base_w if base_w is not None else [1.0] * len(base)), *[weight] * len(pairs)]
                calibrations[name] = ([*base, *pairs], [*base_files, *files], weights)
            else:
                check_fittable(pairs, ", ".join(pairs_paths))
                calibrations[name] = (pairs, files, None)
            default = name
        models = {}
        if nli_name:
            from detector.nli import cached, load_nli

            models["nli"] = cached(load_nli(nli_name))
        if embedder:
            from embeddings import load_embedder

            models["embedder"] = load_embedder(embedder)
        params = fit_params(calibrations, default=default, command=command_line(), root=root,
                            show_progress=not silent, **models)
    except (CrossclaimError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    text = json.dumps(params, indent=1) + "\n"
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
    except OSError as e:  # the path was checked before the fit; keep the finished fit anyway
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix="crossclaim-params-", suffix=".json",
                                         delete=False) as fh:
            fh.write(text)
        raise click.ClickException(f"{_os_message(e, out)}; the fitted parameters were saved to {fh.name}") from None
    if pairs_paths:
        for line in _left_out_lines(params["calibrations"][default], default):
            click.echo(line, err=True)
    click.echo(f"wrote {out} ({params['n_pairs']} pairs in {len(params['calibrations'])} calibration"
               f"{'s' if len(params['calibrations']) != 1 else ''}, data_hash {params['data_hash'][:12]})", err=True)


def _left_out_lines(calibration: dict, name: str) -> list[str]:
    """Say which checks a fit that includes your pairs gave no weight, in the words ``scan``'s reasons use: a
    check fewer than MIN_FLAG_SUPPORT of the fitted pairs show waits until more reviewed pairs show it."""
    from detector.scoring import FLAG_NAMES, MIN_FLAG_SUPPORT

    kinds = {"sentence": "claim pairs (what scan scores)", "body": "headline/article pairs"}
    lines = []
    for head, h in calibration.get("pipeline", {}).get("heads", {}).items():
        if not h.get("left_out"):
            continue
        support = h.get("flag_support", {})
        shown = [f"{FLAG_NAMES.get(f, f)} ({support[f]} pair{'s' if support[f] != 1 else ''})" if f in support
                 else FLAG_NAMES.get(f, f) for f in h["left_out"]]
        lines.append(f"calibration {name!r}, {kinds.get(head, head)}: fewer than {MIN_FLAG_SUPPORT} of the fitted "
                     f"pairs show these checks, so they get no weight until more reviewed pairs do: "
                     + "; ".join(shown))
    return lines


# The names detector/cli.py imports.
eval_cmd, eval_clusters_cmd, calibrate_cmd = eval_command, eval_clusters_command, calibrate_command

__all__ = ["calibrate_cmd", "calibrate_command", "eval_clusters_cmd", "eval_clusters_command", "eval_cmd",
           "eval_command"]
