"""The ``crossclaim`` command line. Commands only parse options, call the library and print."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from . import __version__
from .cli_review import existing_db
from .errors import CrossclaimError
from .ingest import MAX_PAGE_BYTES
from .models import DIFFERENCE_KINDS, ECHO, LABELS, ScoredPair, gives_different_figures

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

FORMATS = ("table", "json", "jsonl", "csv")
ALL_LABELS = (*LABELS, ECHO)


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def db_option(help: str) -> Callable[[Callable], Callable]:
    """The --db option (CROSSCLAIM_DB), with what the command does with the store."""
    return click.option(
        "--db", "db_path", type=click.Path(dir_okay=False), default="crossclaim.db", show_default=True,
        envvar="CROSSCLAIM_DB", show_envvar=True, help=help,
    )


def page_limit_option(fn: Callable) -> Callable:
    return click.option(
        "--max-page-mb", "max_page_mb", type=click.FloatRange(0, min_open=True), default=MAX_PAGE_BYTES / 1e6,
        show_default=True,
        help="Largest page read, in MB: an HTML or text file (or stdin), or one JSONL line or CSV field. JSONL and "
             "CSV feeds are read record by record, whatever their size.",
    )(fn)


def _open_db(path: str):
    from .store import Database

    try:
        return Database(path)
    except CrossclaimError as exc:
        raise _fail(exc) from exc


def _report_problems(problems, no_outlet: Sequence[str] = ()) -> None:
    for p in problems:
        click.echo(f"warning: {p}", err=True)
    if no_outlet:  # a desk has to know who published what: say once which pages named no outlet
        shown = ", ".join(no_outlet[:3]) + (f" and {len(no_outlet) - 3} more" if len(no_outlet) > 3 else "")
        click.echo(f"warning: {len(no_outlet)} new document(s) name no outlet ({shown}); pass --outlet, or give "
                   "an outlet field in JSONL/CSV", err=True)


def _split_stdin(inputs: tuple[str, ...]):
    return sys.stdin.buffer if "-" in inputs else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="crossclaim")
@click.option("-v", "--verbose", is_flag=True, help="Log what each stage does to stderr.")
def cli(verbose: bool) -> None:
    """Find claims that contradict each other across news sources.

    Point it at scraped news pages (txt, html, jsonl, csv, folders, - for stdin); it extracts the claims,
    works out who asserts each one and who published it, and ranks the cross-source pairs that conflict.
    """
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(message)s")
    # our own logger too: basicConfig leaves the level alone when the root logger is already configured (a program
    # that embeds crossclaim, pytest)
    logging.getLogger("crossclaim").setLevel(level)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@db_option("SQLite store to add the documents and claims to (created if missing).")
@click.option("--outlet", help="Publisher of every input (overrides metadata and detection).")
@page_limit_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def ingest(inputs, db_path, outlet, max_page_mb, quiet):
    """Read news pages and store their documents and claims (no scoring).

    Example: crossclaim ingest pages/ --db news.db
    """
    from .pipeline import ingest as run_ingest

    with _open_db(db_path) as db:
        try:
            rep = run_ingest(inputs, db, outlet=outlet, stdin=_split_stdin(inputs), show_progress=not quiet,
                             max_bytes=round(max_page_mb * 1e6))
        except CrossclaimError as exc:
            raise _fail(exc) from exc
    _report_problems(rep.problems, rep.no_outlet)
    click.echo(
        f"{rep.n_documents} documents read ({rep.n_new} new, {rep.n_claims} claims stored), "
        f"{len(rep.problems)} problems", err=True,
    )
    if not rep.ok:
        raise click.ClickException("nothing could be processed")


def _pair_dict(rank: int, p: ScoredPair, links: dict[str, tuple[str | None, str | None]]) -> dict:
    """One pair as scan prints it; ``links`` is ``Database.document_links`` (doc_id -> URL, ref)."""
    def side(c):
        url, ref = links.get(c.doc_id, (None, None))
        return {
            "text": c.text, "assertion": c.assertion, "speaker": c.speaker, "outlet": c.outlet,
            "relay": list(c.relay), "published": c.published, "doc": c.doc_id, "url": url,
            "ref": ref, "span": list(c.span), "claim_id": c.claim_id,
        }

    return {
        "rank": rank, "label": p.label, "score": round(p.score, 4),
        "p_contradicts": round(p.probs.get("contradicts", 0.0), 4),
        "p_model": None if p.p_model is None else round(p.p_model, 4),
        "probs": {k: round(v, 4) for k, v in p.probs.items()},
        "a": side(p.a), "b": side(p.b), "reasons": [r.to_dict() for r in p.reasons], "cluster": p.cluster,
        "differs": gives_different_figures(p.label, p.reasons), "pair_id": p.pair_id,
    }


def _emit(rows: list[dict], fmt: str) -> None:
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
    elif fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["rank", "label", "score", "p_contradicts", "a_speaker", "a_outlet", "a_published", "a_text",
                    "b_speaker", "b_outlet", "b_published", "b_text", "reasons", "cluster", "a_url", "a_ref",
                    "b_url", "b_ref"])
        for r in rows:
            w.writerow([r["rank"], r["label"], r["score"], r["p_contradicts"], r["a"]["speaker"], r["a"]["outlet"],
                        r["a"]["published"], r["a"]["text"], r["b"]["speaker"], r["b"]["outlet"],
                        r["b"]["published"], r["b"]["text"], "; ".join(x["detail"] for x in r["reasons"]),
                        r["cluster"], r["a"]["url"] or "", r["a"]["ref"] or "", r["b"]["url"] or "",
                        r["b"]["ref"] or ""])
        click.echo(buf.getvalue(), nl=False)
    else:
        width = 100
        for r in rows:
            click.echo(f"#{r['rank']}  {r['label'].upper()}  p={r['score']:.2f}  (cluster {r['cluster']})")
            for s in ("a", "b"):
                c = r[s]
                who = c["speaker"] or "?"
                via = " via " + " → ".join(c["relay"][:-1]) if len(c["relay"]) > 1 else ""
                date = f", {c['published']}" if c["published"] else ""
                click.echo(f"  {s.upper()}: {who}{via}{date}")
                text = c["text"] if len(c["text"]) <= width * 2 else c["text"][: width * 2 - 1] + "…"
                click.echo("     " + text)
            # a relay's reason already names the figures its copies give differently
            skip = ("similarity", *DIFFERENCE_KINDS) if r["label"] == ECHO else ("similarity",)
            kinds = sorted((x for x in r["reasons"] if x["kind"] not in skip),
                           key=lambda x: _REASON_ORDER.get(x["kind"], 99))
            shown = "; ".join(list(dict.fromkeys(x["detail"] for x in kinds))[:6])
            click.echo(f"  why: {shown}")
            if r.get("more_pairs"):
                click.echo(f"  + {len(r['more_pairs'])} more pair(s) between these two sources")
            click.echo("")


def _source_pair(p: ScoredPair) -> tuple[str, ...]:
    return tuple(sorted(((p.a.speaker or p.a.outlet or "").lower(), (p.b.speaker or p.b.outlet or "").lower())))


# the reasons a reviewer should read first, in the table view
# (only relay pairs carry a "relay" reason, and it says what the pair is, so it comes first)
_REASON_ORDER = {"relay": -1, "rebuttal": 0, "temporal": 1, "number": 2, "date": 3, "denial": 4,
                 "non_confirmation": 5, "nli": 6, "negation": 7, "entity": 8, "hedging": 9}


def _contradicts_first(p: ScoredPair) -> tuple:
    """Sort key: contradictions first, by p(contradicts); ties as in the store (``tie_break_sql``)."""
    p_c = p.probs.get("contradicts", 0.0)
    p_model = p_c if p.p_model is None else p.p_model
    return (p.label != "contradicts", -p_c, -p_model, -max(p.nli), p.pair_id)


def _print_pairs(db, fmt: str, top: int | None, min_score: float, labels: list[str], group: bool = True,
                 differs: bool = False) -> int:
    from .review import QueueFilter, queue_ids

    pairs = db.pairs(labels=labels, min_score=min_score, differs=differs)
    if labels == ["contradicts"] or "contradicts" in labels:
        pairs.sort(key=_contradicts_first)
    # one row per pair key: an updated article's claims pair up again with the same texts and speakers. Keep the row
    # the review queue keeps (the likeliest), or, when --min-score hid that one, the first left of its key
    shown = set(queue_ids(db, QueueFilter(labels=tuple(labels), differs=differs)))
    first: dict[str, ScoredPair] = {}
    for p in pairs:
        if p.pair_key not in first or (p.pair_id in shown and first[p.pair_key].pair_id not in shown):
            first[p.pair_key] = p
    pairs = [p for p in pairs if first[p.pair_key] is p]
    more: dict[str, list[str]] = {}
    if group:
        # one row per pair of sources: the same two speakers usually clash over one story, relayed several times
        best: dict[tuple[str, ...], ScoredPair] = {}
        kept = []
        for p in pairs:
            key = (p.label, *_source_pair(p))
            if key in best:
                more[best[key].pair_id].append(p.pair_id)
                continue
            best[key] = p
            more[p.pair_id] = []
            kept.append(p)
        pairs = kept
    if top:
        pairs = pairs[:top]
    links = db.document_links(c.doc_id for p in pairs for c in (p.a, p.b))
    rows = [_pair_dict(i + 1, p, links) for i, p in enumerate(pairs)]
    for r in rows:
        r["more_pairs"] = more.get(r["pair_id"], [])
    _emit(rows, fmt)
    return len(rows)


def _figures_note(n: int, n_relays: int) -> str:
    """The scan summary's mention of pairs giving different figures (empty when there are none)."""
    if not n:
        return ""
    relays = f" (including {n_relays} relay{'' if n_relays == 1 else 's'})" if n_relays else ""
    pairs = "1 pair gives" if n == 1 else f"{n} pairs give"
    return f"; {pairs} different figures{relays}: --differs"


def _labels(value: str) -> list[str]:
    if value.strip() == "any":  # as in the review queue's label=any
        return list(ALL_LABELS)
    labels = [v.strip() for v in value.split(",") if v.strip()]
    if not labels:
        raise click.BadParameter(f"no label given; choose from {', '.join(ALL_LABELS)}, or any",
                                 param_hint="--labels")
    bad = [v for v in labels if v not in ALL_LABELS]
    if bad:
        raise click.BadParameter(f"unknown label(s) {', '.join(bad)}; choose from {', '.join(ALL_LABELS)}",
                                 param_hint="--labels")
    return labels


@cli.command()
@click.argument("inputs", nargs=-1)
@db_option("SQLite store to add to and rank from (created if missing when INPUTS are given).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--top", type=click.IntRange(1), default=20, show_default=True, help="Show the N best pairs.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, help="Hide pairs below this probability.")
@click.option("--labels", "labels", default=None,
              help=f"Comma-separated labels to show ({', '.join(ALL_LABELS)}), or any. [default: contradicts; with "
                   "--differs every label but unrelated]")
@click.option("--differs", is_flag=True,
              help="Only pairs on one subject whose claims give different figures for one thing, whatever their "
                   "label: numbers that drift between sources, relays whose copies differ in a figure or a date.")
@click.option("--outlet", help="Publisher of every input (overrides metadata and detection).")
@click.option("--embedder", help="sentence-transformers model name or path (default: packaged all-MiniLM-L6-v2).")
@click.option("--nli", "nli_name", help="NLI backend: aegis-onnx (default), cross-encoder:PATH or a model folder.")
@click.option("--params", help="Fitted scorer parameters (JSON). The store remembers the file, and later scans "
                                 "without --params use it again; `--params shipped` goes back to the shipped one.")
@click.option("--all-pairs", is_flag=True,
              help="One row per claim pair (default: one row per pair of sources, the others listed in more_pairs). "
                   "Either way a pair an updated article repeats is listed once.")
@page_limit_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bars and no summary line: the results only.")
def scan(inputs, db_path, fmt, top, min_score, labels, differs, outlet, embedder, nli_name, params, all_pairs,
         max_page_mb, quiet):
    """Ingest pages, score cross-source claim pairs and print the ranked conflicts.

    With no INPUTS it re-scores what the store already holds. Results go to stdout, progress to stderr.

    Example: crossclaim scan examples/drone-reports --format jsonl --top 5
    """
    from .pipeline import scan as run_scan
    from .scoring import PipelineScorer

    if labels is None:
        labels = ",".join(x for x in ALL_LABELS if x != "unrelated") if differs else "contradicts"
    wanted = _labels(labels)
    # with no inputs a scan re-scores a store: a mistyped --db must not become a new, empty one
    with _open_db(db_path) if inputs else existing_db(db_path) as db:
        params = _scan_params(db, params)
        try:
            emb = None
            if embedder:
                from embeddings import load_embedder

                emb = load_embedder(embedder)
            nli = None
            if nli_name:
                from .nli import cached, load_nli

                nli = cached(load_nli(nli_name))
            scorer = PipelineScorer(params=params, embedder=emb, nli=nli)
            rep = run_scan(inputs, db, outlet=outlet, stdin=_split_stdin(inputs), scorer=scorer,
                           show_progress=not quiet, max_bytes=round(max_page_mb * 1e6))
        except CrossclaimError as exc:
            raise _fail(exc) from exc
        db.set_setting("params", str(Path(params).resolve()) if params else None)
        _report_problems(rep.problems, rep.no_outlet)
        if inputs and not rep.ok:
            raise click.ClickException("nothing could be processed")
        if not quiet:
            click.echo(
                f"{rep.n_documents} documents ({rep.n_new} new), {rep.n_claims_total} claims, {rep.n_clusters} "
                f"clusters, {rep.n_candidates} candidate pairs of {rep.n_cross_source} cross-source pairs, "
                f"{rep.n_scored} newly scored, "
                + (f"{rep.n_rescored} re-scored (the store's scores came from another parameter file or model), "
                   if rep.n_rescored else "")
                + f"{rep.n_echoes} relays"
                + _figures_note(rep.n_figure_differences, rep.n_relay_differences), err=True,
            )
        _print_pairs(db, fmt, top, min_score, wanted, group=not all_pairs, differs=differs)


def _scan_params(db, given: str | None) -> str | None:
    """The parameter file a scan uses: the one given (``shipped``: the shipped file), else the one this store was
    last scored with, so that re-ranking a store never silently reverts a desk's own fit to the shipped one."""
    if given == "shipped":
        return None
    if given is not None:
        if not Path(given).is_file():
            raise click.BadParameter(f"{given}: no such file", param_hint="--params")
        return given
    remembered = db.setting("params")
    if remembered is None:
        return None
    if Path(remembered).is_file():
        click.echo(f"using the parameter file this store was scored with, {remembered} (`--params shipped` for "
                   "the shipped one)", err=True)
        return remembered
    click.echo(f"warning: this store was scored with {remembered}, which is gone; scoring with the shipped "
               "parameters", err=True)
    return None


@cli.command()
@click.argument("inputs", nargs=-1)
@db_option("SQLite store to list, when no INPUTS are given (read only).")
@click.option("--format", "fmt", type=click.Choice(("table", "jsonl", "csv")), default="table", show_default=True)
@click.option("--outlet", help="Publisher of every input (overrides metadata and detection).")
@page_limit_option
def claims(inputs, db_path, fmt, outlet, max_page_mb):
    """List extracted claims with speaker, outlet and relay chain, to check extraction.

    With INPUTS, extracts from them without storing anything; without, lists the claims in the store.

    Example: crossclaim claims ../shared/seeds/*.txt
    """
    from .pipeline import extract

    if inputs:
        try:
            docs, per_doc, problems = extract(inputs, outlet=outlet, stdin=_split_stdin(inputs),
                                              max_bytes=round(max_page_mb * 1e6))
        except CrossclaimError as exc:
            raise _fail(exc) from exc
        _report_problems(problems)
        if not docs:
            raise click.ClickException("nothing could be processed")
        items = [c for cs in per_doc for c in cs]
        refs = {d.doc_id: d.ref for d in docs}
    else:
        with existing_db(db_path) as db:
            items = db.claims()
            refs = db.document_refs()
    if fmt == "jsonl":
        for c in items:
            click.echo(json.dumps({
                "claim_id": c.claim_id, "doc": c.doc_id, "ref": refs.get(c.doc_id), "span": list(c.span),
                "text": c.text, "assertion": c.assertion, "context": c.context, "speaker": c.speaker,
                "outlet": c.outlet, "relay": list(c.relay), "published": c.published, "entities": list(c.entities),
            }, ensure_ascii=False))
    elif fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(["claim_id", "doc", "ref", "start", "end", "speaker", "outlet", "relay", "published", "text"])
        for c in items:
            w.writerow([c.claim_id, c.doc_id, refs.get(c.doc_id) or "", c.span[0], c.span[1], c.speaker, c.outlet,
                        " > ".join(c.relay), c.published, c.text])
    else:
        for c in items:
            via = " via " + " → ".join(c.relay[:-1]) if len(c.relay) > 1 else ""
            click.echo(f"[{c.speaker or '?'}{via}] {c.text}")


@cli.command()
@db_option("The SQLite store written by `crossclaim scan` (read only).")
@click.option("--format", "fmt", type=click.Choice(("table", "jsonl")), default="table", show_default=True)
@click.option("--unit", help="Only this counted thing: death, injury, drone, usd, percent, duration (in days), ...")
@click.option("--cluster", type=int, help="Only this topic cluster.")
def figures(db_path, fmt, unit, cluster):
    """Figures that differ between sources, story by story: every source's figure for one counted thing.

    Reads the claims a scan stored. For each topic cluster and counted thing (deaths, drones, dollars, ...), lists
    the figure each source gives, when two sources give figures that are not the same. A relay whose copies differ
    shows up as two sources: one speaker, two outlets.

    Example: crossclaim figures --db desk.db --unit death
    """
    from .figures import drifting_figures

    with existing_db(db_path) as db:
        groups = drifting_figures(db.claims(), db.clusters())
        links = db.document_links({f.claim.doc_id for g in groups for f in g.figures})
    groups = [g for g in groups
              if (unit is None or g.unit == unit.lower()) and (cluster is None or g.cluster == cluster)]
    if not groups:
        click.echo(f"{db_path}: no figures differ between sources" + (f" for {unit}" if unit else "")
                   + (f" in cluster {cluster}" if cluster is not None else ""), err=True)
        return
    for g in groups:
        if fmt == "jsonl":
            click.echo(json.dumps({
                "cluster": g.cluster, "unit": g.unit, "values": g.values, "n_sources": len(g.sources),
                "figures": [{
                    "value": f.value, "text": f.text, "span": list(f.span), "speaker": f.claim.speaker,
                    "outlet": f.claim.outlet, "relay": list(f.claim.relay), "published": f.claim.published,
                    "claim_id": f.claim.claim_id, "claim": f.claim.text, "doc": f.claim.doc_id,
                    **dict(zip(("url", "ref"), links.get(f.claim.doc_id, (None, None)))),
                } for f in g.figures],
            }, ensure_ascii=False))
            continue
        n_values, n_sources = len(g.values), len(g.sources)
        click.echo(f"cluster {g.cluster}, {g.unit}: {n_values} figures from {n_sources} sources")
        width = max(len(f.text) for f in g.figures)
        for f in g.figures:
            c = f.claim
            via = " via " + " → ".join(c.relay[:-1]) if len(c.relay) > 1 else ""
            date = f", {c.published}" if c.published else ""
            text = c.text if len(c.text) <= 160 else c.text[:159] + "…"
            click.echo(f"  {f.text:<{width}}  {c.speaker or '?'}{via}{date}")
            click.echo(f"  {'':<{width}}  {text}")
        click.echo("")


@cli.command()
@click.option("--datasets", type=click.Path(file_okay=False), envvar="CROSSCLAIM_DATASETS", show_envvar=True,
              help="Folder with the labelled datasets. [default: ../shared/datasets beside the project, as for "
                   "calibrate]")
@click.option("--n-docs", type=click.IntRange(10), default=1200, show_default=True,
              help="Documents in the benchmark corpus.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--out", type=click.Path(dir_okay=False), help="Also append the figures to this Markdown file.")
def bench(datasets, n_docs, as_json, out):
    """Measure speed and memory end to end on a corpus built from the labelled datasets.

    Example: crossclaim bench --out docs/BENCHMARKS.md
    """
    from eval.bench import run_bench
    from eval.shipped import datasets_root

    try:
        figures = run_bench(datasets or datasets_root(), n_docs=n_docs)
    except CrossclaimError as exc:
        raise _fail(exc) from exc
    if as_json:
        click.echo(json.dumps(figures, indent=2))
    else:
        for k, v in figures.items():
            click.echo(f"{k}: {v}")
    if out:
        from eval.bench import append_markdown

        append_markdown(out, figures)


def _register_optional() -> None:
    try:
        from eval.commands import calibrate_cmd, eval_clusters_cmd, eval_cmd

        cli.add_command(eval_cmd, "eval")
        cli.add_command(calibrate_cmd, "calibrate")
        cli.add_command(eval_clusters_cmd, "eval-clusters")
    except ImportError as exc:  # pragma: no cover - only while eval/ is incomplete
        logging.getLogger("crossclaim").debug("eval commands unavailable: %s", exc)
    try:
        from .cli_review import export, review, serve

        cli.add_command(serve)
        cli.add_command(review)
        cli.add_command(export)
    except ImportError as exc:  # pragma: no cover
        logging.getLogger("crossclaim").debug("review commands unavailable: %s", exc)


_register_optional()
