"""The held-out relationships: true edges kept out of the files, for link prediction.

About ``held_out_share`` of all HOLDS_SHARES, SERVES_AS (person–company pairs: every
role of the pair goes), SUPPLIES and KNOWS relationships are drawn uniformly from the
eligible ones and removed. Not eligible: controlling stakes (ownership penetration
must still find every actual controller) and any position or stake linking a decision
maker to their company (the key-contact ground truth must stay reachable).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from guanxi.loaders.synthetic.world import World

__all__ = ["hold_out"]

log = logging.getLogger(__name__)


def hold_out(w: World, dms: pd.DataFrame) -> pd.DataFrame:
    """Remove the held-out edges from ``w.frames`` and return them.

    Returns
    -------
    pandas.DataFrame
        Columns ``type`` (relationship type), ``src``, ``dst`` (integer endpoints) and
        ``src_kind`` (``company``, ``person`` or ``rm``).
    """
    rng = w.rng("holdout")
    n = w.n
    dm_key = dms["person"].to_numpy() * n + dms["company"].to_numpy()
    h = w.frames["holdings"]
    pos = w.frames["positions"]
    pairs = pos[["person", "company"]].drop_duplicates().reset_index(drop=True)
    sup = w.frames["supply"]
    con = w.frames["contacts"]

    h_ok = ~h["controlling"].to_numpy() & ~(
        ~h["holder_co"].to_numpy()
        & np.isin(h["holder"].to_numpy() * n + h["company"].to_numpy(), dm_key)
    )
    p_ok = ~np.isin(pairs["person"].to_numpy() * n + pairs["company"].to_numpy(), dm_key)
    pools = [
        ("HOLDS_SHARES", np.flatnonzero(h_ok)),
        ("SERVES_AS", np.flatnonzero(p_ok)),
        ("SUPPLIES", np.arange(len(sup))),
        ("KNOWS", np.arange(len(con))),
    ]
    total = len(h) + len(pairs) + len(sup) + len(con)
    k = int(round(w.cfg.held_out_share * total))
    sizes = np.array([len(p[1]) for p in pools])
    pick = np.sort(rng.choice(int(sizes.sum()), min(k, int(sizes.sum())), replace=False))
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    chosen = {
        name: rows[pick[(pick >= offsets[i]) & (pick < offsets[i + 1])] - offsets[i]]
        for i, (name, rows) in enumerate(pools)
    }

    out = []
    hh = h.iloc[chosen["HOLDS_SHARES"]]
    out.append(pd.DataFrame({"type": "HOLDS_SHARES", "src": hh["holder"].to_numpy(),
                             "src_kind": np.where(hh["holder_co"], "company", "person"),
                             "dst": hh["company"].to_numpy()}))  # fmt: skip
    w.frames["holdings"] = h.drop(h.index[chosen["HOLDS_SHARES"]]).reset_index(drop=True)

    pp = pairs.iloc[chosen["SERVES_AS"]]
    out.append(pd.DataFrame({"type": "SERVES_AS", "src": pp["person"].to_numpy(),
                             "src_kind": "person", "dst": pp["company"].to_numpy()}))  # fmt: skip
    gone = np.isin(pos["person"].to_numpy() * n + pos["company"].to_numpy(),
                   pp["person"].to_numpy() * n + pp["company"].to_numpy())  # fmt: skip
    w.frames["positions"] = pos[~gone].reset_index(drop=True)

    ss = sup.iloc[chosen["SUPPLIES"]]
    out.append(pd.DataFrame({"type": "SUPPLIES", "src": ss["supplier"].to_numpy(),
                             "src_kind": "company", "dst": ss["buyer"].to_numpy()}))  # fmt: skip
    w.frames["supply"] = sup.drop(sup.index[chosen["SUPPLIES"]]).reset_index(drop=True)

    cc = con.iloc[chosen["KNOWS"]]
    out.append(pd.DataFrame({"type": "KNOWS", "src": cc["source"].to_numpy(),
                             "src_kind": np.where(cc["source_is_rm"], "rm", "person"),
                             "dst": cc["person"].to_numpy()}))  # fmt: skip
    w.frames["contacts"] = con.drop(con.index[chosen["KNOWS"]]).reset_index(drop=True)
    held = pd.concat(out, ignore_index=True)
    log.debug("held out %d of %d edges", len(held), total)
    return held
