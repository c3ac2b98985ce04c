"""The state shared by the generator's stages: configuration, seeded streams, arrays.

Every stage draws from its own stream, derived from the seed and the stage's name
(CRC-32, never Python's salted ``hash``), so the output is byte-identical for a seed
and a change inside one stage leaves the others' draws untouched. Companies and
persons are integer indices while generating; ids are attached when writing.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["GeneratorConfig", "World", "stage_rng", "OPERATING", "CUSTODIAN", "STATE_ADMIN"]

log = logging.getLogger(__name__)

OPERATING, CUSTODIAN, STATE_ADMIN = 0, 1, 2
MIN_COMPANIES = 200


@dataclass(frozen=True)
class GeneratorConfig:
    """Parameters of one synthetic network.

    Attributes
    ----------
    companies : int
        Number of ``Company`` nodes (operating companies plus custodians and state-asset
        administrations), at least 200.
    seed : int
        Seed of every random stream; the same seed gives byte-identical files.
    group_share : float
        Share of operating companies that belong to a holding group.
    customer_share : float
        Share of companies that are customers of the bank (``CUSTOMER_OF``).
    converter_share : float
        Share of non-customers recorded as likely converters.
    held_out_share : float
        Share of HOLDS_SHARES, SERVES_AS, SUPPLIES and KNOWS relationships kept out of
        the files and listed in ``ground_truth.json`` for link prediction.
    rms_per_company : float
        Relationship managers per company (about one per 50).
    year : int
        The year of the transaction data; ``as_of`` dates fall at its end.
    """

    companies: int = 2000
    seed: int = 7
    group_share: float = 0.40
    customer_share: float = 0.20
    converter_share: float = 0.05
    held_out_share: float = 0.05
    rms_per_company: float = 0.02
    year: int = 2024


def stage_rng(seed: int, stage: str) -> np.random.Generator:
    """The random stream of one generator stage."""
    return np.random.default_rng([int(seed), zlib.crc32(stage.encode("utf-8"))])


@dataclass
class World:
    """Everything generated so far.

    ``co`` holds per-company arrays (index = company number), ``frames`` the relationship
    tables with integer endpoints, ``truth`` the ground-truth pieces.
    """

    cfg: GeneratorConfig
    co: dict[str, np.ndarray] = field(default_factory=dict)
    n_persons: int = 0
    person_nominee: list[np.ndarray] = field(default_factory=list)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    truth: dict[str, object] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of companies."""
        return self.cfg.companies

    def new_persons(self, k: int, nominee: bool = False) -> np.ndarray:
        """Allocate ``k`` fresh person indices."""
        idx = np.arange(self.n_persons, self.n_persons + int(k), dtype=np.int64)
        self.n_persons += int(k)
        if nominee:
            self.person_nominee.append(idx)
        return idx

    def rng(self, stage: str) -> np.random.Generator:
        """The random stream of ``stage`` for this world's seed."""
        return stage_rng(self.cfg.seed, stage)

    def dates(self, rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Uniform random days between ``lo`` and ``hi`` (``datetime64[D]``, inclusive)."""
        lo = np.asarray(lo, dtype="datetime64[D]")
        hi = np.maximum(np.asarray(hi, dtype="datetime64[D]"), lo)
        span = (hi - lo).astype(np.int64) + 1
        return lo + (rng.random(np.broadcast(lo, hi).shape) * span).astype(np.int64)

    def year_end(self) -> np.datetime64:
        """The last day of the data year."""
        return np.datetime64(f"{self.cfg.year}-12-31", "D")
