"""The official GDS Python client (``graphdatascience``), connected the way guanxi connects.

Data scientists work with Neo4j's ``graphdatascience`` client in notebooks. Its releases
before 2.0 cannot talk to guanxi's server: their constructor calls ``gds.debug.arrow``,
a procedure the OpenGDS build does not register, and fails with ``ProcedureNotFound``
whether or not ``arrow=False`` is passed. From 2.0 on the client treats a missing
``gds.debug.arrow`` as "no Arrow server" and uses Bolt, and ``arrow=False`` skips the call
altogether (docs/scaling.md, "The GDS Python client"). It is an optional extra:
``pip install 'guanxi[gds]'``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from guanxi.config import Settings, get_settings
from guanxi.errors import ConfigError

if TYPE_CHECKING:  # the client is an optional extra
    from graphdatascience import GraphDataScience

    from guanxi.graph.gateway import Gateway

__all__ = ["gds_client", "gds_gateway", "MIN_CLIENT"]

log = logging.getLogger(__name__)

#: the first client release that connects to an OpenGDS server (no ``gds.debug.arrow``)
MIN_CLIENT = (2, 0)


def gds_client(settings: Settings | None = None, *, arrow: bool | str = True) -> GraphDataScience:
    """A ``GraphDataScience`` client on guanxi's server (``NEO4J_URI`` or the local one).

    Parameters
    ----------
    settings
        Where to connect (URI, user, password, database); the process settings by default.
    arrow
        ``True`` finds the server's Arrow Flight endpoint if it has one (GDS Enterprise,
        AuraDS) and uses Bolt otherwise (OpenGDS); ``False`` uses Bolt without asking; a
        string is the Arrow endpoint's address.

    Returns
    -------
    GraphDataScience
        The connected client; call ``close()`` when done (or use it in a ``with``).

    Raises
    ------
    ConfigError
        When ``graphdatascience`` is missing or older than 2.0.
    """
    try:
        import graphdatascience
        from graphdatascience import GraphDataScience
    except ImportError as e:
        raise ConfigError(
            "The GDS Python client is not installed: pip install 'guanxi[gds]'"
        ) from e
    version = tuple(int(p) for p in graphdatascience.__version__.split(".")[:2])
    if version < MIN_CLIENT:
        raise ConfigError(
            f"graphdatascience {graphdatascience.__version__} cannot connect to OpenGDS (its "
            "constructor calls gds.debug.arrow, which OpenGDS lacks); install 'guanxi[gds]'"
        )
    s = settings or get_settings()
    log.info("GDS client %s on %s", graphdatascience.__version__, s.uri)
    return GraphDataScience(
        s.uri,
        auth=(s.neo4j_user, s.password()),
        database=s.neo4j_database,
        arrow=arrow,
        show_progress=False,
    )


@contextmanager
def gds_gateway(client: Gateway) -> Iterator[Gateway]:
    """The gateway guanxi's own GDS calls go through: a client of ``GUANXI_GDS_URI`` when set,
    else ``client`` itself.

    GDS keeps projections in the memory of one server. Through a routing ``neo4j://`` URI
    each read transaction may land on another secondary, so on a cluster the projection
    and the algorithms must all go to the GDS server directly (a ``bolt://`` URI).
    """
    s = client.settings
    if not s.gds_uri:
        yield client
        return
    from guanxi.graph.client import GraphClient

    with GraphClient(s.model_copy(update={"neo4j_uri": s.gds_uri}), client.library) as gds:
        yield gds
