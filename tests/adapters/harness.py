"""Test harness for the official adapters: a guarded MockTransport, fake tokens, fixtures.

``Server`` answers queued responses in order and fails the test when a request is not in the
adapter's ENDPOINTS table or nothing was queued for it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from socialseed.clock import FakeClock
from socialseed.config.schema import Account
from socialseed.platforms.base import PlatformDeps
from socialseed.platforms.http import Endpoint, endpoint_for

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


def fixture(platform: str, name: str) -> Any:
    return json.loads((FIXTURES / platform / f"{name}.json").read_text())


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None

    def response(self) -> httpx.Response:
        if self.text is not None:
            headers = {"content-type": "text/html", **self.headers}
            return httpx.Response(self.status, text=self.text, headers=headers)
        return httpx.Response(self.status, json=self.body, headers=self.headers)


@dataclass
class Seen:
    """One request the adapter sent, decoded for assertions."""

    endpoint: str
    method: str
    url: httpx.URL
    headers: httpx.Headers
    body: bytes

    @property
    def path(self) -> str:
        return self.url.raw_path.decode().split("?", 1)[0]

    @property
    def query(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key, value in self.url.params.multi_items():
            out.setdefault(key, []).append(value)
        return out

    def params(self) -> dict[str, str]:
        return {k: v[-1] for k, v in self.query.items()}

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def form(self) -> dict[str, str]:
        return dict(httpx.QueryParams(self.body.decode()).items())


class Server:
    """A MockTransport that only accepts requests from ``table`` and answers from a queue."""

    def __init__(self, table: Mapping[str, Endpoint], host: str) -> None:
        self.table = table
        self.host = host
        self.queue: dict[str, list[Reply]] = {}
        self.seen: list[Seen] = []

    def on(self, endpoint: str, *replies: Reply | Any) -> Server:
        assert endpoint in self.table, f"{endpoint} is not in the ENDPOINTS table"
        for reply in replies:
            self.queue.setdefault(endpoint, []).append(
                reply if isinstance(reply, Reply) else Reply(body=reply)
            )
        return self

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode().split("?", 1)[0]
        name = endpoint_for(self.table, request.method, path)
        assert name is not None, f"request outside the ENDPOINTS table: {request.method} {path}"
        assert request.url.host == self.host, f"unexpected host {request.url.host}"
        self.seen.append(Seen(name, request.method, request.url, request.headers, request.content))
        queued = self.queue.get(name) or []
        assert queued, f"no answer queued for {name} ({request.method} {request.url})"
        return queued.pop(0).response()

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def names(self) -> list[str]:
        return [s.endpoint for s in self.seen]

    def only(self, endpoint: str) -> list[Seen]:
        return [s for s in self.seen if s.endpoint == endpoint]


class FakeTokens:
    """A TokenSource: ``access_token`` gives the current token; ``refresh`` rotates it."""

    def __init__(self, token: str = "tok-1", refreshed: str = "tok-2") -> None:
        self.token = token
        self.refreshed = refreshed
        self.refreshes = 0

    async def access_token(self, account: Account) -> str:
        return self.token

    async def refresh(self, account: Account) -> str:
        self.refreshes += 1
        self.token = self.refreshed
        return self.token


def account(platform: str, **extra: Any) -> Account:
    data: dict[str, Any] = {"id": f"my-{platform}", "platform": platform, "phases": "standard"}
    data["handle"] = extra.pop("handle", f"me.{platform}.example")
    return Account(**data, **extra)


def deps(server: Server, tokens: FakeTokens | None = None) -> PlatformDeps:
    return PlatformDeps(
        clock=FakeClock(NOW), transport=server.transport, tokens=tokens or FakeTokens()
    )
