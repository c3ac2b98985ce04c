"""The versions of facts from snapshots, and what changed between snapshots (pure).

A *fact* is one relationship's identity: ``(start label, start id, end id, key value)``
(the type's ``key`` from ``schema.yaml``, e.g. ``SERVES_AS`` ``role``). A snapshot is the
full state of each company (end node) it reports on, so a company's facts are *observed*
at each snapshot date of that company: present with their values, or absent. Versions are
runs of equal values over a company's sorted snapshot dates; a run ends (``valid_to``,
exclusive) at the first date the fact is absent or its values differ. Because versions are
rebuilt from observations, loading snapshots out of order or twice gives the same versions.

Facts loaded without ``--snapshot`` (``valid_from`` null) are observed at
:data:`~guanxi.graph.history.MIN_DATE`, "before every snapshot".

Examples
--------
>>> from datetime import date
>>> f = ("Person", "p1", "c1", None)
>>> obs = {date(2020, 5, 9): {f: {"pct": 30.0}}, date(2020, 9, 30): {f: {"pct": 35.0}}}
>>> [(str(v.valid_from), str(v.valid_to), v.props["pct"]) for v in rebuild(obs, ("pct",))[f]]
[('2020-05-09', '2020-09-30', 30.0), ('2020-09-30', 'None', 35.0)]
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from guanxi.graph.history import MIN_DATE
from guanxi.graph.schema import HistorySpec

__all__ = ["Fact", "Version", "observe", "rebuild", "changes_between", "same_versions"]

log = logging.getLogger(__name__)

#: (start label, start id, end id, key value)
Fact = tuple[str, str, str, str | None]
Observation = dict[Fact, dict[str, Any]]


@dataclass(frozen=True)
class Version:
    """One version of a fact: valid from ``valid_from`` (None: before every snapshot) to
    ``valid_to`` (exclusive; None: still current), with its properties."""

    fact: Fact
    valid_from: date | None
    valid_to: date | None
    props: dict[str, Any] = field(default_factory=dict, compare=False)

    def covers(self, d: date) -> bool:
        return (self.valid_from or MIN_DATE) <= d and (self.valid_to is None or d < self.valid_to)


def observe(versions: list[Version], dates: list[date]) -> dict[date, Observation]:
    """What the stored versions say was observed at each of ``dates``."""
    return {d: {v.fact: v.props for v in versions if v.covers(d)} for d in dates}


def _signature(props: dict[str, Any], values: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(round(v, 6) if isinstance(v, float) else v for v in map(props.get, values))


def rebuild(obs: dict[date, Observation], values: tuple[str, ...]) -> dict[Fact, list[Version]]:
    """Versions from observations: for each fact, the runs of equal ``values`` over the
    sorted dates. A run's properties are those of its last observation."""
    dates = sorted(obs)
    facts = {f for o in obs.values() for f in o}
    out: dict[Fact, list[Version]] = {}
    for f in sorted(facts, key=lambda x: tuple("" if p is None else p for p in x)):
        runs: list[Version] = []
        start: date | None = None
        last: dict[str, Any] = {}
        sig: tuple[Any, ...] | None = None
        for d in dates:
            props = obs[d].get(f)
            now = None if props is None else _signature(props, values)
            if start is not None and now != sig:
                runs.append(Version(f, None if start == MIN_DATE else start, d, last))
                start = None
            if props is not None:
                if start is None:
                    start, sig = d, now
                last = props
        if start is not None:
            runs.append(Version(f, None if start == MIN_DATE else start, None, last))
        out[f] = runs
    return out


def same_versions(a: list[Version], b: list[Version]) -> bool:
    """Whether two version lists are equal, properties included."""
    return [(v.valid_from, v.valid_to, v.props) for v in a] == [
        (v.valid_from, v.valid_to, v.props) for v in b
    ]


def changes_between(
    before: Observation,
    after: Observation,
    *,
    company_id: str,
    on: date,
    prev: date | None,
    rel_type: str,
    spec: HistorySpec,
    threshold: float,
) -> list[dict[str, Any]]:
    """The change events of one company from one observation to the next: a fact that
    entered, one that left, and a move of ``spec.changed`` of at least ``threshold``
    points. Events are dicts with the ``Change`` node's properties (``id`` a hash)."""
    out: list[dict[str, Any]] = []
    kinds = spec.events

    def event(kind: str, f: Fact, b: float | None, a: float | None) -> None:
        ident = "|".join(map(str, (company_id, on, kind, rel_type, f[0], f[1], f[3])))
        out.append({
            "id": hashlib.sha1(ident.encode()).hexdigest()[:20], "company_id": company_id,
            "date": on, "prev_date": prev, "kind": kind, "rel_type": rel_type,
            "party_id": f[1], "party_label": f[0], "rel_key": f[3], "before": b, "after": a,
        })  # fmt: skip

    key = spec.changed
    for f in sorted(set(before) | set(after), key=lambda x: (x[1], x[0], str(x[3]))):
        b, a = before.get(f), after.get(f)
        bv = None if b is None or key is None else b.get(key)
        av = None if a is None or key is None else a.get(key)
        if b is None and "entered" in kinds:
            event(kinds["entered"], f, None, av)
        elif a is None and "left" in kinds:
            event(kinds["left"], f, bv, None)
        elif (
            "changed" in kinds and bv is not None and av is not None and av != bv
            and abs(av - bv) >= threshold - 1e-9
        ):  # fmt: skip
            event(kinds["changed"], f, bv, av)
    return out
