"""Branch and business-line scope: which bank-internal facts a user may see.

Public registry facts (companies, persons, shareholdings, positions, supply links,
guarantees) are visible to everyone. Bank-internal facts are visible only inside the
caller's scope: the caller's branch and every branch below it (``PART_OF*``), and, when
the user has business lines, only customer relationships of those lines. A company is
*in scope* when it is a customer (``CUSTOMER_OF``) of a branch in scope; its products,
payment flows and RM contacts are visible only then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from guanxi.access.users import User
from guanxi.graph.gateway import Gateway

__all__ = ["Scope", "resolve_scope", "HEAD_OFFICE"]

log = logging.getLogger(__name__)

HEAD_OFFICE = "HO"


@dataclass(frozen=True)
class Scope:
    """The set of branches a user sees, and the business lines (empty = all)."""

    user: User
    branches: frozenset[str]
    lines: frozenset[str]
    #: the user's branch is the root of the hierarchy (the head office)
    root: bool = False

    @property
    def everything(self) -> bool:
        """Admins see all internal facts."""
        return self.user.role == "admin"

    @property
    def whole_bank(self) -> bool:
        """Admins, and head-office users without business lines: their scope is every
        branch and line, so the console need not fence them (docs/security.md)."""
        return self.everything or (self.root and not self.lines)

    def params(self) -> dict[str, object]:
        """Parameters every scoped query takes: ``$scope_all``, ``$branches``, ``$lines``."""
        return {
            "scope_all": self.everything,
            "branches": sorted(self.branches),
            "lines": sorted(self.lines),
        }

    def sees_branch(self, branch_id: str | None) -> bool:
        return self.everything or (branch_id is not None and branch_id in self.branches)


def resolve_scope(client: Gateway, user: User) -> Scope:
    """The user's branch subtree from the graph (the branch itself if it has no children)."""
    rows = client.read("scope.branch_subtree", branch=user.branch)
    branches = frozenset(rows[0]["branches"]) if rows else frozenset()
    root = bool(rows and rows[0]["root"])
    if not branches:
        log.warning(
            "user %s: branch %r is not in the graph; scope is empty", user.name, user.branch
        )
    return Scope(user=user, branches=branches, lines=frozenset(user.lines), root=root)
