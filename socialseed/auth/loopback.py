"""A one-shot HTTP listener on 127.0.0.1 that catches the browser's OAuth redirect.

It binds a random free port (or a given one), answers exactly one request on its callback
path with a short page, and hands the full redirect URL to the waiting login. It never binds
anything but loopback.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import urlsplit

from socialseed.errors import SecretError

HOST = "127.0.0.1"
PATH = "/callback"
_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>SocialSeed</title>"
    b"<p>SocialSeed received the answer. You can close this window and return to the terminal."
)


class _Server(HTTPServer):
    received: str | None
    done: threading.Event
    path: str


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        if urlsplit(self.path).path != self.server.path or self.server.done.is_set():
            self.send_response(404)
            self.send_header("content-length", "0")
            self.end_headers()
            return
        host, port = self.server.server_address[:2]
        self.server.received = f"http://{host!s}:{port}{self.path}"
        body = _PAGE
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.send_header("cache-control", "no-store")
        self.end_headers()
        self.wfile.write(body)
        self.server.done.set()

    def log_message(self, format: str, *args: Any) -> None:  # the URL holds the code: no logs
        return


class LoopbackListener:
    """``with LoopbackListener() as listener: ... listener.wait(300)``."""

    def __init__(self, port: int = 0, path: str = PATH) -> None:
        try:
            self._server = _Server((HOST, port), _Handler)
        except OSError as exc:
            raise SecretError(
                f"cannot listen on {HOST}:{port} for the login answer ({exc.strerror})",
                hint="close what uses that port, or choose another redirect URI port",
            ) from exc
        self._server.received = None
        self._server.done = threading.Event()
        self._server.path = path
        self._server.timeout = 0.1  # handle_request returns this often, to notice close()
        self._thread = threading.Thread(target=self._serve, name="socialseed-oauth", daemon=True)

    @property
    def redirect_uri(self) -> str:
        port = self._server.server_address[1]
        return f"http://{HOST}:{port}{self._server.path}"

    def __enter__(self) -> LoopbackListener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _serve(self) -> None:
        while not self._server.done.is_set():
            self._server.handle_request()

    def wait(self, timeout: float) -> str:
        """The redirect URL the browser brought back; ``SecretError`` after ``timeout`` s."""
        if not self._server.done.wait(timeout):
            raise SecretError(
                f"no answer from the browser within {timeout:.0f} seconds; nothing was stored",
                hint="run the login again, or use --no-browser to paste the address by hand",
            )
        assert self._server.received is not None
        return self._server.received

    def close(self) -> None:
        self._server.done.set()
        if self._thread.is_alive():
            self._thread.join()
        self._server.server_close()
