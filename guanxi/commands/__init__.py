"""CLI command groups; each module has ``register(app)`` that adds its commands."""

MODULES = (
    "guanxi.commands.generate",
    "guanxi.commands.data",
    "guanxi.commands.scores",
    "guanxi.commands.gnn",
    "guanxi.commands.users",
    "guanxi.commands.audit",
    "guanxi.commands.queries",
)
