"""The arrays of the contact-path index from the party frames: the undirected CSR of adjacent
pairs with each pair's edge intimacy, and the stored key contacts relative to each company's
top one. :meth:`guanxi.scoring.path_index.PathIndex.from_frames` calls them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date

import numpy as np
import pandas as pd

from guanxi.scoring.evidence import relationship_term
from guanxi.scoring.projection import EDGE_PROPS, edge_props

__all__ = ["pair_csr", "relative_key_contacts"]

log = logging.getLogger(__name__)


def pair_csr(
    edges: pd.DataFrame, pos: dict[str, int], n: int, today: date
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each party's ``degree`` (relationships) and the undirected CSR (``indptr``,
    ``indices``, ``strength``) of the pairs the relationships in ``edges`` (source_id,
    target_id, rel_type and :data:`~guanxi.scoring.projection.EDGE_PROPS`) join, the ``n``
    parties numbered by ``pos`` (relationships of other parties and self-loops left out).

    Notes
    -----
    A pair's strength is its edge intimacy, ``1 - prod(1 - term)`` over the relationships
    joining it (:func:`~guanxi.scoring.evidence.relationship_term`: ``w·s`` of each one's
    evidence), as :func:`~guanxi.scoring.intimacy.edge_intimacy` computes it for one pair.
    """
    s = edges["source_id"].map(pos)
    t = edges["target_id"].map(pos)
    ok = (s.notna() & t.notna()).to_numpy()
    s, t = s.to_numpy()[ok].astype(np.int64), t.to_numpy()[ok].astype(np.int64)
    degree = np.bincount(s, minlength=n) + np.bincount(t, minlength=n)
    cols = [c for c in EDGE_PROPS if c in edges.columns]
    rows = edges.loc[ok, ["rel_type", *cols]].itertuples(index=False, name=None)
    term = np.array(
        [relationship_term(r, edge_props(dict(zip(cols, v, strict=True))), today)
         for r, *v in rows],
        dtype=np.float64,
    )  # fmt: skip
    a, b = np.minimum(s, t), np.maximum(s, t)
    pair = a * n + b
    uniq, inv = np.unique(pair[a != b], return_inverse=True)
    miss = np.ones(len(uniq))
    np.multiply.at(miss, inv, 1.0 - term[a != b])
    ua, ub, w = uniq // n, uniq % n, 1.0 - miss
    src, dst = np.concatenate([ua, ub]), np.concatenate([ub, ua])
    ww = np.concatenate([w, w]).astype(np.float32)
    order = np.lexsort((dst, src))
    src, dst, ww = src[order], dst[order], ww[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return degree.astype(np.int32), indptr, dst.astype(np.int32), ww


def relative_key_contacts(
    key_contacts: pd.DataFrame, pos: dict[str, int]
) -> dict[int, dict[int, float]]:
    """Stored key contacts (``company_id``, ``person_id``, ``score``) by company position:
    person position → score relative to the company's top key contact (0–1]."""
    kc: dict[int, dict[int, float]] = defaultdict(dict)
    for c, p, sc in zip(
        key_contacts.get("company_id", []),
        key_contacts.get("person_id", []),
        key_contacts.get("score", []),
        strict=True,
    ):
        if c in pos and p in pos:
            kc[pos[c]][pos[p]] = max(float(sc or 0.0), 0.0)
    for c, people in kc.items():
        top = max(people.values())
        kc[c] = {p: (v / top if top > 0 else 1.0) for p, v in people.items()}
    return dict(kc)
