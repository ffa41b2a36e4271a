"""Retry, reconnect and parsing logic against a local stub server (no NegHash service needed)."""

from __future__ import annotations

import io
import json
import time

import numpy as np
import pytest

import neghash
from neghash._http import parse_events, parse_retry_after
from stub import Handler, stub

PROBLEM = "application/problem+json"


def job_json(state: str, progress: float, phase: str = "searching") -> str:
    return json.dumps({"id": "job_1", "state": state, "phase": phase, "progress": progress,
                       "itemsPerSecond": None, "etaSeconds": None, "error": None, "result": None})


def test_429_is_retried_after_retry_after_and_the_upload_is_sent_again():
    calls = {"n": 0}

    def respond(h: Handler, body: bytes) -> None:
        calls["n"] += 1
        if calls["n"] <= 2:
            h.send_json(429, json.dumps({"type": "urn:neghash:problem:too-many-uploads", "status": 429,
                                         "detail": "2 uploads are being encoded; retry later"}),
                        PROBLEM, {"Retry-After": "3"})
        else:
            h.send_json(201, json.dumps({"id": "sn_1", "items": 5}))

    sleeps: list[float] = []
    emb = np.arange(20, dtype=np.float32).reshape(5, 4)
    with stub(respond) as (url, seen):
        c = neghash.Client(url, sleep=sleeps.append)
        snap = c.upload_snapshot("ds_1", emb)
    assert snap["id"] == "sn_1"
    assert sleeps == [3.0, 3.0]
    assert len(seen) == 3
    for method, path, headers, body in seen:
        assert (method, path) == ("POST", "/api/v1/datasets/ds_1/snapshots")
        assert headers["Content-Type"] == "application/x-npy"
        np.testing.assert_array_equal(np.load(io.BytesIO(body)), emb)


def test_429_gives_up_after_max_retries_with_the_problem():
    def respond(h: Handler, body: bytes) -> None:
        h.send_json(429, json.dumps({"type": "urn:neghash:problem:queue-full", "status": 429, "title": "Too Many Requests",
                                     "detail": "the job queue is full"}), PROBLEM, {"Retry-After": "500"})

    sleeps: list[float] = []
    with stub(respond) as (url, seen):
        c = neghash.Client(url, max_retries=2, max_retry_wait=7, sleep=sleeps.append)
        with pytest.raises(neghash.NegHashError) as e:
            c.launch_job("ds_1", k=4)
    assert len(seen) == 3
    assert sleeps == [7, 7]  # Retry-After capped by max_retry_wait
    err = e.value
    assert (err.type, err.status, err.code, err.detail) == ("urn:neghash:problem:queue-full", 429, "queue-full",
                                                            "the job queue is full")
    assert err.retry_after == 500
    assert json.loads(seen[0][3]) == {"k": 4}


def test_other_errors_are_not_retried_and_non_json_bodies_become_about_blank():
    def respond(h: Handler, body: bytes) -> None:
        h.send_json(502, "<html>bad gateway</html>", "text/html")

    with stub(respond) as (url, seen):
        with pytest.raises(neghash.NegHashError) as e:
            neghash.Client(url, sleep=lambda s: None).get_job("job_1")
    assert len(seen) == 1
    assert (e.value.type, e.value.status) == ("about:blank", 502)
    assert "bad gateway" in e.value.detail


def test_retry_after_as_http_date():
    now = time.time()
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now + 30))
    assert 28 <= parse_retry_after(date, now=now) <= 31
    assert parse_retry_after("12") == 12
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None


def test_event_parsing_joins_data_lines_and_skips_comments():
    raw = b":open\n\nid:1\nevent:job\ndata:{\"a\":\ndata: 1}\n\n: keep-alive\nid:2\ndata:x\n\n"
    events = list(parse_events(io.BytesIO(raw)))
    assert [(e.event, e.data, e.id) for e in events] == [("job", '{"a":\n1}', "1"), ("message", "x", "2")]


def _sse_head(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/event-stream")
    h.send_header("Connection", "close")
    h.end_headers()
    h.wfile.write(b":open\n\n")


def test_wait_reconnects_when_the_stream_drops():
    streams = {"n": 0}

    def respond(h: Handler, body: bytes) -> None:
        streams["n"] += 1
        _sse_head(h)
        if streams["n"] == 1:
            h.wfile.write(f"id:1\nevent:job\ndata:{job_json('RUNNING', 0.3)}\n\n".encode())
            h.wfile.flush()
            h.close_connection = True
            h.connection.shutdown(2)  # dropped in the middle of the job
            return
        h.wfile.write(f"id:2\nevent:job\ndata:{job_json('RUNNING', 0.7)}\n\n".encode())
        h.wfile.write(f"id:3\nevent:job\ndata:{job_json('SUCCEEDED', 1.0, 'done')}\n\n".encode())
        h.close_connection = True

    sleeps: list[float] = []
    with stub(respond) as (url, seen):
        final = neghash.Client(url, api_key="k", sleep=sleeps.append).wait_job("job_1", progress=False)
    assert final["state"] == "SUCCEEDED"
    assert streams["n"] == 2
    assert len(sleeps) == 1
    assert all(path == "/api/v1/jobs/job_1/events" and hdrs["X-API-Key"] == "k" for _, path, hdrs, _ in seen)


def test_wait_reconnects_after_a_silent_stream_and_gives_up_after_max_reconnects():
    def respond(h: Handler, body: bytes) -> None:
        _sse_head(h)
        h.wfile.flush()
        time.sleep(1.0)  # no event, no keep-alive: longer than the stream timeout
        h.close_connection = True

    sleeps: list[float] = []
    with stub(respond) as (url, seen):
        c = neghash.Client(url, stream_timeout=0.2, max_reconnects=2, sleep=sleeps.append)
        with pytest.raises(OSError):
            c.wait_job("job_1", progress=False)
    assert len(seen) == 3
    assert sleeps == [0.5, 1.0]


def test_wait_raises_job_failed_with_the_reason():
    def respond(h: Handler, body: bytes) -> None:
        _sse_head(h)
        view = json.loads(job_json("FAILED", 0.4, "done"))
        view["error"] = "interrupted by restart"
        h.wfile.write(f"id:1\nevent:job\ndata:{json.dumps(view)}\n\n".encode())
        h.close_connection = True

    with stub(respond) as (url, _):
        c = neghash.Client(url)
        with pytest.raises(neghash.JobFailedError) as e:
            c.wait_job("job_1", progress=False)
        assert (e.value.state, e.value.error) == ("FAILED", "interrupted by restart")
        assert c.wait_job("job_1", progress=False, raise_on_failure=False)["state"] == "FAILED"


def test_url_with_a_path_prefix():
    def respond(h: Handler, body: bytes) -> None:
        h.send_json(200, "[]")

    with stub(respond) as (url, seen):
        assert neghash.Client(url + "/neghash/").datasets() == []
    assert seen[0][1] == "/neghash/api/v1/datasets"
    with pytest.raises(ValueError):
        neghash.Client("ftp://example.org")


def test_wait_uses_tqdm_when_it_is_installed(monkeypatch):
    import importlib.machinery
    import sys
    import types

    bars = []

    class FakeTqdm:
        def __init__(self, **kw):
            self.kw, self.n, self.postfix, self.closed = kw, 0, "", False
            bars.append(self)

        def set_postfix_str(self, s, refresh=True):
            self.postfix = s

        def refresh(self):
            pass

        def close(self):
            self.closed = True

    fake = types.ModuleType("tqdm")
    fake.__spec__ = importlib.machinery.ModuleSpec("tqdm", None)
    fake.tqdm = FakeTqdm
    monkeypatch.setitem(sys.modules, "tqdm", fake)

    def respond(h: Handler, body: bytes) -> None:
        _sse_head(h)
        h.wfile.write(f"id:1\nevent:job\ndata:{job_json('RUNNING', 0.25)}\n\n".encode())
        h.wfile.write(f"id:2\nevent:job\ndata:{job_json('SUCCEEDED', 1.0, 'done')}\n\n".encode())
        h.close_connection = True

    with stub(respond) as (url, _):
        neghash.Client(url).wait_job("job_1")
    assert len(bars) == 1
    bar = bars[0]
    assert (bar.kw["total"], bar.kw["desc"], bar.n, bar.postfix, bar.closed) == (100, "job_1", 100.0, "SUCCEEDED done", True)
