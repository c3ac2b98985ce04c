"""Database administration: status, schema initialisation and wiping, for any server
(local or external)."""

from __future__ import annotations

import logging
from typing import Any

from guanxi.config import Settings
from guanxi.errors import GuanxiError
from guanxi.graph.client import GraphClient
from guanxi.graph.gateway import Gateway
from guanxi.graph.schema import Schema, get_schema

__all__ = ["graph_version", "server_status", "init_schema", "wipe"]

log = logging.getLogger(__name__)


def server_status(settings: Settings, client: GraphClient | None = None) -> dict[str, Any]:
    """``{"uri", "version", "edition", "running", "gds_procedures", "apoc_procedures", ...}``.

    ``running`` is whether the server answers queries; for the local server ``pid`` and
    ``home`` are included too.
    """
    out: dict[str, Any] = {
        "uri": settings.uri,
        "external": settings.external,
        "routing": settings.routing,
        "database": settings.neo4j_database,
        "running": False,
        "version": None,
        "edition": None,
        "gds_procedures": None,
        "apoc_procedures": None,
        "nodes": None,
        "relationships": None,
    }
    if not settings.external:
        from guanxi.graph.server import LocalServer

        server = LocalServer(settings)
        st = server.state()
        out.update(pid=st.pid, home=str(server.root))
        if not st.running:
            return out
    own = client is None
    client = client or GraphClient(settings)
    try:
        comp = client.read("admin.components")
        kernel = next((c for c in comp if c["name"] == "Neo4j Kernel"), comp[0])
        counts = client.read("admin.procedure_counts")[0]
        size = client.read("admin.counts")[0]
        out.update(
            running=True,
            version=kernel["versions"][0],
            edition=kernel["edition"],
            gds_procedures=counts["gds"],
            apoc_procedures=counts["apoc"],
            nodes=size["nodes"],
            relationships=size["relationships"],
        )
    except GuanxiError as e:
        out["error"] = str(e)
    finally:
        if own:
            client.close()
    return out


def init_schema(client: GraphClient, schema: Schema | None = None) -> list[str]:
    """Apply constraints and indexes (idempotent). Returns the names applied."""
    schema = schema or get_schema()
    names = []
    for name, stmt in schema.ddl():
        client.run_text(f"schema.{name}", stmt, write=True)
        names.append(name)
    client.run_text("schema.await", "CALL db.awaitIndexes(300)", write=False)
    log.info("applied %d constraints and indexes", len(names))
    return names


def wipe(client: GraphClient, batch: int = 10000) -> int:
    """Delete every node and relationship in batches (schema is kept): relationships first,
    so no transaction holds a batch of nodes with all their relationships (a 100k-company
    graph ran out of the test server's transaction memory). Returns nodes deleted."""
    _drain(client, "admin.wipe_rels_batch", batch)
    return _drain(client, "admin.wipe_batch", batch)


def _drain(client: GraphClient, query: str, batch: int) -> int:
    """Run a ``LIMIT $limit`` delete query until a batch comes back short; the total."""
    total = 0
    while True:
        n = client.write(query, limit=batch)[0]["deleted"]
        total += n
        if n < batch:
            return total


def graph_version(client: Gateway) -> tuple[Any, int, int]:
    """The graph's version: the ``GuanxiMeta`` stamp that every load, wipe and batch scoring
    run bumps, with the node and relationship counts (``admin.graph_version``). Every
    in-process cache of what is derived from the graph is valid for one version
    (docs/architecture.md, "Caches")."""
    r = client.read("admin.graph_version")[0]
    return (r["stamp"], r["nodes"], r["relationships"])
