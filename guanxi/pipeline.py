"""The demo pipeline: every stage that exists, in order, on fresh synthetic data."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from guanxi.config import Settings
from guanxi.graph.admin import init_schema
from guanxi.graph.client import GraphClient

__all__ = ["run_demo"]

log = logging.getLogger(__name__)


def run_demo(
    settings: Settings, companies: int = 2000, say: Callable[[str], None] = log.info
) -> dict[str, Any]:
    """Apply the schema and run the pipeline stages; returns a summary for the console."""
    summary: dict[str, Any] = {}
    with GraphClient(settings) as client:
        client.verify()
        say("Applying the schema …")
        summary["schema objects"] = len(init_schema(client))
        counts = client.read("admin.counts")[0]
        summary["nodes"] = counts["nodes"]
        summary["relationships"] = counts["relationships"]
    return summary
