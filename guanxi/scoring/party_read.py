"""The whole party graph read from Neo4j in keyset pages: every party and every party
relationship as DataFrames (:func:`party_frames`, what batch scoring, the contact-path index
and the centrality projection start from) and the stored key contacts.

Each page is one transaction over ``PAGE`` parties of one label, read in id order from the
id constraint's index, with the relationships they start; so memory in the server stays one
page whatever the size of the graph. (The reads were one collect per label and per type
until 1M companies: the ``HOLDS_SHARES`` list alone exceeded Neo4j's transaction memory
with a 4g heap, ``MemoryPoolOutOfMemoryError``; docs/scaling.md.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from guanxi.graph.gateway import Gateway
from guanxi.graph.paging import keyset_pages
from guanxi.scoring.nominees import NOMINEE_PATTERNS

__all__ = [
    "PARTY_LABELS",
    "PAGE",
    "EDGE_PROPS",
    "TYPE_COLUMNS",
    "party_pages",
    "party_frames",
    "key_contact_frame",
]

log = logging.getLogger(__name__)

#: The labels of parties (the ends of the party relationship types).
PARTY_LABELS = ("Company", "Person", "RelationshipManager")
#: Parties per keyset page of the whole-graph reads (:func:`party_frames`): ~330k
#: relationships per transaction at the generator's density.
PAGE = 100_000
#: Relationship properties the scorers read.
EDGE_PROPS = (
    "pct",
    "kind",
    "role",
    "until",
    "amount",
    "share",
    "count",
    "last",
    "end",
    "strength",
    "last_contact",
    "since",
)

#: The property columns of each type's rows in the paged reads, in the order the queries'
#: ``CASE type(r)`` lists them (``MANAGES`` and any other: ``since``).
TYPE_COLUMNS = {
    "HOLDS_SHARES": ("pct", "kind"),
    "SERVES_AS": ("role", "until"),
    "SUPPLIES": ("amount", "share"),
    "PAYS": ("amount", "count", "last"),
    "GUARANTEES": ("amount", "end"),
    "KNOWS": ("strength", "last_contact", "since"),
}


def party_pages(
    client: Gateway, name: str, label: str, page: int = PAGE, **params: Any
) -> Iterator[dict[str, Any]]:
    """The rows of the keyset-paged query ``name`` over the parties of ``label``
    (``__LABEL__`` in its text; :func:`~guanxi.graph.paging.keyset_pages`)."""
    return keyset_pages(client, name, page, client.library.text_for(name, LABEL=label), **params)


def party_frames(
    client: Gateway, as_of: Any = None, page: int = PAGE
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every party (id, label, name, nominee, customer) and every party relationship
    (source_id, target_id, rel_type and :data:`EDGE_PROPS`) as DataFrames, read in keyset
    pages of ``page`` parties per label (``scoring.party_page``), so that no transaction
    holds the whole graph. ``as_of``: the public relationships valid on that date
    (``time.party_page_as_of``, docs/time.md)."""
    name, params = ("time.party_page_as_of", {"as_of": as_of}) if as_of else (
        "scoring.party_page", {})  # fmt: skip
    nparts, eparts = [], []
    canon: dict[str, str] = {}
    for label in PARTY_LABELS:
        for r in party_pages(
            client, name, label, page, nominee_patterns=list(NOMINEE_PATTERNS), **params
        ):
            df = pd.DataFrame(
                _interned(r["nodes"], canon), columns=["id", "name", "nominee", "customer"],
                dtype=object,
            )  # fmt: skip
            nparts.append(df.assign(label=label))
            for e in filter(lambda e: e["rows"], r["edges"]):
                rows = np.empty((len(e["rows"]), 2 + len(_columns(e["rel_type"]))), object)
                rows[:] = _interned(e["rows"], canon)
                eparts.append((e["rel_type"], rows))
    canon.clear()
    cols = ["id", "label", "name", "nominee", "customer"]
    nodes = pd.concat(nparts, ignore_index=True)[cols] if nparts else pd.DataFrame(columns=cols)
    edges = _edge_frame(eparts)
    log.info("fetched %d parties and %d relationships", len(nodes), len(edges))
    return nodes, edges


def _columns(rel_type: str) -> tuple[str, ...]:
    return TYPE_COLUMNS.get(rel_type, ("since",))


def _edge_frame(parts: list[tuple[str, np.ndarray]]) -> pd.DataFrame:
    """The relationship frame (object columns, None for no value) assembled column by
    column from the pages' row arrays: one pointer array per column, no frame per page and
    no whole-frame copies (three of them took 1.5 GB each at 1M companies)."""
    ecols = ["source_id", "target_id", "rel_type", *EDGE_PROPS]
    n = sum(len(rows) for _, rows in parts)
    out = {c: np.full(n, None, object) for c in ecols}
    at = 0
    for rel_type, rows in parts:
        end = at + len(rows)
        out["rel_type"][at:end] = rel_type
        for j, c in enumerate(("source_id", "target_id", *_columns(rel_type))):
            out[c][at:end] = rows[:, j]
        at = end
    for col in out.values():
        col[pd.isna(col)] = None  # a NaN property is no value, as None is
    return pd.DataFrame(out, dtype=object, copy=False)


def _interned(rows: list[list[Any]], canon: dict[str, str]) -> list[list[Any]]:
    """``rows`` with every string replaced by the first equal string seen (``canon``): a
    party's id is then one object however many relationships name it, and so are a role or
    a date. The driver makes a new object per value, and at 1M companies the frames held
    ~28M id strings for 4.2M parties (8.2 GiB; 3–4 GiB interned, docs/scaling.md)."""
    return [[canon.setdefault(v, v) if type(v) is str else v for v in row] for row in rows]


def key_contact_frame(client: Gateway, page: int = PAGE) -> pd.DataFrame:
    """The stored key contacts (company_id, person_id, score), in keyset pages of companies
    (``scoring.key_contact_scores``)."""
    rows = [
        x
        for r in party_pages(client, "scoring.key_contact_scores", "Company", page)
        for x in r["rows"]
    ]
    return pd.DataFrame(rows, columns=["company_id", "person_id", "score"])
