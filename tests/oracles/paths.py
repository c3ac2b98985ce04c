"""The dictionary contact-path search: the reference that
:func:`guanxi.scoring.path_search.search` (the array version the service runs) is checked
against. Same rules, written plainly on a :class:`~guanxi.scoring.path_index.Ball`: one
dictionary of arcs, one cost per arc, Yen from a virtual source. It spells its factors out
itself instead of calling the library's, so that a change to them shows as a mismatch.
"""

from __future__ import annotations

import math

from guanxi.errors import NotFound
from guanxi.scoring.path_index import Ball
from guanxi.scoring.path_search import Found, PathConfig
from guanxi.scoring.yen import yen_k_shortest

__all__ = ["BANK", "last_hop_factor", "find_paths"]

#: The virtual source joined to every origin.
BANK = "__bank__"


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
    ``strength(path) = prod_hops I(u, v) × λ × hub(v)``, ``hub(v) = sqrt(hub_ref / deg)``
    above ``hub_ref`` relationships (else 1); the last hop into the target is multiplied by
    :func:`last_hop_factor` instead. Nominee-like nodes and nodes with more than
    ``mega_hub`` relationships never carry a path. Yen runs on costs ``-log`` of the
    factors from a virtual source joined to every origin at cost 0.
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
                deg = nv["degree"]
                f *= 1.0 if deg <= cfg.hub_ref else math.sqrt(cfg.hub_ref / deg)
            else:
                f *= last_hop_factor(ball, u, tlabel, cfg)
            out[v] = -math.log(max(f, 1e-300))
    res = yen_k_shortest(adj, BANK, target, k, cfg.max_hops, virtual=BANK)
    return [Found(math.exp(-c), tuple(p[1:])) for c, p in res if len(p) > 2]
