"""A tiny local HTTP server for tests that need answers the real service does not give on demand
(a 429 every time, an event stream that drops)."""

from __future__ import annotations

import contextlib
import http.server
import threading
from typing import Callable, Iterator


class Handler(http.server.BaseHTTPRequestHandler):
    """Calls ``self.server.respond(self)`` for every request and records what it saw."""

    protocol_version = "HTTP/1.1"

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, dict(self.headers), body))  # type: ignore[attr-defined]
        self.server.respond(self, body)  # type: ignore[attr-defined]

    do_GET = do_POST = do_PUT = do_DELETE = _any

    def log_message(self, *args: object) -> None:
        pass

    def send_json(self, status: int, text: str, ctype: str = "application/json", headers: dict[str, str] | None = None) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


@contextlib.contextmanager
def stub(respond: Callable[[Handler, bytes], None]) -> Iterator[tuple[str, list]]:
    """Serves ``respond`` on a free loopback port; yields (base URL, list of requests seen)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.respond = respond  # type: ignore[attr-defined]
    server.seen = []  # type: ignore[attr-defined]
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.seen  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
