"""Bluesky: app password -> session, stored encrypted, refreshed with refreshSession."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import httpx
import pytest

from socialseed.auth.bluesky import jwt_expiry
from socialseed.auth.login import Login, LoginOptions
from socialseed.auth.logout import logout
from socialseed.auth.tokens import StoreTokenSource
from socialseed.auth.vault import Vault
from socialseed.clock import FakeClock
from socialseed.config.schema import Account
from socialseed.errors import EXIT_AUTH, RateLimited, SecretError

ACCOUNT = Account(
    id="studio-bsky",
    platform="bluesky",
    handle="studio.test",
    phases="p",
    service="https://pds.test",
)
APP_PASSWORD = "abcd-efgh-ijkl-mnop"


def jwt(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'ES256K'})}.{part(claims)}.c2lnbmF0dXJl"


class FakePds:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls: list[tuple[str, str]] = []
        self.refresh = ""
        self.access = ""
        self.n = 0
        self.limited = False

    def pair(self) -> dict[str, Any]:
        self.n += 1
        exp = int((self.clock.now() + timedelta(hours=2)).timestamp())
        self.access = jwt({"sub": "did:plc:abc", "exp": exp, "n": self.n, "scope": "access"})
        self.refresh = jwt({"sub": "did:plc:abc", "exp": exp + 86400 * 90, "n": self.n})
        return {
            "accessJwt": self.access,
            "refreshJwt": self.refresh,
            "did": "did:plc:abc",
            "handle": "studio.test",
            "active": True,
        }

    def __call__(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        self.calls.append((method, bearer))
        if method == "com.atproto.server.createSession":
            if self.limited:
                return httpx.Response(
                    429,
                    json={"error": "RateLimitExceeded"},
                    headers={"ratelimit-reset": "1900000000"},
                )
            body = json.loads(request.content)
            if body != {"identifier": "studio.test", "password": APP_PASSWORD}:
                return httpx.Response(
                    401,
                    json={
                        "error": "AuthenticationRequired",
                        "message": "Invalid identifier or password",
                    },
                )
            return httpx.Response(200, json=self.pair())
        if method == "com.atproto.server.refreshSession":
            if bearer != self.refresh:
                return httpx.Response(
                    400, json={"error": "ExpiredToken", "message": "Token has expired"}
                )
            return httpx.Response(200, json=self.pair())
        if method == "com.atproto.server.deleteSession":
            self.refresh = ""
            return httpx.Response(200)
        return httpx.Response(404, json={"error": "MethodNotImplemented"})


class PipeIO:
    interactive = False

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.said: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)

    def open_browser(self, url: str) -> bool:
        raise AssertionError

    def read_line(self, prompt: str) -> str:
        return self.secret

    def read_secret(self, prompt: str) -> str:
        return self.secret + "\n"


@pytest.fixture
def pds(clock: FakeClock) -> FakePds:
    return FakePds(clock)


async def do_login(
    vault: Vault,
    clock: FakeClock,
    pds: FakePds,
    secret: str = APP_PASSWORD,
    env: dict[str, str] | None = None,
    with_token: bool = True,
) -> None:
    job = Login(
        ACCOUNT,
        env or {},
        vault,
        clock,
        PipeIO(secret),
        LoginOptions(with_token=with_token),
        transport=httpx.MockTransport(pds),
    )
    await job.run()


async def test_main_password_is_refused_before_anything_is_sent(
    vault: Vault, clock: FakeClock, pds: FakePds
) -> None:
    with pytest.raises(SecretError, match="not a Bluesky app password") as caught:
        await do_login(vault, clock, pds, secret="my main Password!")
    assert caught.value.exit_code == EXIT_AUTH
    assert "App passwords" in str(caught.value.hint)
    assert pds.calls == []
    assert "my main Password!" not in str(caught.value)


async def test_login_stores_the_session_and_refreshes_it_before_expiry(
    vault: Vault, clock: FakeClock, pds: FakePds
) -> None:
    await do_login(vault, clock, pds)
    grant = vault.get("studio-bsky")
    assert grant is not None
    assert grant.whoami == "@studio.test" and grant.user_id == "did:plc:abc"
    assert grant.expires_at == jwt_expiry(pds.access)
    assert [c[0] for c in pds.calls] == ["com.atproto.server.createSession"]

    tokens = StoreTokenSource({}, vault, clock, transport=httpx.MockTransport(pds))
    assert await tokens.access_token(ACCOUNT) == grant.access_token
    clock.advance(2 * 3600)
    fresh = await tokens.access_token(ACCOUNT)
    assert pds.calls[-1] == ("com.atproto.server.refreshSession", grant.refresh_token)
    stored = vault.get("studio-bsky")
    assert stored is not None and stored.access_token == fresh
    assert stored.refresh_token == pds.refresh  # the rotated refresh JWT was saved
    assert sum(c[0].endswith("createSession") for c in pds.calls) == 1


async def test_app_password_from_the_credentials_variable(
    vault: Vault, clock: FakeClock, pds: FakePds
) -> None:
    account = ACCOUNT.model_copy(update={"credentials": "env/STUDIO_BSKY_APP_PASSWORD"})
    job = Login(
        account,
        {"STUDIO_BSKY_APP_PASSWORD": APP_PASSWORD},
        vault,
        clock,
        PipeIO(""),
        LoginOptions(),
        transport=httpx.MockTransport(pds),
    )
    await job.run()
    assert vault.get("studio-bsky") is not None


async def test_no_app_password_and_no_terminal_says_how(
    vault: Vault, clock: FakeClock, pds: FakePds
) -> None:
    with pytest.raises(SecretError, match="no terminal") as caught:
        await do_login(vault, clock, pds, with_token=False)
    assert "--with-token" in str(caught.value.hint)


async def test_create_session_rate_limit_is_reported(
    vault: Vault, clock: FakeClock, pds: FakePds
) -> None:
    pds.limited = True
    with pytest.raises(RateLimited):
        await do_login(vault, clock, pds)


async def test_env_app_password_makes_one_session_per_process(
    vault: Vault, clock: FakeClock, pds: FakePds
) -> None:
    env = {"SOCIALSEED_STUDIO_BSKY_TOKEN": APP_PASSWORD}
    tokens = StoreTokenSource(env, vault, clock, transport=httpx.MockTransport(pds))
    first = await tokens.access_token(ACCOUNT)
    assert await tokens.access_token(ACCOUNT) == first
    refreshed = await tokens.refresh(ACCOUNT)  # after an ExpiredToken answer
    assert refreshed != first
    assert [c[0].rsplit(".", 1)[-1] for c in pds.calls] == ["createSession", "refreshSession"]
    assert vault.record("studio-bsky") is None  # env credentials are never written


async def test_logout_deletes_the_session(vault: Vault, clock: FakeClock, pds: FakePds) -> None:
    await do_login(vault, clock, pds)
    refresh = pds.refresh
    tokens = StoreTokenSource({}, vault, clock, transport=httpx.MockTransport(pds))
    import socialseed.auth.logout as module

    lines = await logout("studio-bsky", ACCOUNT, tokens, clock, httpx.MockTransport(pds))
    assert pds.calls[-1] == ("com.atproto.server.deleteSession", refresh)
    assert vault.record("studio-bsky") is None
    assert lines[0] == "Revoked the token at bluesky."
    assert module is not None
