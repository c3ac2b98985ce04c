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
    for label in PARTY_LABELS:
        for r in party_pages(
            client, name, label, page, nominee_patterns=list(NOMINEE_PATTERNS), **params
        ):
            df = pd.DataFrame(
                r["nodes"], columns=["id", "name", "nominee", "customer"], dtype=object
            )
            nparts.append(df.assign(label=label))
            for e in r["edges"]:
                cols = ["source_id", "target_id", *TYPE_COLUMNS.get(e["rel_type"], ("since",))]
                eparts.append(
                    pd.DataFrame(e["rows"], columns=cols, dtype=object).assign(
                        rel_type=e["rel_type"]
                    )
                )
    cols = ["id", "label", "name", "nominee", "customer"]
    nodes = pd.concat(nparts, ignore_index=True)[cols] if nparts else pd.DataFrame(columns=cols)
    ecols = ["source_id", "target_id", "rel_type", *EDGE_PROPS]
    edges = (
        pd.concat(eparts, ignore_index=True).reindex(columns=ecols).astype(object)
        if eparts
        else pd.DataFrame(columns=ecols)
    )
    edges = edges.where(edges.notna(), None)
    log.info("fetched %d parties and %d relationships", len(nodes), len(edges))
    return nodes, edges


def key_contact_frame(client: Gateway, page: int = PAGE) -> pd.DataFrame:
    """The stored key contacts (company_id, person_id, score), in keyset pages of companies
    (``scoring.key_contact_scores``)."""
    rows = [
        x
        for r in party_pages(client, "scoring.key_contact_scores", "Company", page)
        for x in r["rows"]
    ]
    return pd.DataFrame(rows, columns=["company_id", "person_id", "score"])
