"""``guanxi score``: centrality, intimacy and key contacts for the whole graph, written back
with one run id, with progress and timing."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

from guanxi.errors import Conflict
from guanxi.graph.gateway import Gateway
from guanxi.scoring.batch_contacts import (
    ContactRanker,
    contact_rows,
    graph_contacts,
    iter_graph_contacts,
)
from guanxi.scoring.centrality import compute_centrality, write_centrality
from guanxi.scoring.contact_graph import ContactGraph
from guanxi.scoring.contact_workers import rank_and_write
from guanxi.scoring.intimacy_arrays import IntimacyScorer
from guanxi.scoring.intimacy_writes import score_and_write, write_intimacy
from guanxi.scoring.party_arrays import party_arrays
from guanxi.scoring.party_read import PARTY_LABELS, party_frames
from guanxi.scoring.projection import clear_cache

__all__ = [
    "CONTACT_TYPES",
    "PARTY_LABELS",
    "ScoringBusy",
    "new_run_id",
    "graph_contacts",
    "iter_graph_contacts",
    "contact_rows",
    "write_intimacy",
    "run_scoring",
]

log = logging.getLogger(__name__)

#: the relationship types key contacts read (roles, stakes, who knows whom): the whole-graph
#: ContactGraph of the contact step holds only these (at 1M companies the others are 5.7M more)
CONTACT_TYPES = ("SERVES_AS", "HOLDS_SHARES", "KNOWS")


def new_run_id() -> str:
    """``score-YYYYmmddTHHMMSS-xxxxxx``."""
    return f"score-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def _delete_stale(client: Gateway, query: str, run_id: str, limit: int = 20000) -> None:
    """Run a ``delete … of other runs`` query in batches of ``limit`` until none is left."""
    while client.write(query, run_id=run_id, limit=limit)[0]["deleted"]:
        pass


def _release() -> None:
    """Collect garbage and hand freed heap back to the system (glibc's ``malloc_trim``;
    elsewhere a no-op), so that a phase's peak does not stay in the process's footprint;
    then freeze what is left (:func:`_lean_gc`)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    gc.freeze()


@contextlib.contextmanager
def _lean_gc(young: int = 50_000) -> Iterator[None]:
    """Fewer and cheaper garbage collections while a run scores (docs/scaling.md, *Garbage
    collection*). Each phase allocates millions of short-lived objects beside the millions
    the whole-graph structures hold, and the collections walked those again: at 100k
    companies 5.7 of the 15.0 s that ranking 30,000 companies took, 9.7 s with this
    (``benchmarks/contact_gc.py``). :func:`_release` freezes what a phase leaves
    (collections skip it; a forked worker then shares those pages instead of copying them
    as the collector touches them) and the youngest generation collects every ``young``
    allocations rather than 700. Ranking creates no reference cycles (a full collection
    after it finds none), so nothing is kept longer than before. Undone on leaving."""
    before = gc.get_threshold()
    gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


class ScoringBusy(Conflict):
    """Another scoring run holds the scoring lock."""


def _acquire(client: Gateway, run_id: str, force: bool) -> None:
    """Take the scoring lock for ``run_id`` (``force``: from a run that died holding it)."""
    row = client.write("scoring.acquire_lock", run_id=run_id, force=force)[0]
    if not row["acquired"]:
        raise ScoringBusy(
            f"scoring run {row['held']} has held the scoring lock since {row['since']}: two "
            "runs at once would delete each other's results. Wait for it to finish; if it "
            "died, run again with --break-lock."
        )
    if row["held"]:
        log.warning("scoring lock of run %s (since %s) broken by %s", row["held"],
                    row["since"], run_id)  # fmt: skip


def run_scoring(
    client: Gateway,
    *,
    engine: str = "auto",
    k: int = 5,
    hub_cap: int = 50,
    min_score: float = 0.05,
    two_hop_min: float | None = None,
    say: Callable[[str], None] = lambda m: None,
    run_id: str | None = None,
    contact_page: int = 20_000,
    processes: int | None = None,
    break_lock: bool = False,
) -> dict:
    """Centrality + intimacy + key contacts, written back with one run id; stale INTIMACY
    and KEY_CONTACT of earlier runs are removed. Pairs not directly linked are stored when
    they score ``two_hop_min`` or more (None: ``min_score``). Key contacts are ranked in
    and written by ``processes`` (default: one per core;
    :func:`~guanxi.scoring.contact_workers.rank_and_write`).
    Returns counts and timings.

    The graph is read once; each phase keeps only what the next ones need (the frames are
    dropped once the party arrays and the contact graph are built, the arrays once intimacy
    is written) and writes as it goes (docs/scaling.md, *Batch scoring at scale*).

    One run at a time: the run holds the scoring lock (``break_lock``: take it from a run
    that died holding it) and raises :class:`ScoringBusy` while another holds it. A run
    that finds no INTIMACY at all creates its pairs rather than merging them
    (docs/scaling.md, *First scoring*)."""
    run_id = run_id or new_run_id()
    _acquire(client, run_id, break_lock)
    try:
        with _lean_gc():
            return _run(client, run_id, engine, k, hub_cap, min_score, two_hop_min, say,
                        contact_page, processes)  # fmt: skip
    finally:
        client.write("scoring.release_lock", run_id=run_id)


def _run(
    client: Gateway,
    run_id: str,
    engine: str,
    k: int,
    hub_cap: int,
    min_score: float,
    two_hop_min: float | None,
    say: Callable[[str], None],
    contact_page: int,
    processes: int | None,
) -> dict:
    """:func:`run_scoring`'s work, under the lock."""
    found = client.read("scoring.count_results")[0]  # none yet: create rather than merge
    clear_cache()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    say(f"run {run_id}: reading the party graph…")
    nodes, edges = party_frames(client)
    timings["read_s"] = time.perf_counter() - t
    t = time.perf_counter()
    say(f"{len(nodes)} parties, {len(edges)} relationships; centrality ({engine})…")
    cen, used = compute_centrality(client, engine=engine, run_id=run_id, frames=(nodes, edges))
    n_cen = write_centrality(client, cen, nodes, run_id)
    pr = dict(zip(cen["node_id"], cen["pagerank"], strict=True))
    del cen
    timings["centrality_s"] = time.perf_counter() - t
    t = time.perf_counter()
    say(f"centrality of {n_cen} nodes written ({used}); intimacy…")
    g = ContactGraph(nodes, edges[edges["rel_type"].isin(CONTACT_TYPES)])
    today = date.today()
    pa = party_arrays(nodes, edges, today)
    del nodes, edges
    _release()

    def pairs_done(done: int, total: int) -> None:
        say(f"intimacy: {done}/{total} pairs scored")

    # a chunk written while the next is scored, two at once (pairs are in one chunk only)
    scorer = IntimacyScorer(pa, today, hub_cap=hub_cap, min_score=min_score,
                            two_hop_min=two_hop_min)  # fmt: skip
    n_int, retries = score_and_write(scorer, client, run_id, fresh=not found["intimacy"],
                                     progress=pairs_done)  # fmt: skip
    log.info("scored %d pairs, kept %d", scorer.candidates, n_int)
    if retries:
        say(f"{retries} intimacy batches retried after the two writers met on a node")
    del scorer, pa
    _release()
    _delete_stale(client, "scoring.delete_stale_intimacy", run_id)
    timings["intimacy_s"] = time.perf_counter() - t
    t = time.perf_counter()
    say(f"{n_int} INTIMACY written; key contacts…")
    ranker = ContactRanker(g, pr, k, today)
    del g, pr
    _release()
    n_co, n_kc = rank_and_write(ranker, client, run_id, processes=processes,
                                page=contact_page, say=say,
                                fresh=not found["key_contacts"])  # fmt: skip
    _delete_stale(client, "scoring.delete_stale_key_contacts", run_id)
    timings["key_contacts_s"] = time.perf_counter() - t
    say(f"{n_kc} KEY_CONTACT written")
    client.write("admin.bump_graph_version", why=f"scoring {run_id}")
    return {
        "run_id": run_id,
        "engine": used,
        "centrality_nodes": n_cen,
        "intimacy": n_int,
        "intimacy_lock_retries": retries,
        "created": {k2: not v for k2, v in found.items()},
        "two_hop_min": two_hop_min,
        "key_contacts": n_kc,
        "companies_with_contacts": n_co,
        "timings": {k2: round(v, 3) for k2, v in timings.items()},
    }
