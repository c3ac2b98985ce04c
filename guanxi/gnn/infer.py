"""Write-back: embeddings behind the vector index, customer similarity, learned intimacy.

* ``Company.embedding`` (64 floats, L2-normalised, the ``company_embedding`` cosine
  index; the blocks of :func:`guanxi.gnn.similarity.lookalike_vectors`: profile, supply
  chain position, suppliers, buyers, investors, holders, GNN) and ``Person.embedding``
  (the GNN's), with ``embedding_run_id``.
* ``Company.customer_similarity``: cosine between a company's embedding and the mean
  embedding of the bank's customers (``CUSTOMER_OF``), clipped to 0-1; one input of the
  prospect score (``gnn.prospects``).
* Learned intimacy on existing ``INTIMACY`` relationships: ``gnn_score`` is the highest
  link probability the trained decoder gives the pair over the edge types its endpoint
  types allow; ``blended_score = α · score + (1 − α) · gnn_score`` with α = 0.7 by default,
  so the transparent, evidenced score dominates and the learned part moves close calls.
  ``score`` and ``evidence`` are never changed.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import torch

from guanxi.gnn.data import GraphData
from guanxi.gnn.evaluate import embed
from guanxi.gnn.models import LinkModel
from guanxi.gnn.pairs import PairFeatures
from guanxi.gnn.similarity import lookalike_vectors
from guanxi.graph.background import BackgroundWrites
from guanxi.graph.gateway import Gateway
from guanxi.graph.paging import keyset_pages

__all__ = ["normalised_embeddings", "lookalike_embeddings", "customer_similarity",
           "learned_intimacy",
           "write_embeddings", "write_intimacy", "BLEND_ALPHA"]  # fmt: skip

log = logging.getLogger(__name__)

BLEND_ALPHA = 0.7
_PAGE_COLUMNS = ["rid", "source_id", "target_id", "target_label", "source_eid", "target_eid"]


def _unit(a: np.ndarray) -> np.ndarray:
    return (a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def _pca(a: np.ndarray, k: int) -> np.ndarray:
    a = a - a.mean(0)
    vals, vecs = np.linalg.eigh(a.T @ a)  # d x d: cheap for a million rows
    basis = vecs[:, ::-1][:, : min(k, a.shape[1])]
    out = a @ basis
    if out.shape[1] < k:
        out = np.hstack([out, np.zeros((len(a), k - out.shape[1]))])
    return out


def lookalike_embeddings(z: np.ndarray, x: np.ndarray, dim: int = 64, gnn_dims: int = 16,
                         gnn_weight: float = 0.2) -> np.ndarray:  # fmt: skip
    """The company vector behind the index: the profile and the network, side by side.

    ``[PCA_{dim-gnn_dims}(x) / ‖·‖ , gnn_weight · PCA_{gnn_dims}(z − mean z) / ‖·‖]``
    L2-normalised. Link-prediction embeddings encode *who connects to whom*, which is not
    what "a company like this one" means to an RM (a supplier and its buyer connect but
    differ); the attribute block carries industry, region, tags and size, the network block
    (weight 0.2, chosen on the benchmark) breaks ties towards structurally similar firms.
    """
    xa = _unit(_pca(x.astype(np.float64), dim - gnn_dims))
    za = _unit(_pca(z.astype(np.float64), gnn_dims)) * gnn_weight
    return _unit(np.hstack([xa, za]))


def normalised_embeddings(
    model: LinkModel, graph: GraphData, z: dict[str, torch.Tensor] | None = None
) -> dict[str, np.ndarray]:
    """Vectors to write: :func:`~guanxi.gnn.similarity.lookalike_vectors` for companies
    (profile and network blocks, the GNN's as one of them), the L2-normalised GNN embedding
    for persons (float32). ``z``: full-graph embeddings when already computed.
    (:func:`lookalike_embeddings`, the vector before, stays as the benchmark's peer.)"""
    z = z if z is not None else embed(model, graph.data)
    # the lookalike vectors first: their temporaries are the write-back's peak, and the
    # persons' 0.8 GB of unit vectors (1M companies) need not be held beside them
    company = lookalike_vectors(graph, z["company"].numpy())
    out = {t: _unit(v.numpy()) for t, v in z.items() if t != "company"}
    out["company"] = company
    return out


def customer_similarity(emb: np.ndarray, customer_mask: np.ndarray) -> np.ndarray:
    """Cosine of each row with the centroid of the customer rows, clipped to 0-1."""
    if not customer_mask.any():
        return np.zeros(len(emb), dtype=np.float32)
    centroid = emb[customer_mask].mean(0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    return np.clip(emb @ centroid, 0.0, 1.0).astype(np.float32)


@torch.no_grad()
def learned_intimacy(model: LinkModel, graph: GraphData, pairs: PairFeatures,
                     frame: pd.DataFrame, z: dict[str, torch.Tensor] | None = None
                     ) -> np.ndarray:  # fmt: skip
    """Link probability per row of ``frame`` (``source_id, source_label, target_id,
    target_label``): the maximum over the edge types of matching node types, either
    direction. ``z``: the full-graph embeddings when the caller has them."""
    z = z if z is not None else embed(model, graph.data)
    types = {"Company": "company", "Person": "person"}
    frame = frame.reset_index(drop=True)
    best = np.zeros(len(frame), dtype=np.float32)
    for (sl, tl), part in frame.groupby(["source_label", "target_label"]):
        st, dt = types.get(sl), types.get(tl)
        if st is None or dt is None:
            continue
        s = graph.index(st, part["source_id"].astype(str))
        t = graph.index(dt, part["target_id"].astype(str))
        ok = (s >= 0) & (t >= 0)
        pos = part.index.to_numpy()[ok]
        ets = [tuple(k.split("__")) for k in model.targets]
        ets = [et for et in ets if (et[0], et[2]) in ((st, dt), (dt, st))]
        if pos.size == 0 or not ets:
            continue
        s, t = s[ok], t[ok]
        # features and the decoder are symmetric in the pair (shared-neighbour counts,
        # z_s ⊙ z_t), so one orientation serves both directions of every matching type
        raw = pairs.scores(st, dt, s, t) if model.fused else None
        zs, zt = z[st][torch.as_tensor(s)], z[dt][torch.as_tensor(t)]
        for et in ets:
            pf = pairs.for_type(raw, et) if raw is not None else None
            best[pos] = np.maximum(best[pos], torch.sigmoid(model.decode(zs, zt, pf, et)).numpy())
    return best


def write_embeddings(client: Gateway, graph: GraphData, emb: dict[str, np.ndarray],
                     customers: np.ndarray, run_id: str, batch_size: int = 2000,
                     propensity: np.ndarray | None = None) -> int:  # fmt: skip
    """Write company (and person) embeddings, customer similarity and the prospect
    propensity (null when not given); rows written.

    Persons are written by a second thread while the companies are: a company write waits
    on the ``company_embedding`` vector index (~2,400 rows/s at 1M companies against ~10,000
    for persons), so the two streams together took 6.7 s where one after the other took 12
    (20,000 companies and 40,000 persons; docs/scaling.md)."""
    sim = customer_similarity(emb["company"], customers)
    prop = [None] * len(sim) if propensity is None else [float(p) for p in propensity]
    rows = (
        {"id": i, "embedding": e.tolist(), "customer_similarity": float(s), "prospect_score": p}
        for i, e, s, p in zip(graph.ids["company"], emb["company"], sim, prop, strict=True)
    )
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="person-embeddings") as pool:
        persons = None
        if "person" in emb and len(graph.ids["person"]):
            prow = ({"id": i, "embedding": e.tolist()}
                    for i, e in zip(graph.ids["person"], emb["person"], strict=True))  # fmt: skip
            persons = pool.submit(client.write_batches, "gnn.write_person_embeddings", prow,
                                  batch_size=batch_size, run_id=run_id)  # fmt: skip
        n = client.write_batches("gnn.write_company_embeddings", rows, batch_size=batch_size,
                                 run_id=run_id)  # fmt: skip
        n += persons.result() if persons is not None else 0
    log.info("wrote %d embeddings (run %s)", n, run_id)
    return n


def write_intimacy(client: Gateway, model: LinkModel, graph: GraphData, pairs: PairFeatures,
                   run_id: str, alpha: float = BLEND_ALPHA, page_size: int = 5000,
                   z: dict[str, torch.Tensor] | None = None, batch_size: int | None = None
                   ) -> int:  # fmt: skip
    """Blend the learned intimacy into every existing ``INTIMACY`` between companies and
    persons, a keyset page of ``page_size`` source nodes at a time (``gnn.intimacy_page``:
    memory stays bounded, 7M relationships at 100k companies); the number of rows sent.
    A page is written from one of two streams while the next is read and scored (each
    relationship is in its source's page only, so the streams never meet on one), as parallel
    lists of ``batch_size`` relationships a transaction (the settings' ``batch_size`` when
    None; lists, not a map per relationship: ``gnn.write_intimacy``). Without any
    ``INTIMACY`` (the scoring not run) nothing is read: paging through 4.2M nodes for
    nothing took minutes at 1M companies."""
    if not client.read("gnn.intimacy_count")[0]["n"]:
        log.info("no INTIMACY relationships yet: run the scoring first; nothing blended")
        return 0
    z = z if z is not None else embed(model, graph.data)
    with BackgroundWrites(depth=3, streams=2) as writes:
        for label in ("Company", "Person"):
            text = client.library.text_for("gnn.intimacy_page", LABEL=label)
            for page in keyset_pages(client, "gnn.intimacy_page", page_size, text=text):
                if not page["rels"]:
                    continue
                frame = pd.DataFrame(page["rels"], columns=_PAGE_COLUMNS)
                frame["source_label"] = label
                columns = {
                    "rids": frame["rid"].tolist(),
                    "sources": frame["source_eid"].tolist(),
                    "targets": frame["target_eid"].tolist(),
                    "scores": learned_intimacy(model, graph, pairs, frame, z).tolist(),
                }
                writes.submit(_write_blend, client, columns, alpha, run_id,
                              batch_size or client.settings.batch_size)  # fmt: skip
        written = writes.wait()
    if writes.lock_retries:
        log.info("learned intimacy: %d transactions retried after a deadlock",
                 writes.lock_retries)  # fmt: skip
    return written


def _write_blend(client: Gateway, columns: dict[str, list], alpha: float, run_id: str,
                 batch_size: int) -> int:  # fmt: skip
    """``gnn.write_intimacy`` for one page's parallel lists, ``batch_size`` relationships a
    transaction; the number sent."""
    n = len(columns["rids"])
    for lo in range(0, n, batch_size):
        part = {k: v[lo : lo + batch_size] for k, v in columns.items()}
        client.write("gnn.write_intimacy", alpha=alpha, run_id=run_id, **part)
    return n
