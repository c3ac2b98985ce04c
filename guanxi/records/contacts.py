"""Key-contact records: ``Reason`` (text with the parties it cites) and ``KeyContact``.

Every record is frozen; ``to_dict()`` gives the JSON shape that the CLI and the API return."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Reason", "KeyContact"]

log = logging.getLogger(__name__)


class Reason(str):
    """A reason as a sentence for people, with what a decision needs beside it.

    ``kind`` says what the reason rests on (``role``, ``stake``, ``controller``,
    ``rm_knows``, ``customer_tie``, ``knows_customer_person``…) and ``refs`` names the
    bank-internal parties it cites (an RM, a customer company). Masking decides on ``refs``
    (is each visible to the caller?), never on the words; the text is what people read.
    A plain string compares equal to the reason with the same text.
    """

    kind: str
    refs: tuple[str, ...]
    #: what may be said when a cited party is hidden ("3 customer(s) within two hops");
    #: empty: the whole reason is replaced
    summary: str

    def __new__(
        cls, text: str, kind: str = "public", refs: tuple[str, ...] = (), summary: str = ""
    ) -> Reason:
        obj = super().__new__(cls, text)
        obj.kind = kind
        obj.refs = tuple(r for r in refs if r)
        obj.summary = summary
        return obj

    @classmethod
    def from_row(cls, row: Any) -> Reason:
        """A reason from a query's ``{kind, text, refs, summary}`` map (or a plain string)."""
        if isinstance(row, str):
            return cls(row)
        return cls(row["text"], row.get("kind") or "public", tuple(row.get("refs") or ()),
                   row.get("summary") or "")  # fmt: skip

    def __reduce__(self) -> tuple:
        return (Reason, (str(self), self.kind, self.refs, self.summary))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": str(self), "refs": list(self.refs)}


@dataclass(frozen=True)
class KeyContact:
    """A person to approach at a company, with the score's components and reasons."""

    id: str
    name: str
    score: float
    #: :class:`Reason` items (plain strings are taken as public reasons)
    reasons: tuple[str, ...]
    rank: int = 0
    components: dict[str, float] = field(default_factory=dict)
    #: Other node ids taken to be the same person (a holder record of the same name).
    same_as: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "rank": self.rank,
            "score": round(self.score, 4),
            "reasons": [str(r) for r in self.reasons],
            "components": {k: round(v, 4) for k, v in self.components.items()},
            "same_as": list(self.same_as),
        }
