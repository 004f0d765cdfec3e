"""A local authorization server on 127.0.0.1 with Instagram Login's and TikTok API for
Business's documented token endpoints, for the per-flow auth tests.

Instagram (PLATFORMS.md §2.3): ``POST /oauth/access_token`` (form; short-lived token, 1 h),
``GET /access_token?grant_type=ig_exchange_token`` (60-day token; needs the app secret),
``GET /refresh_access_token?grant_type=ig_refresh_token`` (a live token -> a new 60-day one),
``GET /me`` (Bearer). TikTok (§3.3, API for Business): ``POST /open_api/v1.3/tt_user/oauth2/
token/`` and ``.../refresh_token/`` (JSON; refresh tokens rotate: a used one is refused),
``.../revoke/``, ``GET /open_api/v1.3/business/get/`` (``Access-Token`` header); answers in the
``{"code", "message", "data"}`` envelope.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

CLIENT_ID, CLIENT_SECRET = "app-1", "app-secret-123456"
CODE = "the-code-123456"
V = "/open_api/v1.3"


@dataclass
class AuthState:
    live: set[str] = field(default_factory=set)  # access tokens that work
    refresh: set[str] = field(default_factory=set)  # refresh tokens not yet used
    requests: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    counter: int = 0
    tiktok_expires_in: int = 86400
    tiktok_refresh_expires_in: int = 31536000

    def issue(self, prefix: str) -> str:
        self.counter += 1
        token = f"{prefix}-{self.counter:06d}"
        self.live.add(token)
        return token


class _Handler(BaseHTTPRequestHandler):
    server: PlatformAuthServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    @property
    def st(self) -> AuthState:
        return self.server.state

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        self.st.requests.append(("GET", parts.path, query))
        routes = {
            "/access_token": self._ig_long_lived,
            "/refresh_access_token": self._ig_refresh,
            "/me": self._ig_me,
            f"{V}/business/get/": self._tt_me,
        }
        routes.get(parts.path, self._not_found)(query)

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        raw = self._body()
        if self.headers.get("content-type", "").startswith("application/json"):
            body = json.loads(raw)
        else:
            body = dict(parse_qsl(raw.decode()))
        self.st.requests.append(("POST", parts.path, body))
        routes = {
            "/oauth/access_token": self._ig_code,
            f"{V}/tt_user/oauth2/token/": self._tt_code,
            f"{V}/tt_user/oauth2/refresh_token/": self._tt_refresh,
            f"{V}/tt_user/oauth2/revoke/": self._tt_revoke,
        }
        routes.get(parts.path, self._not_found)(body)

    def _not_found(self, _: dict[str, Any]) -> None:
        self._send(404, {"error": "not found"})

    # --- Instagram ---------------------------------------------------------------------------

    def _graph_error(self, message: str) -> None:
        error = {"message": message, "type": "OAuthException", "code": 190, "fbtrace_id": "A1"}
        self._send(400, {"error": error})

    def _ig_code(self, form: dict[str, Any]) -> None:
        good = (form.get("client_id"), form.get("client_secret")) == (CLIENT_ID, CLIENT_SECRET)
        if not good or form.get("code") != CODE or form.get("grant_type") != "authorization_code":
            error = {"error_type": "OAuthException", "code": 400}
            return self._send(400, error | {"error_message": "Invalid authorization code"})
        short = self.st.issue("IGshort")
        self._send(200, {"access_token": short, "user_id": 17841, "permissions": "basic"})

    def _ig_long_lived(self, query: dict[str, str]) -> None:
        if (
            query.get("client_secret") != CLIENT_SECRET
            or query.get("access_token") not in self.st.live
        ):
            return self._graph_error("Error validating access token")
        self._send(
            200,
            {
                "access_token": self.st.issue("IGlong"),
                "token_type": "bearer",
                "expires_in": 5184000,
            },
        )

    def _ig_refresh(self, query: dict[str, str]) -> None:
        old = query.get("access_token")
        if query.get("grant_type") != "ig_refresh_token" or old not in self.st.live:
            return self._graph_error("Error validating access token: Session has expired")
        self._send(
            200,
            {
                "access_token": self.st.issue("IGlong"),
                "token_type": "bearer",
                "expires_in": 5184000,
            },
        )

    def _ig_me(self, query: dict[str, str]) -> None:
        token = self.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.st.live:
            return self._graph_error("Invalid OAuth access token.")
        self._send(200, {"user_id": "17841", "username": "studio", "id": "17841"})

    # --- TikTok API for Business --------------------------------------------------------------

    def _envelope(self, code: int, message: str, data: dict[str, Any] | None = None) -> None:
        self._send(200, {"code": code, "message": message, "request_id": "r", "data": data or {}})

    def _tokens(self) -> dict[str, Any]:
        refresh = f"rft-{self.st.counter + 1:06d}"
        self.st.refresh.add(refresh)
        return {
            "access_token": self.st.issue("act"),
            "token_type": "bearer",
            "scope": "user.info.basic,video.list,comment.list,comment.list.manage",
            "expires_in": self.st.tiktok_expires_in,
            "open_id": "biz-open-id-1",
            "refresh_token": refresh,
            "refresh_token_expires_in": self.st.tiktok_refresh_expires_in,
        }

    def _client_ok(self, body: dict[str, Any]) -> bool:
        return (body.get("client_id"), body.get("client_secret")) == (CLIENT_ID, CLIENT_SECRET)

    def _tt_code(self, body: dict[str, Any]) -> None:
        if not self._client_ok(body):
            return self._envelope(40101, "Invalid app_id or secret")
        if body.get("auth_code") != CODE or body.get("grant_type") != "authorization_code":
            return self._envelope(40110, "The auth_code is invalid or expired")
        self._envelope(0, "OK", self._tokens())

    def _tt_refresh(self, body: dict[str, Any]) -> None:
        token = body.get("refresh_token")
        if not self._client_ok(body) or body.get("grant_type") != "refresh_token":
            return self._envelope(40101, "Invalid app_id or secret")
        if token not in self.st.refresh:
            return self._envelope(40107, "The refresh token is invalid or has expired")
        self.st.refresh.discard(token)  # rotation: the old refresh token stops working
        self._envelope(0, "OK", self._tokens())

    def _tt_revoke(self, body: dict[str, Any]) -> None:
        self.st.live.discard(body.get("access_token"))
        self._envelope(0, "OK")

    def _tt_me(self, query: dict[str, str]) -> None:
        if self.headers.get("access-token") not in self.st.live:
            return self._envelope(40105, "The access token is invalid or has been revoked.")
        if query.get("business_id") != "biz-open-id-1":
            return self._envelope(40002, "Invalid business_id")
        self._envelope(0, "OK", {"username": "studio.tt", "display_name": "Studio"})


class PlatformAuthServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = AuthState()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def paths(self, path: str) -> list[dict[str, Any]]:
        return [body for _, p, body in self.state.requests if p == path]
