"""Key contacts ranked and written by this process and forked workers
(guanxi/scoring/contact_workers.py): every company once, the same rows as one process
writes, and a worker's failure raised in the caller (so workers do rank)."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from guanxi.scoring.batch import graph_contacts
from guanxi.scoring.batch_contacts import ContactRanker, contact_rows
from guanxi.scoring.contact_graph import ContactGraph
from guanxi.scoring.contact_workers import (
    PARALLEL_COMPANIES,
    WorkerFailed,
    rank_and_write,
    ranking_processes,
)
from tests.unit.test_contact_graph import _network

TODAY = date(2026, 12, 1)


class FileClient:
    """A stand-in for the graph client that appends what it is asked to write to a file
    named after the writing process (a forked worker's memory dies with it)."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.closed = folder, False

    def write_batches(self, name: str, rows: list[dict], **params) -> int:
        assert name == "scoring.write_key_contacts" and params == {"run_id": "r1"}
        with open(self.folder / f"{os.getpid()}.jsonl", "a", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        return len(rows)

    def close(self) -> None:
        self.closed = True


def _ranker(seed: int = 3) -> tuple[ContactRanker, dict]:
    nodes, edges = _network(seed, companies=120, persons=300)
    pr = {x: 1.0 / (i + 1) for i, x in enumerate(nodes["id"])}
    ref = graph_contacts(ContactGraph(nodes, edges), pr, 5, TODAY)
    return ContactRanker(ContactGraph(nodes, edges), pr, 5, TODAY), ref


def _written(folder: Path) -> dict[str, list[dict]]:
    return {
        p.stem: [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()]
        for p in folder.glob("*.jsonl")
    }


def _key(r: dict) -> tuple:
    return r["company_id"], r["rank"]


@pytest.mark.parametrize("processes", [2, 3])
def test_workers_write_every_company_once_as_one_process_does(processes, tmp_path) -> None:
    ranker, ref = _ranker()
    expected = json.loads(json.dumps(list(contact_rows(ref.items())), ensure_ascii=False))
    assert len(ref) > 40
    said: list[str] = []
    n_co, n_rows = rank_and_write(
        ranker, FileClient(tmp_path), "r1", processes=processes, page=5, block=7,
        min_companies=0, connect=lambda: FileClient(tmp_path), say=said.append,
    )  # fmt: skip
    got = [r for rows in _written(tmp_path).values() for r in rows]
    assert (n_co, n_rows) == (len(ref), len(expected))
    assert sorted(got, key=_key) == sorted(expected, key=_key)  # each row once
    assert said[-1] == f"key contacts: {len(ref)} companies ranked"


def test_small_graphs_are_ranked_and_written_by_this_process_in_order(tmp_path) -> None:
    ranker, ref = _ranker(11)
    n_co, n_rows = rank_and_write(ranker, FileClient(tmp_path), "r1", processes=2, page=4)
    assert n_co == len(ref)  # 120 companies: below PARALLEL_COMPANIES
    assert list(_written(tmp_path)) == [str(os.getpid())]
    got = _written(tmp_path)[str(os.getpid())]
    assert got == json.loads(json.dumps(list(contact_rows(ref.items())), ensure_ascii=False))


def _failing_in_workers(monkeypatch, fail) -> None:
    parent, rank = os.getpid(), ContactRanker.rank

    def patched(self, companies):
        if os.getpid() != parent:
            fail()
        yield from rank(self, companies)

    monkeypatch.setattr(ContactRanker, "rank", patched)


def test_a_workers_error_is_raised_with_its_traceback(monkeypatch, tmp_path) -> None:
    ranker, _ = _ranker()

    def fail() -> None:
        raise RuntimeError("reach of P042 is broken")

    _failing_in_workers(monkeypatch, fail)
    with pytest.raises(WorkerFailed, match=r"(?s)key-contacts-\d failed.*reach of P042"):
        rank_and_write(ranker, FileClient(tmp_path), "r1", processes=2, min_companies=0,
                       connect=lambda: FileClient(tmp_path))  # fmt: skip


def test_a_worker_that_dies_is_reported_with_its_exit_code(monkeypatch, tmp_path) -> None:
    ranker, _ = _ranker()
    _failing_in_workers(monkeypatch, lambda: os._exit(3))
    with pytest.raises(WorkerFailed, match=r"ended before it finished \(exit code 3\)"):
        rank_and_write(ranker, FileClient(tmp_path), "r1", processes=2, min_companies=0,
                       connect=lambda: FileClient(tmp_path))  # fmt: skip


def test_processes_split_from_the_threshold_on() -> None:
    assert ranking_processes(120, 2) == 1
    assert ranking_processes(PARALLEL_COMPANIES, 2) == 2
    assert ranking_processes(10, 3, min_companies=0) == 3
    assert ranking_processes(10**6, 1) == 1


def test_a_run_collects_less_often_and_leaves_the_collector_as_it_found_it() -> None:
    """run_scoring's garbage-collector settings (batch._lean_gc, docs/scaling.md): the
    youngest generation collects less often and what a phase leaves is frozen, both undone
    when the run ends, also when it fails."""
    import gc

    from guanxi.scoring import batch

    before = gc.get_threshold()
    kept = [{"party": i} for i in range(1000)]
    with pytest.raises(RuntimeError), batch._lean_gc(young=12_345):
        assert gc.get_threshold() == (12_345, *before[1:])
        batch._release()
        assert gc.get_freeze_count() >= len(kept)
        raise RuntimeError("a phase failed")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
