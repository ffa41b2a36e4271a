"""HTTP transport on the standard library: problem details, 429 retries, streamed bodies, SSE."""

from __future__ import annotations

import email.utils
import http.client
import json
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator, Mapping

from .errors import NegHashError

API_PREFIX = "/api/v1"
BodyFactory = Callable[[], tuple[Iterable[bytes | memoryview], int]]


@dataclass
class Event:
    """One Server-Sent Event."""

    event: str
    data: str
    id: str | None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now_dt = datetime.fromtimestamp(time.time() if now is None else now, timezone.utc)
    return max(0.0, (when - now_dt).total_seconds())


def _problem(resp: http.client.HTTPResponse, body: bytes) -> NegHashError:
    retry_after = parse_retry_after(resp.getheader("Retry-After"))
    ctype = (resp.getheader("Content-Type") or "").split(";")[0].strip().lower()
    if ctype in ("application/problem+json", "application/json"):
        try:
            p = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            p = None
        if isinstance(p, dict):
            return NegHashError(
                str(p.get("type") or "about:blank"),
                int(p.get("status") or resp.status),
                str(p.get("detail") or p.get("title") or resp.reason),
                title=p.get("title"),
                problem=p,
                retry_after=retry_after,
            )
    text = body.decode("utf-8", "replace").strip()[:500]
    return NegHashError("about:blank", resp.status, text or resp.reason or f"HTTP {resp.status}",
                        title=resp.reason, retry_after=retry_after)


class Transport:
    """Sends requests to one service; one connection per request."""

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        *,
        timeout: float = 300.0,
        max_retries: int = 5,
        max_retry_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        parts = urllib.parse.urlsplit(url if "://" in url else "http://" + url)
        if parts.scheme not in ("http", "https"):
            raise ValueError(f"the service URL must start with http:// or https://, got {url!r}")
        if not parts.hostname:
            raise ValueError(f"the service URL has no host: {url!r}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port
        self.base_path = parts.path.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.sleep = sleep

    def url(self, path: str) -> str:
        """The full URL of an API path."""
        port = f":{self.port}" if self.port else ""
        return f"{self.scheme}://{self.host}{port}{self.base_path}{API_PREFIX}{path}"

    def _connection(self, timeout: float | None) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return cls(self.host, self.port, timeout=timeout)

    def open(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        body: BodyFactory | None = None,
        timeout: float | None = None,
    ) -> http.client.HTTPResponse:
        """Sends a request and returns the open response of a 2xx answer.

        A 429 is retried after its ``Retry-After`` (capped at ``max_retry_wait``) up to
        ``max_retries`` times; the body factory is called again for every try, so streamed
        bodies are sent anew. Any other refusal raises :class:`NegHashError`.
        """
        target = self.base_path + API_PREFIX + path
        if query:
            q = {k: _query_value(v) for k, v in query.items() if v is not None}
            if q:
                target += "?" + urllib.parse.urlencode(q)
        hdrs = {"Accept-Encoding": "identity"}
        if self.api_key is not None:
            hdrs["X-API-Key"] = self.api_key
        hdrs.update(headers or {})
        attempt = 0
        while True:
            conn = self._connection(self.timeout if timeout is None else timeout)
            try:
                resp = self._send(conn, method, target, hdrs, body)
            except BaseException:
                conn.close()
                raise
            if 200 <= resp.status < 300:
                return resp
            try:
                err = _problem(resp, resp.read())
            finally:
                conn.close()
            if resp.status == 429 and attempt < self.max_retries:
                attempt += 1
                wait = err.retry_after if err.retry_after is not None else min(2.0 ** attempt, 30.0)
                self.sleep(min(wait, self.max_retry_wait))
                continue
            raise err

    @staticmethod
    def _send(
        conn: http.client.HTTPConnection,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: BodyFactory | None,
    ) -> http.client.HTTPResponse:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        if body is None:
            if method in ("POST", "PUT"):
                conn.putheader("Content-Length", "0")
            conn.endheaders()
            return conn.getresponse()
        chunks, length = body()
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        try:
            for chunk in chunks:
                conn.send(chunk)
        except OSError as send_error:
            # The service may answer (401, 413, 429) and close before the body is sent: read
            # that answer if it is there.
            try:
                return conn.getresponse()
            except (OSError, http.client.HTTPException):
                raise send_error from None
        return conn.getresponse()

    def request_json(self, method: str, path: str, *, json_body: Any = None,
                     query: Mapping[str, Any] | None = None) -> Any:
        """A request whose answer is JSON (or empty); returns the decoded body or None."""
        headers = {"Accept": "application/json"}
        factory = None
        if json_body is not None:
            data = json.dumps(json_body).encode("utf-8")
            headers["Content-Type"] = "application/json"
            factory = lambda: ([data], len(data))  # noqa: E731
        resp = self.open(method, path, query=query, headers=headers, body=factory)
        try:
            raw = resp.read()
        finally:
            resp.close()
        return json.loads(raw.decode("utf-8")) if raw else None

    def events(self, path: str, timeout: float) -> Iterator[Event]:
        """Follows a Server-Sent Events stream until the service ends it.

        Connection errors (including a read timeout longer than ``timeout``, which the service's
        keep-alive comments prevent on a healthy stream) propagate to the caller.
        """
        resp = self.open("GET", path, headers={"Accept": "text/event-stream"}, timeout=timeout)
        try:
            yield from parse_events(resp)
        finally:
            resp.close()


def parse_events(stream: Any) -> Iterator[Event]:
    """Parses ``text/event-stream`` lines from a binary stream with ``readline()``."""
    data: list[str] = []
    name = "message"
    event_id: str | None = None
    while True:
        raw = stream.readline()
        if not raw:
            return
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield Event(name, "\n".join(data), event_id)
            data, name = [], "message"
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "data":
            data.append(value)
        elif field == "event":
            name = value
        elif field == "id":
            event_id = value


def _query_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
