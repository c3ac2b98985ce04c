"""Snapshot loads: a family's rows as the full state of the companies they report on.

``guanxi load … --snapshot DATE`` writes the node families as any load does; each
relationship family of a versioned type (``history`` in ``schema.yaml``) goes through
:func:`apply_snapshot` instead of the plain writer: the snapshot is recorded
(``GuanxiSnapshot``), the versions of every fact into the companies it reports on are
rebuilt from the observations at all their snapshot dates (:mod:`guanxi.loaders.versions`),
the facts whose versions changed are rewritten, and the change events of those companies
are recomputed (``Change`` nodes). docs/time.md explains the rules.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from guanxi.graph.gateway import Gateway
from guanxi.graph.history import MIN_DATE, rewrite_versions
from guanxi.graph.schema import get_schema
from guanxi.loaders.families import Family
from guanxi.loaders.validation import BAD
from guanxi.loaders.versions import Fact, Version, changes_between, observe, rebuild
from guanxi.loaders.writer import Provenance

__all__ = ["SnapshotResult", "apply_snapshot", "native"]

log = logging.getLogger(__name__)

_BATCH = 2000
_SKIP = {"valid_from", "valid_to"}


@dataclass
class SnapshotResult:
    """What one family's snapshot did: facts rewritten, events recorded, and per company
    the date pairs ``(previous, date)`` at which its facts changed."""

    rewritten: int = 0
    events: int = 0
    changed: dict[str, set[tuple[date | None, date]]] = field(default_factory=dict)


def native(v: Any) -> Any:
    """A driver temporal value as a Python one (others unchanged)."""
    return v.to_native() if hasattr(v, "to_native") else v


def _scalar(v: Any) -> Any:
    return v.item() if hasattr(v, "item") and not isinstance(v, (str, list)) else v


def _observed(fam: Family, df: pd.DataFrame, key: str | None) -> dict[str, dict[Fact, dict]]:
    """The snapshot's facts per company (the last row wins for a repeated fact)."""
    a, b = fam.refs
    good = df[~df[BAD]] if BAD in df.columns else df
    recs = good.astype(object).where(good.notna(), None).to_dict("records")
    out: dict[str, dict[Fact, dict]] = defaultdict(dict)
    for r in recs:
        start = r[a.label_column] if a.label_column else a.label
        props = {p: _scalar(r[p]) for p in fam.props if p not in _SKIP and r[p] is not None}
        k = r[key] if key else None
        if k is not None:  # a missing key value is not stored: compare like with like
            props[str(key)] = k
        out[str(r[b.column])][(str(start), str(r[a.column]), str(r[b.column]), k)] = props
    return out


def _stored(client: Gateway, rel_type: str, ids: list[str]) -> dict[str, list[Version]]:
    rel = get_schema().rel(rel_type)
    assert rel.history is not None
    prov = set(get_schema().provenance)
    out: dict[str, list[Version]] = defaultdict(list)
    rows = client.read("time.versions", ids=ids, types=[rel_type, rel.history.type])
    for r in rows:
        props = {k: native(v) for k, v in r["props"].items() if k not in prov}
        start = next((lb for lb in r["a_labels"] if lb in rel.from_), r["a_labels"][0])
        fact = (start, r["a"], r["b"], props.get(rel.key) if rel.key else None)
        vf, vt = props.pop("valid_from", None), props.pop("valid_to", None)
        out[r["b"]].append(Version(fact, vf, vt, props))
    return out


def _dates(
    client: Gateway, rel_type: str, on: date, companies: list[str], load_id: str
) -> dict[str, list[date]]:
    """Register the snapshot and return each company's snapshot dates (this one included)."""
    snaps = {native(r["date"]): set(r["companies"] or ()) for r in
             client.read("time.snapshots", rel_type=rel_type)}  # fmt: skip
    snaps[on] = snaps.get(on, set()) | set(companies)
    client.write(
        "time.register_snapshot", rel_type=rel_type, date=on,
        companies=sorted(snaps[on]), load_id=[load_id],
    )  # fmt: skip
    per: dict[str, list[date]] = defaultdict(list)
    for d in sorted(snaps):
        for c in snaps[d]:
            per[c].append(d)
    return per


def apply_snapshot(
    client: Gateway, fam: Family, df: pd.DataFrame, on: date, prov: Provenance, *,
    source: str, threshold: float,
) -> SnapshotResult:  # fmt: skip
    """Apply one versioned family's rows as the snapshot of ``on`` (docs/time.md)."""
    rel = get_schema().rel(fam.rel_type or "")
    spec = rel.history
    if spec is None:
        raise ValueError(f"{rel.name} is not versioned (no history in schema.yaml)")
    result = SnapshotResult()
    observed = _observed(fam, df, rel.key)
    companies = sorted(observed)
    per = _dates(client, rel.name, on, companies, prov.load_id)
    for i in range(0, len(companies), _BATCH):
        batch = companies[i : i + _BATCH]
        stored = _stored(client, rel.name, batch)
        rewrites: dict[str, list[dict[str, Any]]] = defaultdict(list)
        events: list[dict[str, Any]] = []
        for c in batch:
            old = stored.get(c, [])
            dates = [d for d in per[c] if d != on]
            if any(v.valid_from is None for v in old):
                dates = [MIN_DATE, *dates]
            obs = observe(old, dates)
            obs[on] = observed[c]
            new = rebuild(obs, spec.values)
            old_by: dict[Fact, list[Version]] = defaultdict(list)
            for v in old:
                old_by[v.fact].append(v)
            for fact, versions in new.items():
                was = sorted(old_by.get(fact, []), key=lambda v: v.valid_from or MIN_DATE)
                if _rows(was) != _rows(versions):
                    rewrites[fact[0]].append(_rewrite(fact, versions))
            order = sorted(obs)
            result.changed.setdefault(c, set())
            c_events: list[dict[str, Any]] = []
            for p, s in zip(order, order[1:], strict=False):
                ev = changes_between(
                    obs[p], obs[s], company_id=c, on=s, prev=None if p == MIN_DATE else p,
                    rel_type=rel.name, spec=spec, threshold=threshold,
                )  # fmt: skip
                if ev:
                    result.changed.setdefault(c, set()).add((None if p == MIN_DATE else p, s))
                c_events += ev
            events.append({"company_id": c, "events": c_events})
        for start, rows in rewrites.items():
            text = rewrite_versions(rel.name, start, rel.to[0])
            client.write_batches(
                f"load.snapshot_{rel.name.lower()}", rows, text=text, batch_size=1000,
                **prov.params(source),
            )  # fmt: skip
            result.rewritten += len(rows)
        written = client.write_batches(
            "time.replace_changes", events, batch_size=1000, rel_type=rel.name,
            load_id=prov.load_id,
        )  # fmt: skip
        result.events += sum(len(e["events"]) for e in events)
        log.debug("snapshot %s %s: %d companies, %d sent", rel.name, on, len(batch), written)
    return result


def _rows(versions: list[Version]) -> list[tuple[Any, ...]]:
    return [(v.valid_from, v.valid_to, sorted(v.props.items())) for v in versions]


def _rewrite(fact: Fact, versions: list[Version]) -> dict[str, Any]:
    def props(v: Version) -> dict[str, Any]:
        return {**v.props, "valid_from": v.valid_from, "valid_to": v.valid_to}

    current = next((props(v) for v in versions if v.valid_to is None), None)
    if current is not None:
        current.pop("valid_to")
    return {
        "a": fact[1], "b": fact[2], "key": fact[3], "current": current,
        "history": [props(v) for v in versions if v.valid_to is not None],
    }  # fmt: skip
