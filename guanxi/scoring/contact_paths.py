"""Contact paths (联络路径): the top-k warm paths from the bank to a target.

The origin is an RM, a Branch (its RMs) or the whole bank (every RM and customer company).
:class:`~guanxi.scoring.path_index.PathIndex` cuts the target's neighbourhood (a
:class:`~guanxi.scoring.path_index.Ball`: hubs and nominees not expanded) from the in-memory
index; :func:`find_paths` is the pure search: hop costs are ``-log(intimacy × λ × hub(v))``
(× a last-hop factor into a company: its key contacts first, other people next, partner
companies last) and Yen's algorithm (:mod:`guanxi.scoring.yen`) returns k loopless paths
within the hop limit; :mod:`guanxi.scoring.introductions` explains them from live data.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from guanxi.errors import NotFound
from guanxi.scoring.path_index import Ball
from guanxi.scoring.records import ScorerInfo
from guanxi.scoring.yen import yen_k_shortest

__all__ = ["PathConfig", "INFO", "BANK", "hub_factor", "last_hop_factor", "find_paths", "Found"]

log = logging.getLogger(__name__)

BANK = "__bank__"


@dataclass(frozen=True)
class PathConfig:
    """Search settings: hop penalty λ, hub reference degree (``hub(v) = sqrt(ref/deg)``
    above it), degree above which a node cannot carry a path, the hop limit, and the
    last-hop factors into a company target: from one of its stored key contacts
    ``(score / top key-contact score) ** key_power``, from another person ``person_factor``
    (1 when the target has no key contacts scored yet), from another company (an
    introduction by a partner) ``partner_factor``."""

    hop_penalty: float = 0.85
    hub_ref: int = 30
    mega_hub: int = 500
    max_hops: int = 4
    key_power: float = 2.0
    person_factor: float = 0.01
    partner_factor: float = 1e-4


INFO = ScorerInfo(
    name="contact_paths",
    method="Yen k shortest loopless paths on -log(intimacy·λ·hub·last-hop factor) with a hop "
    "limit, on an in-memory index of edge intimacies",
    config={**PathConfig().__dict__, "k": 3},
    result="list[ContactPath]",
)


@dataclass(frozen=True)
class Found:
    """A raw path: its strength and node ids (without the virtual bank node)."""

    score: float
    nodes: tuple[str, ...]


def hub_factor(degree: int, ref: int) -> float:
    """1 up to ``ref`` relationships, then ``sqrt(ref / degree)``."""
    return 1.0 if degree <= ref else math.sqrt(ref / degree)


def last_hop_factor(ball: Ball, u: str, target_label: str, cfg: PathConfig) -> float:
    """The factor of a last hop ``u → target`` (see :class:`PathConfig`)."""
    if target_label != "Company":
        return 1.0
    label = ball.nodes[u]["label"]
    if label == "Company":
        return cfg.partner_factor
    if label != "Person":
        return 1.0
    if not ball.key_contacts:
        return 1.0
    rel = ball.key_contacts.get(u)
    if rel is None:
        return cfg.person_factor
    return rel**cfg.key_power


def find_paths(ball: Ball, target: str, k: int = 3, cfg: PathConfig = PathConfig()) -> list[Found]:
    """The ``k`` strongest loopless paths from any origin of ``ball`` to ``target``.

    Notes
    -----
    ``strength(path) = prod_hops I(u, v) × λ × hub(v)`` where ``I`` is the hop's edge
    intimacy, λ the per-hop penalty and ``hub(v)`` the degree penalty of each intermediate
    node; the last hop into a company target is multiplied by :func:`last_hop_factor`
    instead (people are whom an RM wants to reach, its decision makers most). Nominee-like
    nodes and nodes with more than ``mega_hub`` relationships never carry a path. Yen runs
    on costs ``-log`` of the factors from a virtual source joined to every origin at cost 0.
    """
    if target not in ball.nodes:
        raise NotFound(f"No party with id {target!r}")
    tlabel = ball.nodes[target]["label"]
    adj: dict[str, dict[str, float]] = {BANK: {o: 0.0 for o in sorted(ball.origins)}}
    for u, nbrs in ball.arcs.items():
        nu = ball.nodes[u]
        if u not in ball.origins and (nu["nominee"] or nu["degree"] > cfg.mega_hub):
            continue
        out = adj.setdefault(u, {})
        for v, w in nbrs.items():
            nv = ball.nodes[v]
            if v != target and (nv["nominee"] or nv["degree"] > cfg.mega_hub) or w <= 0:
                continue
            f = w * cfg.hop_penalty
            if v != target:
                f *= hub_factor(nv["degree"], cfg.hub_ref)
            else:
                f *= last_hop_factor(ball, u, tlabel, cfg)
            out[v] = -math.log(max(f, 1e-300))
    res = yen_k_shortest(adj, BANK, target, k, cfg.max_hops, virtual=BANK)
    return [Found(math.exp(-c), tuple(p[1:])) for c, p in res if len(p) > 2]
