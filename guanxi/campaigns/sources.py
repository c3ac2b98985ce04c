"""Where a campaign's targets come from: a registry of **target sources**.

A source is a function ``(client, scope, spec) -> list[Candidate]``: company ids, each with
its reason. Built in: ``prospects`` (the prospect model, per branch), ``lookalikes`` (the
nearest companies of a seed list), ``query`` (a saved analyst query returning ``id``),
``ids`` (a list or a CSV file of ids). The opportunity rule library (issue #20) plugs in
with :func:`register_source` (``register_source("rule", rule_source)``): its function
returns the rule's typed opportunity records as candidates, and ``guanxi campaign create
--source rule`` and ``POST /api/v1/campaigns`` take it with no other change.

The reasons a source writes are masked to the caller's scope first (prospects and
lookalikes cite other customers: ``access.masking``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from guanxi.access.masking import mask_prospects
from guanxi.access.scope import Scope
from guanxi.errors import InvalidData, RowError
from guanxi.gnn import apps
from guanxi.graph.gateway import Gateway
from guanxi.loaders.readers import read_table
from guanxi.records import Candidate

__all__ = ["SOURCES", "Source", "register_source", "candidates", "ids_from_file"]

log = logging.getLogger(__name__)

#: ``(client, scope, spec) -> candidates``; ``spec`` is the request's source options
Source = Callable[[Gateway, Scope, dict[str, Any]], list[Candidate]]
SOURCES: dict[str, Source] = {}


def register_source(name: str, fn: Source) -> None:
    """Make ``fn`` available as source ``name`` (e.g. ``rule``, from the opportunity rules)."""
    SOURCES[name] = fn


def candidates(client: Gateway, scope: Scope, source: str, spec: dict[str, Any]) -> list[Candidate]:
    """The candidates of ``source`` for ``spec``, first occurrence of each id kept.

    Raises
    ------
    InvalidData
        For an unknown source (naming the ones there are).
    """
    fn = SOURCES.get(source)
    if fn is None:
        raise InvalidData(f"Unknown target source {source!r}; choose one of {', '.join(SOURCES)}")
    seen: dict[str, Candidate] = {}
    for c in fn(client, scope, spec):
        seen.setdefault(c.company_id, c)
    return list(seen.values())


def _prospects(client: Gateway, scope: Scope, spec: dict[str, Any]) -> list[Candidate]:
    """The prospects of the branches under ``branch`` (default: the owner branch)."""
    branch = spec.get("branch") or spec.get("owner_branch")
    k = int(spec.get("k") or 100)
    sub = client.read("scope.branch_subtree", branch=branch)
    under = set(sub[0]["branches"]) if sub else set()
    res = mask_prospects(client, scope, apps.prospects(client, None, k))
    out = []
    for b, items in res.branches.items():
        if b not in under:
            continue
        for p in items:
            why = "; ".join(str(r) for r in p.reasons[:3]) or "prospect model"
            out.append(
                Candidate(p.id, f"prospect score {p.score:.3f}: {why}", "prospects", p.score)
            )
    return sorted(out, key=lambda c: -(c.score or 0.0))[:k]


def _lookalikes(client: Gateway, scope: Scope, spec: dict[str, Any]) -> list[Candidate]:
    seeds = list(spec.get("seeds") or [])
    if not seeds:
        raise InvalidData("Source 'lookalikes' needs seeds (company ids)")
    k = int(spec.get("k") or 20)
    out = []
    for seed in seeds:
        for lk in apps.lookalikes(client, seed, k).lookalikes:
            why = f"like {seed} (similarity {lk.score:.3f})"
            out.append(Candidate(lk.id, why, "lookalikes", lk.score))
    return out


def _query(client: Gateway, scope: Scope, spec: dict[str, Any]) -> list[Candidate]:
    from guanxi.access.console import run_saved  # the console's fence and scope

    name = spec.get("query")
    if not name:
        raise InvalidData("Source 'query' needs the saved query's name")
    res = run_saved(client, scope, str(name), dict(spec.get("params") or {}))
    if "id" not in res["columns"]:
        raise InvalidData(f"Saved query {name!r} returns no 'id' column")
    i = res["columns"].index("id")
    return [Candidate(str(r[i]), f"saved query {name}", "query") for r in res["rows"] if r[i]]


def _ids(client: Gateway, scope: Scope, spec: dict[str, Any]) -> list[Candidate]:
    if spec.get("file"):
        return ids_from_file(Path(spec["file"]))
    ids = [str(x).strip() for x in spec.get("ids") or [] if str(x).strip()]
    if not ids:
        raise InvalidData("Source 'ids' needs ids (or a file)")
    reason = spec.get("reason") or "listed"
    return [Candidate(i, reason, "ids") for i in ids]


def ids_from_file(path: Path) -> list[Candidate]:
    """Candidates from a CSV or Excel file with a column ``id`` (or ``company_id``) and an
    optional ``reason``.

    Raises
    ------
    InvalidData
        When the file has no id column, naming the file.
    """
    df = read_table(path)
    col = "id" if "id" in df.columns else "company_id" if "company_id" in df.columns else None
    if col is None:
        raise InvalidData(
            f"{path.name}: no 'id' column", [RowError(path.name, 1, "id", None, "missing column")]
        )
    reasons = df["reason"] if "reason" in df.columns else [None] * len(df)
    return [
        Candidate(str(i), r or f"listed in {path.name}", "ids")
        for i, r in zip(df[col], reasons, strict=True)
        if i
    ]


register_source("prospects", _prospects)
register_source("lookalikes", _lookalikes)
register_source("query", _query)
register_source("ids", _ids)
