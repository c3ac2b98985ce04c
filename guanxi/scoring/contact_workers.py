"""Key contacts ranked and written on every core (issue #21).

Ranking is pure Python, ~0.4 ms a company: minutes of one core at 1M companies while the
other waits. :func:`rank_and_write` forks worker processes once the
:class:`~guanxi.scoring.batch_contacts.ContactRanker` is set up, so that they share its
whole-graph facts (copy on write; :func:`gc.freeze` first, so that a worker's garbage
collector does not copy every page it walks) instead of building them again. The workers
and the calling process (one fork fewer: a worker copies the pages whose objects it
touches) take blocks of consecutive companies from a shared counter (consecutive: a
person's reach is asked at companies close together in id order) until none is left, and
each writes what it ranked through a connection of its own, a page at a time. Sending the
ranked contacts back to be written by one process cost more than the ranking (pickling the
contacts and their reasons: at 110k companies 17 s to receive, 16 s more in each worker).

Forking, not spawning: the ranker's state is millions of Python objects that would have to
be pickled. Fork before starting threads of your own (a worker opens its own connection and
writer thread after the fork).
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait

from guanxi.errors import GuanxiError
from guanxi.graph.background import BackgroundWrites
from guanxi.graph.client import GraphClient
from guanxi.graph.gateway import Gateway
from guanxi.records import KeyContact
from guanxi.scoring.batch_contacts import ContactRanker, contact_rows

__all__ = [
    "PARALLEL_COMPANIES",
    "WorkerFailed",
    "rank_and_write",
    "ranking_processes",
    "write_contact_pages",
]

#: companies from which ranking is split across processes: below it a fork costs more than
#: it saves
PARALLEL_COMPANIES = 50_000

Ranked = tuple[str, list[KeyContact]]
Say = Callable[[str], None]


class WorkerFailed(GuanxiError):
    """A key-contact worker process raised or ended before it finished."""


def write_contact_pages(
    client: Gateway,
    ranked: Iterable[Ranked],
    run_id: str,
    page: int = 20_000,
    on_page: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Write ranked companies' KEY_CONTACT a page of ``page`` companies at a time, each page
    on a second thread while the next is ranked; ``on_page(companies)`` after each page is
    handed over. Returns the companies and the rows written."""
    n_co, it = 0, iter(ranked)
    with BackgroundWrites() as writes:
        while rows := list(itertools.islice(it, page)):
            n_co += len(rows)
            writes.submit(client.write_batches, "scoring.write_key_contacts",
                          list(contact_rows(rows)), run_id=run_id)  # fmt: skip
            if on_page:
                on_page(len(rows))
        return n_co, writes.wait()


def ranking_processes(
    companies: int, processes: int | None = None, min_companies: int | None = None
) -> int:
    """How many processes :func:`rank_and_write` ranks ``companies`` in: ``processes``
    (default: one per core) from ``min_companies`` (default :data:`PARALLEL_COMPANIES`) on
    where fork exists, else 1."""
    least = PARALLEL_COMPANIES if min_companies is None else min_companies
    wanted = processes if processes is not None else os.cpu_count() or 1
    forkable = "fork" in multiprocessing.get_all_start_methods()
    return max(1, wanted) if forkable and companies >= least else 1


def rank_and_write(
    ranker: ContactRanker,
    client: Gateway,
    run_id: str,
    *,
    processes: int | None = None,
    page: int = 20_000,
    block: int = 1_000,
    min_companies: int | None = None,
    connect: Callable[[], Gateway] | None = None,
    say: Say = lambda m: None,
) -> tuple[int, int]:
    """Rank every company of ``ranker`` and write its KEY_CONTACT under ``run_id``, in
    :func:`ranking_processes` processes: this one, writing through ``client``, and the
    others forked workers, each writing through ``connect()`` (default: a new client with
    ``client``'s settings); in one process, in the graph's order. Returns the companies
    with contacts and the rows written; a worker's error is raised as :class:`WorkerFailed`
    with its traceback, and the other workers are stopped."""
    companies = ranker.companies()
    n = ranking_processes(len(companies), processes, min_companies)
    done = [0]

    def progress(k: int) -> None:
        done[0] += k
        say(f"key contacts: {done[0]} companies ranked")

    if n == 1:
        return write_contact_pages(client, ranker.rank(companies), run_id, page, progress)
    settings = getattr(client, "settings", None)
    opener = connect or (lambda: GraphClient(settings))  # called in each worker

    def write(ranked: Iterator[Ranked], report: Callable[[int], None], own: bool) -> int:
        """Write ``ranked`` (``own``: through ``client``, else a new connection)."""
        c = client if own else opener()
        try:
            return write_contact_pages(c, ranked, run_id, page, report)[1]
        finally:
            if not own and (close := getattr(c, "close", None)):
                close()

    rows = _forked(ranker, companies, n, block, progress, write)
    return done[0], rows


def _forked(
    ranker: ContactRanker,
    companies: list[str],
    processes: int,
    block: int,
    progress: Callable[[int], None],
    write: Callable[[Iterator[Ranked], Callable[[int], None], bool], int],
) -> int:
    """Rank blocks and ``write`` them in ``processes - 1`` forked workers and in this
    process (``own`` True); ``progress(companies)`` per page; returns the rows written."""
    ctx = multiprocessing.get_context("fork")
    nxt = ctx.Value("q", 0)  # the next block to take, shared by all

    def blocks() -> Iterator[str]:
        while True:
            with nxt.get_lock():
                b = nxt.value
                nxt.value = b + 1
            if b * block >= len(companies):
                return
            yield from companies[b * block : (b + 1) * block]

    def run(conn: Connection) -> None:
        try:
            n = write(ranker.rank(blocks()), lambda k: conn.send(("page", k)), False)
            conn.send(("done", n))
        except BaseException as e:  # noqa: BLE001 - everything reaches the caller
            conn.send(("error", "".join(traceback.format_exception(e))))
        finally:
            conn.close()

    workers: dict[Connection, multiprocessing.process.BaseProcess] = {}
    gc.freeze()  # what exists now is shared: no collection in a worker copies it
    try:
        for n in range(1, processes):
            recv, send = ctx.Pipe(duplex=False)
            p = ctx.Process(target=run, args=(send,), name=f"key-contacts-{n}")
            p.start()
            send.close()
            workers[recv] = p
    finally:
        gc.unfreeze()
    rows = [0]
    open_ = dict(workers)

    def receive(block: bool) -> None:
        """Take in what the workers sent; ``block``: until every one is done."""
        while open_ and (ready := wait(list(open_), None if block else 0)):
            for conn in ready:
                p = open_[conn]
                try:
                    kind, n = conn.recv()
                except EOFError:
                    p.join()
                    raise WorkerFailed(
                        f"key-contact worker {p.name} ended before it finished "
                        f"(exit code {p.exitcode})"
                    ) from None
                if kind == "error":
                    raise WorkerFailed(f"key-contact worker {p.name} failed:\n{n}")
                if kind == "done":
                    rows[0] += n
                    del open_[conn]
                else:
                    progress(n)

    def own_page(n: int) -> None:
        progress(n)
        receive(block=False)  # a worker's failure stops this one too

    ok = False
    try:
        own = write(ranker.rank(blocks()), own_page, True)  # (receive adds to rows meanwhile)
        rows[0] += own
        receive(block=True)
        ok = True
    finally:
        for conn, p in workers.items():
            if not ok and p.is_alive():
                p.terminate()  # one failed: the others' work is for nothing
            p.join()
            conn.close()
    return rows[0]
