"""Records of the GNN applications: lookalikes, product recommendations and prospects.

``Lookalike`` / ``Lookalikes`` (companies nearest on the embedding index),
``Recommendation`` / ``Recommendations`` (products a company lacks that its peers hold) and
``Prospect`` / ``Prospects`` (non-customers ranked per branch), each item with the reasons
that explain it, as :mod:`guanxi.gnn.apps` returns them.

Every record is frozen; ``to_dict()`` gives the JSON shape that the CLI and the API return.
The three result records (``Lookalikes``, ``Recommendations``, ``Prospects``) also read as
a mapping of that JSON (``res["lookalikes"]``, ``dict(**res)``) for analysts' notebooks and
scripts written against it; each access builds it afresh from ``to_dict()``, so what a
caller changes in it never changes the record (change a ``to_dict()`` copy instead).
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "LookalikeReason",
    "Lookalike",
    "Lookalikes",
    "Recommendation",
    "Recommendations",
    "Prospect",
    "Prospects",
]

log = logging.getLogger(__name__)


class _JsonView(Mapping[str, Any]):
    """Read-only mapping access to ``to_dict()`` (module doc)."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data."""

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())


@dataclass(frozen=True)
class _RankedCompany:
    """A company in a ranking: its ``score`` and the reasons behind it."""

    id: str
    name: str | None
    score: float
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "score": self.score,
            "reasons": [str(r) for r in self.reasons],
        }


@dataclass(frozen=True)
class LookalikeReason:
    """Why two companies are alike, for one block of the lookalike vector: ``kind``
    (``profile``, ``position``, ``suppliers``, ``buyers``, ``investors``, ``holders``,
    ``network``), the words for people, the ``share`` of the cosine the block explains
    (0-1), the named parties it cites (``names``) and, for masking, the bank-internal
    parties it rests on (``refs``). ``str()`` is the text with the share."""

    kind: str
    text: str
    share: float
    names: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    summary: str = ""

    def __str__(self) -> str:
        return f"{self.text} ({self.share:.0%})"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "share": self.share,
                "names": list(self.names)}  # fmt: skip


@dataclass(frozen=True)
class Lookalike(_RankedCompany):
    """A company like the one asked about: ``score`` on the embedding index (Neo4j's
    cosine score, (1 + cos) / 2) and its :class:`LookalikeReason` records, largest share
    first; ``to_dict()`` gives them as ``reasons`` (text) and ``why`` (records)."""

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["why"] = [r.to_dict() for r in self.reasons if isinstance(r, LookalikeReason)]
        return d


@dataclass(frozen=True)
class Lookalikes(_JsonView):
    """The lookalikes of ``company`` (``name`` is None when it has none yet), best first."""

    company: str
    name: str | None
    lookalikes: tuple[Lookalike, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "company": self.company,
            "name": self.name,
            "lookalikes": [o.to_dict() for o in self.lookalikes],
        }


@dataclass(frozen=True)
class Recommendation:
    """A product the company does not hold: summed peer weight ``score``, the number of
    peers that hold it (``holders``) and one reason per kind of peer (lookalike, group peer,
    supply-chain neighbour) naming up to three of them."""

    code: str
    name: str | None
    line: str | None
    score: float
    holders: int
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "line": self.line,
            "score": self.score,
            "holders": self.holders,
            "reasons": [str(r) for r in self.reasons],
        }


@dataclass(frozen=True)
class Recommendations(_JsonView):
    """Products recommended to ``company``, best first."""

    company: str
    products: tuple[Recommendation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"company": self.company, "products": [p.to_dict() for p in self.products]}


@dataclass(frozen=True)
class Prospect(_RankedCompany):
    """A non-customer company with its prospect ``score`` and the reasons behind it
    (certifications, R&D intensity, customers within two hops, propensity)."""


@dataclass(frozen=True)
class Prospects(_JsonView):
    """Prospects per branch id (``"unassigned"`` when no branch fits), best first in each;
    ``branch`` is the branch asked for (None: all)."""

    branch: str | None
    branches: dict[str, tuple[Prospect, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "branch": self.branch,
            "branches": {b: [p.to_dict() for p in items] for b, items in self.branches.items()},
        }
