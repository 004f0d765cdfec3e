"""Per-platform details of the OAuth flows (Mastodon app registration, TikTok's client_key and
hex challenge, Instagram's 60-day token), the loopback listener, and env overrides."""

from __future__ import annotations

import json
import sys
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from socialseed import redact
from socialseed.auth.grant import Grant
from socialseed.auth.login import Login, LoginOptions
from socialseed.auth.loopback import LoopbackListener
from socialseed.auth.oauth import OAuthFlow
from socialseed.auth.providers import INSTAGRAM, TIKTOK
from socialseed.auth.tokens import StoreTokenSource, env_token_name
from socialseed.auth.vault import Vault
from socialseed.clock import FakeClock
from socialseed.config.schema import Account
from socialseed.errors import AuthExpired, SecretError
from tests.auth.conftest import NOW


class Recorder:
    def __init__(self, routes: dict[str, httpx.Response]) -> None:
        self.routes = routes
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return self.routes.get(
            f"{request.method} {request.url.copy_with(query=None)}",
            httpx.Response(404, json={"error": "not here"}),
        )

    def form(self, index: int) -> dict[str, str]:
        return dict(parse_qsl(self.seen[index].content.decode()))


class LoopbackBrowser:
    """Approves at once: sends the browser to the redirect URI with a code and the state."""

    interactive = True

    def __init__(self) -> None:
        self.urls: list[str] = []

    def say(self, text: str) -> None:
        pass

    def open_browser(self, url: str) -> bool:
        self.urls.append(url)
        query = dict(parse_qsl(urlsplit(url).query))
        answer = {"code": "the-code-123456", "state": query["state"]}
        httpx.get(query["redirect_uri"] + "?" + urlencode(answer), timeout=5)
        return True

    def read_line(self, prompt: str) -> str:
        raise AssertionError

    def read_secret(self, prompt: str) -> str:
        raise AssertionError


async def test_mastodon_registers_an_app_then_logs_in(vault: Vault, clock: FakeClock) -> None:
    account = Account(
        id="masto", platform="mastodon", handle="studio", phases="p", instance="https://social.test"
    )
    server = Recorder(
        {
            "POST https://social.test/api/v1/apps": httpx.Response(
                200, json={"client_id": "cid-1", "client_secret": "csecret-987654321"}
            ),
            "POST https://social.test/oauth/token": httpx.Response(
                200,
                json={
                    "access_token": "masto-at-123456",
                    "token_type": "Bearer",
                    "scope": "read write",
                    "created_at": 1,
                },
            ),
            "GET https://social.test/api/v1/accounts/verify_credentials": httpx.Response(
                200, json={"id": "77", "acct": "studio"}
            ),
        }
    )
    browser = LoopbackBrowser()
    job = Login(
        account, {}, vault, clock, browser, LoginOptions(), transport=httpx.MockTransport(server)
    )
    result = await job.run()

    app = server.form(0)
    authorize = dict(parse_qsl(urlsplit(browser.urls[0]).query))
    token = server.form(1)
    assert app["redirect_uris"] == authorize["redirect_uri"]
    assert app["scopes"] == "read write"
    assert authorize["client_id"] == "cid-1" and authorize["code_challenge_method"] == "S256"
    assert token["client_secret"] == "csecret-987654321" and token["code"] == "the-code-123456"
    assert "code_verifier" in token
    assert result.grant.whoami == "@studio" and result.grant.expires_at is None
    stored = vault.get("masto")
    assert stored is not None
    assert stored.extra["client_secret"] == "csecret-987654321"  # kept for revocation
    assert stored.info["instance"] == "https://social.test"


async def test_tiktok_uses_client_key_and_the_business_comment_scopes(clock: FakeClock) -> None:
    flow = OAuthFlow(TIKTOK, client_id="ck-1", client_secret="cs-1234567", clock=clock)
    auth = flow.authorize("http://127.0.0.1:8765/callback")
    query = dict(parse_qsl(urlsplit(auth.url).query))
    assert query["client_key"] == "ck-1"
    assert query["scope"] == "user.info.basic,video.list,comment.list,comment.list.manage"
    assert "code_challenge" not in query  # PKCE is not documented for the API for Business


async def test_tiktok_error_in_a_200_envelope_is_an_auth_error(clock: FakeClock) -> None:
    server = Recorder(
        {
            "POST https://business-api.tiktok.com/open_api/v1.3/tt_user/oauth2/refresh_token/": (
                httpx.Response(
                    200,
                    json={
                        "code": 40107,
                        "message": "The refresh token is invalid or has expired",
                        "request_id": "r1",
                        "data": {},
                    },
                )
            )
        }
    )
    flow = OAuthFlow(
        TIKTOK,
        client_id="ck-1",
        client_secret="cs-1234567",
        clock=clock,
        transport=httpx.MockTransport(server),
        account="tt",
    )
    with pytest.raises(AuthExpired, match="refresh token is invalid") as caught:
        await flow.refresh(Grant(access_token="a-123456", refresh_token="r-123456"))
    assert caught.value.hint == "run 'socialseed auth login tt' again"
    assert json.loads(server.seen[0].content) == {
        "client_id": "ck-1",
        "client_secret": "cs-1234567",
        "grant_type": "refresh_token",
        "refresh_token": "r-123456",
    }


async def test_instagram_swaps_for_a_60_day_token_and_refreshes_it(clock: FakeClock) -> None:
    server = Recorder(
        {
            "POST https://api.instagram.com/oauth/access_token": httpx.Response(
                200,
                json={
                    "access_token": "IGshort123456",
                    "user_id": 17841,
                    "permissions": "instagram_business_basic",
                },
            ),
            "GET https://graph.instagram.com/access_token": httpx.Response(
                200,
                json={
                    "access_token": "IGlong1234567",
                    "token_type": "bearer",
                    "expires_in": 5183944,
                },
            ),
            "GET https://graph.instagram.com/refresh_access_token": httpx.Response(
                200,
                json={
                    "access_token": "IGlong7654321",
                    "token_type": "bearer",
                    "expires_in": 5183944,
                },
            ),
            "GET https://graph.instagram.com/me": httpx.Response(
                200, json={"user_id": "17841", "username": "studio"}
            ),
        }
    )
    flow = OAuthFlow(
        INSTAGRAM,
        client_id="ig-1",
        client_secret="igsecret-123456",
        clock=clock,
        transport=httpx.MockTransport(server),
    )
    auth = flow.authorize("https://127.0.0.1:8765/callback")
    assert "code_challenge" not in auth.url
    grant = await flow.exchange(auth, f"{auth.redirect_uri}?code=c0de-123456&state={auth.state}#_")
    assert grant.access_token == "IGlong1234567" and grant.whoami == "studio"
    assert grant.expires_at is not None and (grant.expires_at - NOW).days == 59
    exchange = dict(server.seen[1].url.params)
    assert exchange["grant_type"] == "ig_exchange_token"
    newer = await flow.refresh(grant)
    assert newer.access_token == "IGlong7654321"
    assert dict(server.seen[-1].url.params)["grant_type"] == "ig_refresh_token"


def test_instagram_and_tiktok_need_the_client_secret(clock: FakeClock) -> None:
    with pytest.raises(SecretError, match="client secret") as caught:
        OAuthFlow(INSTAGRAM, client_id="ig-1", client_secret=None, clock=clock)
    assert "client_secret: env/NAME" in str(caught.value.hint)


def test_loopback_listener_answers_once_and_only_on_its_path() -> None:
    with LoopbackListener() as listener:
        assert listener.redirect_uri.startswith("http://127.0.0.1:")
        base = listener.redirect_uri.rsplit("/", 1)[0]
        assert httpx.get(base + "/favicon.ico").status_code == 404
        assert httpx.get(listener.redirect_uri + "?code=abc123456&state=s").status_code == 200
        assert listener.wait(1).endswith("/callback?code=abc123456&state=s")


def test_loopback_listener_times_out_clearly() -> None:
    with LoopbackListener() as listener, pytest.raises(SecretError, match="no answer from the"):
        listener.wait(0.05)


def test_env_token_names() -> None:
    assert env_token_name("studio-bsky") == "SOCIALSEED_STUDIO_BSKY_TOKEN"


async def test_env_overrides_come_before_stored_tokens(vault: Vault, clock: FakeClock) -> None:
    account = Account(id="x-main", platform="x", handle="s", phases="p", credentials="env/X_TOKEN")
    vault.put("x-main", Grant(access_token="stored-123456"), now=NOW)
    tokens = StoreTokenSource({}, vault, clock)
    assert await tokens.access_token(account) == "stored-123456"
    tokens = StoreTokenSource({"X_TOKEN": "config-123456"}, vault, clock)
    assert await tokens.access_token(account) == "config-123456"
    env = {"X_TOKEN": "config-123456", "SOCIALSEED_X_MAIN_TOKEN": "override-123456"}
    tokens = StoreTokenSource(env, vault, clock)
    assert await tokens.access_token(account) == "override-123456"
    with pytest.raises(AuthExpired, match="from SOCIALSEED_X_MAIN_TOKEN was refused") as caught:
        await tokens.refresh(account)
    assert "SOCIALSEED_X_MAIN_TOKEN" in str(caught.value.hint)
    assert redact.scrub("override-123456") == redact.MASK


async def test_expired_token_without_refresh_token_needs_login(
    vault: Vault, clock: FakeClock
) -> None:
    account = Account(id="x-main", platform="x", handle="s", phases="p")
    vault.put("x-main", Grant(access_token="stored-123456", expires_at=NOW), now=NOW)
    with pytest.raises(AuthExpired, match="expired at 2026-11-25T18:00:00Z") as caught:
        await StoreTokenSource({}, vault, clock).access_token(account)
    assert caught.value.hint == "run 'socialseed auth login x-main' again"


async def test_nothing_connected_names_both_ways(vault: Vault, clock: FakeClock) -> None:
    account = Account(id="x-main", platform="x", handle="s", phases="p")
    with pytest.raises(AuthExpired, match="no credentials are connected") as caught:
        await StoreTokenSource({}, vault, clock).access_token(account)
    assert "SOCIALSEED_X_MAIN_TOKEN" in str(caught.value.hint)


def test_debug_tracebacks_are_scrubbed(capsys: pytest.CaptureFixture[str]) -> None:
    previous = sys.excepthook
    try:
        redact.install()
        redact.register("tb-secret-123456")
        try:
            raise RuntimeError(json.dumps({"access_token": "tb-secret-123456"}))
        except RuntimeError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
        redact._installed = False
    err = capsys.readouterr().err
    assert "RuntimeError" in err and "tb-secret-123456" not in err


def test_a_client_secret_variable_that_is_not_set_is_named(clock: FakeClock) -> None:
    from socialseed.auth.connectors import oauth_flow

    account = Account(
        id="tt",
        platform="tiktok",
        handle="s",
        phases="p",
        client_id="ck",
        client_secret="env/TT_SECRET",
    )
    with pytest.raises(SecretError, match="from TT_SECRET, which is not set"):
        oauth_flow(account, {}, clock, None)
    flow = oauth_flow(account, {"TT_SECRET": "tt-secret-123456"}, clock, None)
    assert flow.client_secret == "tt-secret-123456"
    assert redact.scrub("tt-secret-123456") == redact.MASK
