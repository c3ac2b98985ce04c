"""Beyond one box (issue #21): ``NEO4J_URI`` points guanxi at another server.

A second guanxi-managed Neo4j (own home under tmp, own ports; see ``servers.py``) stands in
for a remote server. With ``NEO4J_URI`` set to it, and the usual ``GUANXI_*`` variables of
the test server still set, ``guanxi load`` writes a 200-company network there, the CLI
and the API read it back there, through a routing ``neo4j://`` URI as well, and the test
server keeps exactly the one marker node it had. Mirrored: the marker is not on the second.
The second server also stands in for a cluster's GDS secondary (``GUANXI_GDS_URI``): batch
centrality projects and runs its GDS algorithms there while reading the Python-side
projection from the main server. About a minute (a Neo4j start);
``GUANXI_TEST_SECOND_PORTS=bolt,http`` fixes its ports.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from guanxi.access.users import UserStore
from guanxi.api.app import create_app
from guanxi.cli import app
from guanxi.config import get_settings
from guanxi.graph.client import GraphClient
from guanxi.graph.server import LocalServer
from guanxi.scoring.centrality import compute_centrality
from tests.integration.servers import second_server

pytestmark = [pytest.mark.slow]

runner = CliRunner()
MARKER = "CREATE (:Company {id: 'ONLY-ON-THE-TEST-SERVER', name: '标记'})"


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    pw = get_settings().password()  # shared, like a cluster's users
    with second_server(tmp_path_factory.mktemp("second") / "gx", password=pw) as srv:
        yield srv


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("net") / "net"
    res = runner.invoke(app, ["generate", "-n", "200", "-o", str(out), "--seed", "21"])
    assert res.exit_code == 0, res.output
    return out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _point_at(monkeypatch: pytest.MonkeyPatch, srv: LocalServer, scheme: str, tmp: Path) -> str:
    uri = f"{scheme}://127.0.0.1:{srv.settings.bolt_port}"
    monkeypatch.setenv("NEO4J_URI", uri)
    monkeypatch.setenv("NEO4J_PASSWORD", srv.password_file.read_text(encoding="utf-8").strip())
    monkeypatch.setenv("GUANXI_AUDIT_DIR", str(tmp / "audit"))
    monkeypatch.setenv("GUANXI_USERS_FILE", str(tmp / "users.json"))
    monkeypatch.setenv("GUANXI_API_WARM_INDEX", "false")
    get_settings.cache_clear()
    return uri


def _cli(*args: str) -> dict:
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_neo4j_uri_uses_the_given_server(
    db: GraphClient,
    second: LocalServer,
    network: tuple[Path, dict],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder, manifest = network
    n_nodes = sum(manifest["nodes"].values())
    n_rels = sum(manifest["relationships"].values())
    db.console(MARKER, allow_write=True)
    default = db.read("admin.counts")[0]
    assert (default["nodes"], default["relationships"]) == (1, 0)
    try:
        uri = _point_at(monkeypatch, second, "bolt", tmp_path)
        assert get_settings().uri == uri and get_settings().external
        loaded = _cli("load", str(folder))
        assert loaded["errors"] == [] and loaded["written"] > 0, loaded
        status = _cli("db", "status")
        assert (status["uri"], status["external"], status["routing"]) == (uri, True, False)
        assert status["relationships"] == n_rels
        assert status["nodes"] >= n_nodes  # and the loader's own bookkeeping node(s)

        # the same server through a routing URI: the driver routes to the single instance
        uri = _point_at(monkeypatch, second, "neo4j", tmp_path)
        status = _cli("db", "status")
        assert (status["uri"], status["routing"], status["relationships"]) == (uri, True, n_rels)
        rows = _cli("cypher", "MATCH (x) UNWIND labels(x) AS l RETURN l, count(*) AS n")
        counts = dict(map(tuple, rows["rows"]))
        assert {label: counts.get(label) for label in manifest["nodes"]} == manifest["nodes"]
        marker = _cli("cypher", "MATCH (c {id: 'ONLY-ON-THE-TEST-SERVER'}) RETURN count(c)")
        assert marker["rows"] == [[0]]

        s = get_settings()
        key = UserStore(s).add("admin", "admin", "HO")
        first = (folder / "companies.csv").read_text(encoding="utf-8").splitlines()[1]
        company_id, name = first.split(",")[:2]
        with TestClient(create_app(s)) as api:
            r = api.get(
                f"/api/v1/companies/{company_id}", headers={"Authorization": f"Bearer {key}"}
            )
            assert r.status_code == 200, r.text
            assert r.json()["profile"]["name"] == name
            r = api.get(
                "/api/v1/companies/ONLY-ON-THE-TEST-SERVER",
                headers={"Authorization": f"Bearer {key}"},
            )
            assert r.status_code == 404
        assert "companies" in (tmp_path / "audit" / "audit.jsonl").read_text(encoding="utf-8")
    finally:
        get_settings.cache_clear()
    after = db.read("admin.counts")[0]
    assert (after["nodes"], after["relationships"]) == (1, 0)
    with GraphClient(second.settings) as c:
        assert c.read("admin.counts")[0]["relationships"] == n_rels


CHAIN = """
CREATE (a:Company {id: 'A', name: 'A'})-[:SUPPLIES {amount: 1.0}]->(b:Company {id: 'B', name: 'B'})
CREATE (b)-[:SUPPLIES {amount: 1.0}]->(:Company {id: 'C', name: 'C'})
"""


def test_gds_uri_sends_the_gds_calls_to_that_server(db: GraphClient, second: LocalServer) -> None:
    """Both servers hold the chain A→B→C; only the "GDS secondary" also holds G→A. GDS's
    answer includes G, so the projection and PageRank ran on the GDS server."""
    db.console(CHAIN, allow_write=True)
    with GraphClient(second.settings) as c:
        c.console("MATCH (n) DETACH DELETE n", allow_write=True)
        c.console(
            CHAIN + "CREATE (:Company {id: 'G', name: 'G'})-[:SUPPLIES]->(a)", allow_write=True
        )
    uri = f"bolt://127.0.0.1:{second.settings.bolt_port}"
    with GraphClient(db.settings.model_copy(update={"gds_uri": uri})) as client:
        frame, engine = compute_centrality(client, engine="gds")
    assert engine == "gds"
    assert set(frame["node_id"]) == {"A", "B", "C", "G"}
    local, engine = compute_centrality(db, engine="gds")
    assert engine == "gds" and set(local["node_id"]) == {"A", "B", "C"}
    with GraphClient(second.settings) as c:
        assert c.read("admin.counts")[0]["nodes"] == 4  # the GDS server was only read
        c.console("MATCH (n) DETACH DELETE n", allow_write=True)
