"""The official GDS Python client connects to guanxi's server and runs PageRank (issue #21).

``graphdatascience`` before 2.0 failed in its constructor (``gds.debug.arrow`` is not in
OpenGDS); guanxi pins a 2.x release in the ``gds`` extra. The graph is a cycle A→B→C→A
with D→C. GDS's PageRank is unnormalised: PR(v) = (1 − d) + d·Σ PR(u)/out(u), d = 0.85:
PR(D) = 0.15; PR(A) = 0.15 + 0.85·PR(C); PR(B) = 0.15 + 0.85·PR(A);
PR(C) = 0.15 + 0.85·(PR(B) + PR(D)) = 0.405 + 0.7225·PR(A), hence
PR(A) = (0.15 + 0.85·0.405) / (1 − 0.85·0.7225) = 0.49425 / 0.385875 = 1.280855,
PR(B) = 0.15 + 0.85·1.280855 = 1.238727, PR(C) = 0.405 + 0.7225·1.280855 = 1.330418.
"""

from __future__ import annotations

import pytest

from guanxi.config import Settings
from guanxi.graph.client import GraphClient
from guanxi.graph.gds_client import gds_client

pytest.importorskip("graphdatascience", minversion="2.0")

GRAPH = """
CREATE (a:Company {id: 'A'})-[:SUPPLIES]->(b:Company {id: 'B'})-[:SUPPLIES]->
       (c:Company {id: 'C'})-[:SUPPLIES]->(a)
CREATE (:Company {id: 'D'})-[:SUPPLIES]->(c)
"""
A = 0.49425 / 0.385875
EXPECTED = {"A": A, "B": 0.15 + 0.85 * A, "C": 0.405 + 0.7225 * A, "D": 0.15}


@pytest.mark.parametrize("arrow", [True, False])
def test_client_connects_and_runs_pagerank(
    db: GraphClient, settings: Settings, arrow: bool
) -> None:
    db.console(GRAPH, allow_write=True)
    with gds_client(settings, arrow=arrow) as gds:
        assert gds.server_version() >= gds.server_version().from_string("2.13.0")
        G, res = gds.graph.project.native("i21-pagerank", "Company", "SUPPLIES")
        try:
            assert (res.node_count, res.relationship_count) == (4, 4)
            assert gds.graph.exists("i21-pagerank")
            pr = gds.page_rank.stream(G, damping_factor=0.85, tolerance=1e-12, max_iterations=200)
            ids = gds.run_cypher("MATCH (c:Company) RETURN id(c) AS nodeId, c.id AS company")
        finally:
            G.drop()
        assert not gds.graph.exists("i21-pagerank")
    joined = pr.merge(ids, on="nodeId")
    got = dict(zip(joined["company"], joined["score"], strict=True))
    assert got == pytest.approx(EXPECTED, abs=1e-5)
