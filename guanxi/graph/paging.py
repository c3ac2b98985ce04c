"""Keyset pages of a whole label, one transaction each: what whole-graph reads (batch scoring,
the contact-path index, the GNN export) use so that neither the server nor the driver ever
holds more than a page.

A paged query takes ``$after`` (the last key of the previous page; ``''`` first) and
``$limit``, reads its label in key order from the key constraint's index (so a page costs its
own size), and returns one row with ``last`` (the page's last key, null when the page is
empty) and its data packed into lists: the driver spends ~20 µs per record, so one record per
page instead of one per node.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guanxi.graph.gateway import Gateway

__all__ = ["keyset_pages"]


def keyset_pages(
    client: Gateway, name: str, page: int, text: str | None = None, **params: Any
) -> Iterator[dict[str, Any]]:
    """The rows of the paged query ``name`` (its library text, or ``text`` where a schema
    name was put into it), one read per page of ``page`` keys under ``batch_timeout_s``,
    until a page comes back empty."""
    text = text if text is not None else client.library[name].text
    after: str | None = ""
    while after is not None:
        row = client.run_text(
            name, text, {**params, "after": after, "limit": page},
            timeout=client.settings.batch_timeout_s,
        )[0]  # fmt: skip
        after = row["last"]
        if after is not None:
            yield row
