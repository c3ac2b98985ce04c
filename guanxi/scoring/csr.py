"""Vectorised helpers on CSR arrays, shared by the path index and betweenness (the GNN,
a layer below scoring, keeps its own in ``gnn.pairs._entries``)."""

from __future__ import annotations

import numpy as np

__all__ = ["ranges"]


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + c)`` for each pair, vectorised: with a CSR matrix's
    ``indptr[rows]`` and row lengths, the positions of those rows' entries in ``indices``."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.asarray(starts, dtype=np.int64) - (np.cumsum(counts) - counts), counts)
    return np.arange(total, dtype=np.int64) + offsets
