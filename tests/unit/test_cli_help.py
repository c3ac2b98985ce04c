"""``guanxi --help`` and every command's ``--help``: each help text reads as sentences (no
line breaks from the docstrings' source), and every command has one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer
from typer.testing import CliRunner

from guanxi.cli import app
from guanxi.commands.output import help_text


def _commands(cmd: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command path under ``cmd`` (a click-style command; groups have ``commands``)."""
    yield path
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_help_text_joins_lines_and_keeps_paragraphs() -> None:
    doc = """Walk the chain: exit 0 when intact,
        1 when not.

        A broken chain names the first
        bad record."""
    assert help_text(doc) == (
        "Walk the chain: exit 0 when intact, 1 when not.\n\n"
        "A broken chain names the first bad record."
    )
    assert help_text(None) == ""


def test_every_command_has_help_in_sentences() -> None:
    root = typer.main.get_command(app)
    paths = [p for p in _commands(root) if p]
    assert {("db", "start"), ("serve",), ("demo",), ("users", "add"), ("audit", "verify")} <= set(
        paths
    )
    for path in paths:
        cmd = root
        for name in path:
            cmd = cmd.commands[name]
        assert cmd.help, path
        for paragraph in cmd.help.split("\n\n"):
            assert "\n" not in paragraph, (path, cmd.help)


def test_help_runs_for_every_command() -> None:
    runner = CliRunner()
    root = typer.main.get_command(app)
    listed = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0
    for path in _commands(root):
        r = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert r.exit_code == 0, (path, r.output)
        if len(path) == 1:
            assert f" {path[0]} " in listed.output
