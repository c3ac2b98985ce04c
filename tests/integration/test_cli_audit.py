"""Every CLI command that touches the graph leaves a ``cli`` audit record.

The rule is structural: :func:`guanxi.commands.output.command` audits by default and a
command opts out only with ``audit=False``; the first test pins the opt-outs, so a new
command is audited unless someone changes this list on purpose. The second runs the
read commands of the scoring seed (tests/integration/test_scoring_cli.py) and reads the
records back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from guanxi.access.audit import AuditLog
from guanxi.cli import app
from guanxi.config import Settings, get_settings
from guanxi.graph.client import GraphClient
from guanxi.scoring.projection import clear_cache
from tests.integration.test_scoring_cli import SEED

runner = CliRunner()

#: commands that write no audit record, and why: server lifecycle, files only, the
#: partner's side of PSI, and the verifier of the audit chain itself
NOT_AUDITED = {
    "db start",  # server lifecycle
    "db stop",
    "db status",
    "generate",  # writes synthetic files, reads no graph
    "serve",  # the API audits each request itself
    "demo",
    "psi serve",  # the partner's side: serves its own set, holds no bank data
    "audit verify",  # walks the chain; appending to a chain under check would move it
}


def _leaves(cmd: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    subs = getattr(cmd, "commands", {})
    if not subs:
        yield " ".join(path), cmd
    for name, sub in subs.items():
        yield from _leaves(sub, (*path, name))


def test_every_command_is_audited_unless_listed() -> None:
    leaves = dict(_leaves(typer.main.get_command(app)))
    unaudited = {p for p, cmd in leaves.items() if not cmd.callback.__guanxi_audit__}
    assert unaudited == NOT_AUDITED
    assert len(leaves) > 40


def test_every_group_knows_its_name() -> None:
    """A group's commands are audited as ``group command``: the group's Typer carries the
    name it is registered under (``typer.Typer(name=...)``)."""
    for g in app.registered_groups:
        assert g.typer_instance.info.name == g.name, g.name


@pytest.fixture
def audit_dir(
    db: GraphClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    db.console(SEED, allow_write=True)
    clear_cache()
    monkeypatch.setenv("GUANXI_AUDIT_DIR", str(tmp_path / "audit"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


READS = [
    ["ownership", "C2"],
    ["contacts", "C2"],
    ["intimacy", "C1", "C2"],
    ["paths", "--to", "C2", "--from", "r1"],
    ["changes", "C2"],
    ["groups", "C2"],
    ["risk", "show", "C2"],
    ["resolve", "merges"],
    ["campaign", "list"],
    ["opportunities", "list"],
]


def test_read_commands_leave_one_record_each(audit_dir: Settings) -> None:
    for argv in READS:
        res = runner.invoke(app, [*argv, "--json"])
        assert res.exit_code == 0, (argv, res.output)
    recs = [r for r in AuditLog(audit_dir).read() if r["kind"] == "cli"]
    methods = [r["method"] for r in recs]
    # one record per command: those that write their own (groups) get no second one
    assert len(recs) == len(READS), methods
    assert methods[:5] == ["ownership", "contacts", "intimacy", "paths", "changes"]
    assert {"risk show", "resolve merges", "campaign list", "opportunities list"} <= set(methods)
    paths = recs[3]
    assert paths["params"]["to"] == "C2" and paths["params"]["origin"] == "r1"
    assert paths["user"].startswith("operator:") and paths["status"] == 200
    assert AuditLog(audit_dir).verify().ok


def test_a_failed_command_is_audited_with_its_status(audit_dir: Settings) -> None:
    res = runner.invoke(app, ["ownership", "NOPE", "--json"])
    assert res.exit_code == 1
    (rec,) = [r for r in AuditLog(audit_dir).read() if r["kind"] == "cli"]
    assert (rec["method"], rec["status"], rec["params"]["company"]) == ("ownership", 404, "NOPE")
