"""A loopback HTTP server standing in for an AI provider's API, for end-to-end tests through
the CLI: each test module's handler answers in the provider's documented shape; the server
records every request it was sent (``seen``)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class LlmServer(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[dict[str, Any]]


class LlmHandler(BaseHTTPRequestHandler):
    """Subclasses define ``do_POST``: read with ``body()``, answer with ``send_json()``."""

    server: LlmServer

    def body(self) -> Any:
        return json.loads(self.rfile.read(int(self.headers["content-length"])))

    def send_json(self, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@contextmanager
def serving(handler: type[LlmHandler]) -> Iterator[LlmServer]:
    """The server on a free loopback port, running until the block ends."""
    server = LlmServer(("127.0.0.1", 0), handler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
