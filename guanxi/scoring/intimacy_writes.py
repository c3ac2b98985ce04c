"""Batch intimacy scored and written on every core (issue #21).

In one process the chunks' evidence (Python) and the driver's packing of the rows (Python,
on the writer threads) share one interpreter lock: at 110k companies 46 s of scoring and
26 s of packing ran one after the other while Neo4j, the third party to the work, waited
for rows. :func:`score_and_write` hands the chunks of an
:class:`~guanxi.scoring.intimacy_arrays.IntimacyScorer` to this process and forked workers
(:func:`~guanxi.scoring.forked.fork_blocks`); each scores a chunk while its previous one is
written through its own connection. Each pair is in one chunk only, so the processes write
disjoint relationships; two that meet on a node can deadlock, the server detects it, the
driver retries, and the retries are counted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pandas as pd

from guanxi.graph.background import BackgroundWrites
from guanxi.graph.client import GraphClient
from guanxi.graph.gateway import Gateway
from guanxi.scoring.forked import fork_blocks, worker_processes
from guanxi.scoring.intimacy_arrays import IntimacyScorer
from guanxi.scoring.party_read import PARTY_LABELS

__all__ = ["PARALLEL_PAIRS", "score_and_write", "write_intimacy"]

log = logging.getLogger(__name__)

#: candidate pairs from which scoring is split across processes (10k companies have ~0.7M)
PARALLEL_PAIRS = 2_000_000


def write_intimacy(client: Gateway, pairs: pd.DataFrame, run_id: str) -> int:
    """Write intimacy rows (:func:`~guanxi.scoring.intimacy_arrays.iter_intimacy`'s frame),
    one labelled ``scoring.write_intimacy`` per pair of end labels; rows whose ends are no
    party (label ``Unknown``) are left out, as a lookup by label would find nothing."""
    cols = ["source_id", "target_id", "score", "evidence", "text"]
    written = 0
    for (sl, tl), rows in pairs.groupby(["source_label", "target_label"], sort=False):
        if sl not in PARTY_LABELS or tl not in PARTY_LABELS:
            log.warning("%d intimacy rows between %s and %s left out", len(rows), sl, tl)
            continue
        q = client.library.text_for("scoring.write_intimacy", SOURCE=sl, TARGET=tl)
        written += client.write_batches(
            "scoring.write_intimacy",
            rows[cols].to_dict("records"),
            text=q,
            run_id=run_id,
            batch_size=2000,
        )
    return written


def score_and_write(
    scorer: IntimacyScorer,
    client: Gateway,
    run_id: str,
    *,
    processes: int | None = None,
    min_pairs: int = PARALLEL_PAIRS,
    connect: Callable[[], Gateway] | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> tuple[int, int]:
    """Score every chunk of ``scorer`` and write its pairs under ``run_id``; returns the
    rows written and the transactions retried after a deadlock.

    From ``min_pairs`` candidates on, in ``processes`` processes (default: one per core):
    this one writing through ``client``, forked workers through ``connect()`` (default: a
    new client with ``client``'s settings), each one chunk written while it scores the
    next. Below, this process scores and two threads write. ``progress(done, total)`` in
    candidate pairs; a worker's error is raised as
    :class:`~guanxi.scoring.forked.WorkerFailed`."""
    n = worker_processes(scorer.pairs, min_pairs, processes)
    done = [0]

    def report(k: int) -> None:
        done[0] += k
        progress(done[0], scorer.pairs)

    if n == 1:
        with BackgroundWrites(depth=3, streams=2) as writes:
            for lo, hi in scorer.spans:
                writes.submit(write_intimacy, client, scorer.score(lo, hi), run_id)
                report(hi - lo)
            return writes.wait(), writes.lock_retries
    settings = getattr(client, "settings", None)
    opener = connect or (lambda: GraphClient(settings))  # called in each worker

    def work(numbers: Iterator[int], say: Callable[[int], None], own: bool) -> tuple[int, int]:
        c = client if own else opener()
        try:
            with BackgroundWrites(depth=2, count_retries=True) as writes:
                for b in numbers:
                    lo, hi = scorer.spans[b]
                    writes.submit(write_intimacy, c, scorer.score(lo, hi), run_id)
                    say(hi - lo)
                return writes.wait(), writes.lock_retries
        finally:
            if not own and (close := getattr(c, "close", None)):
                close()

    results = fork_blocks(len(scorer.spans), n, work, report, name="intimacy")
    return sum(r for r, _ in results), sum(x for _, x in results)
