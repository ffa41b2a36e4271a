"""Every client call against the live service started by the test session.

About 340 lines: one test per client call and error case, sharing the session's service.
"""

from __future__ import annotations

import io
import threading
import time
import tracemalloc

import numpy as np
import pytest

import neghash
from neghash import _progress

N, D, BITS = 240, 16, 128


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    emb = rng.standard_normal((N, D)).astype(np.float32)
    labels = np.arange(N) % 40  # many labels: batches of up to 40 distinct labels
    return emb, labels


@pytest.fixture(scope="module")
def mined(service, data):
    """A dataset with labels and a snapshot (floats kept), and a finished job with every output."""
    emb, labels = data
    c = service.client()
    ds = c.create_dataset(D, name="client-tests", bits=BITS)
    ds.put_labels(labels)
    snap = ds.upload_snapshot(emb, keep_floats=True)
    job = ds.launch_job(k=24, negatives=6, strategy="random", rank_min=2, rank_max=20, hard_positives=True,
                        batch_size=12, batch_neighbours=4, seed=5, quality_sample=50)
    job.wait(progress=False)
    return c, ds, snap, job


def hamming_matrix(codes: np.ndarray) -> np.ndarray:
    bits = np.unpackbits(codes, axis=1, bitorder="little").astype(np.int32)
    return (bits[:, None, :] != bits[None, :, :]).sum(axis=2)


def test_datasets_create_get_list_delete(client):
    ds = client.create_dataset(8, name="tmp", bits=64, seed=3, center=False, normalize=False)
    assert ds.id.startswith("ds_")
    assert {k: ds.info[k] for k in ("name", "dims", "bits", "seed", "center", "normalize", "items")} == \
        {"name": "tmp", "dims": 8, "bits": 64, "seed": 3, "center": False, "normalize": False, "items": None}
    assert client.dataset(ds.id).info["bytesPerItem"] == 8
    assert ds.id in [d.id for d in client.datasets()]
    ds.delete()
    with pytest.raises(neghash.NegHashError) as e:
        client.get_dataset(ds.id)
    assert (e.value.status, e.value.code) == (404, "not-found")


def test_invalid_dataset_settings_are_a_problem(client):
    with pytest.raises(neghash.NegHashError) as e:
        client.create_dataset(8, bits=100)
    assert e.value.status == 400
    assert e.value.type.startswith("urn:neghash:problem:")
    assert "bits" in e.value.detail


def test_missing_or_wrong_api_key_is_401(service):
    for key in (None, "wrong"):
        with pytest.raises(neghash.NegHashError) as e:
            neghash.Client(service.url, api_key=key).datasets()
        assert (e.value.status, e.value.type) == (401, "urn:neghash:problem:unauthorized")


def test_labels_split_positives(client, tmp_path):
    ds = client.create_dataset(4, bits=64)
    path = tmp_path / "labels.npy"
    np.save(path, np.array([3, 3, 1, 1, 2, 2], dtype=np.int64))
    assert ds.put_labels(path)["labels"] is True
    np.testing.assert_array_equal(ds.labels(), [3, 3, 1, 1, 2, 2])
    assert ds.labels().dtype == np.int32
    with pytest.raises(neghash.NegHashError) as e:
        ds.put_labels([0, 0, 0, 0, 0, 0])
    assert (e.value.status, e.value.code) == (409, "already-set")
    view = ds.put_split(np.array([True, False, True, False, False, False]))
    assert (view["queries"], view["references"]) == (2, 4)
    assert ds.put_positives([[0, 2], [4, 5]])["positivePairs"] == 2

    other = client.create_dataset(4, bits=64)
    other.put_labels(np.zeros(6, dtype=np.uint8))
    with pytest.raises(neghash.NegHashError) as e:
        other.put_split([0, 1, 2, 0, 0, 0])
    assert (e.value.status, e.value.code) == (400, "invalid-input")
    with pytest.raises(neghash.NegHashError) as e:
        other.put_split([0, 1, 0])
    assert e.value.code == "invalid-input" and "N = 6" in e.value.detail
    with pytest.raises(TypeError):
        other.put_positives(np.array([[0.5, 1.0]]))


def test_snapshot_uploads_arrays_and_files(client, data, tmp_path):
    emb, labels = data
    ds = client.create_dataset(D, bits=BITS)
    s1 = ds.upload_snapshot(emb)
    assert (s1["items"], s1["dims"], s1["dtype"], s1["floatsKept"]) == (N, D, "<f4", False)
    assert s1["bytesReceived"] == 128 + emb.nbytes
    s2 = ds.upload_snapshot(np.asfortranarray(emb.astype(np.float64)))  # converted a block at a time
    assert s2["dtype"] == "<f8"
    path = tmp_path / "e.npy"
    np.save(path, emb.astype(np.float16))
    s3 = ds.upload_snapshot(path)
    assert (s3["dtype"], s3["bytesReceived"]) == ("<f2", path.stat().st_size)
    s4 = ds.upload_snapshot((emb * 1000).astype(np.int32))  # integers go as float32
    assert s4["dtype"] == "<f4"
    assert [s["id"] for s in ds.snapshots()] == [s1["id"], s2["id"], s3["id"], s4["id"]]
    assert ds.snapshot()["id"] == s4["id"]
    assert ds.snapshot(s2["id"])["seq"] == 2
    codes = ds.codes(s1["id"])
    assert codes.shape == (N, BITS // 8) and codes.dtype == np.uint8
    np.testing.assert_array_equal(codes, ds.codes(s2["id"]))  # same values, other dtype and order
    ds.delete_snapshot(s4["id"])
    assert ds.snapshot()["id"] == s3["id"]
    with pytest.raises(neghash.NegHashError) as e:
        ds.snapshot(s4["id"])
    assert e.value.status == 404


def test_snapshot_refusals(client, data):
    emb, _ = data
    ds = client.create_dataset(D, bits=BITS)
    bad = emb.copy()
    bad[17, 3] = np.nan
    with pytest.raises(neghash.NegHashError) as e:
        ds.upload_snapshot(bad)
    assert (e.value.status, e.value.code) == (400, "non-finite")
    assert (e.value.problem.get("row"), e.value.problem.get("column")) == (17, 3)
    with pytest.raises(neghash.NegHashError) as e:
        ds.upload_snapshot(emb[:, :8])
    assert (e.value.status, e.value.code) == (400, "invalid-input")
    with pytest.raises(ValueError):
        ds.upload_snapshot(emb[0])
    assert ds.snapshots() == []  # a refused upload changes nothing


def _upload_traced(client, emb):
    """Uploads ``emb`` to a new dataset; returns the snapshot and the peak of traced Python allocations."""
    ds = client.create_dataset(emb.shape[1], bits=64)
    tracemalloc.start()
    try:
        snap = ds.upload_snapshot(emb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return snap, peak


def test_upload_streams_from_the_array_without_copying_it(client):
    rng = np.random.default_rng(1)
    emb = rng.standard_normal((8192, 256)).astype(np.float32)  # 8 MiB
    snap, peak = _upload_traced(client, emb)
    assert snap["items"] == 8192
    assert peak < emb.nbytes // 8, f"peak {peak} bytes while uploading {emb.nbytes} bytes"


def test_job_results(mined, data):
    _, labels = data
    c, ds, snap, job = mined
    info = job.info
    assert info["state"] == "SUCCEEDED" and info["snapshotId"] == snap["id"]
    assert info["params"]["seed"] == 5 and info["params"]["batchNeighbours"] == 4
    res = job.result
    assert res["anchors"] == N and res["labelsUsed"] and res["hardPositives"]
    assert res["quality"]["sampled"] == 50

    neg, ham, cos = job.negatives(), job.hamming(), job.cosine()
    assert neg.shape == ham.shape == cos.shape == (N, 6)
    assert (neg.dtype, ham.dtype, cos.dtype) == (np.int32, np.int32, np.float32)
    np.testing.assert_array_equal(job.anchors(), np.arange(N))
    assert (neg >= 0).all()
    assert (labels[neg] != labels[:, None]).all()  # never the anchor's own label
    h_all = hamming_matrix(ds.codes(snap["id"]))
    np.testing.assert_array_equal(ham, np.take_along_axis(h_all, neg, axis=1))
    np.testing.assert_allclose(cos, np.cos(np.pi * ham / BITS), rtol=1e-6)
    h2, c2 = job.distances()
    np.testing.assert_array_equal(h2, ham)

    hard = job.hard_positives()
    assert hard.shape == (N,)
    assert (labels[hard] == labels).all() and (hard != np.arange(N)).all()
    # the farthest same-label item
    same = labels[:, None] == labels[None, :]
    farthest = np.where(same & ~np.eye(N, dtype=bool), h_all, -1).max(axis=1)
    np.testing.assert_array_equal(h_all[np.arange(N), hard], farthest)

    batches = job.batches()
    assert batches.shape == (res["batches"], 12) and batches.dtype == np.int32
    assert len(np.unique(batches)) == batches.size  # every item at most once
    assert all(len(set(labels[b])) == 12 for b in batches)  # no label twice in a batch
    assert res["batchLeftOut"] == N - batches.size

    page = job.negatives_page(page=1, size=7)
    assert (page["page"], page["totalAnchors"], page["totalPages"]) == (1, N, 35)
    rows = list(job.iter_negatives())
    assert len(rows) == N
    # JSON Lines carry cosines with five decimals (the shared writer), JSON pages the float itself.
    for line, item in zip(rows[7:14], page["items"]):
        assert {k: v for k, v in line.items() if k != "cosine"} == {k: v for k, v in item.items() if k != "cosine"}
        np.testing.assert_allclose(line["cosine"], item["cosine"], atol=5e-6)
    for r in rows[:20]:
        a = r["anchor"]
        assert r["negatives"] == neg[a].tolist() and r["hamming"] == ham[a].tolist()
        assert r["label"] == labels[a] and r["negative_labels"] == labels[neg[a]].tolist()
        assert r["hard_positive"] == hard[a]

    plots = c.get_job_plots(job.id)
    assert plots["jobId"] == job.id


def test_job_listing_and_lifecycle(mined):
    c, ds, snap, job = mined
    assert job.id in [j.id for j in ds.jobs()]
    assert job.id in [j.id for j in c.jobs(state="SUCCEEDED")]
    assert job.refresh()["state"] == "SUCCEEDED"
    with pytest.raises(neghash.NegHashError) as e:
        job.cancel()
    assert (e.value.status, e.value.code) == (409, "illegal-transition")
    with pytest.raises(neghash.NegHashError) as e:
        ds.delete_snapshot("sn_doesnotexist")
    assert e.value.status == 404


def test_job_refusals(mined):
    c, ds, snap, job = mined
    with pytest.raises(neghash.NegHashError) as e:
        ds.launch_job(k=N)
    assert (e.value.status, e.value.code) == (400, "invalid-input")
    assert "k must be between 1 and" in e.value.detail
    with pytest.raises(neghash.NegHashError) as e:
        ds.launch_job(mode="queries")
    assert (e.value.status, e.value.code) == (400, "invalid-request")
    with pytest.raises(TypeError):
        ds.launch_job(batchSize=3)  # Python names only
    with pytest.raises(neghash.NegHashError) as e:
        c.get_negatives("job_doesnotexist")
    assert e.value.status == 404


def test_queries_mode_and_results_without_batches(client, data):
    emb, labels = data
    ds = client.create_dataset(D, bits=BITS)
    split = (np.arange(N) % 4 == 0).astype(np.int8)
    ds.put_split(split)
    ds.upload_snapshot(emb)
    job = ds.launch_job(k=10, negatives=3, mode="queries")
    job.wait(progress=False)
    np.testing.assert_array_equal(job.anchors(), np.flatnonzero(split))
    neg = job.negatives()
    assert neg.shape == (split.sum(), 3) and (split[neg] == 0).all()
    with pytest.raises(neghash.NegHashError) as e:
        job.batches()
    assert (e.value.status, e.value.code) == (404, "not-found")
    job.delete()
    with pytest.raises(neghash.NegHashError) as e:
        job.refresh()
    assert e.value.status == 404


@pytest.fixture(scope="module")
def big_dataset(service):
    """A dataset whose jobs run for a second or two (to catch them running)."""
    rng = np.random.default_rng(3)
    c = service.client()
    ds = c.create_dataset(32, bits=1024)
    ds.upload_snapshot(rng.standard_normal((20000, 32)).astype(np.float32))
    return ds


def test_full_queue_429_is_retried_until_the_job_is_accepted(service, big_dataset):
    first = big_dataset.launch_job(k=256)
    sleeps: list[float] = []

    def sleep(s: float) -> None:
        sleeps.append(s)
        time.sleep(s)

    impatient = service.client(max_retries=0)
    with pytest.raises(neghash.NegHashError) as e:
        impatient.launch_job(big_dataset.id, k=4)
    assert (e.value.status, e.value.code, e.value.retry_after) == (429, "queue-full", 1.0)
    patient = service.client(sleep=sleep, max_retries=20)
    second = patient.launch_job(big_dataset.id, k=4)
    assert sleeps and all(s == 1.0 for s in sleeps)
    assert first.wait(progress=False)["state"] == "SUCCEEDED"
    assert second.wait(progress=False)["state"] == "SUCCEEDED"


def test_cancel_a_running_job(big_dataset):
    job = big_dataset.launch_job(k=256)
    deadline = time.monotonic() + 30
    while job.refresh()["state"] == "QUEUED" and time.monotonic() < deadline:
        time.sleep(0.02)
    view = job.cancel()
    assert view["state"] in ("RUNNING", "CANCELLED") and view["cancelRequested"]
    with pytest.raises(neghash.JobFailedError) as e:
        job.wait(progress=False)
    assert e.value.state == "CANCELLED"
    with pytest.raises(neghash.NegHashError) as e:
        job.negatives()
    assert (e.value.status, e.value.code) == (409, "no-results")


def test_wait_shows_a_plain_progress_line_without_tqdm(big_dataset, monkeypatch):
    monkeypatch.setattr(_progress, "tqdm_available", lambda: False)
    job = big_dataset.launch_job(k=64)
    out = io.StringIO()
    bar = _progress.JobProgress(job.id, file=out)
    monkeypatch.setattr(neghash.client, "JobProgress", lambda job_id, enabled: bar)
    final = job.wait()
    lines = out.getvalue().splitlines()
    assert final["state"] == "SUCCEEDED"
    assert lines and lines[-1].startswith(f"{job.id} SUCCEEDED done 100.0%")
    assert all(line.startswith(job.id) for line in lines)


def test_wait_times_out(big_dataset):
    job = big_dataset.launch_job(k=256)
    try:
        with pytest.raises(TimeoutError):
            job.wait(progress=False, timeout=0.3)
    finally:
        try:
            job.cancel()
        except neghash.NegHashError:
            pass
        job.wait(progress=False, raise_on_failure=False)


def test_converted_uploads_hold_only_a_block_or_two(client):
    emb = np.asfortranarray(np.random.default_rng(2).standard_normal((8192, 256)).astype(np.float32))
    snap, peak = _upload_traced(client, emb)
    assert snap["items"] == 8192
    assert peak < 3 * (1 << 20), f"peak {peak} bytes while converting {emb.nbytes} bytes"
