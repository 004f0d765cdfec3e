"""OAuth 2.0 authorization code with PKCE, through authlib, over an injected transport.

``OAuthFlow.authorize`` builds the URL a person opens; ``exchange`` checks ``state``, trades
the code for tokens at once and asks the platform who we are; ``refresh`` and ``revoke`` keep
and end the grant. authlib and httpx failures are mapped to ``socialseed.errors`` here, in
``_guard``, and nowhere else.
"""

from __future__ import annotations

import hashlib
import hmac
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from socialseed.auth.grant import Grant, seconds_from
from socialseed.auth.providers import OAuthSpec
from socialseed.clock import Clock
from socialseed.errors import (
    AuthExpired,
    PermanentError,
    PlatformError,
    SecretError,
    SocialSeedError,
    Transient,
)
from socialseed.platforms.http import USER_AGENT, default_message

T = TypeVar("T")
_EXPIRED_GRANT = {"invalid_grant", "invalid_token", "access_token_invalid", "token_expired"}
_EXPIRED_GRANT |= {"190"}  # Graph API (Instagram): access token expired, invalid or revoked


def async_client_class() -> Any:
    """authlib's AsyncOAuth2Client, imported without its httpx deprecation warning."""
    with warnings.catch_warnings():
        import authlib.deprecate  # noqa: F401  (sets its own "always" filter first)

        warnings.simplefilter("ignore", DeprecationWarning)
        from authlib.integrations.httpx_client import AsyncOAuth2Client
    return AsyncOAuth2Client


def new_verifier() -> str:
    from authlib.common.security import generate_token

    return str(generate_token(64))


def challenge(verifier: str, method: str) -> str:
    if method == "hex":  # TikTok desktop apps
        return hashlib.sha256(verifier.encode()).hexdigest()
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    return str(create_s256_code_challenge(verifier))


@dataclass(frozen=True)
class Authorization:
    """One login attempt: the URL to open and what must come back."""

    url: str
    state: str
    verifier: str
    redirect_uri: str

    def __repr__(self) -> str:
        return f"Authorization(redirect_uri={self.redirect_uri!r}, secrets=[redacted])"


class OAuthFlow:
    """One platform's authorization-code flow for one client."""

    def __init__(
        self,
        spec: OAuthSpec,
        *,
        client_id: str,
        client_secret: str | None,
        clock: Clock,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        account: str = "ACCOUNT",
    ) -> None:
        if spec.secret_required and not client_secret:
            raise SecretError(
                f"{spec.platform} needs the app's client secret to log in",
                hint="set client_secret: env/NAME on the account and export NAME",
            )
        self.spec = spec
        self.client_id = client_id
        self.client_secret = client_secret
        self.clock = clock
        self.transport = transport
        self.timeout = timeout
        self.login_hint = f"run 'socialseed auth login {account}' again"

    async def _call(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        return await _guard(self.spec.platform, what, call, self.login_hint)

    def _ok(self, what: str, response: httpx.Response) -> None:
        _check(self.spec.platform, what, response, self.login_hint)

    def _client(self, redirect_uri: str | None = None) -> Any:
        cls = async_client_class()
        return cls(
            client_id=self.client_id,
            client_secret=self.client_secret,
            token_endpoint_auth_method=self.spec.token_auth(bool(self.client_secret)),
            revocation_endpoint_auth_method=self.spec.token_auth(bool(self.client_secret)),
            scope=self.spec.scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256" if self.spec.pkce == "S256" else None,
            transport=self.transport,
            timeout=self.timeout,
            headers={"user-agent": USER_AGENT},
        )

    def _client_params(self) -> dict[str, str]:
        if self.spec.client_id_param != "client_id":
            return {self.spec.client_id_param: self.client_id}
        return {}

    def authorize(self, redirect_uri: str) -> Authorization:
        """The authorization URL (with ``state`` and the PKCE challenge) for a person to open."""
        verifier = new_verifier()
        extra = self._client_params()
        if self.spec.pkce == "hex":
            extra.update(code_challenge=challenge(verifier, "hex"), code_challenge_method="S256")
        client = self._client(redirect_uri)
        use_verifier = verifier if self.spec.pkce == "S256" else None
        url, state = client.create_authorization_url(
            self.spec.authorize_url, code_verifier=use_verifier, **extra
        )
        return Authorization(str(url), str(state), verifier, redirect_uri)

    async def exchange(self, auth: Authorization, redirect_url: str) -> Grant:
        """Check the answer's ``state``, trade its code for tokens, and learn who we are."""
        code = self._code_from(auth, redirect_url)
        if self.spec.platform == "tiktok":
            from socialseed.auth import tiktok_business

            return await tiktok_business.exchange(self, code, auth.redirect_uri)
        body: dict[str, Any] = {"code": code, **self._client_params()}
        if self.spec.pkce != "none":
            body["code_verifier"] = auth.verifier
        async with self._client(auth.redirect_uri) as client:
            token = await self._call(
                "exchanging the authorization code",
                lambda: client.fetch_token(
                    self.spec.token_url, grant_type="authorization_code", **body
                ),
            )
        grant = self._grant(dict(token))
        grant = await self._after_exchange(grant)
        return await self.identify(grant)

    def _code_from(self, auth: Authorization, redirect_url: str) -> str:
        params = dict(parse_qsl(urlsplit(redirect_url.strip()).query))
        if "error" in params:
            said = params.get("error_description") or params["error"]
            raise SecretError(
                f"{self.spec.platform} did not authorize SocialSeed: {said}",
                hint="run 'socialseed auth login ACCOUNT' again and approve the access asked",
            )
        if not hmac.compare_digest(params.get("state", ""), auth.state):
            raise SecretError(
                f"the answer to this {self.spec.platform} login carries a different 'state' "
                "(it belongs to another login, or someone tried to forge one); nothing was "
                "stored",
                hint="run 'socialseed auth login ACCOUNT' again and use the newest link only",
            )
        code = params.get("code")
        if not code:
            raise SecretError(
                f"the address given holds no authorization code from {self.spec.platform}",
                hint="paste the whole address the browser was sent to, starting with "
                f"{auth.redirect_uri}",
            )
        from socialseed import redact

        redact.register(code)
        return code

    async def _after_exchange(self, grant: Grant) -> Grant:
        if self.spec.platform == "instagram":
            return await self._instagram_long_lived(grant)
        return grant

    async def refresh(self, grant: Grant) -> Grant:
        """A new grant from the refresh token (rotated ones included)."""
        if self.spec.platform == "instagram":
            return await self._instagram_refresh(grant)
        if self.spec.platform == "tiktok":
            from socialseed.auth import tiktok_business

            return await tiktok_business.refresh(self, grant)
        if not grant.refresh_token:
            raise AuthExpired(
                f"{self.spec.platform}: the token expired and there is no refresh token",
                hint=self.login_hint,
            )
        refresh_token = grant.refresh_token
        async with self._client() as client:
            token = await self._call(
                "refreshing the token",
                lambda: client.refresh_token(
                    self.spec.token_url, refresh_token=refresh_token, **self._client_params()
                ),
            )
        return grant.refreshed(self._grant(dict(token)), self.clock.now())

    async def revoke(self, grant: Grant) -> bool:
        """Revoke at the platform where it offers that; ``False`` where it does not."""
        if not self.spec.revoke_url:
            return False
        if self.spec.platform == "tiktok":
            from socialseed.auth import tiktok_business

            return await tiktok_business.revoke(self, grant)
        url = self.spec.revoke_url
        async with self._client() as client:
            response = await self._call(
                "revoking the token",
                lambda: client.revoke_token(
                    url,
                    token=grant.refresh_token or grant.access_token,
                    body=urlencode(self._client_params()),
                ),
            )
        self._ok("revoking the token", response)
        return True

    async def identify(self, grant: Grant) -> Grant:
        """``grant`` with the account's id and name, asked of the platform."""
        if self.spec.platform == "tiktok":
            from socialseed.auth import tiktok_business

            return await tiktok_business.identify(self, grant)
        return await identify(self.spec, grant, transport=self.transport, login=self.login_hint)

    def _grant(self, token: dict[str, Any]) -> Grant:
        now = self.clock.now()
        scope = str(token.get("scope") or "")
        scopes = tuple(s for s in scope.replace(",", " ").split() if s)
        user_id = str(token.get("open_id") or token.get("user_id") or "")
        return Grant(
            access_token=str(token["access_token"]),
            refresh_token=token.get("refresh_token") or None,
            expires_at=seconds_from(now, token.get("expires_in")),
            refresh_expires_at=seconds_from(now, token.get("refresh_expires_in")),
            scopes=scopes,
            user_id=user_id,
            obtained_at=now,
            info={"client_id": self.client_id, "platform": self.spec.platform},
        )

    async def _instagram_long_lived(self, grant: Grant) -> Grant:
        params = {
            "grant_type": "ig_exchange_token",
            "client_secret": self.client_secret or "",
            "access_token": grant.access_token,
        }
        token = await self._graph_get("access_token", params, "getting a 60-day token")
        long = self._grant(token)
        return replace(long, user_id=grant.user_id, scopes=grant.scopes)

    async def _instagram_refresh(self, grant: Grant) -> Grant:
        params = {"grant_type": "ig_refresh_token", "access_token": grant.access_token}
        token = await self._graph_get("refresh_access_token", params, "refreshing the token")
        return grant.refreshed(self._grant(token), self.clock.now())

    async def _graph_get(self, path: str, params: dict[str, str], what: str) -> dict[str, Any]:
        base = self.spec.whoami_url or "https://graph.instagram.com/me"
        url = base.split("/me", 1)[0] + "/" + path
        async with httpx.AsyncClient(transport=self.transport, timeout=self.timeout) as client:
            response = await self._call(what, lambda: client.get(url, params=params))
        self._ok(what, response)
        data = response.json()
        if not isinstance(data, dict) or not data.get("access_token"):
            raise PermanentError(f"{self.spec.platform}: {what} gave no token")
        return data


async def identify(
    spec: OAuthSpec,
    grant: Grant,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    login: str = "",
    timeout: float = 30.0,
) -> Grant:
    """``grant`` with the user id and handle from the platform's "who am I" endpoint."""
    if not spec.whoami_url:
        return grant
    if spec.platform == "tiktok":
        from socialseed.auth import tiktok_business
        from socialseed.clock import SystemClock

        flow = OAuthFlow(
            spec, client_id="", client_secret="-", clock=SystemClock(), transport=transport
        )
        flow.login_hint = login
        return await tiktok_business.identify(flow, grant)
    url = spec.whoami_url
    what = "asking who the token belongs to"
    headers = {"authorization": f"Bearer {grant.access_token}", "user-agent": USER_AGENT}
    async with httpx.AsyncClient(transport=transport, timeout=timeout) as client:
        response = await _guard(
            spec.platform, what, lambda: client.get(url, headers=headers), login
        )
    _check(spec.platform, what, response, login)
    user_id, name = whoami(spec.platform, response.json())
    return replace(grant, user_id=user_id or grant.user_id, whoami=name or grant.whoami)


async def register_mastodon_app(
    instance: str,
    redirect_uri: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 30.0,
) -> tuple[str, str]:
    """Register SocialSeed as an app on a Mastodon instance: ``(client_id, client_secret)``."""
    from socialseed.auth.providers import MASTODON_SCOPES

    url = instance.rstrip("/") + "/api/v1/apps"
    data = {
        "client_name": "SocialSeed",
        "redirect_uris": redirect_uri,
        "scopes": " ".join(MASTODON_SCOPES),
        "website": "https://github.com/socialseed/socialseed",
    }
    what = f"registering the app on {instance}"
    async with httpx.AsyncClient(transport=transport, timeout=timeout) as client:
        response = await _guard("mastodon", what, lambda: client.post(url, data=data))
    _check("mastodon", what, response, "check the instance URL in the config")
    body = response.json()
    client_id, secret = str(body.get("client_id") or ""), str(body.get("client_secret") or "")
    if not client_id or not secret:
        raise PermanentError(f"mastodon: {what} gave no client id or secret")
    from socialseed import redact

    redact.register(secret)
    return client_id, secret


def whoami(platform: str, body: Any) -> tuple[str, str]:
    """``(user id, display handle)`` from a platform's "me" answer."""
    if not isinstance(body, dict):
        return "", ""
    if platform == "x":
        data = body.get("data") or {}
        return str(data.get("id") or ""), f"@{data.get('username', '')}".rstrip("@")
    if platform == "mastodon":
        return str(body.get("id") or ""), f"@{body.get('acct', '')}".rstrip("@")
    if platform == "instagram":
        return str(body.get("user_id") or body.get("id") or ""), str(body.get("username") or "")
    if platform == "tiktok":
        user = (body.get("data") or {}).get("user") or {}
        return str(user.get("open_id") or ""), str(user.get("display_name") or "")
    return "", ""


def _check(platform: str, what: str, response: httpx.Response, login: str) -> None:
    status = response.status_code
    if status < 400:
        return
    said = default_message(response)
    if status == 401 or _error_code(response) in _EXPIRED_GRANT:
        raise AuthExpired(f"{platform}: {what} was refused: {said}", hint=login, status=status)
    if status >= 500 or status == 429:
        raise Transient(
            f"{platform}: {what} failed: {said} (HTTP {status})",
            status=status,
            hint="try again in a few minutes",
        )
    raise PermanentError(f"{platform}: {what} was refused: {said} (HTTP {status})", status=status)


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("code") or "")
    return str(error or "")


async def _guard(platform: str, what: str, call: Callable[[], Awaitable[T]], login: str = "") -> T:
    """Run one authlib/httpx call, mapping every foreign failure to the error tree."""
    from authlib.common.errors import AuthlibBaseError

    try:
        return await call()
    except SocialSeedError:
        raise
    except AuthlibBaseError as exc:
        raise _oauth_error(platform, what, str(exc.error), exc.description, login) from exc
    except httpx.HTTPStatusError as exc:
        _check(platform, what, exc.response, login)
        raise PlatformError(f"{platform}: {what} failed") from exc
    except httpx.TimeoutException as exc:
        raise Transient(f"{platform}: {what} timed out", hint="try again") from exc
    except httpx.TransportError as exc:
        raise Transient(
            f"{platform}: {what} failed: {type(exc).__name__}",
            hint="check the network connection and try again",
        ) from exc
    except ValueError as exc:
        raise PermanentError(f"{platform}: {what} gave an unreadable answer ({exc})") from exc


def _oauth_error(
    platform: str, what: str, error: str, description: str | None, login: str
) -> SocialSeedError:
    said = f"{error}: {description}" if description else error
    if error in _EXPIRED_GRANT:
        return AuthExpired(
            f"{platform}: {what} was refused ({said}); the grant is expired, revoked or "
            "already used",
            hint=login,
        )
    if error in {"invalid_client", "unauthorized_client"}:
        return SecretError(
            f"{platform}: {what} was refused ({said}); the client id or secret is wrong",
            hint="check client_id and client_secret of the account in the config",
        )
    return PermanentError(f"{platform}: {what} was refused ({said})")
