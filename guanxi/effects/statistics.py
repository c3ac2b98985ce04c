"""The statistics of campaign effects (docs/effects.md), as pure functions on counts and
arrays: Wilson intervals of a conversion rate, the difference of two rates with its
Newcombe interval and score test, and Kaplan–Meier time to conversion with censoring.

The formulas come from well-kept libraries rather than being re-derived here:
``statsmodels`` for the proportion intervals and the two-sample test (Wilson, Newcombe's
hybrid score interval, the score test, each with published coverage studies behind it),
``scipy.stats.ecdf`` for the Kaplan–Meier estimator of right-censored times.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    test_proportions_2indep,
)

from guanxi.records.effects import Rate, Survival, Uplift

__all__ = ["wilson", "wilson_many", "uplift", "kaplan_meier", "ALPHA"]

log = logging.getLogger(__name__)

#: 1 − the confidence level of every interval (95 %)
ALPHA = 0.05


def _f(x: float) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def wilson(k: int, n: int, alpha: float = ALPHA) -> Rate:
    """The conversion rate ``k / n`` with its Wilson score interval.

    Parameters
    ----------
    k, n : int
        Conversions and targets (``0 <= k <= n``).
    alpha : float
        1 − confidence level.

    Returns
    -------
    Rate
        ``rate``, ``low``, ``high``; all None when ``n == 0``.

    Raises
    ------
    ValueError
        When ``k`` is negative or above ``n``.

    Notes
    -----
    With ``p̂ = k/n`` and ``z = Φ⁻¹(1 − α/2)``:
    ``(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)``
    (``statsmodels.stats.proportion.proportion_confint(method="wilson")``). Unlike the
    Wald interval it stays inside [0, 1] and keeps its coverage for small ``k``.

    Examples
    --------
    >>> r = wilson(3, 10)
    >>> round(r.low, 4), round(r.high, 4)
    (0.1078, 0.6032)
    """
    if k < 0 or k > n:
        raise ValueError(f"{k} conversions out of {n} targets")
    if n == 0:
        return Rate(0, 0, None, None, None)
    lo, hi = proportion_confint(k, n, alpha=alpha, method="wilson")
    return Rate(int(k), int(n), k / n, float(lo), float(hi))


def wilson_many(k: np.ndarray, n: np.ndarray, alpha: float = ALPHA) -> list[Rate]:
    """:func:`wilson` for arrays of counts at once (one vectorised statsmodels call)."""
    k, n = np.asarray(k, dtype=int), np.asarray(n, dtype=int)
    if ((k < 0) | (k > n)).any():
        raise ValueError("conversions outside 0..targets")
    ok = n > 0
    lo, hi = np.full(k.shape, np.nan), np.full(k.shape, np.nan)
    if ok.any():
        lo[ok], hi[ok] = proportion_confint(k[ok], n[ok], alpha=alpha, method="wilson")
    return [
        Rate(int(a), int(b), a / b, float(x), float(y)) if b else Rate(0, 0, None, None, None)
        for a, b, x, y in zip(k, n, lo, hi, strict=True)
    ]


def uplift(k1: int, n1: int, k0: int, n0: int, alpha: float = ALPHA,
           observational: bool = False, label: str = "treatment − control") -> Uplift:  # fmt: skip
    """The difference of two conversion rates ``k1/n1 − k0/n0`` with its interval and test.

    Parameters
    ----------
    k1, n1 : int
        Conversions and targets of the first group (treatment, or warm approaches).
    k0, n0 : int
        Of the second group (control, or cold approaches).
    observational : bool
        The groups were not randomised (warm against cold): the difference is an
        association, not an effect; the record says so.

    Returns
    -------
    Uplift
        ``diff``, ``low``, ``high`` (Newcombe) and ``p_value`` (two-sided score test);
        None where a group is empty.

    Notes
    -----
    Interval: Newcombe's hybrid score interval (method 10), from the two Wilson intervals
    ``(l1, u1)``, ``(l0, u0)``: ``d − √((p1−l1)² + (u0−p0)²)`` to
    ``d + √((u1−p1)² + (p0−l0)²)`` (``confint_proportions_2indep(method="newcomb")``).
    Test of ``p1 = p0``: the score test of Miettinen and Nurminen
    (``test_proportions_2indep(method="score")``).

    Examples
    --------
    >>> u = uplift(56, 70, 48, 80)
    >>> round(u.diff, 4), round(u.low, 4), round(u.high, 4)
    (0.2, 0.0524, 0.3339)
    """
    a, b = wilson(k1, n1, alpha), wilson(k0, n0, alpha)
    if n1 == 0 or n0 == 0:
        return Uplift(label, a, b, None, None, None, None, observational)
    lo, hi = confint_proportions_2indep(k1, n1, k0, n0, method="newcomb", compare="diff",
                                        alpha=alpha)  # fmt: skip
    if k1 + k0 in (0, n1 + n0):  # no variation: nothing to test
        p = 1.0
    else:
        with np.errstate(divide="ignore", invalid="ignore"):  # its ratio side-statistics
            res = test_proportions_2indep(k1, n1, k0, n0, method="score", compare="diff")
        p = float(res.pvalue)
    return Uplift(label, a, b, k1 / n1 - k0 / n0, _f(lo), _f(hi), _f(p), observational)


def kaplan_meier(durations: Sequence[float], converted: Sequence[bool]) -> Survival:
    """Kaplan–Meier estimate of the share of targets not yet converted after ``t`` days.

    Parameters
    ----------
    durations : sequence of float
        Days from the campaign start to the conversion, or for a target still open to the
        censoring day (today, or the campaign end when it is over).
    converted : sequence of bool
        Whether each duration ends in a conversion (else it is censored).

    Returns
    -------
    Survival
        Steps ``(t, S(t))`` at each conversion time, the median days to conversion (None
        while fewer than half have converted), targets and conversions.

    Notes
    -----
    ``S(t) = Π_{t_i ≤ t} (1 − d_i / n_i)`` with ``d_i`` conversions at ``t_i`` and ``n_i``
    targets still open just before it (censored at ``t_i`` count as open)
    (``scipy.stats.ecdf`` on ``CensoredData``). Median: the least ``t`` with
    ``S(t) ≤ 0.5``.

    Examples
    --------
    >>> s = kaplan_meier([2, 3, 3, 5, 8], [True, True, False, True, False])
    >>> [(t, round(p, 2)) for t, p in s.steps], s.median
    ([(2.0, 0.8), (3.0, 0.6), (5.0, 0.3)], 5.0)
    """
    d = np.asarray(durations, dtype=float)
    e = np.asarray(converted, dtype=bool)
    if d.shape != e.shape:
        raise ValueError(f"{d.size} durations but {e.size} conversion flags")
    if (d < 0).any():
        raise ValueError("a negative time to conversion")
    if not e.any():
        return Survival((), None, int(d.size), 0)
    res = stats.ecdf(stats.CensoredData(uncensored=d[e], right=d[~e]))
    times, probs = res.sf.quantiles, res.sf.probabilities
    events = set(d[e].tolist())
    steps = tuple((float(t), float(p)) for t, p in zip(times, probs, strict=True) if t in events)
    median = next((t for t, p in steps if p <= 0.5), None)
    return Survival(steps, median, int(d.size), int(e.sum()))
