"""``gds_client`` refuses a missing or pre-2.0 ``graphdatascience`` with the reason."""

from __future__ import annotations

import sys
from types import ModuleType

import pytest

from guanxi.config import Settings
from guanxi.errors import ConfigError
from guanxi.graph.gds_client import gds_client


def _fake(version: str) -> ModuleType:
    mod = ModuleType("graphdatascience")
    mod.__version__ = version  # type: ignore[attr-defined]
    mod.GraphDataScience = lambda *a, **kw: ("connected", a, kw)  # type: ignore[attr-defined]
    return mod


def test_old_client_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "graphdatascience", _fake("1.14"))
    with pytest.raises(ConfigError, match=r"1\.14 cannot connect to OpenGDS.*gds\.debug\.arrow"):
        gds_client(Settings(neo4j_uri="bolt://db.example", neo4j_password="pw"))


def test_missing_client_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "graphdatascience", None)  # import fails
    with pytest.raises(ConfigError, match=r"guanxi\[gds\]"):
        gds_client(Settings(neo4j_uri="bolt://db.example", neo4j_password="pw"))


def test_client_gets_guanxis_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "graphdatascience", _fake("2.2"))
    s = Settings(
        neo4j_uri="neo4j+s://db.example", neo4j_user="ds", neo4j_password="pw",
        neo4j_database="bank",
    )  # fmt: skip
    tag, args, kw = gds_client(s, arrow=False)
    assert (tag, args) == ("connected", ("neo4j+s://db.example",))
    assert kw == {"auth": ("ds", "pw"), "database": "bank", "arrow": False, "show_progress": False}
