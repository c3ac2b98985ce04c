"""Scoring: centrality, intimacy, key contacts, contact paths and ownership.

Each scorer describes itself (name, method, config with defaults, result type) in its
module's ``INFO``; :data:`SCORERS` lists them, in the order batch scoring runs them, so that
the API and reports can cite the method behind a score.
"""

from guanxi.records import ScorerInfo
from guanxi.scoring import centrality, contact_paths, intimacy, key_contacts, ownership

__all__ = ["SCORERS"]

#: Every scorer's self-description.
SCORERS: tuple[ScorerInfo, ...] = (
    centrality.INFO,
    intimacy.INFO,
    key_contacts.INFO,
    contact_paths.INFO,
    ownership.INFO,
)
