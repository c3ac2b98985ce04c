"""Synthetic campaign outcomes with known true effects, for checking effect statistics.

:func:`simulate_campaign` plays a campaign out on a synthetic bank: each treatment task is
worked (touches over the window through the path captured with it, logged through the
touch service, so ``KNOWS`` learns too), and every target — control included — converts
with a known probability; conversions are loaded as new ``CUSTOMER_OF`` (through the
loaders) and linked by :func:`~guanxi.campaigns.steer.detect_conversions`. The truth goes
to ``ground_truth.json`` under ``campaigns.<id>``, with each target's touch outcomes (the
effect benchmark counts the funnel from them).

The model (:func:`conversion_probability`): a control target converts with
``p0 = σ(β0)``; a treatment target that was worked with
``σ(β0 + β_channel + β_path · s + β_intimacy · i)``, where ``s`` is the captured path's
strength and ``i`` the intimacy of its first hop (the RM's own tie). A treatment target
that was never worked (probability ``1 − work_rate``) converts like a control one. The
intention-to-treat effect is the mean of ``p_i − p0`` over the treatment arm.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from guanxi.access.campaigns import TaskScope
from guanxi.campaigns.steer import detect_conversions
from guanxi.campaigns.touches import ROW_FILE, write_rows
from guanxi.campaigns.views import tasks
from guanxi.graph.gateway import Gateway
from guanxi.loaders.load import load_frames

__all__ = ["TrueEffects", "conversion_probability", "simulate_campaign"]

log = logging.getLogger(__name__)
_CST = timezone(timedelta(hours=8))
MODEL = "p = sigmoid(baseline + channel + path*s + intimacy*i) if worked else sigmoid(baseline)"


@dataclass(frozen=True)
class TrueEffects:
    """The coefficients of the conversion model (log-odds)."""

    baseline: float = -2.944  # σ = 5 %
    channel: dict[str, float] = field(
        default_factory=lambda: {
            "visit": 1.2, "introduction": 1.0, "WeChat": 0.8, "phone": 0.6,
            "event invitation": 0.5, "introduction by a partner": 0.7,
            "online-banking message": 0.2,
        }
    )  # fmt: skip
    path: float = 3.0
    intimacy: float = 1.5
    work_rate: float = 0.85


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def conversion_probability(
    eff: TrueEffects, worked: bool, channel: str | None, strength: float, intimacy: float
) -> float:
    """The true conversion probability of one target (module docstring).

    Examples
    --------
    >>> round(conversion_probability(TrueEffects(), False, None, 0, 0), 3)
    0.05
    """
    if not worked:
        return _sigmoid(eff.baseline)
    z = eff.baseline + eff.channel.get(channel or "", 0.3) + eff.path * strength
    return _sigmoid(z + eff.intimacy * intimacy)


def _first_hop(approach: dict[str, Any]) -> float:
    paths = approach.get("paths") or []
    return float(paths[0]["hops"][0]["intimacy"]) if paths and paths[0]["hops"] else 0.0


def simulate_campaign(
    client: Gateway,
    ts: TaskScope,
    campaign: str,
    seed: int = 7,
    today: date | None = None,
    eff: TrueEffects | None = None,
    ground_truth: Path | None = None,
) -> dict[str, Any]:
    """Play ``campaign`` out (touches, conversions) and return (and, with ``ground_truth``,
    merge into that file) the true effects and each target's true probability."""
    eff = eff or TrueEffects()
    rng = np.random.default_rng(seed)
    today = today or date.today()
    rows = client.read("campaigns.sim_targets", campaign=campaign)
    view = {t.company_id: t for t in tasks(client, ts, campaign, limit=1_000_000)}
    start = min((r["start"].to_native() for r in rows), default=today)
    span = max(1, (today - start).days)
    touches, converted, truth = [], [], []
    p0 = _sigmoid(eff.baseline)
    for r in rows:
        t = view.get(r["company"])
        worked = t is not None and r["arm"] == "treatment" and rng.random() < eff.work_rate
        approach = t.approach if t else {}
        best = (approach.get("paths") or [None])[0]
        channel = best["channel"] if best else "phone"
        strength = min(1.0, float(best["score"])) if best else 0.0
        intimacy = _first_hop(approach)
        p = conversion_probability(eff, worked, channel, strength, intimacy)
        conv = bool(rng.random() < p)
        day = start + timedelta(days=int(rng.integers(0, span)))
        outcomes: list[str] = []
        if worked and t is not None:
            person = (approach.get("key_contact") or {}).get("person_id")
            for k in range(int(rng.integers(1, 4))):
                outcome = (
                    "converted"
                    if conv and k == 0
                    else str(rng.choice(["contacted", "meeting", "interested", "no_answer"]))
                )
                outcomes.append(outcome)
                at = datetime.combine(day - timedelta(days=k), time(10), _CST)
                touches.append({"task_id": t.id, "person_id": person, "at": at.isoformat(),
                                "channel": channel, "outcome": outcome,
                                "path": ">".join(best["node_ids"]) if best else None})  # fmt: skip
        if conv:
            branch = r["branch"]
            converted.append({"company_id": r["company"], "branch_id": branch,
                              "since": str(day), "business_line": "corporate"})  # fmt: skip
        truth.append({"company": r["company"], "arm": r["arm"], "worked": worked, "p": p,
                      "p_control": p0, "converted": conv,
                      "channel": channel if worked else None,
                      "outcomes": outcomes})  # fmt: skip
    if touches:
        df = pd.DataFrame(touches)
        df["_row"] = range(2, len(df) + 2)
        df[ROW_FILE] = "simulated"
        write_rows(client, ts, df.astype(object).where(df.notna(), None), "simulated")
    if converted:
        load_frames(client, {"customers": pd.DataFrame(converted)}, source=f"simulated/{campaign}")
    detect_conversions(client, ts, campaign)
    treat = [x for x in truth if x["arm"] == "treatment"]
    by_channel: dict[str, list[float]] = {}
    for x in treat:
        if x["worked"]:
            by_channel.setdefault(x["channel"], []).append(x["p"] - p0)
    out = {
        "model": MODEL,
        "coefficients": asdict(eff),
        "seed": seed,
        "p_control": p0,
        "ate_itt": float(np.mean([x["p"] - p0 for x in treat])) if treat else 0.0,
        "att_worked": float(np.mean([x["p"] - p0 for x in treat if x["worked"]] or [0.0])),
        "by_channel": {c: float(np.mean(v)) for c, v in sorted(by_channel.items())},
        "targets": truth,
    }
    if ground_truth is not None:
        data = json.loads(ground_truth.read_text()) if ground_truth.exists() else {}
        data.setdefault("campaigns", {})[campaign] = out
        ground_truth.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str))
    return out
