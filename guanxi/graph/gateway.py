"""``Gateway``: the typed protocol of the one gateway to Neo4j.

Every function above the gateway that talks to the database takes a ``Gateway`` (the
:class:`~guanxi.graph.client.GraphClient` is the implementation; tests may pass another):
named reads as rows or a DataFrame, named writes, batched ``UNWIND $rows`` writes, and the
ad-hoc console. Nothing above the gateway opens a driver session itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # only for the annotations
    import pandas as pd

    from guanxi.config import Settings
    from guanxi.graph.client import ConsoleResult, PlanGuard
    from guanxi.graph.library import QueryLibrary

__all__ = ["Gateway"]


@runtime_checkable
class Gateway(Protocol):
    """What scorers, loaders, the GNN, services and the access layer may ask of Neo4j."""

    settings: Settings
    library: QueryLibrary

    def read(self, name: str, *, timeout: float | None = None, **params: Any) -> list[dict]:
        """Rows of the named read query, as plain dicts."""
        ...

    def read_df(self, name: str, *, timeout: float | None = None, **params: Any) -> pd.DataFrame:
        """Rows of the named read query, as a DataFrame."""
        ...

    def write(self, name: str, *, timeout: float | None = None, **params: Any) -> list[dict]:
        """Run the named write query in one transaction."""
        ...

    def write_batches(
        self,
        name: str,
        rows: Sequence[dict[str, Any]] | Iterable[dict[str, Any]],
        *,
        batch_size: int | None = None,
        on_batch: Callable[[int], None] | None = None,
        text: str | None = None,
        **params: Any,
    ) -> int:
        """Send ``rows`` to a named ``UNWIND $rows`` query, one transaction per batch."""
        ...

    def console(
        self,
        text: str,
        params: dict[str, Any] | None = None,
        *,
        allow_write: bool = False,
        timeout: float | None = None,
        row_cap: int | None = None,
        max_bytes: int | None = None,
        guard: PlanGuard | None = None,
    ) -> ConsoleResult:
        """Run an ad-hoc query (``EXPLAIN`` first; see ``GraphClient.console``)."""
        ...

    def run_text(
        self,
        name: str,
        text: str,
        params: dict[str, Any] | None = None,
        *,
        write: bool = False,
        timeout: float | None = None,
    ) -> list[dict]:
        """Run Cypher text from a schema-driven builder (labels and types from the schema,
        values as parameters) under ``name`` for the query log."""
        ...
