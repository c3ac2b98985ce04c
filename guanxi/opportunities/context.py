"""What the rules read, fetched once per run through the query library and shared by every
rule of the run (:class:`RuleContext`), and how a result is assigned to an RM."""

from __future__ import annotations

import logging
from functools import cached_property

import numpy as np
import pandas as pd

from guanxi.graph.gateway import Gateway
from guanxi.records import Circle
from guanxi.scoring.circles import find_circles

__all__ = ["RuleContext", "KEY_ROLES", "ROLE_ZH"]

log = logging.getLogger(__name__)

#: Roles that make a person a key contact of a customer (executive move).
KEY_ROLES = ("chairman", "vice_chairman", "ceo", "cfo", "director", "legal_rep", "manager")
ROLE_ZH = {"chairman": "董事长", "vice_chairman": "副董事长", "ceo": "总经理", "cfo": "财务总监",
           "director": "董事", "legal_rep": "法定代表人", "manager": "经理", "vp": "副总经理",
           "supervisor": "监事", "independent_director": "独立董事", "cto": "技术总监",
           "secretary": "董事会秘书"}  # fmt: skip


class RuleContext:
    """Frames the rules share, read lazily (a rule that is not run reads nothing)."""

    def __init__(self, client: Gateway) -> None:
        self.client = client

    def _df(self, name: str, **params: object) -> pd.DataFrame:
        return self.client.read_df(name, **params)

    @cached_property
    def customers(self) -> pd.DataFrame:
        """``company_id`` (index), ``name``, ``branch_id``, ``line``, ``rm_id``, ``rm_name``."""
        df = self._df("opportunities.customers")
        cols = ["company_id", "name", "branch_id", "line", "rm_id", "rm_name"]
        return (df if len(df) else pd.DataFrame(columns=cols)).set_index("company_id")

    @cached_property
    def companies(self) -> pd.DataFrame:
        df = self._df("opportunities.companies")
        return df.set_index("company_id") if len(df) else df

    @cached_property
    def supply(self) -> pd.DataFrame:
        return self._df("opportunities.supply")

    @cached_property
    def members(self) -> pd.DataFrame:
        return self._df("opportunities.members")

    @cached_property
    def holdings(self) -> pd.DataFrame:
        return self._df("opportunities.holdings")

    @cached_property
    def flows(self) -> pd.DataFrame:
        return self._df("opportunities.flows")

    def moves(self) -> pd.DataFrame:
        return self._df("opportunities.moves", roles=list(KEY_ROLES))

    @cached_property
    def circles(self) -> list[Circle]:
        g = self._df("risk.guarantees")
        return find_circles(g) if len(g) else []

    @cached_property
    def circle_of(self) -> dict[str, Circle]:
        return {m: c for c in self.circles for m in c.members}

    def name(self, company_id: str) -> str | None:
        c = self.companies
        return c.at[company_id, "name"] if company_id in c.index else None

    @cached_property
    def _anchors(self) -> dict[str, dict[str, object]]:
        cu = self.customers
        return {
            c: {"branch_id": b, "business_line": li, "rm_id": r, "rm_name": n}
            for c, b, li, r, n in zip(cu.index, cu["branch_id"], cu["line"], cu["rm_id"],
                                      cu["rm_name"], strict=True)
        }  # fmt: skip

    def anchor(self, customer_id: str) -> dict[str, object]:
        """Assignment of a result anchored on a customer: its branch, line and primary RM."""
        return dict(self._anchors[customer_id])

    def is_customer(self, ids: pd.Series) -> np.ndarray:
        return ids.isin(self.customers.index).to_numpy()
