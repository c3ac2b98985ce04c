"""Batch intimacy written as it is scored (``guanxi score``).

:func:`score_and_write` scores the chunks of an
:class:`~guanxi.scoring.intimacy_arrays.IntimacyScorer` one after the other and writes each
from one of two streams while the next is scored. Each pair is in one chunk only, so the
streams write disjoint relationships; two that meet on a node can deadlock, the server
detects it, the driver retries, and the retries are counted.

Scoring in forked processes as well (each writing through its own connection, as key
contacts are ranked) was measured and left out: at 110k companies it took the intimacy
phase from 136 to 116 s, but at 1M companies the candidates went through at ~62k a second
against ~92k from one process — there Neo4j's writes, not Python, set the pace, and a
second scoring process only took CPU from the server (docs/scaling.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd

from guanxi.graph.background import BackgroundWrites
from guanxi.graph.gateway import Gateway
from guanxi.scoring.intimacy_arrays import IntimacyScorer
from guanxi.scoring.party_read import PARTY_LABELS

__all__ = ["score_and_write", "write_intimacy"]

log = logging.getLogger(__name__)


def write_intimacy(
    client: Gateway, pairs: pd.DataFrame, run_id: str, *, fresh: bool = False
) -> int:
    """Write intimacy rows (:func:`~guanxi.scoring.intimacy_arrays.iter_intimacy`'s frame),
    one labelled ``scoring.write_intimacy`` per pair of end labels; rows whose ends are no
    party (label ``Unknown``) are left out, as a lookup by label would find nothing.
    ``fresh``: no INTIMACY existed when this run took the scoring lock, so every pair is
    new and is written with ``scoring.create_intimacy`` (no look for an existing one)."""
    name = "scoring.create_intimacy" if fresh else "scoring.write_intimacy"
    cols = ["source_id", "target_id", "score", "evidence", "text"]
    written = 0
    for (sl, tl), rows in pairs.groupby(["source_label", "target_label"], sort=False):
        if sl not in PARTY_LABELS or tl not in PARTY_LABELS:
            log.warning("%d intimacy rows between %s and %s left out", len(rows), sl, tl)
            continue
        q = client.library.text_for(name, SOURCE=sl, TARGET=tl)
        written += client.write_batches(
            name,
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
    fresh: bool = False,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> tuple[int, int]:
    """Score every chunk of ``scorer`` and write its pairs under ``run_id``, a chunk written
    from one of two streams while the next is scored (``fresh``: :func:`write_intimacy`);
    ``progress(done, total)`` in candidate pairs. Returns the rows written and the
    transactions retried after a deadlock."""
    with BackgroundWrites(depth=3, streams=2) as writes:
        for lo, hi in scorer.spans:
            writes.submit(write_intimacy, client, scorer.score(lo, hi), run_id, fresh=fresh)
            progress(hi, scorer.candidates)
        return writes.wait(), writes.lock_retries
