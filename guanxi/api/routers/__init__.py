"""One router per resource; ``ROUTERS`` is the order ``create_app`` registers them in."""

from guanxi.api.routers import companies, health, pages, queries

__all__ = ["ROUTERS"]

ROUTERS = [health.router, companies.router, queries.router, pages.router]
