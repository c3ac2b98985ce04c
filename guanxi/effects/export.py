"""Excel and CSV exports of effect statistics and settlements (docs/effects.md): the same
records the API returns, one sheet per breakdown, written with openpyxl through pandas."""

from __future__ import annotations

import io
import json
import logging

import pandas as pd

from guanxi.records import CampaignStats, Settlement

__all__ = ["stats_sheets", "stats_excel", "entries_frame", "settlement_excel", "entries_csv"]

log = logging.getLogger(__name__)


def _rate_cols(d: dict) -> dict:
    r = d.pop("rate")
    return {**d, "rate": r["rate"], "rate_low": r["low"], "rate_high": r["high"]}


def stats_sheets(stats: CampaignStats) -> dict[str, pd.DataFrame]:
    """The sheets of a campaign's statistics: ``summary`` (funnel, rates, uplifts, median
    days), ``time_to_conversion`` and one ``by_<breakdown>`` sheet per breakdown."""
    d = stats.to_dict()
    rows = [{"item": f"funnel: {s['stage']}", "value": s["count"]} for s in d["funnel"]]
    for name in ("treatment", "control"):
        r = d[name]
        if r:
            rows += [{"item": f"{name} {k}", "value": r[k]} for k in ("k", "n", "rate", "low",
                                                                       "high")]  # fmt: skip
    for name in ("uplift", "warm_vs_cold"):
        u = d[name]
        if u:
            rows += [{"item": f"{name} {k}", "value": u[k]} for k in ("diff", "low", "high",
                                                                       "p_value")]  # fmt: skip
            if u["note"]:
                rows.append({"item": f"{name} caution", "value": u["note"]})
    rows.append({"item": "booked value (CNY)", "value": d["booked_value"]})
    rows.append({"item": "median days to conversion (treatment)",
                 "value": d["time_treatment"]["median"]})  # fmt: skip
    sheets = {"summary": pd.DataFrame(rows, columns=["item", "value"])}
    km = [{"arm": arm, "days": t, "not_converted": p}
          for arm in ("treatment", "control") if d[f"time_{arm}"]
          for t, p in d[f"time_{arm}"]["steps"]]  # fmt: skip
    sheets["time_to_conversion"] = pd.DataFrame(km, columns=["arm", "days", "not_converted"])
    for by, groups in d["breakdowns"].items():
        sheets[f"by_{by}"] = pd.DataFrame([_rate_cols(dict(g)) for g in groups])
    return sheets


def _excel(sheets: dict[str, pd.DataFrame]) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in sheets.items():
            df.to_excel(xw, sheet_name=name[:31], index=False)
    return buf.getvalue()


def stats_excel(stats: CampaignStats) -> bytes:
    """An .xlsx workbook of :func:`stats_sheets`."""
    return _excel(stats_sheets(stats))


def entries_frame(s: Settlement) -> pd.DataFrame:
    """A settlement's ledger entries, one row each, the explanation as JSON text."""
    rows = []
    for e in s.entries:
        d = e.to_dict()
        d["explanation"] = json.dumps(d["explanation"], ensure_ascii=False, default=str)
        rows.append(d)
    cols = ["id", "month", "conversion_id", "campaign_id", "branch", "role", "cents", "rule",
            "kind", "corrects", "payer", "explanation"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def entries_csv(s: Settlement) -> str:
    """The entries as CSV (UTF-8 with a BOM, so Excel reads the Chinese names)."""
    return "\ufeff" + entries_frame(s).to_csv(index=False)


def settlement_excel(s: Settlement) -> bytes:
    """An .xlsx workbook: ``entries`` and ``transfers`` (net, per branch pair)."""
    tr = pd.DataFrame([t.to_dict() for t in s.transfers], columns=["payer", "payee", "cents"])
    return _excel({"entries": entries_frame(s), "transfers": tr})
