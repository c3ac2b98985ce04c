"""One router per resource; ``ROUTERS`` is the order ``create_app`` registers them in."""

from guanxi.api.routers import (
    audit,
    campaign_pages,
    campaigns,
    companies,
    contacts,
    health,
    intimacy,
    methods,
    network,
    ownership,
    pages,
    paths,
    queries,
    recommendations,
)

__all__ = ["ROUTERS"]

ROUTERS = [
    health.router,
    companies.router,
    contacts.router,
    ownership.router,
    recommendations.router,
    paths.router,
    intimacy.router,
    network.router,
    methods.router,
    queries.router,
    audit.router,
    campaigns.router,
    pages.router,
    campaign_pages.router,
]
