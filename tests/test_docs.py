"""Every command and subcommand documents itself: help text, an example, and a working --help."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from detector.cli import cli


def walk(cmd: click.Command, path: tuple[str, ...] = ()):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            yield from walk(sub, (*path, name))


COMMANDS = list(walk(cli))
CORE = {"scan", "ingest", "claims"}


def test_the_core_commands_exist():
    names = {p[0] for p, _ in COMMANDS if p}
    assert CORE <= names


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=[" ".join(p) or "crossclaim" for p, _ in COMMANDS])
def test_command_has_help(path, cmd):
    assert cmd.help and cmd.help.strip(), f"crossclaim {' '.join(path)} has no help text"
    first = cmd.help.strip().splitlines()[0]
    assert first.endswith("."), f"first help line should be a sentence: {first!r}"
    if path:  # subcommands show how they are used
        assert "Example: crossclaim " + path[-1] in cmd.help, f"crossclaim {' '.join(path)} has no example"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    assert first.rstrip(".") in " ".join(result.output.split())


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_short_and_long_help(flag):
    result = CliRunner().invoke(cli, [flag])
    assert result.exit_code == 0
    for name in CORE:
        assert f"  {name} " in result.output


def test_version():
    from detector import __version__

    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output == f"crossclaim, version {__version__}\n"
