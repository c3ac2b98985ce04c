"""``guanxi train --device``: cpu, cuda, cuda:N or auto, and a clear error without a GPU.

Neighbour sampling runs on the CPU whatever the device (PyG's ``NeighborSampler`` builds
its CSC on the CPU; pyg-lib's kernels are CPU kernels): the loader's sampled mini-batches
are moved to the device for the optimiser step. Tests here pretend no GPU is visible; the
``gpu`` test trains on one where there is one (not run by ``make test``).
"""

from __future__ import annotations

import pytest
import torch
from typer.testing import CliRunner

from guanxi.cli import app
from guanxi.errors import ConfigError
from guanxi.gnn.data import build_graph
from guanxi.gnn.train import TrainConfig, pick_device, train
from tests.unit.test_gnn_units import _community_graph


@pytest.fixture
def no_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


@pytest.mark.usefixtures("no_gpu")
def test_devices_without_a_gpu() -> None:
    assert pick_device("cpu") == torch.device("cpu")
    assert pick_device("auto") == torch.device("cpu")
    assert pick_device(None) == torch.device("cpu")
    for name in ("cuda", "cuda:1", "CUDA"):
        with pytest.raises(ConfigError, match=rf"--device {name.lower()}: no CUDA GPU is visible"):
            pick_device(name)
    for name in ("tpu", "cuda:x", "gpu"):
        with pytest.raises(ConfigError, match="expected cpu, cuda, cuda:N or auto"):
            pick_device(name)


def test_cuda_index_beyond_the_visible_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert pick_device("cuda:0") == torch.device("cuda:0")
    with pytest.raises(ConfigError, match=r"cuda:1: only 1 CUDA device\(s\) visible"):
        pick_device("cuda:1")


@pytest.mark.usefixtures("no_gpu")
def test_cli_refuses_cuda_before_reading_the_graph() -> None:
    # no database in unit tests: the error must come before any connection is made
    res = CliRunner().invoke(app, ["train", "--device", "cuda"])
    assert res.exit_code == 3  # a configuration problem (docs/cli.md)
    assert "no CUDA GPU is visible" in res.output
    assert "Neo4j" not in res.output


def _tiny(seed: int = 3):
    comps, persons, edges = _community_graph(60, seed=seed)
    return build_graph(comps, persons, edges)


def test_training_on_cpu_reports_its_device() -> None:
    torch.set_num_threads(1)
    cfg = dict(epochs=1, batch_size=32, hidden=16, out_dim=16, fanout=(3, 2), max_steps=3)
    result = train(_tiny(), TrainConfig(**cfg, device="cpu"))
    assert (result.device, result.steps) == ("cpu", 3)
    assert all(p.device.type == "cpu" for p in result.model.parameters())


@pytest.mark.gpu
def test_training_on_a_gpu() -> None:
    cfg = dict(epochs=2, batch_size=32, hidden=16, out_dim=16, fanout=(3, 2), max_steps=10)
    result = train(_tiny(), TrainConfig(**cfg, device="cuda"))
    assert result.device.startswith("cuda") and result.steps == 10
    assert result.losses[-1] == result.losses[-1]  # finite, not NaN
    assert all(p.device.type == "cpu" for p in result.model.parameters())  # saved on CPU
