"""Change events of snapshot loads (docs/time.md): one record per change of one company."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["ChangeEvent", "CHANGE_KINDS"]

log = logging.getLogger(__name__)

#: Every event kind and how it reads.
CHANGE_KINDS = {
    "holder_entered": "新进股东", "holder_left": "退出股东", "stake_changed": "持股变动",
    "executive_appointed": "高管任职", "executive_left": "高管离任",
    "supplier_entered": "新增供应商", "supplier_left": "供应商退出",
    "guarantee_opened": "新增担保", "guarantee_closed": "担保解除",
    "controller_changed": "实际控制人变更",
}  # fmt: skip


def _date(v: Any) -> date | None:
    if v is None:
        return None
    return v.to_native() if hasattr(v, "to_native") else v


@dataclass(frozen=True)
class ChangeEvent:
    """What changed for ``company_id`` at snapshot ``date`` against ``prev_date`` (None: the
    state loaded without a snapshot): ``kind``, the ``party`` (holder, executive, supplier,
    guarantor, new controller), the relationship ``key`` (role) and the values ``before`` /
    ``after`` (stake percent); for a controller change, the previous controller."""

    company_id: str
    company_name: str | None
    date: date
    prev_date: date | None
    kind: str
    rel_type: str | None = None
    party_id: str | None = None
    party_label: str | None = None
    party_name: str | None = None
    key: str | None = None
    before: float | None = None
    after: float | None = None
    before_id: str | None = None
    before_name: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ChangeEvent:
        """From a ``Change`` node's properties (plus ``company_name``)."""
        return cls(
            row["company_id"], row.get("company_name"), _date(row["date"]),
            _date(row.get("prev_date")), row["kind"], row.get("rel_type"), row.get("party_id"),
            row.get("party_label"), row.get("party_name"), row.get("rel_key"),
            row.get("before"), row.get("after"), row.get("before_id"), row.get("before_name"),
        )  # fmt: skip

    @property
    def text(self) -> str:
        """One line in Chinese: ``2020-09-30 持股变动 香港中央结算 8.6% → 9.0%``."""
        what = CHANGE_KINDS.get(self.kind, self.kind)
        who = self.party_name or self.party_id or "无"
        if self.kind == "controller_changed":
            return f"{self.date} {what} {self.before_name or self.before_id or '无'} → {who}"
        vals = ""
        if self.before is not None or self.after is not None:
            b = "—" if self.before is None else f"{self.before:g}%"
            a = "—" if self.after is None else f"{self.after:g}%"
            vals = f" {b} → {a}"
        role = f" ({self.key})" if self.key else ""
        return f"{self.date} {what} {who}{role}{vals}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "company": self.company_id, "company_name": self.company_name,
            "date": self.date.isoformat(),
            "prev_date": self.prev_date.isoformat() if self.prev_date else None,
            "kind": self.kind, "rel_type": self.rel_type, "party": self.party_id,
            "party_label": self.party_label, "party_name": self.party_name, "key": self.key,
            "before": self.before, "after": self.after, "before_party": self.before_id,
            "before_name": self.before_name, "text": self.text,
        }  # fmt: skip
