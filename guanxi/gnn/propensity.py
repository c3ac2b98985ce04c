"""Prospect propensity: who looks like the companies that became customers.

A logistic regression, fitted on the bank's own history: positives are the current
customer companies, negatives every other company (positive-unlabelled data: a
non-customer is "not yet", not "never"). Features are the public company features of
the GNN spec (industry, region, tags, size, R&D, founding year, listing, centrality,
public degree statistics) plus closeness to customers: log1p of the customers one hop
away and of the two-hop walks that end at a customer (the company itself never counts).
The bank's own relationships (``CUSTOMER_OF``, ``HOLDS_PRODUCT``, ``MANAGES``) are not
features, so the score ranks non-customers by resemblance, not by what only customers have.

The probability is written as ``Company.prospect_score`` by ``guanxi train`` and ranks
``guanxi prospects`` (docs/gnn.md, Prospects). Deterministic (full-batch L-BFGS from
zeros); standardised features; L2 penalty ``l2``.
"""

from __future__ import annotations

import logging

import numpy as np
import scipy.sparse as sp
import torch

__all__ = ["closeness_features", "fit_propensity"]

log = logging.getLogger(__name__)


def closeness_features(adj: sp.csr_matrix, company_offset: int, customer: np.ndarray
                       ) -> np.ndarray:  # fmt: skip
    """``(n_company, 2)``: log1p(customers one hop away), log1p(two-hop walks ending at a
    customer other than the company itself), on the undirected all-type projection ``adj``
    (nodes of every type, companies at ``company_offset``)."""
    n = len(customer)
    cust = np.zeros(adj.shape[0])
    cust[company_offset : company_offset + n] = customer
    one = adj @ cust
    two = adj @ one
    rows = np.arange(company_offset, company_offset + n)
    deg = np.asarray(adj[rows].sum(1)).ravel()
    two_c = two[rows] - deg * customer  # walks c -> m -> c come back to a customer c itself
    return np.log1p(np.c_[one[rows], np.maximum(two_c, 0.0)]).astype(np.float32)


def fit_propensity(x: np.ndarray, customer: np.ndarray, l2: float = 1e-2,
                   iters: int = 200) -> np.ndarray:  # fmt: skip
    """Probability of being a customer for every row of ``x`` (customers included), from a
    logistic regression fitted on ``customer`` (bool per row)."""
    y = torch.as_tensor(np.asarray(customer, dtype=np.float64))
    if y.sum() == 0 or y.sum() == len(y):
        log.info("propensity: need both customers and non-customers; scores are 0")
        return np.zeros(len(x), dtype=np.float32)
    xt = torch.as_tensor(x, dtype=torch.float64)
    mu, sd = xt.mean(0), xt.std(0)
    xt = (xt - mu) / torch.where(sd > 1e-9, sd, torch.ones_like(sd))
    w = torch.zeros(xt.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=iters, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        logits = xt @ w + b
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y) + l2 * (w @ w)
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        p = torch.sigmoid(xt @ w + b)
    return p.numpy().astype(np.float32)
