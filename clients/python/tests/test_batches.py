"""P x K batches for class-labelled data, their hardness and refused batch sizes: service, local mode, sampler."""

from __future__ import annotations

import numpy as np
import pytest

import neghash
from neghash.local import LocalClient

N, D, BITS, CLASSES = 600, 16, 128, 10


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(4)
    labels = np.arange(N) % CLASSES
    centres = rng.standard_normal((CLASSES, D))
    emb = (centres[labels] + 1.2 * rng.standard_normal((N, D))).astype(np.float32)
    return emb, labels


@pytest.fixture(scope="module")
def local(command, tmp_path_factory):
    lc = LocalClient(tmp_path_factory.mktemp("local-batches"), command, threads=2, poll_interval=0.05)
    yield lc
    lc.close()


def dataset(client, emb, labels, keep_floats=True):
    ds = client.create_dataset(D, bits=BITS)
    ds.put_labels(labels)
    ds.upload_snapshot(emb, keep_floats=keep_floats)
    return ds


def assert_p_by_k(batches, labels, p, k):
    assert batches.shape[1] == p * k and batches.shape[0] > 0
    assert len(np.unique(batches)) == batches.size  # every item at most once
    for row in batches:
        groups = labels[row].reshape(p, k)
        assert (groups == groups[:, :1]).all()  # K items of one label side by side
        assert len(np.unique(groups[:, 0])) == p  # P different labels


def test_service_builds_p_by_k_batches_harder_than_random(service, data):
    emb, labels = data
    ds = dataset(service.client(), emb, labels)
    mined = ds.launch_job(k=32, batch_size=16, items_per_label=4, batch_neighbours=8)
    mined.wait(progress=False)
    assert_p_by_k(mined.batches(), labels, 4, 4)
    assert mined.info["params"]["itemsPerLabel"] == 4
    h = mined.result["batchHardness"]
    assert h["mined"] > h["random"]
    assert h["items"] == mined.batches().size
    random = ds.launch_job(k=32, batch_size=16, items_per_label=4, random_share=1.0)
    random.wait(progress=False)
    assert_p_by_k(random.batches(), labels, 4, 4)
    assert random.result["batchHardness"]["mined"] < h["mined"]


@pytest.mark.parametrize("params, status, text", [
    (dict(batch_size=64), 400, "batch size 64 needs at least 64 distinct labels for batches without repeated "
                               "labels; the labels have 10 — use itemsPerLabel (P x K batches)"),
    (dict(batch_size=64, items_per_label=4), 400, "needs 16 labels with at least 4 items each; the labels have 10"),
    (dict(batch_size=10, items_per_label=4), 400, "is not a multiple of itemsPerLabel 4"),
    (dict(batch_size=8, random_share=0.5), 400, "randomShare needs itemsPerLabel"),
    (dict(items_per_label=4), 400, "set batchSize too"),
    (dict(batch_size=8, items_per_label=4, random_share=2.0), 400, "randomShare"),
    (dict(batch_size=8, items_per_label=4, batch_rank_from=16), 400,
     "batchRankFrom 16 must be below the neighbour list length k (16)"),
    (dict(batch_size=8, batch_rank_from=-1), 400, "batchRankFrom"),
    (dict(batch_rank_from=2), 400, "set batchSize too"),
])
def test_impossible_batch_sizes_are_refused_up_front_in_both_modes(service, local, data, params, status, text):
    emb, labels = data
    for client in (service.client(), local):
        ds = dataset(client, emb, labels, keep_floats=False)
        with pytest.raises(neghash.NegHashError) as e:
            ds.launch_job(k=16, **params)
        assert e.value.status == status
        assert text in e.value.detail
        assert ds.jobs() == []


def test_local_mode_builds_the_services_p_by_k_batches(service, local, data):
    emb, labels = data
    results = []
    for client in (service.client(), local):
        ds = dataset(client, emb, labels)
        job = ds.launch_job(k=24, batch_size=20, items_per_label=5, random_share=0.5)
        job.wait(progress=False)
        results.append(job)
    remote, loc = results
    np.testing.assert_array_equal(remote.batches(), loc.batches())
    assert_p_by_k(loc.batches(), labels, 4, 5)
    assert remote.result["batchLeftOut"] == loc.result["batchLeftOut"]
    for key in ("mined", "random"):
        assert loc.result["batchHardness"][key] == pytest.approx(remote.result["batchHardness"][key], abs=1e-4)


def test_local_mode_builds_the_services_batches_with_a_rank_window(service, local, data):
    emb, labels = data
    results = []
    for client in (service.client(), local):
        ds = dataset(client, emb, labels)
        job = ds.launch_job(k=24, batch_size=20, items_per_label=5, batch_rank_from=8)
        job.wait(progress=False)
        assert job.info["params"]["batchRankFrom"] == 8
        results.append(job)
    remote, loc = results
    np.testing.assert_array_equal(remote.batches(), loc.batches())
    assert_p_by_k(loc.batches(), labels, 4, 5)
    # Skipping the 8 nearest neighbours gives other batches than the whole lists, and easier ones.
    whole = dataset(local, emb, labels).launch_job(k=24, batch_size=20, items_per_label=5)
    whole.wait(progress=False)
    assert not np.array_equal(whole.batches(), loc.batches())
    assert loc.result["batchHardness"]["mined"] < whole.result["batchHardness"]["mined"]
    assert loc.result["batchHardness"]["mined"] == pytest.approx(remote.result["batchHardness"]["mined"], abs=1e-4)


def test_sampler_passes_its_rank_window_to_the_jobs(service, data):
    pytest.importorskip("torch")
    from neghash.torch import HardNegativeBatchSampler

    emb, labels = data
    client = service.client()
    ds = client.create_dataset(D, bits=BITS)
    ds.put_labels(labels)
    sampler = HardNegativeBatchSampler(client, ds, 16, k=32, items_per_label=4, rank_from=8, seed=1)
    job = sampler.refresh(emb)
    assert job.info["params"]["batchRankFrom"] == 8
    expected = ds.launch_job(k=32, batch_size=16, items_per_label=4, batch_rank_from=8, snapshot_id=sampler.snapshot["id"])
    expected.wait(progress=False)
    np.testing.assert_array_equal(np.stack(sampler.batches), expected.batches())
    with pytest.raises(ValueError, match="rank_from"):
        HardNegativeBatchSampler(client, ds, 16, k=32, rank_from=32)


def test_sampler_mines_p_by_k_batches_from_the_chosen_epoch(service, data):
    pytest.importorskip("torch")
    from neghash.torch import HardNegativeBatchSampler

    emb, labels = data
    client = service.client()
    ds = client.create_dataset(D, bits=BITS)
    ds.put_labels(labels)
    sampler = HardNegativeBatchSampler(client, ds, 16, k=32, items_per_label=4, random_share=0.25,
                                       mine_from_epoch=2, keep_floats=True, seed=1)
    first = sampler.batches
    assert sampler.refresh(emb) is None  # epoch 1 stays random: no snapshot, no job
    assert sampler.epoch == 1 and ds.jobs() == []
    assert not all(np.array_equal(a, b) for a, b in zip(first, sampler.batches))
    job = sampler.refresh(emb)
    assert job is not None and sampler.epoch == 2
    assert_p_by_k(np.stack(sampler.batches), labels, 4, 4)
    assert job.info["params"]["randomShare"] == 0.25
    assert job.result["batchHardness"]["mined"] > job.result["batchHardness"]["random"]
    with pytest.raises(ValueError, match="items_per_label"):
        HardNegativeBatchSampler(client, ds, 16, items_per_label=5)
