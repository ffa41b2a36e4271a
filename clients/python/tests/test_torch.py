"""The PyTorch batch sampler over two epochs with a tiny model, against the service and locally."""

from __future__ import annotations

import os

import numpy as np
import pytest

try:
    import torch
except ImportError:
    if os.environ.get("CI") == "true":
        raise  # under CI every test must run
    pytest.skip("PyTorch is not installed", allow_module_level=True)

from torch.utils.data import DataLoader, TensorDataset

import neghash
from neghash.local import LocalClient
from neghash.torch import HardNegativeBatchSampler, compute_embeddings

N, D_IN, D_OUT, CLASSES, BATCH = 256, 10, 8, 64, 16


@pytest.fixture(scope="module")
def train_set():
    g = torch.Generator().manual_seed(0)
    labels = torch.arange(N) % CLASSES
    centres = torch.randn(CLASSES, D_IN, generator=g)
    x = centres[labels] + 0.3 * torch.randn(N, D_IN, generator=g)
    return TensorDataset(x, labels)


def tiny_model() -> torch.nn.Module:
    torch.manual_seed(1)
    return torch.nn.Sequential(torch.nn.Linear(D_IN, 16), torch.nn.ReLU(), torch.nn.Linear(16, D_OUT))


def contrastive_step(model, optimiser, x, y) -> float:
    z = torch.nn.functional.normalize(model(x), dim=1)
    sim = z @ z.T / 0.1
    same = (y[:, None] == y[None, :]).float()
    sim = sim - 1e9 * torch.eye(len(y))
    loss = -(torch.log_softmax(sim, dim=1) * same).sum() / max(1.0, same.sum().item() - len(y))
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    return float(loss)


def train_two_epochs(client, train_set):
    ds = client.create_dataset(D_OUT, bits=128)
    ds.put_labels(train_set.tensors[1].numpy())
    sampler = HardNegativeBatchSampler(client, ds, BATCH, k=32, seed=3)
    loader = DataLoader(train_set, batch_sampler=sampler)
    eval_loader = DataLoader(train_set, batch_size=64)
    model = tiny_model()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.05)
    epochs = []
    for epoch in range(2):
        assert len(loader) == len(sampler)
        seen = []
        for x, y in loader:
            assert x.shape == (BATCH, D_IN)
            contrastive_step(model, optimiser, x, y)
            seen.append(y)
        epochs.append((list(sampler), len(seen)))
        job = sampler.refresh_from_model(model, eval_loader)
    return ds, sampler, job, model, epochs


def test_sampler_over_two_epochs(service, train_set):
    client = service.client()
    ds, sampler, job, model, epochs = train_two_epochs(client, train_set)
    labels = train_set.tensors[1].numpy()
    first, n_first = epochs[0]
    assert n_first == len(first) == N // BATCH  # seeded random permutation, every item once
    assert sorted(i for b in first for i in b) == list(range(N))
    second, n_second = epochs[1]
    assert sampler.epoch == 2
    # the second epoch ran on the batches the first refresh mined
    assert n_second == len(second) > 0
    for b in second:
        assert len(b) == BATCH and len(set(labels[b])) == BATCH  # no label twice
    assert len({i for b in second for i in b}) == sum(len(b) for b in second)
    # the current batches are the last job's
    current = [list(map(int, b)) for b in job.batches()]
    assert list(sampler) == current and len(sampler) == job.result["batches"]
    # the epoch before was cleaned up: only the last snapshot and job remain
    assert [s["id"] for s in ds.snapshots()] == [sampler.snapshot["id"]]
    assert [j.id for j in ds.jobs()] == [job.id]
    assert model.training  # restored after computing embeddings


def test_compute_embeddings_in_eval_mode_without_grad(train_set):
    model = tiny_model()
    drop = torch.nn.Sequential(model, torch.nn.Dropout(0.9))
    drop.train()
    emb = compute_embeddings(drop, DataLoader(train_set, batch_size=50))
    assert drop.training
    assert emb.shape == (N, D_OUT) and emb.dtype == np.float32
    with torch.no_grad():
        np.testing.assert_allclose(emb, model(train_set.tensors[0]).numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="in order"):
        compute_embeddings(model, DataLoader(train_set, batch_size=50, shuffle=True))


def test_local_sampler_mines_the_same_batches(service, command, train_set, tmp_path):
    labels = train_set.tensors[1].numpy()
    emb = compute_embeddings(tiny_model(), DataLoader(train_set, batch_size=64))
    result = []
    local = LocalClient(tmp_path, command)
    for client in (service.client(), local):
        ds = client.create_dataset(D_OUT, bits=128)
        ds.put_labels(labels)
        sampler = HardNegativeBatchSampler(client, ds, BATCH, k=32, seed=3)
        first = list(sampler)
        sampler.refresh(torch.from_numpy(emb))
        result.append((first, list(sampler)))
    local.close()
    assert result[0] == result[1]
    assert len(result[0][1]) > 0


def test_sampler_refuses_when_no_batch_can_be_built(service, train_set):
    client = service.client()
    ds = client.create_dataset(D_OUT, bits=64)
    ds.put_labels(np.arange(N) % 2)  # two labels: no batch of 16 without a repeated label
    sampler = HardNegativeBatchSampler(client, ds, BATCH, k=16)
    before = list(sampler)
    emb = np.random.default_rng(0).standard_normal((N, D_OUT)).astype(np.float32)
    with pytest.raises(neghash.NegHashError, match="needs at least 16 distinct labels"):
        sampler.refresh(emb)
    assert list(sampler) == before  # the current epoch's batches stay
    with pytest.raises(ValueError, match="shape"):
        sampler.refresh(emb[:10])
