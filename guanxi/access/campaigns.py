"""Who may see and change campaign facts (docs/campaigns.md, "Scope").

Campaigns, targets, tasks, touches and conversions are bank-internal. The rule:

* an RM (role ``rm``) sees and edits **their own** tasks — the RM node whose ``user`` is
  their user name (or whose id is it) — and sees the campaigns owned by a branch in their
  subtree or holding one of their tasks;
* a manager sees and edits the tasks of every RM working in their branch subtree, and
  creates, assigns and closes campaigns owned by a branch in it;
* an analyst sees what a manager sees and changes nothing;
* an admin (and a head-office user without business lines) sees and changes everything.

:class:`TaskScope` carries the query parameters (``$scope_all``, ``$branches``, ``$rm``)
that every campaign query filters tasks with, and the checks the services call before a
write.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from guanxi.access.scope import Scope
from guanxi.errors import AccessDenied, NotFound
from guanxi.graph.gateway import Gateway

__all__ = ["TaskScope", "task_scope", "NO_RM"]

log = logging.getLogger(__name__)

#: the ``$rm`` of an RM user without an RM node: matches no task
NO_RM = "\u0000no-rm"


@dataclass(frozen=True)
class TaskScope:
    """A caller's view of campaign tasks: the scope, and for an RM their RM id."""

    scope: Scope
    rm: str | None = None

    @property
    def everything(self) -> bool:
        """Admins and head-office users without lines; never an RM (their own tasks)."""
        return self.scope.whole_bank and self.scope.user.role != "rm"

    @property
    def role(self) -> str:
        return self.scope.user.role

    def params(self) -> dict[str, object]:
        """``$scope_all``, ``$branches`` and ``$rm`` of the campaign queries."""
        return {
            "scope_all": self.everything,
            "branches": sorted(self.scope.branches),
            "rm": self.rm if self.role == "rm" else None,
        }

    def sees_task(self, rm: str | None, branch: str | None) -> bool:
        """Whether a task assigned to ``rm`` (working at ``branch``) is visible."""
        if self.everything:
            return True
        if self.role == "rm":
            return rm is not None and rm == self.rm
        return branch is not None and branch in self.scope.branches

    def check_edit_tasks(self, tasks: Iterable[dict]) -> None:
        """Refuse unless every task (``campaigns.task_access`` rows) is the caller's to edit.

        Raises
        ------
        NotFound
            For a task that does not exist, or that the caller may not see (a task of
            another branch is not confirmed to exist).
        AccessDenied
            For an analyst, or for a closed campaign's task.
        """
        if self.role == "analyst":
            raise AccessDenied("Analysts read campaigns; RMs and managers log touches")
        for t in tasks:
            if not t["found"] or not self.sees_task(t["rm"], t["branch"]):
                raise NotFound(f"No task {t['id']!r} in your scope")
            if t.get("campaign_status") == "closed":
                raise AccessDenied(f"Task {t['id']!r} belongs to closed campaign {t['campaign']!r}")

    def check_manage(self, branch: str | None) -> None:
        """Refuse creating, assigning or closing a campaign owned by ``branch`` unless the
        caller is a manager or admin whose scope holds it.

        Raises
        ------
        AccessDenied
            For RMs and analysts, and for a branch outside the caller's scope.
        """
        if self.everything and self.role in ("admin", "manager"):
            return
        if self.role not in ("manager", "admin"):
            raise AccessDenied(f"Role {self.role!r} may not manage campaigns; managers may")
        if branch is None or branch not in self.scope.branches:
            raise AccessDenied(f"Branch {branch!r} is outside your branch scope")

    def check_rm(self, rm: str, branch: str | None) -> None:
        """Refuse assigning a task to an RM outside the caller's scope."""
        if not self.everything and (branch is None or branch not in self.scope.branches):
            raise AccessDenied(f"RM {rm!r} is outside your branch scope")


def task_scope(client: Gateway, scope: Scope) -> TaskScope:
    """The caller's :class:`TaskScope`: for an RM user, the RM node that is them
    (``campaigns.rm_of_user``); an RM user without one sees no tasks."""
    if scope.user.role != "rm":
        return TaskScope(scope)
    rows = client.read("campaigns.rm_of_user", user=scope.user.name)
    if not rows:
        log.warning("user %s has role rm but no RelationshipManager node", scope.user.name)
        return TaskScope(scope, NO_RM)
    return TaskScope(scope, rows[0]["id"])
