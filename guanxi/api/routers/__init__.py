"""One router per resource; ``ROUTERS`` is the order ``create_app`` registers them in."""

from guanxi.api.routers import (
    audit,
    campaign_pages,
    campaigns,
    changes,
    companies,
    contacts,
    health,
    intimacy,
    methods,
    network,
    opportunities,
    ownership,
    pages,
    paths,
    queries,
    recommendations,
    reports,
    risk,
)

__all__ = ["ROUTERS"]

ROUTERS = [
    health.router,
    companies.router,
    contacts.router,
    ownership.router,
    changes.router,
    recommendations.router,
    paths.router,
    intimacy.router,
    network.router,
    risk.router,
    opportunities.router,
    methods.router,
    queries.router,
    audit.router,
    campaigns.router,
    pages.router,
    campaign_pages.router,
    reports.router,
]
