"""Key contacts ranked and written on every core (issue #21).

Ranking is pure Python, ~0.4 ms a company: minutes of one core at 1M companies while the
other waits. :func:`rank_and_write` splits the companies into blocks of consecutive ones
(consecutive: a person's reach is asked at companies close together in id order) handled
by this process and forked workers (:func:`~guanxi.scoring.forked.fork_blocks`) once the
:class:`~guanxi.scoring.batch_contacts.ContactRanker` is set up, so that they share its
whole-graph facts; each writes what it ranked through a connection of its own, a page at a
time. Sending the ranked contacts back to be written by one process cost more than the
ranking (pickling the contacts and their reasons: at 110k companies 17 s to receive, 16 s
more in each worker).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator

from guanxi.graph.background import BackgroundWrites
from guanxi.graph.client import GraphClient
from guanxi.graph.gateway import Gateway
from guanxi.records import KeyContact
from guanxi.scoring.batch_contacts import ContactRanker, contact_rows
from guanxi.scoring.forked import WorkerFailed, fork_blocks, worker_processes

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


def write_contact_pages(
    client: Gateway,
    ranked: Iterable[Ranked],
    run_id: str,
    page: int = 20_000,
    on_page: Callable[[int], None] | None = None,
    fresh: bool = False,
) -> tuple[int, int]:
    """Write ranked companies' KEY_CONTACT a page of ``page`` companies at a time, each page
    on a second thread while the next is ranked; ``on_page(companies)`` after each page is
    handed over (``fresh``: none exists yet, so they are created, not merged). Returns the
    companies and the rows written."""
    name = "scoring.create_key_contacts" if fresh else "scoring.write_key_contacts"
    n_co, it = 0, iter(ranked)
    with BackgroundWrites() as writes:
        while rows := list(itertools.islice(it, page)):
            n_co += len(rows)
            writes.submit(client.write_batches, name, list(contact_rows(rows)), run_id=run_id)
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
    return worker_processes(companies, least, processes)


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
    fresh: bool = False,
) -> tuple[int, int]:
    """Rank every company of ``ranker`` and write its KEY_CONTACT under ``run_id``, in
    :func:`ranking_processes` processes: this one, writing through ``client``, and the
    others forked workers, each writing through ``connect()`` (default: a new client with
    ``client``'s settings); in one process, in the graph's order. Returns the companies
    with contacts and the rows written; a worker's error is raised as :class:`WorkerFailed`
    with its traceback, and the other workers are stopped. ``fresh``: no KEY_CONTACT exists
    (:func:`write_contact_pages`)."""
    companies = ranker.companies()
    n = ranking_processes(len(companies), processes, min_companies)
    done = [0]

    def progress(k: int) -> None:
        done[0] += k
        say(f"key contacts: {done[0]} companies ranked")

    if n == 1:
        return write_contact_pages(client, ranker.rank(companies), run_id, page, progress,
                                   fresh)  # fmt: skip
    settings = getattr(client, "settings", None)
    opener = connect or (lambda: GraphClient(settings))  # called in each worker

    def write(ranked: Iterator[Ranked], report: Callable[[int], None], own: bool) -> int:
        """Write ``ranked`` (``own``: through ``client``, else a new connection)."""
        c = client if own else opener()
        try:
            return write_contact_pages(c, ranked, run_id, page, report, fresh)[1]
        finally:
            if not own and (close := getattr(c, "close", None)):
                close()

    def work(numbers: Iterator[int], report: Callable[[int], None], own: bool) -> int:
        picked = (c for b in numbers for c in companies[b * block : (b + 1) * block])
        return write(ranker.rank(picked), report, own)

    blocks = -(-len(companies) // block)
    rows = sum(fork_blocks(blocks, n, work, progress, name="key-contacts"))
    return done[0], rows
