"""Profit-sharing rules (业绩分润; docs/effects.md, "Sharing rules"): how a conversion's
income is split between the branch that **booked** it, the branch whose customer or RM
**introduced** the target (the path the converting touch used) and the branch that
**originated** the lead (the campaign's owner).

Pure functions on exact fractions; :func:`split_cents` turns weights into integer cents
that sum exactly to the value (largest remainder). Rules and product rates are read from
``sharing.yaml`` beside this module (or another file of its shape).
"""

from __future__ import annotations

import logging
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from itertools import permutations
from math import factorial
from pathlib import Path
from typing import Any

import yaml

from guanxi.errors import InvalidData

__all__ = ["RULES", "ROLES", "load_rules", "income_cents", "split_cents", "fixed_weights",
           "position_weights", "shapley_weights", "weights", "DEFAULT_RULES"]  # fmt: skip

log = logging.getLogger(__name__)

RULES = ("fixed", "position", "shapley")
ROLES = ("originator", "introducer", "booking")
DEFAULT_RULES = Path(__file__).with_name("sharing.yaml")


def _frac(x: Any) -> Fraction:
    return Fraction(str(x))


@lru_cache(maxsize=8)
def load_rules(path: Path = DEFAULT_RULES) -> dict[str, Any]:
    """The sharing rules of ``path``, checked: a known rule, shares that sum to 1.

    Raises
    ------
    InvalidData
        Naming the file and what is wrong with it.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise InvalidData(f"Sharing rules {str(path)!r}: {e}") from e
    if data.get("rule") not in RULES:
        raise InvalidData(f"Sharing rules {str(path)!r}: rule {data.get('rule')!r} is not one "
                          f"of {', '.join(RULES)}")  # fmt: skip
    for name in RULES:
        total = sum((_frac(v) for v in (data.get(name) or {}).values()), Fraction(0))
        if total != 1:
            raise InvalidData(f"Sharing rules {str(path)!r}: the {name} shares sum to "
                              f"{float(total)}, not 1")  # fmt: skip
    return data


def income_cents(
    kind: str,
    product: str | None,
    value: float | None,
    rates: dict[str, Any],
    product_props: dict[str, Any] | None = None,
) -> tuple[int, str]:
    """``(cents, formula)``: the income a conversion books, in integer cents.

    Notes
    -----
    A product with a fee earns the fee; else ``balance × margin`` (the product's own
    margin, else ``default_margin``); a new customer earns ``new_customer_fee``. Decimal
    arithmetic, rounded half up to the cent.

    Examples
    --------
    >>> income_cents("product", "LOAN", 1e7, {"products": {"LOAN": {"margin": 0.015}}})
    (15000000, '10000000.0 × 0.015')
    """
    own = {k: v for k, v in (product_props or {}).items() if v is not None}
    spec = {**(rates.get("products") or {}).get(product or "", {}), **own}
    if kind != "product":
        fee = Decimal(str(rates.get("new_customer_fee", 0)))
        return int((fee * 100).to_integral_value(ROUND_HALF_UP)), f"new customer fee {fee}"
    if "fee" in spec:
        fee = Decimal(str(spec["fee"]))
        return int((fee * 100).to_integral_value(ROUND_HALF_UP)), f"fee {fee}"
    margin = Decimal(str(spec.get("margin", rates.get("default_margin", 0))))
    bal = Decimal(str(value or 0))
    cents = int((bal * margin * 100).to_integral_value(ROUND_HALF_UP))
    return cents, f"{value} × {margin}"


def split_cents(total: int, weights: dict[str, Fraction]) -> dict[str, int]:
    """Split ``total`` cents by ``weights`` into integers that sum exactly to it.

    Notes
    -----
    Largest remainder (Hamilton): each key gets ``⌊total·w/Σw⌋``; the cents left go one
    each to the keys with the largest fractional remainders (ties: the key first in
    sorted order). A negative total (a correction) is split as its negation, negated.

    Examples
    --------
    >>> split_cents(100, {"a": Fraction(1, 3), "b": Fraction(1, 3), "c": Fraction(1, 3)})
    {'a': 34, 'b': 33, 'c': 33}
    """
    if total < 0:
        return {k: -v for k, v in split_cents(-total, weights).items()}
    s = sum(weights.values(), Fraction(0))
    if s <= 0:
        raise ValueError("weights sum to zero")
    exact = {k: total * w / s for k, w in weights.items()}
    out = {k: int(v) for k, v in exact.items()}  # floor for non-negative fractions
    left = total - sum(out.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - out[k]), k))[:left]:
        out[k] += 1
    return out


def fixed_weights(roles: dict[str, str | None], shares: dict[str, Any]) -> dict[str, Fraction]:
    """Branch → weight under fixed shares per role (``roles``: role → branch or None).

    Examples
    --------
    >>> w = fixed_weights({"booking": "A", "introducer": None, "originator": "B"},
    ...                   {"booking": 0.5, "introducer": 0.3, "originator": 0.2})
    >>> {k: str(v) for k, v in sorted(w.items())}
    {'A': '4/5', 'B': '1/5'}
    """
    out: dict[str, Fraction] = {}
    for role in ROLES:
        branch = roles.get(role) or roles["booking"]
        out[branch] = out.get(branch, Fraction(0)) + _frac(shares.get(role, 0))
    return out


def _chain(roles: dict[str, str | None]) -> list[str]:
    chain: list[str] = []
    for role in ROLES:
        b = roles.get(role)
        if b and (not chain or chain[-1] != b):
            chain.append(b)
    return chain


def position_weights(roles: dict[str, str | None], shares: dict[str, Any]) -> dict[str, Fraction]:
    """Branch → weight, position-based along originator → introducer → booking.

    Examples
    --------
    >>> w = position_weights({"originator": "O", "introducer": "I", "booking": "B"},
    ...                      {"first": 0.4, "middle": 0.2, "last": 0.4})
    >>> {k: str(v) for k, v in w.items()}
    {'O': '2/5', 'I': '1/5', 'B': '2/5'}
    """
    chain = _chain(roles)
    first, mid, last = (_frac(shares[k]) for k in ("first", "middle", "last"))
    out: dict[str, Fraction] = {}
    if len(chain) == 1:
        return {chain[0]: Fraction(1)}
    if len(chain) == 2:
        return {chain[0]: first + mid / 2, chain[1]: last + mid / 2}
    inner = chain[1:-1]
    for b in chain:
        out[b] = out.get(b, Fraction(0))
    out[chain[0]] += first
    out[chain[-1]] += last
    for b in inner:
        out[b] += mid / len(inner)
    return out


def shapley_weights(roles: dict[str, str | None], game: dict[str, Any]) -> dict[str, Fraction]:
    """Branch → Shapley value of the sharing game (module ``sharing.yaml``, ``shapley``).

    Notes
    -----
    ``v(S) = 0`` unless ``S`` holds the booking branch; else the sum of the weights of the
    roles held in ``S`` plus ``together`` when ``S`` holds both an introducer and an
    originator (a missing role's weight goes to the booking branch). ``φ_i`` = the mean
    over all orders of the players of ``v(before ∪ {i}) − v(before)``.

    Examples
    --------
    >>> w = shapley_weights({"originator": "O", "introducer": "I", "booking": "B"},
    ...                     {"booking": 0.4, "introducer": 0.3, "originator": 0.1,
    ...                      "together": 0.2})
    >>> {k: str(v) for k, v in sorted(w.items())}
    {'B': '2/3', 'I': '13/60', 'O': '7/60'}
    """
    g = {k: _frac(v) for k, v in game.items()}
    book = roles["booking"]
    held: dict[str, set[str]] = {}
    for role in ROLES:
        if roles.get(role):
            held.setdefault(roles[role], set()).add(role)
    missing = sum((g[r] for r in ("introducer", "originator") if not roles.get(r)), Fraction(0))
    if not (roles.get("introducer") and roles.get("originator")):
        missing += g["together"]
    players = sorted(held)

    def v(s: frozenset[str]) -> Fraction:
        if book not in s:
            return Fraction(0)
        have = set().union(*(held[p] for p in s))
        val = sum((g[r] for r in have), Fraction(0)) + missing
        return val + (g["together"] if {"introducer", "originator"} <= have else 0)

    phi = dict.fromkeys(players, Fraction(0))
    for order in permutations(players):
        before: frozenset[str] = frozenset()
        for p in order:
            phi[p] += v(before | {p}) - v(before)
            before = before | {p}
    n = factorial(len(players))
    return {p: x / n for p, x in phi.items()}


def weights(rules: dict[str, Any], roles: dict[str, str | None]) -> dict[str, Fraction]:
    """Branch → weight under ``rules['rule']``."""
    rule = rules["rule"]
    fn = {"fixed": fixed_weights, "position": position_weights, "shapley": shapley_weights}[rule]
    return fn(roles, rules[rule])
