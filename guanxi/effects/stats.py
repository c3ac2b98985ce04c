"""A campaign's effect statistics (docs/effects.md): the funnel, conversion rates with
Wilson intervals per breakdown, the uplift against the control arm, warm against cold
approaches, time to conversion and booked value.

:func:`campaign_stats` reads two queries (the per-target rows, what the paths start at),
builds the per-target frame (:mod:`~guanxi.effects.targets`) and hands it to the pure
:func:`compute_stats`. Results are cached per caller scope for one graph version, like the
campaign view (docs/architecture.md, "Caches").
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from datetime import date

import pandas as pd

from guanxi.access.campaigns import TaskScope
from guanxi.effects.statistics import kaplan_meier, uplift, wilson, wilson_many
from guanxi.effects.targets import target_frame, to_date
from guanxi.errors import InvalidData, NotFound
from guanxi.graph.gateway import Gateway
from guanxi.graph.version import watch_for
from guanxi.records import BREAKDOWNS, OUTCOME_RANK, STATS_FUNNEL, CampaignStats, GroupStats

__all__ = [
    "funnel",
    "breakdown",
    "compute_stats",
    "campaign_stats",
    "read_frame",
    "across_campaigns",
    "POOLED",
]

#: the id of the pooled statistics of several campaigns (:func:`across_campaigns`)
POOLED = "ALL"

log = logging.getLogger(__name__)
_CACHE: OrderedDict[tuple, CampaignStats] = OrderedDict()
_LOCK = threading.Lock()
_COLUMN = {"channel": "channel", "path_type": "path_type", "branch": "branch", "rm": "rm",
           "introducer_kind": "introducer_kind", "product": "product",
           "campaign": "campaign"}  # fmt: skip


def funnel(df: pd.DataFrame) -> dict[str, int]:
    """Targets per stage of :data:`~guanxi.records.STATS_FUNNEL`.

    Notes
    -----
    ``targets``: rows; ``touched``: at least one touch; ``meeting`` / ``interested``: the
    best touch outcome ranks there or later (``OUTCOME_RANK``: converted above interested
    above meeting); ``converted``: a conversion is linked (with or without a touch).
    """
    return {
        "targets": int(len(df)),
        "touched": int(df["touched"].sum()),
        "meeting": int((df["best"] >= 3).sum()),
        "interested": int((df["best"] >= 4).sum()),
        "converted": int(df["converted"].sum()),
    }


def breakdown(df: pd.DataFrame, by: str) -> tuple[GroupStats, ...]:
    """Funnel, rate (Wilson) and booked value per value of ``by`` (:data:`BREAKDOWNS`);
    ``untouched`` for a target without a touch (channel, path type), ``none`` where the
    value is missing. Groups largest first. One grouped aggregation, one vectorised
    interval call: a breakdown by RM of 10,000 targets is a few milliseconds."""
    if by not in _COLUMN:
        raise InvalidData(f"No breakdown {by!r}; one of {', '.join(BREAKDOWNS)}")
    col = df[_COLUMN[by]]
    if by in ("channel", "path_type"):
        col = col.where(df["touched"], "untouched")
    keys = col.astype(object).where(col.notna(), "none").astype(str)
    flags = pd.DataFrame({"targets": 1, "touched": df["touched"].to_numpy(int),
                          "meeting": (df["best"] >= 3).to_numpy(int),
                          "interested": (df["best"] >= 4).to_numpy(int),
                          "converted": df["converted"].to_numpy(int),
                          "value": df["value"].to_numpy(float)}, index=keys.to_numpy())  # fmt: skip
    agg = flags.groupby(level=0, sort=True).sum()
    rates = wilson_many(agg["converted"].to_numpy(int), agg["targets"].to_numpy(int))
    out = [
        GroupStats(str(key), {s: int(r[s]) for s in STATS_FUNNEL}, rate, float(r["value"]))
        for key, r, rate in zip(agg.index, agg.to_dict("records"), rates, strict=True)
    ]
    return tuple(sorted(out, key=lambda g: (-g.funnel["targets"], g.key)))


def compute_stats(
    df: pd.DataFrame,
    cid: str,
    name: str,
    as_of: date,
    control_visible: bool,
    by: tuple[str, ...] = BREAKDOWNS,
) -> CampaignStats:
    """The statistics of one campaign from its per-target frame (pure).

    The treatment arm gives the funnel and the breakdowns; the control arm (when the
    caller may see it) the uplift ``treatment − control``; inside the treatment arm,
    touched targets approached through a path against those approached cold give the
    observational ``warm_vs_cold``.
    """
    t = df[df["arm"] == "treatment"]
    c = df[df["arm"] == "control"]
    ft = funnel(t)
    treat = wilson(ft["converted"], ft["targets"])
    ctrl = wilson(int(c["converted"].sum()), len(c)) if control_visible else None
    up = uplift(ft["converted"], ft["targets"], ctrl.k, ctrl.n) if ctrl else None
    touched = t[t["touched"]]
    warm, cold = touched[touched["path_type"] != "cold"], touched[touched["path_type"] == "cold"]
    wvc = uplift(int(warm["converted"].sum()), len(warm), int(cold["converted"].sum()),
                 len(cold), observational=True, label="warm path − cold")  # fmt: skip
    return CampaignStats(
        campaign_id=cid, campaign_name=name, as_of=str(as_of), funnel=ft, treatment=treat,
        control=ctrl, uplift=up, warm_vs_cold=wvc,
        time_treatment=kaplan_meier(t["days"].tolist(), t["converted"].tolist()),
        time_control=kaplan_meier(c["days"].tolist(), c["converted"].tolist())
        if control_visible else None,
        booked_value=float(t["value"].sum()),
        breakdowns={b: breakdown(t, b) for b in by},
    )  # fmt: skip


def read_frame(client: Gateway, ts: TaskScope, cid: str, today: date | None = None) -> tuple:
    """``(campaign row, per-target frame)`` of a campaign as the caller may see it.

    Raises
    ------
    NotFound
        When the campaign does not exist or the caller sees neither it nor a task of it.
    """
    today = today or date.today()
    found = client.read("campaigns.get", id=cid, **ts.params())
    if not found:
        raise NotFound(f"No campaign {cid!r}")
    row = found[0]
    rows = client.read("effects.campaign_rows", campaign=cid, rank=OUTCOME_RANK, **ts.params())
    if not row["owner_in_scope"] and not rows:
        raise NotFound(f"No campaign {cid!r}")
    paths = [(r["approach"] or {}).get("path_ids") or [] for r in rows]
    heads = {p[i] for p in paths for i in (0, 1) if len(p) > i}
    kinds = {k["id"]: k for k in client.read("effects.path_nodes", ids=sorted(heads))}
    camp = row["c"]
    start = to_date(camp.get("start")) or today
    end = min(today, to_date(camp.get("end")) or today)
    return row, target_frame(rows, kinds, start, max(start, end))


def campaign_stats(
    client: Gateway,
    ts: TaskScope,
    cid: str,
    today: date | None = None,
    by: tuple[str, ...] = BREAKDOWNS,
) -> CampaignStats:
    """A campaign's statistics as the caller may see them (their tasks; the control arm
    only when the owner branch is in their scope), cached per scope and graph version."""
    today = today or date.today()
    version = watch_for(client).current(client)
    key = (cid, repr(sorted(ts.params().items())), today, by, version)
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    row, df = read_frame(client, ts, cid, today)
    res = compute_stats(df, cid, row["c"].get("name") or cid, today,
                        bool(row["owner_in_scope"]), by)  # fmt: skip
    with _LOCK:
        _CACHE[key] = res
        while len(_CACHE) > 256:
            _CACHE.popitem(last=False)
    return res


def across_campaigns(
    client: Gateway,
    ts: TaskScope,
    ids: list[str] | None = None,
    today: date | None = None,
    by: tuple[str, ...] = BREAKDOWNS,
) -> CampaignStats:
    """The statistics of several campaigns pooled — every campaign the caller sees when
    ``ids`` is None: the funnel, rates with Wilson intervals, warm against cold, time to
    conversion and booked value over their treatment arms as the caller may see them, with
    each breakdown of ``by`` and one per campaign.

    No pooled uplift: a campaign's control arm answers only for its own targets, and
    pooling arms of campaigns with different control shares and base rates can reverse the
    effect (Simpson's paradox); each campaign's uplift comes from :func:`campaign_stats`.

    Raises
    ------
    NotFound
        When one of ``ids`` is not a campaign the caller sees, or they see none.
    """
    today = today or date.today()
    if ids is None:
        ids = [r["c"]["id"] for r in client.read("campaigns.list", **ts.params())]
    if not ids:
        raise NotFound("No campaign in your scope")
    frames = [read_frame(client, ts, cid, today)[1].assign(campaign=cid) for cid in ids]
    df = pd.concat(frames, ignore_index=True)
    name = f"{len(ids)} campaigns: {', '.join(ids[:5])}{' …' if len(ids) > 5 else ''}"
    return compute_stats(df, POOLED, name, today, False, (*by, "campaign"))
