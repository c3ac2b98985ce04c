"""The analyst notebooks run top to bottom against the test database on a small
synthetic network (generated, loaded and scored here)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from guanxi.graph.client import GraphClient
from guanxi.pipeline import build_network

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def scored(client: GraphClient, tmp_path_factory: pytest.TempPathFactory) -> GraphClient:
    from guanxi.graph.admin import wipe

    build_network(client, tmp_path_factory.mktemp("nbdata"), companies=300, seed=3)
    yield client
    wipe(client)


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, scored: GraphClient, monkeypatch: pytest.MonkeyPatch) -> None:
    # the kernel runs in notebooks/: hand it the test server's absolute home
    monkeypatch.setenv("GUANXI_HOME", str(scored.settings.home_dir))
    monkeypatch.setenv("GUANXI_BOLT_PORT", str(scored.settings.bolt_port))
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "strip outputs"
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []
