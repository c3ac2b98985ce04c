"""Scoring: centrality, intimacy, key contacts, contact paths, ownership, groups, guarantee
circles and risk propagation.

Each scorer describes itself (name, method, config with defaults, result type) in its
module's ``INFO``; :data:`SCORERS` lists them, in the order batch scoring runs them, so that
the API and reports can cite the method behind a score.
"""

from guanxi.records import ScorerInfo
from guanxi.scoring import (
    centrality,
    circles,
    contact_paths,
    groups,
    intimacy,
    key_contacts,
    ownership,
    risk,
)

__all__ = ["SCORERS"]

#: Every scorer's self-description.
SCORERS: tuple[ScorerInfo, ...] = (
    centrality.INFO,
    intimacy.INFO,
    key_contacts.INFO,
    contact_paths.INFO,
    ownership.INFO,
    groups.INFO,
    circles.INFO,
    risk.INFO,
)
