"""Link-prediction training with ``LinkNeighborLoader`` mini-batches.

For every supervised edge type a share (``supervision_share``) of its edges becomes the
supervision set and is removed from the message-passing graph (a disjoint split, so the
model cannot "see" the edge it predicts); the loaders sample ``fanout`` neighbours per hop
around each batch of supervision edges plus as many random negatives, and batches of the
edge types are interleaved. ``max_steps`` caps the optimiser steps of the whole run (1 200 by
default: 20 epochs of a 10k-company network, ~2 passes over a 100k one, where the loss is
flat in the second pass; docs/gnn.md, Training), and a run stops before it once the loss
is flat (:class:`Plateau`: the mean of the last 200 steps less than 1 % below that of the
200 before, from step 400; ``plateau_window`` 0 turns it off). Seeds fix torch, numpy and
the split; on CPU the run is deterministic. The trained model is saved with its card under
``<GUANXI_HOME>/models/<run_id>/`` (``model.pt``, ``card.json``).
"""

from __future__ import annotations

import json
import logging
import time
import warnings
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch_geometric.data import HeteroData
from torch_geometric.loader import LinkNeighborLoader

from guanxi.errors import ConfigError
from guanxi.gnn.data import GraphData, message_graph, snapshot
from guanxi.gnn.models import LinkModel
from guanxi.gnn.pairs import PairFeatures
from guanxi.gnn.sampling import TorchNeighborSampler

__all__ = ["TrainConfig", "TrainResult", "Plateau", "Progress", "train", "pick_device", "save"]

log = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    """Hyper-parameters of one training run (saved in the card)."""

    epochs: int = 20
    hidden: int = 64
    out_dim: int = 64
    layers: int = 2
    fanout: tuple[int, ...] = (10, 5)
    batch_size: int = 512
    lr: float = 3e-3
    neg_ratio: float = 1.0
    supervision_share: float = 0.3
    max_batches_per_epoch: int | None = None
    max_steps: int | None = 1200
    #: stop early on a flat loss (:class:`Plateau`); ``plateau_window`` 0 turns it off
    plateau_window: int = 200
    plateau_tol: float = 0.01
    min_steps: int = 400
    min_edges: int = 20
    fused: bool = True
    seed: int = 7
    device: str = "cpu"
    targets: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class TrainResult:
    """A trained model with its losses, the pair features and timing."""

    model: LinkModel
    config: TrainConfig
    losses: list[float]
    pairs: PairFeatures
    seconds: float
    run_id: str
    steps: int = 0
    device: str = "cpu"  # where the optimiser steps ran (sampling is on the CPU)
    stopped: str = "epochs"  # why training ended: epochs, budget (max_steps) or plateau


@dataclass
class Plateau:
    """Early stop on a flat training loss. Every ``window`` steps from ``min_steps`` on, the
    mean batch loss of the last ``window`` steps is compared with that of the ``window``
    before; when it fell by less than ``tol`` of the earlier mean, :meth:`add` says stop.
    Comparing means of whole windows (the batches of every edge type, in turn) rather than
    single batches keeps batch noise from stopping a run that still learns."""

    window: int
    tol: float
    min_steps: int
    steps: int = 0

    def __post_init__(self) -> None:
        self._recent: deque[float] = deque(maxlen=2 * max(self.window, 1))  # all it reads

    def add(self, loss: float) -> bool:
        self._recent.append(loss)
        self.steps += 1
        n, w = self.steps, self.window
        if w <= 0 or n < max(self.min_steps, 2 * w) or n % w:
            return False
        recent = list(self._recent)
        last, before = float(np.mean(recent[w:])), float(np.mean(recent[:w]))
        return before - last < self.tol * abs(before)


def pick_device(requested: str | None = None) -> torch.device:
    """The training device: ``auto`` (or None) is ``cuda`` when a GPU is visible, else
    ``cpu``; ``cpu``, ``cuda`` and ``cuda:N`` are taken as asked.

    Raises :class:`ConfigError` for any other name and for CUDA without a usable GPU (no
    silent fall-back: a job sized for a GPU should not quietly run for hours on CPU).
    """
    name = (requested or "auto").strip().lower()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "cuda" or (name.startswith("cuda:") and name[5:].isdigit()):
        if not torch.cuda.is_available():
            build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "no CUDA"
            raise ConfigError(
                f"--device {name}: no CUDA GPU is visible (torch {torch.__version__}, built "
                f"with {build}); use --device cpu or auto"
            )
        index = int(name[5:]) if ":" in name else 0
        if index >= torch.cuda.device_count():
            raise ConfigError(
                f"--device {name}: only {torch.cuda.device_count()} CUDA device(s) visible"
            )
        return torch.device(name)
    raise ConfigError(f"--device {requested!r}: expected cpu, cuda, cuda:N or auto")


def _seed(seed: int) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed)


#: ``progress(stage, advance, total)``, as the loaders call it.
Progress = Callable[[str, int, int], None]


def train(graph: GraphData, config: TrainConfig | None = None,
          progress: Progress | None = None) -> TrainResult:  # fmt: skip
    """Train a :class:`LinkModel` on ``graph``; losses are mean BCE per epoch.

    ``progress("train", 1, total)`` is called after each optimiser step.
    """
    cfg = config or TrainConfig()
    _seed(cfg.seed)
    device = pick_device(cfg.device)
    data = graph.data
    targets = cfg.targets or [
        et for et in data.edge_types if data[et].edge_index.shape[1] >= cfg.min_edges
    ]
    cfg.targets = [tuple(t) for t in targets]
    gen = torch.Generator().manual_seed(cfg.seed)
    drop: dict[tuple, torch.Tensor] = {}
    sup: dict[tuple, torch.Tensor] = {}
    for et in cfg.targets:
        ei = data[et].edge_index
        mask = torch.rand(ei.shape[1], generator=gen) < cfg.supervision_share
        drop[et], sup[et] = mask, ei[:, mask]
    mp = message_graph(data, drop)
    pairs = PairFeatures({t: data[t].num_nodes for t in data.node_types},
                         {et: data[et].edge_index.numpy() for et in data.edge_types})  # fmt: skip
    model = LinkModel(mp.metadata(), cfg.targets, cfg.hidden, cfg.out_dim, cfg.layers,
                      cfg.fused, pairs.dim).to(device)  # fmt: skip
    _init_lazy(model, mp)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler = TorchNeighborSampler(mp, num_neighbors=list(cfg.fanout))
    loaders = {
        et: LinkNeighborLoader(mp, num_neighbors=list(cfg.fanout), edge_label_index=(et, ei),
                               batch_size=cfg.batch_size, shuffle=True,
                               neg_sampling_ratio=cfg.neg_ratio, neighbor_sampler=sampler)
        for et, ei in sup.items() if ei.shape[1] > 0
    }  # fmt: skip
    losses: list[float] = []
    start = time.perf_counter()
    budget = cfg.max_steps if cfg.max_steps is not None else float("inf")
    per_epoch = cfg.max_batches_per_epoch or float("inf")
    total_steps = int(min(budget, cfg.epochs * min(per_epoch, sum(map(len, loaders.values())))))
    plateau = Plateau(cfg.plateau_window, cfg.plateau_tol, cfg.min_steps)
    done, stopped = 0, "epochs"
    for epoch in range(cfg.epochs):
        total, count = 0.0, 0
        iters = {et: iter(ld) for et, ld in loaders.items()}
        while iters and count < per_epoch and stopped == "epochs":
            for et in list(iters):
                if count >= per_epoch or stopped != "epochs":
                    break
                batch = next(iters[et], None)
                if batch is None:
                    del iters[et]
                    continue
                loss = _step(model, opt, batch, et, pairs, device)
                total += loss
                count += 1
                done += 1
                if progress:
                    progress("train", 1, total_steps)
                if plateau.add(loss):
                    stopped = "plateau"
                elif done >= budget:
                    stopped = "budget"
        if count:
            losses.append(total / count)
            log.info("epoch %d: loss %.4f (%d batches)", epoch + 1, losses[-1], count)
        if stopped != "epochs":
            log.info("stopped (%s) after %d optimiser steps in %d epochs", stopped, done, epoch + 1)
            break
    seconds = time.perf_counter() - start
    run_id = "gnn-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return TrainResult(model.cpu(), cfg, losses, pairs, seconds, run_id, done, str(device),
                       stopped)  # fmt: skip


def _step(model: LinkModel, opt: torch.optim.Optimizer, batch: HeteroData, et: tuple,
          pairs: PairFeatures, device: torch.device) -> float:  # fmt: skip
    model.train()
    opt.zero_grad()
    batch = batch.to(device)
    z = _encode(model, batch)
    eli, label = batch[et].edge_label_index, batch[et].edge_label.float()
    s_glob = batch[et[0]].n_id[eli[0]].cpu().numpy()
    t_glob = batch[et[2]].n_id[eli[1]].cpu().numpy()
    pf = None
    if model.fused:  # scored as a held-out pair looks: without its own relationship
        pf = pairs.features(et[0], et[2], s_glob, t_glob, et, leave_out=True).to(device)
    logits = model.decode(z[et[0]][eli[0]], z[et[2]][eli[1]], pf, et)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, label)
    loss.backward()
    opt.step()
    return float(loss.detach())


def _encode(model: LinkModel, batch: HeteroData) -> dict[str, torch.Tensor]:
    """The encoder on a sampled batch: only towards its seeds (``Encoder.trimmed``) when the
    sampler counted nodes and edges per hop (the pure-PyTorch one and ``pyg-lib`` do;
    ``torch-sparse`` does not), else the whole batch."""
    try:
        nodes, edges = batch.num_sampled_nodes_dict, batch.num_sampled_edges_dict
    except AttributeError:
        nodes = edges = None
    if nodes and edges and set(edges) >= set(batch.edge_index_dict):
        return model.encoder.trimmed(batch.x_dict, batch.edge_index_dict, nodes, edges)
    return model.encoder(batch.x_dict, batch.edge_index_dict)


def save(result: TrainResult, graph: GraphData, home: Path,
         metrics: dict[str, Any] | None = None) -> Path:  # fmt: skip
    """Write ``model.pt`` and ``card.json`` under ``home/models/<run_id>/``."""
    folder = home / "models" / result.run_id
    folder.mkdir(parents=True, exist_ok=True)
    cfg = asdict(result.config)
    torch.save({"state_dict": result.model.state_dict(), "config": cfg,
                "metadata": graph.data.metadata()}, folder / "model.pt")  # fmt: skip
    card = {
        "run_id": result.run_id,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": "hetero GraphSAGE (to_hetero) + fused pair-feature decoder",
        "data": snapshot(graph),
        "feature_spec": graph.spec.to_dict(),
        "config": cfg,
        "losses": result.losses,
        "train_seconds": round(result.seconds, 2),
        "steps": result.steps,
        "stopped": result.stopped,
        "metrics": metrics or {},
    }
    (folder / "card.json").write_text(json.dumps(card, indent=2, default=str), "utf-8")
    log.info("saved model %s to %s", result.run_id, folder)
    return folder


@torch.no_grad()
def _init_lazy(model: LinkModel, mp: HeteroData, k: int = 256) -> None:
    """Initialise the lazy layers (their input widths) on the first ``k`` nodes of each type
    and the edges among them (every edge type passed, empty or not): a forward pass over the
    whole graph did the same at 1M companies with ~12 GB of messages."""
    x = {t: mp[t].x[:k] for t in mp.node_types}
    edges = {}
    for et in mp.edge_types:
        ei = mp[et].edge_index
        edges[et] = ei[:, (ei[0] < len(x[et[0]])) & (ei[1] < len(x[et[2]]))]
    model.encoder(x, edges)
