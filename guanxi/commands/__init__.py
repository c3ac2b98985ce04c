"""The ``guanxi`` CLI's commands, one module per command group; each module has
``register(app)``, which adds its commands to the root app (``guanxi.cli`` builds it).

Command modules import what is light at the top and the heavy libraries (the Neo4j
driver, pandas, numpy, torch, uvicorn) inside the command bodies, so that ``guanxi --help``
stays fast; :mod:`guanxi.commands.output` holds what they share.
"""

#: the command modules, in the order their commands are listed by ``guanxi --help``
MODULES = (
    "guanxi.commands.db",
    "guanxi.commands.generate",
    "guanxi.commands.data",
    "guanxi.commands.scores",
    "guanxi.commands.changes",
    "guanxi.commands.gnn",
    "guanxi.commands.queries",
    "guanxi.commands.users",
    "guanxi.commands.audit",
    "guanxi.commands.serve",
    "guanxi.commands.psi",
    "guanxi.commands.resolve",
    "guanxi.commands.risk",
    "guanxi.commands.opportunities",
    "guanxi.commands.campaigns",
    "guanxi.commands.documents",
    "guanxi.commands.effects",
    "guanxi.commands.reports",
)

__all__ = ["MODULES"]
