"""Bluesky through an app password: create, refresh and delete an XRPC session.

``createSession`` is limited to 30 calls per 5 minutes per account, so a session is created
once at login, stored, and kept alive with ``refreshSession`` (whose refresh JWT rotates).
A main password is refused before anything is sent: app passwords look like
``xxxx-xxxx-xxxx-xxxx``.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx

from socialseed import redact
from socialseed.auth.grant import Grant
from socialseed.clock import Clock
from socialseed.errors import AuthExpired, PermanentError, SecretError
from socialseed.platforms.http import (
    USER_AGENT,
    default_message,
    epoch_reset,
    raise_for_response,
    send,
)

DEFAULT_SERVICE = "https://bsky.social"
APP_PASSWORD = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$")
_EXPIRED = {"ExpiredToken", "InvalidToken", "AuthMissing", "AuthenticationRequired"}
_WHERE_TO_MAKE = "create one in the Bluesky app: Settings > Privacy and security > App passwords"


def looks_like_app_password(value: str) -> bool:
    return bool(APP_PASSWORD.match(value.strip()))


def check_app_password(value: str) -> str:
    """The app password, or ``SecretError`` for anything that looks like a main password."""
    value = value.strip()
    redact.register(value)
    if not looks_like_app_password(value):
        raise SecretError(
            "this is not a Bluesky app password (those are four groups of four lowercase "
            "letters or digits joined by dashes); SocialSeed never takes an account's main "
            "password",
            hint=_WHERE_TO_MAKE,
        )
    return value


def jwt_expiry(token: str) -> datetime | None:
    """The ``exp`` claim of a JWT, read without verifying (only to plan a refresh)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.fromtimestamp(float(claims["exp"]), UTC)
    except (IndexError, KeyError, ValueError, TypeError):
        return None


class BlueskySessions:
    """Session calls against one PDS (``service``)."""

    def __init__(
        self,
        service: str | None,
        *,
        clock: Clock,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        account: str = "ACCOUNT",
    ) -> None:
        self.service = (service or DEFAULT_SERVICE).rstrip("/")
        self.clock = clock
        self.transport = transport
        self.timeout = timeout
        self.account = account

    async def create(self, identifier: str, app_password: str) -> Grant:
        password = check_app_password(app_password)
        body = {"identifier": identifier, "password": password}
        response = await self._post("com.atproto.server.createSession", json=body)
        if response.status_code == 401:
            raise SecretError(
                f"Bluesky ({self.service}) refused the app password for {identifier}: "
                f"{default_message(response)}",
                hint=f"check the handle, or {_WHERE_TO_MAKE}",
            )
        self._raise(response)
        return self._grant(response.json(), obtained=True)

    async def refresh(self, grant: Grant) -> Grant:
        if not grant.refresh_token:
            raise AuthExpired("bluesky: the session has no refresh token", hint=self._login)
        response = await self._post("com.atproto.server.refreshSession", bearer=grant.refresh_token)
        self._raise(response)
        return grant.refreshed(self._grant(response.json(), obtained=False), self.clock.now())

    async def delete(self, grant: Grant) -> bool:
        if not grant.refresh_token:
            return False
        response = await self._post("com.atproto.server.deleteSession", bearer=grant.refresh_token)
        if _error(response) in _EXPIRED:
            return False  # already gone
        self._raise(response)
        return True

    async def identify(self, access_jwt: str) -> Grant:
        """A grant for a bare access JWT (``--with-token`` or CI), checked with getSession."""
        response = await self._get("com.atproto.server.getSession", bearer=access_jwt)
        self._raise(response)
        data = response.json()
        return Grant(
            access_token=access_jwt,
            expires_at=jwt_expiry(access_jwt),
            user_id=str(data.get("did") or ""),
            whoami=f"@{data.get('handle', '')}".rstrip("@"),
            obtained_at=self.clock.now(),
            info={"platform": "bluesky", "service": self.service},
        )

    @property
    def _login(self) -> str:
        return f"run 'socialseed auth login {self.account}' again"

    def _grant(self, data: dict[str, Any], *, obtained: bool) -> Grant:
        if data.get("active") is False:
            raise PermanentError(
                f"bluesky: the account is not active (status: {data.get('status', 'unknown')})",
                hint="check the account in the Bluesky app",
            )
        access = str(data["accessJwt"])
        refresh = str(data["refreshJwt"])
        now = self.clock.now()
        return Grant(
            access_token=access,
            refresh_token=refresh,
            expires_at=jwt_expiry(access),
            refresh_expires_at=jwt_expiry(refresh),
            scopes=("app password",),
            user_id=str(data.get("did") or ""),
            whoami=f"@{data.get('handle', '')}".rstrip("@"),
            obtained_at=now if obtained else None,
            info={"platform": "bluesky", "service": self.service},
        )

    def _raise(self, response: httpx.Response) -> None:
        error = _error(response)
        if error in _EXPIRED or (response.status_code == 401):
            raise AuthExpired(
                f"bluesky: the session was refused ({default_message(response)})",
                hint=self._login,
                status=response.status_code,
            )
        raise_for_response(
            response,
            platform="bluesky",
            now=self.clock.now(),
            reset_reader=epoch_reset("ratelimit-reset"),
        )

    async def _post(
        self, method: str, *, json: Any = None, bearer: str | None = None
    ) -> httpx.Response:
        async with self._client(bearer) as client:
            return await send(client, "POST", f"/xrpc/{method}", platform="bluesky", json=json)

    async def _get(self, method: str, *, bearer: str) -> httpx.Response:
        async with self._client(bearer) as client:
            return await send(client, "GET", f"/xrpc/{method}", platform="bluesky")

    def _client(self, bearer: str | None) -> httpx.AsyncClient:
        headers = {"user-agent": USER_AGENT, "accept": "application/json"}
        if bearer:
            headers["authorization"] = f"Bearer {bearer}"
        return httpx.AsyncClient(
            base_url=self.service, transport=self.transport, headers=headers, timeout=self.timeout
        )


def _error(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("error") or "") if isinstance(body, dict) else ""
