"""The package layering (gateway → access → scoring/gnn/loaders → services → api → cli),
the 300-line limit, and the picture in docs/architecture.md, all read from the code by
tools/import_graph.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "import_graph.py"


@pytest.fixture(scope="module")
def graph() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_graph", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_graph"] = module
    spec.loader.exec_module(module)
    return module


def test_every_import_goes_down_the_layers(graph: ModuleType) -> None:
    assert graph.violations() == []


def test_the_rule_catches_an_upward_import(graph: ModuleType, tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from guanxi.api.app import create_app\n", encoding="utf-8")
    assert graph.imports(bad) == ["guanxi.api.app"]
    # graph (level 2) importing api (level 6) is what violations() reports
    assert graph.LEVELS["api"] > graph.LEVELS["graph"]


def test_no_module_over_300_lines(graph: ModuleType) -> None:
    assert graph.long_modules() == []


def test_architecture_picture_is_current(graph: ModuleType) -> None:
    assert graph.current_doc_block() == graph.doc_block(), (
        "docs/architecture.md is stale: run .venv/bin/python tools/import_graph.py --write"
    )
