"""guanxi (关系): graph analytics for corporate banking on Neo4j.

The sub-packages are the components of ../shared/DESIGN.md: ``graph`` (the gateway to
Neo4j, the schema, the query library and the local server), ``loaders``, ``scoring``,
``gnn``, ``api`` and ``viz``.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
