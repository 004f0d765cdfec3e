"""TikTok API for Business account-holder tokens: code exchange, refresh, revoke, who am I.

The authorization page is TikTok's (``OAuthFlow.authorize`` builds its URL with ``client_key``);
the tokens come from the API for Business, which speaks JSON bodies and answers in its envelope
``{"code", "message", "request_id", "data"}`` (``code != 0``: refused, even under HTTP 200):

- ``POST /open_api/v1.3/tt_user/oauth2/token/`` ``{client_id, client_secret, grant_type:
  authorization_code, auth_code, redirect_uri}``
- ``POST /open_api/v1.3/tt_user/oauth2/refresh_token/`` ``{client_id, client_secret,
  grant_type: refresh_token, refresh_token}``: the refresh token rotates (the old one stops
  working), so the new one is stored before the new access token is used
- ``POST /open_api/v1.3/tt_user/oauth2/revoke/`` ``{client_id, client_secret, access_token}``
- ``GET /open_api/v1.3/business/get/?business_id=<open_id>`` (``Access-Token`` header)

Lifetimes are read from each answer, never assumed: the API for Business has answered
``expires_in`` 86,400 s and ``refresh_token_expires_in`` 31,536,000 s (older ``expires`` /
``refresh_expires``), while Login Kit moved to 2 h / 180 days with rotation (PLATFORMS.md §3.3);
every name is accepted.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Protocol

import httpx

from socialseed import redact
from socialseed.auth.grant import Grant, seconds_from
from socialseed.auth.providers import OAuthSpec
from socialseed.clock import Clock
from socialseed.errors import AuthExpired, PermanentError, SecretError, Transient
from socialseed.platforms.http import USER_AGENT


class OAuthFlow(Protocol):
    """What these calls need of ``auth.oauth.OAuthFlow`` (which calls them)."""

    spec: OAuthSpec
    client_id: str
    client_secret: str | None
    clock: Clock
    transport: httpx.AsyncBaseTransport | None
    timeout: float
    login_hint: str


API = "https://business-api.tiktok.com/open_api/v1.3"
REFUSED_GRANT = {40102, 40104, 40105, 40107, 40110}  # expired/invalid token or code
BAD_CLIENT = {40101}  # app id and secret do not match
PROFILE_FIELDS = '["username","display_name"]'


def api_base(flow: OAuthFlow) -> str:
    """The API root the spec's token URL sits under (a local server in tests)."""
    return flow.spec.token_url.split("/tt_user/", 1)[0]


async def exchange(flow: OAuthFlow, code: str, redirect_uri: str) -> Grant:
    body = {
        "client_id": flow.client_id,
        "client_secret": flow.client_secret or "",
        "grant_type": "authorization_code",
        "auth_code": code,
        "redirect_uri": redirect_uri,
    }
    data = await _post(flow, flow.spec.token_url, body, "exchanging the authorization code")
    return await identify(flow, _grant(flow, data))


async def refresh(flow: OAuthFlow, grant: Grant) -> Grant:
    if not grant.refresh_token:
        raise AuthExpired(
            "tiktok: the token expired and there is no refresh token", hint=flow.login_hint
        )
    body = {
        "client_id": flow.client_id,
        "client_secret": flow.client_secret or "",
        "grant_type": "refresh_token",
        "refresh_token": grant.refresh_token,
    }
    url = api_base(flow) + "/tt_user/oauth2/refresh_token/"
    data = await _post(flow, url, body, "refreshing the token")
    return grant.refreshed(_grant(flow, data), flow.clock.now())


async def revoke(flow: OAuthFlow, grant: Grant) -> bool:
    body = {
        "client_id": flow.client_id,
        "client_secret": flow.client_secret or "",
        "access_token": grant.access_token,
    }
    await _post(flow, flow.spec.revoke_url or "", body, "revoking the token")
    return True


async def identify(flow: OAuthFlow, grant: Grant) -> Grant:
    """``grant`` with the account's username, from ``/business/get/`` (its open_id is the
    ``business_id`` every request names)."""
    if not grant.user_id:
        return grant
    url = api_base(flow) + "/business/get/"
    params = {"business_id": grant.user_id, "fields": PROFILE_FIELDS}
    headers = {"access-token": grant.access_token, "user-agent": USER_AGENT}
    what = "asking who the token belongs to"
    response = await _send(flow, what, "GET", url, params=params, headers=headers)
    data = _data(flow, what, response)
    name = str(data.get("username") or data.get("display_name") or "")
    return replace(grant, whoami=name or grant.whoami)


def _grant(flow: OAuthFlow, data: dict[str, Any]) -> Grant:
    now = flow.clock.now()
    token = data.get("access_token")
    if not token:
        raise PermanentError("tiktok: the token answer holds no access_token")
    scope = str(data.get("scope") or "")
    refresh_in = data.get("refresh_token_expires_in") or data.get("refresh_expires_in")
    return Grant(
        access_token=str(token),
        refresh_token=data.get("refresh_token") or None,
        expires_at=seconds_from(now, data.get("expires_in") or data.get("expires")),
        refresh_expires_at=seconds_from(now, refresh_in or data.get("refresh_expires")),
        scopes=tuple(s for s in scope.replace(",", " ").split() if s),
        user_id=str(data.get("open_id") or data.get("creator_id") or ""),
        obtained_at=now,
        info={"client_id": flow.client_id, "platform": "tiktok"},
    )


async def _post(flow: OAuthFlow, url: str, body: dict[str, str], what: str) -> dict[str, Any]:
    headers = {"content-type": "application/json", "user-agent": USER_AGENT}
    response = await _send(flow, what, "POST", url, content=json.dumps(body), headers=headers)
    return _data(flow, what, response)


async def _send(flow: OAuthFlow, what: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(transport=flow.transport, timeout=flow.timeout) as client:
        try:
            return await client.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise Transient(f"tiktok: {what} timed out", hint="try again") from exc
        except httpx.TransportError as exc:
            raise Transient(
                f"tiktok: {what} failed: {type(exc).__name__}",
                hint="check the network connection and try again",
            ) from exc


def _data(flow: OAuthFlow, what: str, response: httpx.Response) -> dict[str, Any]:
    """The envelope's ``data``; a refused answer is mapped to the error tree."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        status = response.status_code
        error = Transient if status >= 500 else PermanentError
        raise error(f"tiktok: {what} gave an unreadable answer (HTTP {status})", status=status)
    code = body.get("code")
    said = redact.scrub(str(body.get("message") or "refused"))
    if code in REFUSED_GRANT or response.status_code == 401:
        raise AuthExpired(
            f"tiktok: {what} was refused: {said} (code {code}); the grant is expired, revoked "
            "or already used",
            hint=flow.login_hint,
        )
    if code in BAD_CLIENT:
        raise SecretError(
            f"tiktok: {what} was refused: {said} (code {code}); the app id or secret is wrong",
            hint="check client_id and client_secret of the account in the config",
        )
    if code != 0 or response.status_code >= 400:
        error_cls = Transient if response.status_code >= 500 else PermanentError
        raise error_cls(f"tiktok: {what} was refused: {said} (code {code})")
    data = body.get("data")
    return data if isinstance(data, dict) else {}
