"""The gateway to Neo4j: connection, local server, schema, query library."""

from guanxi.graph.client import GraphClient
from guanxi.graph.library import QueryLibrary, get_library

__all__ = ["GraphClient", "QueryLibrary", "get_library"]
