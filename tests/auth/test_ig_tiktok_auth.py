"""Instagram Login and TikTok API for Business tokens against a local authorization server:
code exchange, refresh before expiry (Instagram's 60-day token in its last week; TikTok's
rotating refresh token), expiry, and a revoked grant; ``auth status`` warns 7 days ahead."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlite_utils import Database

from socialseed.auth.grant import Grant
from socialseed.auth.oauth import OAuthFlow
from socialseed.auth.providers import INSTAGRAM, TIKTOK, OAuthSpec, with_base
from socialseed.auth.status import EXPIRED, OK, account_status
from socialseed.auth.tokens import StoreTokenSource
from socialseed.auth.vault import Vault
from socialseed.clock import FakeClock
from socialseed.config.schema import Account
from socialseed.errors import AuthExpired, SecretError
from tests.auth.conftest import NOW
from tests.auth.platform_auth_server import CLIENT_ID, CLIENT_SECRET, CODE, PlatformAuthServer, V

ENV = {"APP_SECRET": CLIENT_SECRET}


@pytest.fixture
def server() -> Iterator[PlatformAuthServer]:
    made = PlatformAuthServer()
    made.start()
    yield made
    made.stop()


def ig_spec(server: PlatformAuthServer) -> OAuthSpec:
    return with_base(
        INSTAGRAM,
        authorize_url=f"{server.url}/oauth/authorize",
        token_url=f"{server.url}/oauth/access_token",
        whoami_url=f"{server.url}/me?fields=user_id,username",
    )


def tt_spec(server: PlatformAuthServer) -> OAuthSpec:
    return with_base(
        TIKTOK,
        token_url=f"{server.url}{V}/tt_user/oauth2/token/",
        revoke_url=f"{server.url}{V}/tt_user/oauth2/revoke/",
        whoami_url=f"{server.url}{V}/business/get/",
    )


def flow(spec: OAuthSpec, clock: FakeClock, account: str = "shop") -> OAuthFlow:
    return OAuthFlow(
        spec, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, clock=clock, account=account
    )


def acct(platform: str) -> Account:
    return Account(
        id="shop",
        platform=platform,
        handle="studio",
        phases="calm",
        client_id=CLIENT_ID,
        client_secret="env/APP_SECRET",
    )


def source(vault: Vault, clock: FakeClock, spec: OAuthSpec) -> StoreTokenSource:
    def connector(account: Account, env: object, clk: object, transport: object, grant: object):  # type: ignore[no-untyped-def]
        return flow(spec, clock)

    return StoreTokenSource(ENV, vault, clock, connector=connector)


async def login(spec: OAuthSpec, clock: FakeClock) -> Grant:
    made = flow(spec, clock)
    auth = made.authorize("http://127.0.0.1:8765/callback")
    return await made.exchange(auth, f"{auth.redirect_uri}?code={CODE}&state={auth.state}#_")


# --- Instagram ------------------------------------------------------------------------------


async def test_instagram_code_exchange_stores_a_60_day_token(
    server: PlatformAuthServer, clock: FakeClock
) -> None:
    grant = await login(ig_spec(server), clock)
    (code,) = server.paths("/oauth/access_token")
    assert code | {"redirect_uri": ""} == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "code": CODE,
        "grant_type": "authorization_code",
        "redirect_uri": "",
    }
    (swap,) = server.paths("/access_token")
    assert swap["grant_type"] == "ig_exchange_token" and swap["access_token"] == "IGshort-000001"
    assert grant.access_token == "IGlong-000002" and grant.whoami == "studio"
    assert grant.expires_at == NOW + timedelta(seconds=5184000)


async def test_instagram_refreshes_in_the_last_week_and_stores_the_new_token(
    server: PlatformAuthServer, vault: Vault, clock: FakeClock, db: Database
) -> None:
    vault.put("shop", await login(ig_spec(server), clock), now=NOW)
    tokens = source(vault, clock, ig_spec(server))
    clock.advance(52 * 86400)  # 8 days left: not yet
    assert await tokens.access_token(acct("instagram")) == "IGlong-000002"
    clock.advance(2 * 86400)  # 6 days left: refreshed before it expires
    assert await tokens.access_token(acct("instagram")) == "IGlong-000003"
    (refresh,) = server.paths("/refresh_access_token")
    assert refresh == {"grant_type": "ig_refresh_token", "access_token": "IGlong-000002"}
    stored = vault.get("shop")
    assert stored is not None and stored.access_token == "IGlong-000003"
    assert stored.expires_at == clock.now() + timedelta(seconds=5184000)
    audit = list(db["audit"].rows_where("kind = 'auth.refresh'"))
    assert len(audit) == 1


async def test_instagram_expired_token_needs_a_login_and_status_says_expired(
    server: PlatformAuthServer, vault: Vault, clock: FakeClock
) -> None:
    vault.put("shop", await login(ig_spec(server), clock), now=NOW)
    server.state.live.clear()  # Meta no longer honours it
    clock.advance(61 * 86400)
    with pytest.raises(AuthExpired) as caught:
        await source(vault, clock, ig_spec(server)).access_token(acct("instagram"))
    assert "Session has expired" in str(caught.value)
    assert caught.value.hint == "run 'socialseed auth login shop' again"
    row = account_status(acct("instagram"), ENV, vault, clock.now())
    assert row.state == EXPIRED


async def test_instagram_revoked_token_is_refused_with_the_login_command(
    server: PlatformAuthServer, vault: Vault, clock: FakeClock
) -> None:
    vault.put("shop", await login(ig_spec(server), clock), now=NOW)
    server.state.live.clear()  # the person removed the app in Instagram's settings
    with pytest.raises(AuthExpired) as caught:
        await source(vault, clock, ig_spec(server)).refresh(acct("instagram"))
    assert "socialseed auth login shop" in str(caught.value.hint)


async def test_status_warns_seven_days_before_an_instagram_token_expires(
    server: PlatformAuthServer, vault: Vault, clock: FakeClock
) -> None:
    vault.put("shop", await login(ig_spec(server), clock), now=NOW)
    early = account_status(acct("instagram"), ENV, vault, NOW + timedelta(days=52))
    late = account_status(acct("instagram"), ENV, vault, NOW + timedelta(days=55))
    assert early.state == late.state == OK and early.warning == ""
    assert late.warning.startswith("expires in 5 days (2027-01-24T18:00:00Z)")
    assert "socialseed auth login shop" in late.warning
    assert json.loads(json.dumps(late.data()))["warning"] == late.warning


# --- TikTok API for Business ----------------------------------------------------------------


async def test_tiktok_code_exchange_posts_json_and_reads_the_lifetimes(
    server: PlatformAuthServer, clock: FakeClock
) -> None:
    made = flow(tt_spec(server), clock)
    auth = made.authorize("http://127.0.0.1:8765/callback")
    assert f"client_key={CLIENT_ID}" in auth.url and "code_challenge" not in auth.url
    assert "scope=user.info.basic%2Cvideo.list%2Ccomment.list%2Ccomment.list.manage" in auth.url
    grant = await made.exchange(auth, f"{auth.redirect_uri}?code={CODE}&state={auth.state}")
    (token,) = server.paths(f"{V}/tt_user/oauth2/token/")
    assert token == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "authorization_code",
        "auth_code": CODE,
        "redirect_uri": "http://127.0.0.1:8765/callback",
    }
    assert grant.user_id == "biz-open-id-1" and grant.whoami == "studio.tt"
    assert grant.expires_at == NOW + timedelta(days=1)
    assert grant.refresh_expires_at == NOW + timedelta(days=365)
    assert grant.scopes == ("user.info.basic", "video.list", "comment.list", "comment.list.manage")


async def test_tiktok_refresh_rotates_and_the_used_refresh_token_is_dead(
    server: PlatformAuthServer, vault: Vault, clock: FakeClock
) -> None:
    server.state.tiktok_expires_in, server.state.tiktok_refresh_expires_in = 7200, 15552000
    first = await login(tt_spec(server), clock)  # Login Kit's newer 2 h / 180 d lifetimes
    assert first.expires_at == NOW + timedelta(hours=2)
    vault.put("shop", first, now=NOW)
    tokens = source(vault, clock, tt_spec(server))
    clock.advance(2 * 3600)
    assert await tokens.access_token(acct("tiktok")) == "act-000002"
    (refresh,) = server.paths(f"{V}/tt_user/oauth2/refresh_token/")
    assert refresh["grant_type"] == "refresh_token" and refresh["refresh_token"] == "rft-000001"
    stored = vault.get("shop")
    assert stored is not None and stored.refresh_token == "rft-000002"  # the rotated one
    assert stored.refresh_expires_at == clock.now() + timedelta(days=180)
    with pytest.raises(AuthExpired, match="40107") as caught:
        await flow(tt_spec(server), clock).refresh(first)  # the old refresh token again
    assert caught.value.hint == "run 'socialseed auth login shop' again"


async def test_tiktok_revoke_and_a_revoked_token_is_refused(
    server: PlatformAuthServer, clock: FakeClock
) -> None:
    made = flow(tt_spec(server), clock)
    grant = await login(tt_spec(server), clock)
    assert await made.revoke(grant)
    (revoke,) = server.paths(f"{V}/tt_user/oauth2/revoke/")
    assert revoke == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "access_token": grant.access_token,
    }
    with pytest.raises(AuthExpired, match="40105"):
        await made.identify(grant)


async def test_tiktok_wrong_app_secret_names_the_config_fields(
    server: PlatformAuthServer, clock: FakeClock
) -> None:
    made = OAuthFlow(
        tt_spec(server), client_id=CLIENT_ID, client_secret="wrong-secret-1", clock=clock
    )
    auth = made.authorize("http://127.0.0.1:8765/callback")
    with pytest.raises(SecretError) as caught:
        await made.exchange(auth, f"{auth.redirect_uri}?code={CODE}&state={auth.state}")
    assert "app id or secret is wrong" in str(caught.value)
    assert "client_secret" in str(caught.value.hint)
