"""One router per resource; ``ROUTERS`` is the order ``create_app`` registers them in."""

from guanxi.api.routers import (
    audit,
    companies,
    contacts,
    health,
    pages,
    queries,
    recommendations,
)

__all__ = ["ROUTERS"]

ROUTERS = [
    health.router,
    companies.router,
    contacts.router,
    recommendations.router,
    queries.router,
    audit.router,
    pages.router,
]
