"""The review commands: ``serve`` (web queue), ``review`` (terminal), ``export`` (ClaimReview / labelled pairs).

Registered on the main group by ``detector/cli.py`` (``cli.add_command(serve)`` ..., or ``add_review_commands``).
Thin: each calls ``detector.review`` / ``detector.export`` / ``detector.web`` and turns their errors into one-line
CLI errors.
"""

from __future__ import annotations

import getpass
import ipaddress
import json
import re
import sys
from pathlib import Path

import click

from .errors import CrossclaimError
from .models import ECHO, LABELS

__all__ = ["serve", "review", "export", "add_review_commands", "is_loopback"]

DEFAULT_DB = "crossclaim.db"
_db_option = click.option(
    "--db", "db_path", default=DEFAULT_DB, show_default=True, envvar="CROSSCLAIM_DB", show_envvar=True,
    type=click.Path(dir_okay=False), help="The SQLite store written by `crossclaim scan`.",
)


def add_review_commands(group: click.Group) -> None:
    for cmd in (serve, review, export):
        group.add_command(cmd)


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def existing_db(db_path: str):
    """The store at ``db_path``, or a one-line error saying to scan first: commands that only read a store never
    create an empty one."""
    from .store import Database

    if not Path(db_path).is_file():
        raise click.ClickException(
            f"no database at {db_path}: run `crossclaim scan INPUT --db {db_path}` first, or pass --db PATH"
        )
    try:
        return Database(db_path)
    except CrossclaimError as exc:
        raise click.ClickException(str(exc)) from exc


# -- serve -------------------------------------------------------------------------------------------------------
@click.command()
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Anything but a loopback address needs --token.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--token", envvar="CROSSCLAIM_TOKEN", show_envvar=True, default=None,
              help="Shared secret every request must present (?token=... once, or 'Authorization: Bearer').")
@click.option("--reviewer", envvar="CROSSCLAIM_REVIEWER", show_envvar=True, default=None,
              help="Name verdicts are recorded under when the browser has not set one.")
@click.option("--get", "get_path", default=None, metavar="PATH",
              help="Answer one GET request for PATH, print the body and exit (no port is opened).")
def serve(db_path, host, port, token, reviewer, get_path):
    """Serve the web review queue.

    Example: crossclaim serve --db news.db   (then open http://127.0.0.1:8000/)
    """
    if token is not None and not token.strip():
        raise click.ClickException("--token is empty; give a real secret, e.g. $(openssl rand -hex 16)")
    if not is_loopback(host) and not token:
        raise click.ClickException(
            f"refusing to bind {host} without a token: anyone who can reach it could read and change verdicts. "
            "Pass --token SECRET (or set CROSSCLAIM_TOKEN), or keep the default --host 127.0.0.1."
        )
    existing_db(db_path).close()
    from .web import create_app

    try:
        app = create_app(db_path, token=token, reviewer=reviewer)
    except CrossclaimError as exc:
        raise click.ClickException(str(exc)) from exc
    if get_path is not None:
        from starlette.testclient import TestClient

        headers = {"Authorization": f"Bearer {token}"} if token else {}
        # a server error is answered (500, in the error shape) and exits 1, as any other error status; not a
        # traceback
        with TestClient(app, raise_server_exceptions=False) as client:
            resp = client.get(get_path, headers=headers)
        click.echo(resp.text)
        if resp.status_code >= 400:
            sys.exit(1)
        return
    try:
        import uvicorn
    except ImportError as exc:
        raise click.ClickException("serve needs uvicorn: pip install 'crossclaim[web]'") from exc
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    click.echo(f"crossclaim review queue on {url} (Ctrl+C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


# -- review (terminal) -------------------------------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_KEYS = {"c": "confirmed", "f": "false_alarm", "t": "temporal_update", "n": "needs_more"}


def _plain(s: str | None) -> str:
    """Scraped text with control characters removed, so it cannot drive the terminal (ANSI escapes)."""
    return _CONTROL.sub("", s or "")


def _show(it, i: int, n: int) -> None:
    from .review import reason_detail

    p = it.pair
    click.echo()
    own = p.probs.get(p.label)  # None for echo: a relay is not scored
    head = f"[{i}/{n}] {p.label}" + (f" {100 * own:.0f}%" if own is not None else "")
    head += f"  P(contradicts) {100 * it.p_contradicts:.0f}%"
    if p.cluster is not None:
        head += f"  cluster {p.cluster}"
    head += f"  status {it.status}"
    click.secho(head, bold=True)
    for name, c in (("A", p.a), ("B", p.b)):
        who = _plain(c.speaker) or "unattributed"
        meta = ", ".join(_plain(x) for x in (c.outlet if c.outlet != c.speaker else None, c.published) if x)
        click.secho(f"  {name}  {who}" + (f" ({meta})" if meta else ""), fg="cyan")
        if len(c.relay) > 1:
            click.echo("     relay: " + " -> ".join(_plain(x) for x in c.relay))
        click.echo(f"     “{_plain(c.text)}”")
    # one line per distinct reason: a cue word that occurs twice gives two reasons that read the same
    lines = dict.fromkeys(
        f"  - {_plain(r.kind)}{f' [{r.side.upper()}]' if r.side else ''}: {_plain(reason_detail(r))}" for r in p.reasons
    )
    for line in lines:
        click.echo(line)
    if it.verdict:
        click.echo(f"  verdict: {it.verdict.status} by {_plain(it.verdict.reviewer) or 'anonymous'}")
    if it.verdict and it.verdict.note:
        click.echo(f"  note: {_plain(it.verdict.note)}")


def _ask_note(current: str) -> str:
    """The note for a verdict: Enter keeps ``current`` (the pair's note, or the one typed before a refused write),
    ``-`` clears it, anything else replaces it."""
    if not current:
        typed = click.prompt("Note (Enter for none)", default="", show_default=False).strip()
        return "" if typed == "-" else typed
    shown = _plain(current) if len(current) <= 60 else _plain(current[:59]) + "…"
    typed = click.prompt(f"Note (Enter keeps “{shown}”, - for none)", default="", show_default=False).strip()
    return "" if typed == "-" else typed or current


def _changed(it, was) -> str:
    """What another reviewer did to the pair: ``it`` as it is now, ``was`` its verdict as last shown."""
    v = it.verdict
    if v is None:
        return f"its verdict ({was.status}) was removed"
    who = _plain(v.reviewer) or "anonymous"
    return f"{who} set it to {v.status}" + (f" with the note “{_plain(v.note)}”" if v.note else "")


@click.command()
@_db_option
@click.option("--reviewer", envvar="CROSSCLAIM_REVIEWER", show_envvar=True, default=None,
              help="Name verdicts are recorded under (default: your login name).")
@click.option("--label", default=None, type=click.Choice([*LABELS, ECHO, "any"]),
              help="Only pairs with this label. [default: contradicts; with --differs, any]")
@click.option("--status", default="unreviewed", show_default=True,
              type=click.Choice(["unreviewed", "reviewed", "any", "confirmed", "false_alarm", "temporal_update",
                                 "needs_more"]))
@click.option("--outlet", default=None, help="Only pairs with this outlet on either side.")
@click.option("--speaker", default=None, help="Only pairs with this speaker on either side.")
@click.option("--cluster", default=None, type=int)
@click.option("--search", "q", default=None,
              help="Only pairs whose text, speaker or outlet contains this (case and accents ignored).")
@click.option("--differs", is_flag=True,
              help="Only pairs on one subject whose claims give different figures, whatever their label.")
def review(db_path, reviewer, label, status, outlet, speaker, cluster, q, differs):
    """Review flagged pairs in the terminal, one at a time.

    Keys: c confirmed, f false alarm, t temporal update, n needs more, s skip, q quit. At the note prompt,
    Enter keeps the pair's note (or the one you typed before someone else's change refused it), - clears it.

    Example: crossclaim review --db news.db --reviewer ana
    """
    from .review import QueueFilter, StaleVerdict, get_item, queue, set_verdict

    reviewer = reviewer or getpass.getuser()
    label = label or ("any" if differs else "contradicts")
    with existing_db(db_path) as db:
        f = QueueFilter(labels=() if label == "any" else (label,), status=None if status == "any" else status,
                        outlet=outlet, speaker=speaker, cluster=cluster, q=q, differs=differs)
        items = queue(db, f)
        if not items:
            click.echo("Nothing to review with these filters.")
            return
        n_done = 0
        quit_ = False
        for i, listed in enumerate(items, 1):
            # others may review at the same time (the web queue, another terminal): show the pair as it is now,
            # and write only over the verdict shown (``set_verdict(expect=...)``), else show the change and ask again
            it = get_item(db, listed.pair_id) or listed
            if (it.verdict and it.verdict.version) != (listed.verdict and listed.verdict.version):
                if f.status == "unreviewed" and it.verdict is not None:
                    click.secho(f"\n[{i}/{len(items)}] skipped: since this list was loaded, "
                                f"{_changed(it, listed.verdict)}.", fg="yellow")
                    continue
                click.secho(f"\n  Changed since this list was loaded: {_changed(it, listed.verdict)}.", fg="yellow")
            mine = None  # the note typed before a refused write: offered again rather than lost
            while True:
                _show(it, i, len(items))
                key = click.prompt(
                    "Verdict: [c]onfirmed [f]alse alarm [t]emporal update [n]eeds more [s]kip [q]uit",
                    type=click.Choice(["c", "f", "t", "n", "s", "q"], case_sensitive=False), show_choices=False,
                ).lower()
                if key in ("q", "s"):
                    quit_ = key == "q"
                    break
                note = _ask_note(mine if mine is not None else (it.verdict.note or "") if it.verdict else "")
                shown = it.verdict.version if it.verdict else 0
                try:
                    set_verdict(db, it.pair_key, _KEYS[key], note=note, reviewer=reviewer, expect=shown)
                except StaleVerdict:
                    was = it.verdict
                    it = get_item(db, it.pair_id) or it
                    mine = note
                    click.secho(f"  Not saved: while you were deciding, {_changed(it, was)}. Here it is again.",
                                fg="yellow")
                    continue
                except CrossclaimError as exc:
                    raise click.ClickException(str(exc)) from exc
                n_done += 1
                click.secho(f"  -> {_KEYS[key]}", fg="green")
                break
            if quit_:
                break
        click.echo(f"Recorded {n_done} verdict{'' if n_done == 1 else 's'} as {reviewer}.")


# -- export ------------------------------------------------------------------------------------------------------
@click.command()
@_db_option
@click.option("--format", "fmt", required=True, type=click.Choice(["claimreview", "jsonl", "csv"]),
              help="claimreview: schema.org ClaimReview JSON-LD drafts; "
                   "jsonl/csv: labelled pairs for `crossclaim eval`.")
@click.option("--status", "statuses", default=None, metavar="S1,S2",
              help="Verdicts to export (default: confirmed for claimreview; confirmed,false_alarm,temporal_update "
                   "for jsonl/csv; needs_more is never exported as a labelled pair).")
@click.option("--org", default="crossclaim", show_default=True, help="The reviewing organisation (ClaimReview author).")
@click.option("--org-url", default=None, help="Its web site (http/https).")
@click.option("--url-template", default=None,
              help="Where each ClaimReview will be published, with {key}, e.g. https://desk.example/checks/{key}.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", show_default=True)
def export(db_path, fmt, statuses, org, org_url, url_template, output):
    """Export reviewed pairs: ClaimReview drafts, or labelled pairs for `crossclaim eval`.

    Example: crossclaim export --db news.db --format jsonl -o verdicts.jsonl
    """
    from .export import DEFAULT_STATUSES, claimreview_drafts, labelled_pairs, write_csv, write_jsonl

    st = [s for s in statuses.split(",") if s.strip()] if statuses else list(DEFAULT_STATUSES[fmt])
    with existing_db(db_path) as db:
        try:
            if fmt == "claimreview":
                drafts = claimreview_drafts(db, org=org, org_url=org_url, url_template=url_template, statuses=st)
                output.write(json.dumps(drafts, indent=2, ensure_ascii=False) + "\n")
                n, what = len(drafts), "ClaimReview draft"
            else:
                rows = labelled_pairs(db, st)
                n = (write_jsonl if fmt == "jsonl" else write_csv)(rows, output)
                what = "labelled pair"
        except CrossclaimError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {n} {what}{'' if n == 1 else 's'}", err=True)
