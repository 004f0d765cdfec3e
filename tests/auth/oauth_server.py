"""A small OAuth 2.0 authorization server on 127.0.0.1 for the round-trip tests.

It implements what X documents: ``/authorize`` (redirects with ``code`` and ``state``),
``/token`` (authorization_code with PKCE S256 verification; refresh_token with single-use,
rotating refresh tokens), ``/revoke``, and a ``/me`` endpoint that needs a live bearer token.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit


@dataclass
class Issued:
    client_id: str
    redirect_uri: str
    challenge: str
    method: str
    scope: str


@dataclass
class ServerState:
    client_id: str = "client-abc"
    client_secret: str | None = None
    codes: dict[str, Issued] = field(default_factory=dict)
    live_access: set[str] = field(default_factory=set)
    live_refresh: set[str] = field(default_factory=set)
    used_refresh: set[str] = field(default_factory=set)
    revoked: set[str] = field(default_factory=set)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    forged_state: str | None = None  # answer with this state instead of the real one
    expires_in: int = 7200
    counter: int = 0


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    @property
    def st(self) -> ServerState:
        return self.server.state

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("content-length") or 0)
        return dict(parse_qsl(self.rfile.read(length).decode()))

    def _json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        self.st.requests.append(("GET", parts.path, query))
        if parts.path in ("/authorize", "/oauth/authorize"):
            self._authorize(query)
        elif parts.path == "/me":
            self._me()
        elif parts.path == "/api/v1/accounts/verify_credentials":
            self._me(mastodon=True)
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        form = self._form()
        self.st.requests.append(("POST", parts.path, form))
        if parts.path in ("/token", "/oauth/token"):
            self._token(form)
        elif parts.path == "/api/v1/apps":
            self.st.client_secret = self.st.client_secret or "app-secret-" + secrets.token_hex(6)
            self._json(
                200,
                {
                    "client_id": self.st.client_id,
                    "client_secret": self.st.client_secret,
                    "name": form.get("client_name"),
                },
            )
        elif parts.path in ("/revoke", "/oauth/revoke"):
            self.st.revoked.add(form.get("token", ""))
            self.st.live_access.discard(form.get("token", ""))
            self.st.live_refresh.discard(form.get("token", ""))
            self._json(200, {"revoked": True})
        else:
            self._json(404, {"error": "not found"})

    def _authorize(self, query: dict[str, str]) -> None:
        if query.get("client_id") != self.st.client_id or query.get("response_type") != "code":
            self._json(400, {"error": "invalid_request"})
            return
        code = "code-" + secrets.token_hex(8)
        self.st.codes[code] = Issued(
            query["client_id"],
            query["redirect_uri"],
            query.get("code_challenge", ""),
            query.get("code_challenge_method", ""),
            query.get("scope", ""),
        )
        state = self.st.forged_state or query.get("state", "")
        target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": state})
        self.send_response(302)
        self.send_header("location", target)
        self.send_header("content-length", "0")
        self.end_headers()

    def _client_ok(self, form: dict[str, str]) -> bool:
        auth = self.headers.get("authorization", "")
        if auth.startswith("Basic "):
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            return user == self.st.client_id and password == (self.st.client_secret or "")
        if form.get("client_id") != self.st.client_id:
            return False
        return form.get("client_secret") == self.st.client_secret

    def _token(self, form: dict[str, str]) -> None:
        if not self._client_ok(form):
            self._json(401, {"error": "invalid_client"})
            return
        if form.get("grant_type") == "authorization_code":
            self._code_grant(form)
        elif form.get("grant_type") == "refresh_token":
            self._refresh_grant(form)
        else:
            self._json(400, {"error": "unsupported_grant_type"})

    def _code_grant(self, form: dict[str, str]) -> None:
        issued = self.st.codes.pop(form.get("code", ""), None)
        if issued is None or issued.redirect_uri != form.get("redirect_uri"):
            self._json(400, {"error": "invalid_grant", "error_description": "bad code"})
            return
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if issued.method != "S256" or not verifier or expected != issued.challenge:
            self._json(400, {"error": "invalid_grant", "error_description": "PKCE failed"})
            return
        self._issue(issued.scope)

    def _refresh_grant(self, form: dict[str, str]) -> None:
        token = form.get("refresh_token", "")
        if token not in self.st.live_refresh:
            self._json(
                400, {"error": "invalid_grant", "error_description": "refresh token invalid"}
            )
            return
        self.st.live_refresh.discard(token)
        self.st.used_refresh.add(token)
        self._issue("tweet.read users.read offline.access")

    def _issue(self, scope: str) -> None:
        self.st.counter += 1
        access = f"srv-access-{self.st.counter}-{secrets.token_hex(6)}"
        refresh = f"srv-refresh-{self.st.counter}-{secrets.token_hex(6)}"
        self.st.live_access.add(access)
        self.st.live_refresh.add(refresh)
        self._json(
            200,
            {
                "token_type": "bearer",
                "access_token": access,
                "refresh_token": refresh,
                "expires_in": self.st.expires_in,
                "scope": scope,
            },
        )

    def _me(self, mastodon: bool = False) -> None:
        auth = self.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ")
        if token not in self.st.live_access:
            self._json(401, {"title": "Unauthorized", "status": 401, "detail": "Unauthorized"})
            return
        if mastodon:
            self._json(200, {"id": "77", "acct": "studio"})
        else:
            self._json(200, {"data": {"id": "4242", "username": "studio"}})


class _Server(ThreadingHTTPServer):
    state: ServerState


class OAuthServer:
    def __init__(self) -> None:
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.state = ServerState()
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def state(self) -> ServerState:
        return self.httpd.state

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()
