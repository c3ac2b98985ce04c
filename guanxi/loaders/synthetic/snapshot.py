"""A second snapshot of a generated network, with known changes (docs/time.md).

:func:`second_snapshot` reads a generated folder's ``shareholdings.csv`` and
``positions.csv`` and writes ``snapshot_<date>/`` with the full state of both on a later
date, in which a share of companies changed: a holder's stake fell by 2–10 points and a
new holder took those points (``stake_changed`` + ``holder_entered``), a holder left
(``holder_left``), an executive left (``executive_left``), a person was appointed
(``executive_appointed``). Each company changes in one way only, and only companies that
keep at least one holder and one position change (a company with no rows in a snapshot is
not reported on, so nothing of it would close). The changes are added to
``ground_truth.json`` under ``snapshot_changes``, for recall and precision of the change
events of ``guanxi load snapshot_<date> --snapshot <date>``.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["second_snapshot"]

log = logging.getLogger(__name__)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def second_snapshot(
    folder: Path | str, on: date, *, seed: int = 7, share: float = 0.05
) -> dict[str, Any]:
    """Write ``folder/snapshot_<on>/`` and record its changes in ``ground_truth.json``.
    Returns the ground-truth entry ``{date, folder, changes: [...]}``."""
    folder = Path(folder)
    rng = np.random.default_rng(seed + 1009)
    h, p = _read(folder / "shareholdings.csv"), _read(folder / "positions.csv")
    h["_pct"] = h["pct"].astype(float)
    n_h, n_p = h.groupby("company_id").size(), p.groupby("company_id").size()
    eligible = sorted(set(n_h[n_h >= 2].index) & set(n_p[n_p >= 2].index))
    picked = rng.permutation(eligible)[: max(4, int(len(eligible) * share))]
    kinds = np.array(["stake", "left", "exec_left", "exec_new"])[np.arange(len(picked)) % 4]
    changes: list[dict[str, Any]] = []
    drop_h: list[int] = []
    drop_p: list[int] = []
    add_h: list[dict[str, str]] = []
    add_p: list[dict[str, str]] = []
    persons = p["person_id"].unique()
    holders_of = h.groupby("company_id").groups
    roles_of = p.groupby("company_id").groups
    for company, kind in zip(picked.tolist(), kinds.tolist(), strict=True):
        rows = h.loc[holders_of[company]]
        prow = p.loc[roles_of[company]]
        if kind == "stake":
            big = rows[rows["_pct"] >= 5]
            if big.empty:
                continue
            i = int(rng.choice(big.index))
            before = float(h.at[i, "_pct"])
            delta = round(float(rng.uniform(2, min(10, before - 1))), 2)
            newcomer = str(rng.choice(persons))
            if newcomer in set(rows["holder_id"]):
                continue
            h.at[i, "pct"] = f"{before - delta:.2f}"
            add_h.append({"holder_id": newcomer, "holder_type": "Person",
                          "company_id": company, "pct": f"{delta:.2f}", "amount": "",
                          "as_of": on.isoformat()})  # fmt: skip
            changes += [
                _change(company, "stake_changed", h.at[i, "holder_id"], None, before,
                        round(before - delta, 2)),
                _change(company, "holder_entered", newcomer, None, None, delta),
            ]  # fmt: skip
        elif kind == "left":
            i = int(rng.choice(rows.index))
            drop_h.append(i)
            changes.append(_change(company, "holder_left", h.at[i, "holder_id"], None,
                                   float(h.at[i, "_pct"]), None))  # fmt: skip
        elif kind == "exec_left":
            i = int(rng.choice(prow.index))
            drop_p.append(i)
            changes.append(_change(company, "executive_left", p.at[i, "person_id"],
                                   p.at[i, "role"], None, None))  # fmt: skip
        else:
            person = str(rng.choice(persons))
            if ((prow["person_id"] == person) & (prow["role"] == "supervisor")).any():
                continue
            add_p.append({"person_id": person, "company_id": company, "role": "supervisor",
                          "since": on.isoformat(), "until": ""})  # fmt: skip
            changes.append(_change(company, "executive_appointed", person, "supervisor",
                                   None, None))  # fmt: skip
    h2 = pd.concat([h.drop(index=drop_h), pd.DataFrame(add_h)], ignore_index=True)
    p2 = pd.concat([p.drop(index=drop_p), pd.DataFrame(add_p)], ignore_index=True)
    out = folder / f"snapshot_{on.isoformat()}"
    out.mkdir(exist_ok=True)
    h2.drop(columns="_pct").fillna("").to_csv(out / "shareholdings.csv", index=False)
    p2.fillna("").to_csv(out / "positions.csv", index=False)
    changes.sort(key=lambda c: (c["company"], c["kind"], c["party"]))
    entry = {"date": on.isoformat(), "folder": out.name, "changes": changes}
    truth_path = folder / "ground_truth.json"
    truth = json.loads(truth_path.read_text(encoding="utf-8")) if truth_path.exists() else {}
    truth["snapshot_changes"] = entry
    truth_path.write_text(json.dumps(truth, ensure_ascii=False) + "\n", encoding="utf-8")
    log.info("second snapshot %s: %d changes in %d companies", on, len(changes), len(picked))
    return entry


def _change(
    company: str, kind: str, party: str, key: str | None, before: float | None,
    after: float | None,
) -> dict[str, Any]:  # fmt: skip
    return {"company": company, "kind": kind, "party": party, "key": key,
            "before": before, "after": after}  # fmt: skip
