"""Batch work split across forked processes on every core (issue #21).

Ranking key contacts in ``guanxi score`` is pure Python after a whole-graph set-up: one
core works while the other waits. :func:`fork_blocks`
forks worker processes once the set-up is done, so that they share it (copy on write;
:func:`gc.freeze` first, so that a worker's garbage collector does not copy every page it
walks) instead of building it again. The workers and the calling process (one fork fewer:
a worker copies the pages whose objects it touches) take numbered blocks from a shared
counter until none is left; each process writes what it made through a connection of its
own, so nothing made is sent back (pickling ranked contacts back to one writer cost more
than ranking them: docs/scaling.md).

Forking, not spawning: the set-up is millions of Python objects that would have to be
pickled. Fork before starting threads of your own.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from guanxi.errors import GuanxiError

__all__ = ["WorkerFailed", "fork_blocks", "worker_processes"]

#: ``work(block numbers, report, own)``: handle the blocks, ``report(k)`` as it goes, and
#: return a picklable result (``own``: this process, not a worker)
Work = Callable[[Iterator[int], Callable[[int], None], bool], Any]


class WorkerFailed(GuanxiError):
    """A worker process raised or ended before it finished."""


def worker_processes(size: int, least: int, processes: int | None = None) -> int:
    """How many processes work of ``size`` items is split into: ``processes`` (default:
    one per core) from ``least`` items on where fork exists, else 1."""
    wanted = processes if processes is not None else os.cpu_count() or 1
    forkable = "fork" in multiprocessing.get_all_start_methods()
    return max(1, wanted) if forkable and size >= least else 1


def fork_blocks(
    blocks: int,
    processes: int,
    work: Work,
    progress: Callable[[int], None] = lambda k: None,
    name: str = "worker",
) -> list[Any]:
    """Blocks ``0 … blocks-1`` handled by ``work`` in this process and ``processes - 1``
    forked workers, each block once; every ``report(k)`` reaches ``progress(k)`` here.
    Returns the results of ``work``, this process's first. A worker that raises or dies
    raises :class:`WorkerFailed` here (with its traceback) and the others are stopped."""
    ctx = multiprocessing.get_context("fork")
    nxt = ctx.Value("q", 0)  # the next block to take, shared by all

    def numbers() -> Iterator[int]:
        while True:
            with nxt.get_lock():
                b = nxt.value
                nxt.value = b + 1
            if b >= blocks:
                return
            yield b

    def run(conn: Connection) -> None:
        try:
            conn.send(("done", work(numbers(), lambda k: conn.send(("page", k)), False)))
        except BaseException as e:  # noqa: BLE001 - everything reaches the caller
            conn.send(("error", "".join(traceback.format_exception(e))))
        finally:
            conn.close()

    workers: dict[Connection, multiprocessing.process.BaseProcess] = {}
    gc.freeze()  # what exists now is shared: no collection in a worker copies it
    try:
        for n in range(1, processes):
            recv, send = ctx.Pipe(duplex=False)
            p = ctx.Process(target=run, args=(send,), name=f"{name}-{n}")
            p.start()
            send.close()
            workers[recv] = p
    finally:
        gc.unfreeze()
    results: list[Any] = []
    open_ = dict(workers)

    def receive(block: bool) -> None:
        """Take in what the workers sent; ``block``: until every one is done."""
        while open_ and (ready := wait(list(open_), None if block else 0)):
            for conn in ready:
                p = open_[conn]
                try:
                    kind, value = conn.recv()
                except EOFError:
                    p.join()
                    raise WorkerFailed(
                        f"worker {p.name} ended before it finished (exit code {p.exitcode})"
                    ) from None
                if kind == "error":
                    raise WorkerFailed(f"worker {p.name} failed:\n{value}")
                if kind == "done":
                    results.append(value)
                    del open_[conn]
                else:
                    progress(value)

    def own_report(k: int) -> None:
        progress(k)
        receive(block=False)  # a worker's failure stops this one too

    ok = False
    try:
        mine = work(numbers(), own_report, True)
        receive(block=True)
        ok = True
    finally:
        for conn, p in workers.items():
            if not ok and p.is_alive():
                p.terminate()  # one failed: the others' work is for nothing
            p.join()
            conn.close()
    return [mine, *results]
