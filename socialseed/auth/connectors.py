"""Per platform: how to refresh, identify and revoke a stored grant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

import httpx

from socialseed import redact
from socialseed.auth.bluesky import BlueskySessions
from socialseed.auth.grant import Grant
from socialseed.auth.oauth import OAuthFlow
from socialseed.auth.providers import OAuthSpec, spec_for
from socialseed.clock import Clock
from socialseed.errors import SecretError

if TYPE_CHECKING:
    from socialseed.config.schema import Account

OAUTH_PLATFORMS = frozenset({"x", "mastodon", "instagram", "tiktok"})


class Connector(Protocol):
    async def refresh(self, grant: Grant) -> Grant: ...

    async def revoke(self, grant: Grant) -> bool: ...

    async def identify(self, grant: Grant) -> Grant: ...


def env_ref(env: Mapping[str, str], ref: str | None) -> str | None:
    """The value behind an ``env/NAME`` reference (registered for redaction)."""
    if not ref:
        return None
    value = env.get(ref.removeprefix("env/"))
    redact.register(value)
    return value or None


class BlueskyConnector:
    def __init__(self, sessions: BlueskySessions) -> None:
        self.sessions = sessions

    async def refresh(self, grant: Grant) -> Grant:
        return await self.sessions.refresh(grant)

    async def revoke(self, grant: Grant) -> bool:
        return await self.sessions.delete(grant)

    async def identify(self, grant: Grant) -> Grant:
        return await self.sessions.identify(grant.access_token)


def oauth_flow(
    account: Account,
    env: Mapping[str, str],
    clock: Clock,
    transport: httpx.AsyncBaseTransport | None,
    grant: Grant | None = None,
    spec: OAuthSpec | None = None,
) -> OAuthFlow:
    """The flow for an account: its client from the config, or the app registered at login."""
    info = grant.info if grant else {}
    extra = grant.extra if grant else {}
    instance = info.get("instance") or account.instance
    client_id = account.client_id or info.get("client_id")
    secret = env_ref(env, account.client_secret) or extra.get("client_secret")
    if account.client_secret and not secret:
        name = account.client_secret.removeprefix("env/")
        raise SecretError(
            f"account '{account.id}' takes its client secret from {name}, which is not set",
            hint=f"export {name} with the app's client secret from the developer portal",
        )
    if not client_id:
        raise SecretError(
            f"account '{account.id}' has no client_id for {account.platform}",
            hint="register an app with the platform and add client_id (and client_secret: "
            "env/NAME) to the account in the config",
        )
    return OAuthFlow(
        spec or spec_for(account.platform, instance),
        client_id=client_id,
        client_secret=secret,
        clock=clock,
        transport=transport,
        account=account.id,
    )


def connector_for(
    account: Account,
    env: Mapping[str, str],
    clock: Clock,
    transport: httpx.AsyncBaseTransport | None,
    grant: Grant | None = None,
) -> Connector:
    if account.platform == "bluesky":
        service = (grant.info.get("service") if grant else None) or account.service
        return BlueskyConnector(
            BlueskySessions(service, clock=clock, transport=transport, account=account.id)
        )
    if account.platform in OAUTH_PLATFORMS:
        return oauth_flow(account, env, clock, transport, grant)
    raise SecretError(f"{account.platform} accounts need no authentication")


async def identify_token(
    account: Account,
    token: str,
    clock: Clock,
    transport: httpx.AsyncBaseTransport | None,
    grant: Grant | None = None,
) -> Grant:
    """Who ``token`` belongs to, asked of the platform (``AuthExpired`` if it is refused)."""
    info = grant.info if grant else {}
    if account.platform == "bluesky":
        service = info.get("service") or account.service
        sessions = BlueskySessions(service, clock=clock, transport=transport, account=account.id)
        return await sessions.identify(token)
    from socialseed.auth.oauth import identify

    spec = spec_for(account.platform, info.get("instance") or account.instance)
    login = f"run 'socialseed auth login {account.id}' again"
    known = Grant(access_token=token, user_id=grant.user_id if grant else "")
    return await identify(spec, known, transport=transport, login=login)
