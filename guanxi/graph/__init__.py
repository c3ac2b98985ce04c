"""The gateway to Neo4j: connection, local server, schema, query library."""

from guanxi.graph.client import GraphClient, get_client
from guanxi.graph.queries import QueryLibrary, get_library

__all__ = ["GraphClient", "get_client", "QueryLibrary", "get_library"]
