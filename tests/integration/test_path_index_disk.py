"""A new process answers its first contact-path call from the index saved on disk.

The seed is tests/integration/test_scoring_cli.py's (RM r1 → P2 → P1 → C2). Forgetting the
in-process index stands in for a new process; ``_build`` made to fail proves the index was
loaded, not rebuilt.
"""

from __future__ import annotations

import pytest

from guanxi.graph.client import GraphClient
from guanxi.scoring import path_index_cache
from guanxi.scoring.contact_paths import contact_paths
from guanxi.scoring.path_index_cache import clear_index
from guanxi.scoring.path_index_store import index_dir
from guanxi.scoring.projection import clear_cache
from tests.integration.test_scoring_cli import SEED


def _chains(client: GraphClient) -> list[list[str]]:
    res = contact_paths(client, "C2", "r1", 3)
    return [[h.source_id for h in p.hops] + [p.hops[-1].target_id] for p in res.paths]


def _no_build(*args: object, **kwargs: object) -> None:
    raise AssertionError("the index was rebuilt")


def test_a_new_process_loads_the_saved_index(
    db: GraphClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    db.console(SEED, allow_write=True)
    db.write("admin.bump_graph_version", why="test")
    clear_cache()
    clear_index()
    first = _chains(db)
    assert first and first[0] == ["r1", "P2", "P1", "C2"]
    folder = index_dir(db.settings)
    assert (folder / "meta.json").exists()

    clear_index()  # a new process: nothing in memory
    monkeypatch.setattr(path_index_cache, "_build", _no_build)
    assert _chains(db) == first

    # the graph changes (and its stamp with it): the saved index is not used
    db.console("MATCH (r:RelationshipManager {id: 'r1'}), (p:Person {id: 'P1'}) "
               "CREATE (r)-[:KNOWS {strength: 0.9}]->(p)", allow_write=True)  # fmt: skip
    db.write("admin.bump_graph_version", why="test")
    clear_index()
    with pytest.raises(AssertionError, match="rebuilt"):
        _chains(db)


def test_an_unstamped_graph_is_not_saved(db: GraphClient) -> None:
    db.console(SEED, allow_write=True)  # seeded by hand: no stamp, counts alone
    clear_cache()
    clear_index()
    folder = index_dir(db.settings)
    before = (folder / "meta.json").read_text() if (folder / "meta.json").exists() else None
    assert _chains(db)
    after = (folder / "meta.json").read_text() if (folder / "meta.json").exists() else None
    assert after == before
