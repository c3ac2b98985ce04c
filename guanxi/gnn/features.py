"""The GNN feature spec: how node and edge properties become numbers.

Pure functions on DataFrames (no database), so the spec is testable and the same code
encodes rows exported from Neo4j and rows read from CSV files.

Company features (``company_dim`` columns, float32):

=====================  ====================================================================
block                  encoding
=====================  ====================================================================
industry               one-hot of CRC-32(industry) mod ``industry_buckets`` (64)
region                 one-hot of CRC-32(region) mod ``region_buckets`` (32)
tags                   multi-hot over :data:`KNOWN_TAGS`, other tags hashed into 4 buckets
size                   log1p(registered_capital), log1p(revenue), log1p(employees), each / 20
rd_intensity           the value (0-1), 0 when missing
founded                (year - 2000) / 25, plus a "missing" flag
flags                  listed, nominee
centrality             percentile rank of ``pagerank`` and ``betweenness`` (0 when absent)
=====================  ====================================================================

Person features: nominee flag, (birth_year - 1970) / 30 with a missing flag. Degree
statistics (log1p of the in- and out-degree per relationship type) are appended to every
node type by :func:`degree_features` once the edges are known. Edge features are
``pct / 100``, ``log1p(amount) / 20`` and ``share`` (0 where a type lacks the property).
Hashing (CRC-32, never Python's salted ``hash``) keeps the width fixed whatever the
vocabulary, so a model trained on one snapshot reads the next.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

__all__ = [
    "FeatureSpec",
    "KNOWN_TAGS",
    "company_features",
    "person_features",
    "edge_features",
    "degree_features",
    "bucket",
]

log = logging.getLogger(__name__)

KNOWN_TAGS: tuple[str, ...] = ("high_tech", "specialized_sme", "exporter", "listed")


@dataclass(frozen=True)
class FeatureSpec:
    """Widths of the hashed blocks; saved in every model card."""

    industry_buckets: int = 64
    region_buckets: int = 32
    other_tag_buckets: int = 4

    @property
    def company_dim(self) -> int:
        """Width of the company feature vector before degree statistics."""
        tags = len(KNOWN_TAGS) + self.other_tag_buckets
        return self.industry_buckets + self.region_buckets + tags + 3 + 1 + 2 + 2 + 2

    def to_dict(self) -> dict[str, int]:
        """The spec as plain data (for the model card)."""
        return asdict(self)


def bucket(values: Iterable[object], n: int) -> np.ndarray:
    """CRC-32 bucket of each value's string (``-1`` for missing values)."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v == "":
            out.append(-1)
        else:
            out.append(zlib.crc32(str(v).encode("utf-8")) % n)
    return np.asarray(out, dtype=np.int64)


def _one_hot(idx: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros((len(idx), n), dtype=np.float32)
    ok = idx >= 0
    out[np.nonzero(ok)[0], idx[ok]] = 1.0
    return out


def _num(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=np.float64)


def _flag(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df:
        return np.zeros(len(df), dtype=np.float32)
    s = df[col].map(lambda v: str(v).lower() in {"true", "1", "yes"} if v is not None else False)
    return s.to_numpy(dtype=np.float32)


def _tags(df: pd.DataFrame, spec: FeatureSpec) -> np.ndarray:
    known = {t: i for i, t in enumerate(KNOWN_TAGS)}
    out = np.zeros((len(df), len(KNOWN_TAGS) + spec.other_tag_buckets), dtype=np.float32)
    col = df["tags"] if "tags" in df else pd.Series([None] * len(df))
    for i, tags in enumerate(col):
        if tags is None or isinstance(tags, float):
            continue
        items = tags.split(";") if isinstance(tags, str) else list(tags)
        for t in items:
            t = str(t).strip()
            if not t:
                continue
            j = known.get(t)
            if j is None:
                j = len(KNOWN_TAGS) + zlib.crc32(t.encode("utf-8")) % spec.other_tag_buckets
            out[i, j] = 1.0
    return out


def _percentile(x: np.ndarray) -> np.ndarray:
    ok = ~np.isnan(x)
    out = np.zeros(len(x), dtype=np.float32)
    if ok.any():
        out[ok] = pd.Series(x[ok]).rank(pct=True).to_numpy(dtype=np.float32)
    return out


def company_features(df: pd.DataFrame, spec: FeatureSpec | None = None) -> np.ndarray:
    """Encode company rows (canonical column names) as a float32 matrix.

    Parameters
    ----------
    df : DataFrame
        Columns as in ``companies.csv`` (any may be missing) plus optional ``pagerank``,
        ``betweenness`` and ``founded_year``.
    spec : FeatureSpec, optional
        Bucket widths; the default spec when omitted.

    Returns
    -------
    ndarray of shape (len(df), spec.company_dim)
    """
    spec = spec or FeatureSpec()
    ind = _one_hot(bucket(df.get("industry", [None] * len(df)), spec.industry_buckets),
                   spec.industry_buckets)  # fmt: skip
    reg = _one_hot(bucket(df.get("region", [None] * len(df)), spec.region_buckets),
                   spec.region_buckets)  # fmt: skip
    size = np.stack(
        [np.nan_to_num(np.log1p(np.clip(_num(df, c), 0, None))) / 20.0
         for c in ("registered_capital", "revenue", "employees")], axis=1
    )  # fmt: skip
    rd = np.nan_to_num(_num(df, "rd_intensity"))[:, None]
    if "founded_year" in df:
        year = _num(df, "founded_year")
    else:
        year = pd.to_datetime(df.get("founded"), errors="coerce").dt.year.to_numpy(float) \
            if "founded" in df else np.full(len(df), np.nan)  # fmt: skip
    founded = np.stack([np.nan_to_num((year - 2000.0) / 25.0), np.isnan(year)], axis=1)
    flags = np.stack([_flag(df, "listed"), _flag(df, "nominee")], axis=1)
    cent = np.stack([_percentile(_num(df, "pagerank")), _percentile(_num(df, "betweenness"))],
                    axis=1)  # fmt: skip
    x = np.concatenate([ind, reg, _tags(df, spec), size, rd, founded, flags, cent], axis=1)
    return x.astype(np.float32)


def person_features(df: pd.DataFrame) -> np.ndarray:
    """Encode person rows: nominee flag, scaled birth year and its missing flag."""
    year = _num(df, "birth_year")
    x = np.stack([_flag(df, "nominee"), np.nan_to_num((year - 1970.0) / 30.0), np.isnan(year)],
                 axis=1)  # fmt: skip
    return x.astype(np.float32)


def edge_features(df: pd.DataFrame) -> np.ndarray:
    """``[pct / 100, log1p(amount) / 20, share]`` per edge row (0 where missing)."""
    pct = np.nan_to_num(_num(df, "pct")) / 100.0
    amount = np.nan_to_num(np.log1p(np.clip(_num(df, "amount"), 0, None))) / 20.0
    share = np.nan_to_num(_num(df, "share"))
    return np.stack([pct, amount, share], axis=1).astype(np.float32)


def degree_features(
    num_nodes: dict[str, int], edges: dict[tuple[str, str, str], np.ndarray]
) -> dict[str, np.ndarray]:
    """log1p in- and out-degree per relationship type, for every node type.

    Every node type gets two columns per edge type (zeros where it is not an endpoint),
    so widths are fixed by the edge types alone.
    """
    out = {t: [] for t in num_nodes}
    for (src, _, dst), ei in sorted(edges.items()):
        for t, n in num_nodes.items():
            o = np.bincount(ei[0], minlength=n) if t == src and ei.size else np.zeros(n)
            i = np.bincount(ei[1], minlength=n) if t == dst and ei.size else np.zeros(n)
            out[t].append(np.log1p(o[:n]))
            out[t].append(np.log1p(i[:n]))
    return {t: np.stack(v, axis=1).astype(np.float32) if v else np.zeros((num_nodes[t], 0),
            dtype=np.float32) for t, v in out.items()}  # fmt: skip
