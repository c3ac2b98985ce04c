"""k shortest loopless paths (Yen) with a hop limit, on adjacency dicts.

The graph is ``{u: {v: cost}}`` with non-negative costs (``-log`` of a strength). A hop
limit makes plain Dijkstra insufficient, so the spur search runs Dijkstra over
``(node, hops)`` states, pruned by each node's hop distance to the target. Edges leaving a
*virtual* source (a super-source joined to many origins) do not count as hops.
"""

from __future__ import annotations

import heapq
import logging
from collections import deque
from collections.abc import Hashable, Mapping

__all__ = ["hop_distances", "constrained_dijkstra", "yen_k_shortest"]

log = logging.getLogger(__name__)

Adj = Mapping[Hashable, Mapping[Hashable, float]]


def hop_distances(adj: Adj, target: Hashable, limit: int) -> dict[Hashable, int]:
    """Hop distance of every node to ``target`` (following edges backwards), up to ``limit``."""
    rev: dict[Hashable, list[Hashable]] = {}
    for u, nbrs in adj.items():
        for v in nbrs:
            rev.setdefault(v, []).append(u)
    dist = {target: 0}
    queue = deque([target])
    while queue:
        v = queue.popleft()
        if dist[v] >= limit:
            continue
        for u in rev.get(v, ()):
            if u not in dist:
                dist[u] = dist[v] + 1
                queue.append(u)
    return dist


def constrained_dijkstra(
    adj: Adj,
    source: Hashable,
    target: Hashable,
    max_hops: int,
    *,
    virtual: Hashable | None = None,
    banned_nodes: frozenset | set = frozenset(),
    banned_edges: frozenset | set = frozenset(),
    hop_dist: Mapping[Hashable, int] | None = None,
    lower: Mapping[Hashable, float] | None = None,
) -> tuple[float, list[Hashable]] | None:
    """The cheapest path ``source → target`` with at most ``max_hops`` counted hops, avoiding
    ``banned_nodes`` and ``banned_edges`` (pairs); ``None`` when there is none.

    ``lower``: a consistent lower bound of each node's cost to ``target`` (the unconstrained
    shortest-path cost is one); the search then runs as A*, settling far fewer states.
    """
    if source in banned_nodes:
        return None
    inf = float("inf")
    limit = max_hops + 1
    # floor[v][h]: the cheapest cost of reaching v with at most h hops (a prefix minimum):
    # a state is pushed only when it beats every state of v with as few hops, and skipped
    # when popped if one with as few hops has since beaten it
    floor: dict[Hashable, list[float]] = {source: [0.0] * limit}
    # banned edges by their source node: one set lookup per arc, no pair built
    banned_out: dict[Hashable, set] = {}
    for a, b in banned_edges:
        banned_out.setdefault(a, set()).add(b)
    no_ban: set = set()
    empty: dict = {}
    # heap entries (priority, tie counter, node, hops, cost, parent entry): the path is
    # read back through the parent entries
    heap: list[tuple] = [(0.0, 0, source, 0, 0.0, None)]
    counter = 1
    far = max_hops + 1
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        entry = pop(heap)
        _, _, u, h, cost, _ = entry
        if cost > floor[u][h]:
            continue
        if u == target:
            path = []
            while entry is not None:
                path.append(entry[2])
                entry = entry[5]
            return cost, path[::-1]
        nh = h if u == virtual else h + 1
        if nh > max_hops:
            continue
        ban = banned_out.get(u, no_ban)
        for v, c in adj.get(u, empty).items():
            if v in banned_nodes or v in ban:
                continue
            if hop_dist is not None and nh + hop_dist.get(v, far) > max_hops:
                continue
            nc = cost + c
            fv = floor.get(v)
            if fv is None:
                fv = floor[v] = [inf] * limit
            elif fv[nh] <= nc:
                continue
            for x in range(nh, limit):
                if fv[x] <= nc:
                    break
                fv[x] = nc
            prio = nc if lower is None else nc + lower.get(v, 0.0)
            push(heap, (prio, counter, v, nh, nc, entry))
            counter += 1
    return None


def _cost(adj: Adj, path: list[Hashable]) -> float:
    return sum(adj[u][v] for u, v in zip(path, path[1:], strict=False))


def yen_k_shortest(
    adj: Adj,
    source: Hashable,
    target: Hashable,
    k: int,
    max_hops: int,
    *,
    virtual: Hashable | None = None,
    hop_dist: Mapping[Hashable, int] | None = None,
    lower: Mapping[Hashable, float] | None = None,
) -> list[tuple[float, list[Hashable]]]:
    """Up to ``k`` cheapest loopless paths with at most ``max_hops`` hops, cheapest first.

    ``hop_dist``: each node's hop distance to ``target`` (nodes missing cannot reach it),
    used to prune; computed from ``adj`` when not given. ``lower``: cost lower bounds for
    A* (:func:`constrained_dijkstra`).

    Notes
    -----
    Yen (1971): path *i+1* deviates from one of the first *i* paths at a spur node; the root
    up to the spur is kept, the edges the earlier paths took from that root are banned, the
    root's other nodes are banned, and the cheapest spur path completes the candidate.
    Lawler (1972): a new path is spurred only from its deviation node on, since the
    candidates of the earlier spur nodes were generated from the path it deviates from.
    Ties are broken by the path's node sequence, so the result is deterministic.

    Examples
    --------
    >>> adj = {"s": {"a": 1.0, "b": 2.0}, "a": {"t": 1.0, "b": 0.5}, "b": {"t": 1.0}}
    >>> yen_k_shortest(adj, "s", "t", 3, 3)
    [(2.0, ['s', 'a', 't']), (2.5, ['s', 'a', 'b', 't']), (3.0, ['s', 'b', 't'])]
    """
    if hop_dist is None:
        hop_dist = hop_distances(adj, target, max_hops + 1)
    first = constrained_dijkstra(
        adj, source, target, max_hops, virtual=virtual, hop_dist=hop_dist, lower=lower
    )
    if first is None:
        return []
    found = [first]
    dev = [0]  # where each found path deviates from the one it was spurred from
    seen = {tuple(first[1])}
    candidates: list[tuple[float, tuple, list, int]] = []
    while len(found) < k:
        prev = found[-1][1]
        # Lawler: spurs before the deviation share their root with the path this one was
        # spurred from, and their candidates were generated then
        for i in range(dev[-1], len(prev) - 1):
            spur, root = prev[i], prev[: i + 1]
            banned_edges = {(p[i], p[i + 1]) for _, p in found if p[: i + 1] == root}
            root_hops = sum(1 for u in root[:-1] if u != virtual)
            res = constrained_dijkstra(
                adj,
                spur,
                target,
                max_hops - root_hops,
                virtual=virtual,
                banned_nodes=set(root[:-1]),
                banned_edges=banned_edges,
                hop_dist=hop_dist,
                lower=lower,
            )
            if res is None:
                continue
            path = root[:-1] + res[1]
            key = tuple(path)
            if key in seen:
                continue
            seen.add(key)
            heapq.heappush(candidates, (_cost(adj, path), key, path, i))
        if not candidates:
            break
        cost, _, path, i = heapq.heappop(candidates)
        found.append((cost, path))
        dev.append(i)
    return [(round(c, 12), p) for c, p in found]
