"""Test fixtures.

How the fixtures work, in short:
- ``make test`` starts a Neo4j of its own (home ``.guanxi/test``, Bolt port 7688) and
  exports the matching ``GUANXI_*`` variables; with ``NEO4J_URI`` set, that server is used.
- ``settings`` / ``client`` are session fixtures: the client connects once and the whole
  run fails loudly if it cannot (integration tests never silently skip).
- ``db`` is a function fixture: it wipes every node before and after the test and applies
  the schema, so each integration test starts from an empty, constrained database.
- Tests under ``tests/integration`` and ``tests/api`` are marked automatically.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from guanxi.config import Settings, get_settings
from guanxi.graph.admin import init_schema, wipe
from guanxi.graph.client import GraphClient

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "integration" in parts:
            item.add_marker(pytest.mark.integration)
        if "api" in parts:
            item.add_marker(pytest.mark.api)
            item.add_marker(pytest.mark.integration)
        if "browser" in parts:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def settings() -> Settings:
    get_settings.cache_clear()
    # tests that want the contact-path index warmed at API start turn it on themselves
    return get_settings().model_copy(update={"api_warm_index": False, "api_warm_plans": False})


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[GraphClient]:
    c = GraphClient(settings)
    try:
        c.verify()
    except Exception as e:  # noqa: BLE001 - fail loudly with the reason
        pytest.fail(
            f"The test Neo4j at {settings.uri} is not reachable ({e}). "
            "Run the suite with `make test`, which starts it, or set NEO4J_URI.",
            pytrace=False,
        )
    init_schema(c)
    yield c
    c.close()


@pytest.fixture
def db(client: GraphClient) -> Iterator[GraphClient]:
    wipe(client)
    yield client
    wipe(client)
