"""Training batches are encoded towards their seeds only (``Encoder.trimmed``)."""

from __future__ import annotations

import pytest
import torch
from torch_geometric.loader import LinkNeighborLoader

from guanxi.gnn import train as train_module
from guanxi.gnn.data import build_graph, message_graph
from guanxi.gnn.models import Encoder
from guanxi.gnn.sampling import TorchNeighborSampler
from guanxi.gnn.train import TrainConfig, train
from tests.unit.test_gnn_units import _community_graph


@pytest.fixture(scope="module")
def graph():
    torch.manual_seed(0)
    return build_graph(*_community_graph())


def test_sampler_counts_nodes_and_edges_per_hop_in_batch_order(graph) -> None:
    mp = message_graph(graph.data)
    sampler = TorchNeighborSampler(mp, num_neighbors=[10, 5])
    for et in mp.edge_types:
        loader = LinkNeighborLoader(mp, num_neighbors=[10, 5], batch_size=16,
                                    edge_label_index=(et, mp[et].edge_index),
                                    neg_sampling_ratio=1.0, neighbor_sampler=sampler)  # fmt: skip
        batch = next(iter(loader))
        for t in batch.node_types:
            per_hop = batch[t].num_sampled_nodes
            assert len(per_hop) == 3 and sum(per_hop) == batch[t].num_nodes
        for e in batch.edge_types:
            assert sum(batch[e].num_sampled_edges) == batch[e].edge_index.shape[1]
            # an edge drawn at hop j ends at a node first reached at hop j
            cuts = torch.tensor(batch[e[2]].num_sampled_nodes).cumsum(0)
            hop0 = batch[e].num_sampled_edges[0]
            dst = batch[e].edge_index[1]
            assert bool((dst[:hop0] < cuts[0]).all())
            assert bool(((dst[hop0:] >= cuts[0]) & (dst[hop0:] < cuts[1])).all())
        eli = batch[et].edge_label_index  # the predicted pairs are seeds
        assert int(eli[0].max()) < batch[et[0]].num_sampled_nodes[0]
        assert int(eli[1].max()) < batch[et[2]].num_sampled_nodes[0]


def test_trimmed_encoding_equals_the_whole_batch_forward_on_the_seeds(graph) -> None:
    model = train(graph, TrainConfig(epochs=1, batch_size=64, hidden=16, out_dim=16)).model
    model.eval()
    mp = message_graph(graph.data)
    sampler = TorchNeighborSampler(mp, num_neighbors=[10, 5])
    seen = 0
    for et in mp.edge_types:
        loader = LinkNeighborLoader(mp, num_neighbors=[10, 5], batch_size=16, shuffle=True,
                                    edge_label_index=(et, mp[et].edge_index),
                                    neg_sampling_ratio=1.0, neighbor_sampler=sampler)  # fmt: skip
        batch = next(iter(loader))
        with torch.no_grad():
            whole = model.encoder(batch.x_dict, batch.edge_index_dict)
            seeds = model.encoder.trimmed(batch.x_dict, batch.edge_index_dict,
                                          batch.num_sampled_nodes_dict,
                                          batch.num_sampled_edges_dict)  # fmt: skip
        for t, z in seeds.items():
            n = batch[t].num_sampled_nodes[0]
            assert z.shape[0] == n < whole[t].shape[0]
            assert torch.allclose(z, whole[t][:n], atol=1e-5), (et, t)
            seen += n
    assert seen > 0


def test_training_through_the_trimmed_encoder_learns_the_same(graph, monkeypatch) -> None:
    """The same seed gives the same losses whether batches are trimmed or not."""
    torch.set_num_threads(1)
    cfg = dict(epochs=2, batch_size=32, hidden=16, out_dim=16, fanout=(5, 3))
    calls: list[str] = []
    real = Encoder.trimmed

    def counted(self, *args):
        calls.append("trimmed")
        return real(self, *args)

    monkeypatch.setattr(Encoder, "trimmed", counted)
    trimmed = train(graph, TrainConfig(**cfg)).losses
    assert calls  # the training steps took the trimmed path
    monkeypatch.setattr(
        train_module,
        "_encode",
        lambda model, batch: model.encoder(batch.x_dict, batch.edge_index_dict),
    )
    whole = train(graph, TrainConfig(**cfg)).losses
    assert trimmed == pytest.approx(whole, rel=1e-4)
