"""The whole OAuth round trip over real HTTP on 127.0.0.1: a local authorization server, the
loopback listener, PKCE, state, encrypted storage, refresh on expiry, rotation, revocation."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from sqlite_utils import Database

from socialseed.auth.keys import KeyManager
from socialseed.auth.login import Login, LoginOptions
from socialseed.auth.logout import logout
from socialseed.auth.oauth import OAuthFlow
from socialseed.auth.providers import OAuthSpec, X, with_base
from socialseed.auth.tokens import StoreTokenSource
from socialseed.auth.vault import Vault
from socialseed.clock import FakeClock
from socialseed.config.schema import Account
from socialseed.errors import EXIT_AUTH, AuthExpired, SecretError
from tests.auth.conftest import file_bytes
from tests.auth.oauth_server import OAuthServer

ACCOUNT = Account(id="x-main", platform="x", handle="studio", phases="p", client_id="client-abc")


class BrowserIO:
    """A person who approves in a browser: follows the authorize URL and its redirect."""

    interactive = True

    def __init__(self) -> None:
        self.said: list[str] = []
        self.pasted = ""

    def say(self, text: str) -> None:
        self.said.append(text)

    def open_browser(self, url: str) -> bool:
        response = httpx.get(url, follow_redirects=True, timeout=10)
        assert response.status_code == 200, response.text
        return True

    def read_line(self, prompt: str) -> str:
        return self.pasted

    def read_secret(self, prompt: str) -> str:
        raise AssertionError("no secret is asked in an OAuth login")


def local_spec(server: OAuthServer) -> OAuthSpec:
    base = server.base
    return with_base(
        X,
        authorize_url=f"{base}/authorize",
        token_url=f"{base}/token",
        revoke_url=f"{base}/revoke",
        whoami_url=f"{base}/me",
    )


def spec_connector(spec: OAuthSpec):  # type: ignore[no-untyped-def]
    def build(account, env, clock, transport, grant):  # type: ignore[no-untyped-def]
        return OAuthFlow(
            spec,
            client_id="client-abc",
            client_secret=None,
            clock=clock,
            transport=transport,
            account=account.id,
        )

    return build


async def login(
    server: OAuthServer,
    vault: Vault,
    clock: FakeClock,
    io: BrowserIO | None = None,
    **options: object,
) -> None:
    job = Login(
        ACCOUNT,
        {},
        vault,
        clock,
        io or BrowserIO(),
        LoginOptions(**options),  # type: ignore[arg-type]
        spec=local_spec(server),
    )
    await job.run()


def requests(server: OAuthServer, path: str) -> list[dict[str, str]]:
    return [params for _, p, params in server.state.requests if p == path]


async def test_round_trip_checks_pkce_and_stores_only_ciphertext(
    oauth_server: OAuthServer, vault: Vault, clock: FakeClock, state_path: Path
) -> None:
    io = BrowserIO()
    await login(oauth_server, vault, clock, io)

    (authorize,) = requests(oauth_server, "/authorize")
    (token,) = requests(oauth_server, "/token")
    assert authorize["code_challenge_method"] == "S256"
    assert authorize["redirect_uri"].startswith("http://127.0.0.1:")
    assert authorize["redirect_uri"].endswith("/callback")
    assert "offline.access" in authorize["scope"].split()
    digest = hashlib.sha256(token["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == authorize["code_challenge"]
    assert token["grant_type"] == "authorization_code"
    assert token["redirect_uri"] == authorize["redirect_uri"]

    grant = vault.get("x-main")
    assert grant is not None
    assert grant.whoami == "@studio" and grant.user_id == "4242"
    assert grant.access_token in oauth_server.state.live_access
    raw = file_bytes(state_path)
    assert grant.access_token.encode() not in raw
    assert grant.refresh_token is not None and grant.refresh_token.encode() not in raw
    record = vault.record("x-main")
    assert record is not None and record.scheme == "aesgcm-v1" and record.backend == "env"
    assert any("127.0.0.1" not in line or "authorize" in line for line in io.said)


async def test_state_mismatch_is_refused_and_nothing_is_exchanged(
    oauth_server: OAuthServer, vault: Vault, clock: FakeClock
) -> None:
    oauth_server.state.forged_state = "forged-state-value"
    with pytest.raises(SecretError, match="different 'state'") as caught:
        await login(oauth_server, vault, clock)
    assert caught.value.exit_code == EXIT_AUTH
    assert requests(oauth_server, "/token") == []
    assert vault.record("x-main") is None


async def test_server_refuses_a_wrong_verifier(oauth_server: OAuthServer, clock: FakeClock) -> None:
    flow = OAuthFlow(
        local_spec(oauth_server),
        client_id="client-abc",
        client_secret=None,
        clock=clock,
        account="x-main",
    )
    auth = flow.authorize("http://127.0.0.1:9/callback")
    response = httpx.get(auth.url)
    answer = response.headers["location"]
    with pytest.raises(AuthExpired, match="PKCE failed"):
        await flow.exchange(replace(auth, verifier="not-the-verifier-" * 3), answer)
    assert oauth_server.state.live_access == set()


async def test_no_browser_accepts_the_pasted_address(
    oauth_server: OAuthServer, vault: Vault, clock: FakeClock
) -> None:
    class PasteIO(BrowserIO):
        def read_line(self, prompt: str) -> str:
            url = next(line.split()[-1] for line in self.said if "authorize" in line)
            # the browser lands on an address nothing answers; the person copies it
            return httpx.get(url).headers["location"]

    io = PasteIO()
    await login(oauth_server, vault, clock, io, no_browser=True)
    assert vault.get("x-main") is not None


async def test_refresh_on_expiry_persists_the_rotated_token(
    oauth_server: OAuthServer,
    db: Database,
    vault: Vault,
    clock: FakeClock,
    key_text: str,
    state_path: Path,
) -> None:
    await login(oauth_server, vault, clock)
    first = vault.get("x-main")
    assert first is not None
    tokens = StoreTokenSource({}, vault, clock, connector=spec_connector(local_spec(oauth_server)))
    assert await tokens.access_token(ACCOUNT) == first.access_token  # still fresh

    clock.advance(7200 - 60)  # inside the refresh leeway
    token = await tokens.access_token(ACCOUNT)
    assert token != first.access_token and token in oauth_server.state.live_access
    assert first.refresh_token in oauth_server.state.used_refresh
    stored = vault.get("x-main")
    assert stored is not None and stored.access_token == token
    assert stored.refresh_token in oauth_server.state.live_refresh  # the rotated one
    assert stored.last_refresh == clock.now()
    assert stored.refresh_token is not None
    assert stored.refresh_token.encode() not in file_bytes(state_path)

    # a new process (new vault, same key) uses the saved token without refreshing again
    again = StoreTokenSource(
        {},
        Vault(db, KeyManager({"SOCIALSEED_KEY": key_text}, None)),
        clock,
        connector=spec_connector(local_spec(oauth_server)),
    )
    count = len(requests(oauth_server, "/token"))
    assert await again.access_token(ACCOUNT) == token
    assert len(requests(oauth_server, "/token")) == count


async def test_refresh_after_a_refused_answer_and_parallel_callers_share_it(
    oauth_server: OAuthServer, vault: Vault, clock: FakeClock
) -> None:
    import asyncio

    await login(oauth_server, vault, clock)
    tokens = StoreTokenSource({}, vault, clock, connector=spec_connector(local_spec(oauth_server)))
    old = await tokens.access_token(ACCOUNT)
    before = len(requests(oauth_server, "/token"))
    new1, new2 = await asyncio.gather(tokens.refresh(ACCOUNT), tokens.refresh(ACCOUNT))
    assert new1 == new2 != old
    assert len(requests(oauth_server, "/token")) == before + 1  # one refresh, not two


async def test_a_revoked_grant_needs_a_new_login(
    oauth_server: OAuthServer, vault: Vault, clock: FakeClock
) -> None:
    await login(oauth_server, vault, clock)
    oauth_server.state.live_refresh.clear()  # revoked at the platform
    tokens = StoreTokenSource({}, vault, clock, connector=spec_connector(local_spec(oauth_server)))
    clock.advance(7200)
    with pytest.raises(AuthExpired) as caught:
        await tokens.access_token(ACCOUNT)
    assert caught.value.exit_code == EXIT_AUTH
    assert "revoked or already used" in caught.value.message
    assert caught.value.hint == "run 'socialseed auth login x-main' again"


async def test_logout_revokes_at_the_server_and_deletes_the_row(
    oauth_server: OAuthServer, vault: Vault, clock: FakeClock
) -> None:
    await login(oauth_server, vault, clock)
    grant = vault.get("x-main")
    assert grant is not None
    tokens = StoreTokenSource({}, vault, clock)
    spec = local_spec(oauth_server)
    import socialseed.auth.logout as logout_module

    original = logout_module.connector_for
    logout_module.connector_for = spec_connector(spec)  # type: ignore[assignment]
    try:
        lines = await logout("x-main", ACCOUNT, tokens, clock)
    finally:
        logout_module.connector_for = original
    assert grant.refresh_token in oauth_server.state.revoked
    assert requests(oauth_server, "/revoke")[0]["client_id"] == "client-abc"
    assert vault.record("x-main") is None
    assert lines == ["Revoked the token at x.", "Deleted the stored token of 'x-main'."]
