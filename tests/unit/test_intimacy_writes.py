"""Batch intimacy written as it is scored (guanxi/scoring/intimacy_writes.py): every pair
the scorer keeps, written once; and the fork mechanism key contacts use
(guanxi/scoring/forked.py): every block handled once."""

from __future__ import annotations

import json
import os
import time
from datetime import date
from pathlib import Path

from guanxi.scoring.forked import fork_blocks, worker_processes
from guanxi.scoring.intimacy_arrays import IntimacyScorer, array_intimacy
from guanxi.scoring.intimacy_writes import score_and_write
from guanxi.scoring.party_arrays import party_arrays
from tests.unit.test_intimacy_arrays import _frames

TODAY = date(2026, 6, 30)


class Library:
    def text_for(self, name: str, **labels: str) -> str:
        return json.dumps(labels)


class FileClient:
    """A stand-in for the graph client that appends the rows it is asked to write to a
    file named after the writing process (a forked worker's memory dies with it)."""

    library = Library()

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def write_batches(self, name: str, rows: list[dict], text: str, **params) -> int:
        assert name == "scoring.write_intimacy" and params["run_id"] == "r1"
        labels = json.loads(text)
        with open(self.folder / f"{os.getpid()}.jsonl", "a", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps({**r, **labels}, ensure_ascii=False) + "\n")
        return len(rows)


def _scorer(seed: int = 5) -> tuple[IntimacyScorer, list[tuple]]:
    nodes, edges = _frames(seed)
    ref = array_intimacy(nodes, edges, TODAY, hub_cap=12)
    want = sorted(
        (r.source_id, r.target_id, r.source_label, r.target_label, round(r.score, 6), r.text)
        for r in ref.itertuples()
    )
    pa = party_arrays(nodes, edges, TODAY)
    return IntimacyScorer(pa, TODAY, hub_cap=12, chunk=37, max_cost=60), want


def _written(folder: Path) -> dict[str, list[tuple]]:
    out = {}
    for p in folder.glob("*.jsonl"):
        rows = [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()]
        out[p.stem] = [(r["source_id"], r["target_id"], r["SOURCE"], r["TARGET"],
                        round(r["score"], 6), r["text"]) for r in rows]  # fmt: skip
    return out


def test_every_kept_pair_is_written_once(tmp_path) -> None:
    scorer, want = _scorer()
    assert len(scorer.spans) > 10 and len(want) > 200
    seen: list[tuple[int, int]] = []
    n, retries = score_and_write(scorer, FileClient(tmp_path), "r1",
                                 progress=lambda d, t: seen.append((d, t)))  # fmt: skip
    assert (n, retries) == (len(want), 0)
    assert sorted(_written(tmp_path)[str(os.getpid())]) == want
    assert seen[-1] == (scorer.candidates, scorer.candidates)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_fork_blocks_hands_out_every_block_once(tmp_path) -> None:
    def work(numbers, report, own):
        mine = []
        for b in numbers:  # slowly, so that every process gets some
            mine.append(b)
            time.sleep(0.02)
            report(1)
        return os.getpid(), mine

    said: list[int] = []
    results = fork_blocks(100, 3, work, said.append)
    blocks = sorted(b for _, mine in results for b in mine)
    assert blocks == list(range(100)) and len(said) == 100
    assert [pid == os.getpid() for pid, _ in results] == [True, False, False]
    assert sum(1 for _, mine in results if mine) >= 2


def test_worker_processes_from_the_threshold_on() -> None:
    assert worker_processes(10, 100, 2) == 1
    assert worker_processes(100, 100, 2) == 2
    assert worker_processes(10**6, 0, 1) == 1
