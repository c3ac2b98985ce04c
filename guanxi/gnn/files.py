"""Projections straight from canonical CSV folders, and their held-out edges.

Benchmarks and large experiments read the files ``guanxi generate`` writes without a
round-trip through Neo4j; the frames are the ones :func:`guanxi.gnn.data.build_graph`
takes, so the features are exactly those of :func:`guanxi.gnn.data.export_graph`.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from guanxi.gnn.data import EDGE_TYPES, GraphData, build_graph

__all__ = ["read_folder", "held_out_positives", "graph_from_folder", "drop_held_out"]

log = logging.getLogger(__name__)


def _csv(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    if not path.exists():
        return pd.DataFrame()
    return pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)


def read_folder(folder: Path | str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(companies, persons, edges)`` frames of a canonical folder (public + PAYS)."""
    folder = Path(folder)
    companies, persons = _csv(folder, "companies"), _csv(folder, "persons")
    cust = _csv(folder, "customers")
    if not cust.empty:
        companies["customer"] = companies["id"].isin(cust["company_id"]).map(str).str.lower()
    parts = []
    sh = _csv(folder, "shareholdings")
    if not sh.empty:
        parts.append(
            pd.DataFrame(
                {
                    "source_id": sh["holder_id"],
                    "source_label": sh["holder_type"],
                    "target_id": sh["company_id"],
                    "target_label": "Company",
                    "rel_type": "HOLDS_SHARES",
                    "pct": sh["pct"],
                    "amount": sh["amount"],
                }
            )
        )
    pos = _csv(folder, "positions")
    if not pos.empty:
        parts.append(
            pd.DataFrame(
                {
                    "source_id": pos["person_id"],
                    "source_label": "Person",
                    "target_id": pos["company_id"],
                    "target_label": "Company",
                    "rel_type": "SERVES_AS",
                }
            )
        )
    for name, s, t, rel in (
        ("supply", "supplier_id", "buyer_id", "SUPPLIES"),
        ("guarantees", "guarantor_id", "borrower_id", "GUARANTEES"),
        ("payments", "payer_id", "payee_id", "PAYS"),
        ("flows", "payer_id", "payee_id", "PAYS"),
    ):
        df = _csv(folder, name)
        if df.empty:
            continue
        if name == "payments":
            df["amount"] = pd.to_numeric(df["amount"], errors="coerce")
            df = df.groupby([s, t], as_index=False)["amount"].sum()
        parts.append(
            pd.DataFrame(
                {
                    "source_id": df[s],
                    "source_label": "Company",
                    "target_id": df[t],
                    "target_label": "Company",
                    "rel_type": rel,
                    "amount": df.get("amount"),
                    "share": df.get("share"),
                }
            )
        )
    kn = _csv(folder, "contacts")
    if not kn.empty:
        kn = kn[kn["from_type"] == "Person"]
        parts.append(
            pd.DataFrame(
                {
                    "source_id": kn["from_id"],
                    "source_label": "Person",
                    "target_id": kn["person_id"],
                    "target_label": "Person",
                    "rel_type": "KNOWS",
                }
            )
        )
    edges = pd.concat(parts, ignore_index=True)
    return companies, persons, edges  # fmt: skip


def drop_held_out(edges: pd.DataFrame, held_out: list[list[str]]) -> pd.DataFrame:
    """``edges`` without any relationship joining a held-out pair in either direction.

    A held-out ``[a, b, TYPE]`` hides the whole relationship: ``a -TYPE-> b`` is absent
    from the files already, but the generator keeps ``b -TYPE-> a`` (5 % of the held-out
    KNOWS at 10k companies), which would hand every method the answer. Relationships of
    other types between the pair stay (a PAYS beside a held-out SUPPLIES is observed data).
    """
    if not held_out:
        return edges
    held = pd.DataFrame(held_out, columns=["s", "t", "rel"])
    keys = set(zip(held["s"], held["t"], held["rel"], strict=True))
    keys |= set(zip(held["t"], held["s"], held["rel"], strict=True))
    hit = [k in keys for k in zip(edges["source_id"], edges["target_id"], edges["rel_type"],
                                  strict=True)]  # fmt: skip
    log.info("hid %d relationships joining held-out pairs", int(np.sum(hit)))
    return edges[~np.asarray(hit, dtype=bool)].reset_index(drop=True)


def graph_from_folder(folder: Path | str, held_out: list[list[str]] | None = None) -> GraphData:
    """:func:`read_folder` then :func:`~guanxi.gnn.data.build_graph`, without the
    relationships joining ``held_out`` pairs (:func:`drop_held_out`) when given."""
    companies, persons, edges = read_folder(folder)
    return build_graph(companies, persons, drop_held_out(edges, held_out or []))


def held_out_positives(
    graph: GraphData, held_out: list[list[str]] | Path | str
) -> dict[str, tuple[str, str, np.ndarray, np.ndarray]]:
    """Map ``[src, dst, TYPE]`` triples (or a ``ground_truth.json``) to type-local pairs.

    Endpoint labels are inferred from the graph's ids; triples with an endpoint outside
    the graph (an RM's KNOWS, say) are skipped. Keys are PyG relation names such as
    ``person__serves_as__company``.
    """
    if not isinstance(held_out, list):
        held_out = json.loads(Path(held_out).read_text("utf-8"))["held_out_edges"]
    df = pd.DataFrame(held_out, columns=["s", "t", "rel"])
    out: dict[str, tuple[str, str, np.ndarray, np.ndarray]] = {}
    for (rel, _sl, _tl), et in EDGE_TYPES.items():
        part = df[df["rel"] == rel]
        if part.empty:
            continue
        s = graph.index(et[0], part["s"])
        t = graph.index(et[2], part["t"])
        ok = (s >= 0) & (t >= 0)
        if ok.any():
            out["__".join(et)] = (et[0], et[2], s[ok], t[ok])
    return out
