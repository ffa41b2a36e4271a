"""Local mode: the same calls on the command line give the same results as the service."""

from __future__ import annotations

import numpy as np
import pytest

import neghash
from neghash.local import LocalClient

N, D, BITS = 300, 12, 128


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    return rng.standard_normal((N, D)).astype(np.float32), np.arange(N) % 60


@pytest.fixture(scope="module")
def local(command, tmp_path_factory):
    lc = LocalClient(tmp_path_factory.mktemp("local"), command, threads=2, poll_interval=0.05)
    yield lc
    lc.close()


def run_same(client, emb, labels, **params):
    ds = client.create_dataset(D, bits=BITS)
    ds.put_labels(labels)
    ds.upload_snapshot(emb)
    job = ds.launch_job(**params)
    job.wait(progress=False)
    return ds, job


def test_local_mode_gives_the_services_results(service, local, data):
    emb, labels = data
    params = dict(k=20, negatives=5, strategy="random", rank_min=1, rank_max=15, hard_positives=True,
                  batch_size=16, max_cosine=0.9)
    rds, remote = run_same(service.client(), emb, labels, **params)
    lds, loc = run_same(local, emb, labels, **params)
    for name in ("negatives", "hamming", "anchors", "hard_positives", "batches"):
        a, b = getattr(remote, name)(), getattr(loc, name)()
        assert a.dtype == b.dtype and a.shape == b.shape, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    np.testing.assert_allclose(remote.cosine(), loc.cosine(), rtol=1e-6)
    np.testing.assert_array_equal(rds.codes(), lds.codes())
    assert loc.batches().shape[0] > 0
    for key in ("anchors", "negativesPerAnchor", "shortAnchors", "labelsUsed", "hardPositives", "batches",
                "batchLeftOut"):
        assert remote.result[key] == loc.result[key], key
    for key in ("k", "negatives", "strategy", "rankMin", "rankMax", "batchSize", "seed", "mode"):
        assert remote.info["params"][key] == loc.info["params"][key], key
    a, b = remote.negatives_page(2, 9), loc.negatives_page(2, 9)
    assert a["items"] == b["items"] and a["totalPages"] == b["totalPages"]
    assert list(remote.iter_negatives()) == list(loc.iter_negatives())


def test_local_defaults_match_the_service(service, local, data):
    emb, _ = data
    for c in (service.client(), local):
        ds = c.create_dataset(D, bits=BITS, center=False)
        ds.upload_snapshot(emb)
        job = ds.launch_job()
        job.wait(progress=False)
        assert (job.info["params"]["k"], job.info["params"]["negatives"]) == (128, 8)
        assert job.negatives().shape == (N, 8)


def test_local_errors_are_the_services(local, data, tmp_path):
    emb, labels = data
    ds = local.create_dataset(D, bits=BITS)
    ds.put_labels(labels)
    with pytest.raises(neghash.NegHashError) as e:
        ds.put_labels(labels)
    assert (e.value.status, e.value.code) == (409, "already-set")
    bad = emb.copy()
    bad[4, 2] = np.inf
    with pytest.raises(neghash.NegHashError) as e:
        ds.upload_snapshot(bad)
    assert (e.value.status, e.value.code, e.value.problem["row"], e.value.problem["column"]) == (400, "non-finite", 4, 2)
    with pytest.raises(neghash.NegHashError) as e:
        ds.upload_snapshot(emb[:10])
    assert (e.value.status, e.value.code) == (400, "invalid-input")
    path = tmp_path / "e.npy"
    np.save(path, emb.astype(np.float64))
    assert ds.upload_snapshot(path)["dtype"] == "<f8"
    with pytest.raises(neghash.NegHashError) as e:
        ds.launch_job(k=N)
    assert (e.value.status, e.value.code) == (400, "invalid-input")
    with pytest.raises(NotImplementedError):
        ds.launch_job(mode="queries")
    with pytest.raises(NotImplementedError):
        ds.launch_job(batch_size=8, seed=7)
    with pytest.raises(neghash.NegHashError) as e:
        local.get_job("job_nope")
    assert e.value.status == 404


def test_local_job_failure_and_cancel(local, data):
    emb, _ = data
    ds = local.create_dataset(D, bits=BITS)
    snap = ds.upload_snapshot(emb)
    stored = local.data_dir / "datasets" / ds.id / "snapshots" / snap["id"] / "embeddings.npy"
    with open(stored, "r+b") as f:  # damaged on disk: the command line refuses it
        f.truncate(1000)
    job = ds.launch_job(k=10, negatives=4)
    with pytest.raises(neghash.JobFailedError) as e:
        job.wait(progress=False)
    assert e.value.state == "FAILED" and e.value.error
    ds = local.create_dataset(D, bits=BITS)
    ds.upload_snapshot(emb)
    job = ds.launch_job(k=10)
    job.cancel()
    assert job.wait(progress=False, raise_on_failure=False)["state"] == "CANCELLED"
    with pytest.raises(neghash.NegHashError) as e:
        job.negatives()
    assert (e.value.status, e.value.code) == (409, "no-results")


def test_local_folder_is_read_again(local, command, data):
    emb, labels = data
    ds, job = run_same(local, emb, labels, k=8, negatives=2)
    again = LocalClient(local.data_dir, command)
    assert again.get_dataset(ds.id)["items"] == N
    np.testing.assert_array_equal(again.job(job.id).negatives(), job.negatives())
    again.close()
