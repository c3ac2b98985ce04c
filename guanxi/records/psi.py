"""The record of a private set intersection match (:mod:`guanxi.psi`): ``MatchResult``.

Frozen; ``to_dict()`` gives the JSON shape the CLI prints."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MatchResult"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MatchResult:
    """What the bank learned from one PSI match against a partner's server.

    ``matched_ids`` are the bank's company ids whose keys are on the partner's list
    (empty in cardinality mode, where only ``size`` is learned). ``fpr`` is the server's
    false-positive rate for the whole match; ``seconds`` splits the time into ``request``
    (blinding the bank's keys), ``network`` (the round trip, server work included) and
    ``intersect`` (unblinding and lookup)."""

    server: str
    protocol: str
    reveal: bool
    candidates: int
    size: int
    fpr: float
    bytes_sent: int
    bytes_received: int
    matched_ids: tuple[str, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "protocol": self.protocol,
            "reveal": self.reveal,
            "candidates": self.candidates,
            "size": self.size,
            "fpr": self.fpr,
            "bytes_sent": self.bytes_sent,
            "bytes_received": self.bytes_received,
            "matched_ids": list(self.matched_ids),
            "seconds": {k: round(v, 4) for k, v in self.seconds.items()},
        }
