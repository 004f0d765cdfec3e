"""``socialseed auth logout``: revoke at the platform where it offers that, then forget."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from socialseed.auth.connectors import connector_for
from socialseed.auth.tokens import StoreTokenSource, source_in_use
from socialseed.clock import Clock
from socialseed.errors import AuthExpired, ConfigError, SecretError, Transient
from socialseed.state.accounts import audit

if TYPE_CHECKING:
    from socialseed.config.schema import Account


async def logout(
    account_id: str,
    account: Account | None,
    tokens: StoreTokenSource,
    clock: Clock,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    local_only: bool = False,
) -> list[str]:
    """Revoke and delete the stored grant; the lines to tell the person."""
    vault = tokens.vault
    if vault.record(account_id) is None:
        if account is None:
            raise ConfigError(
                [f"no account '{account_id}' in the config and no token stored for it"],
                hint="check the id with 'socialseed auth status'",
            )
        lines = [f"Nothing is stored for '{account_id}'."]
    else:
        revoked = "" if local_only else await _revoke(account_id, account, tokens, clock, transport)
        vault.delete(account_id)
        audit(
            vault.db,
            account=account_id,
            kind="auth.logout",
            actor="socialseed",
            now=clock.now(),
            detail={"revoked": revoked},
        )
        lines = [line for line in (revoked, f"Deleted the stored token of '{account_id}'.") if line]
    if account is not None:
        in_use = source_in_use(account, tokens.env, vault)
        if in_use.kind in {"env", "config"}:
            lines.append(
                f"Note: {in_use.detail} is still set and will be used; unset it to "
                "disconnect completely."
            )
    return lines


async def _revoke(
    account_id: str,
    account: Account | None,
    tokens: StoreTokenSource,
    clock: Clock,
    transport: httpx.AsyncBaseTransport | None,
) -> str:
    if account is None:
        return (
            f"'{account_id}' is not in the config, so it was not revoked at the platform; "
            "remove SocialSeed's access in the platform's settings."
        )
    try:
        grant = tokens.vault.get(account_id)
        assert grant is not None
        connector = connector_for(account, tokens.env, clock, transport, grant)
    except SecretError as exc:
        return (
            f"Could not revoke at {account.platform} ({exc.message}); remove SocialSeed's "
            "access in the platform's settings."
        )
    try:
        done = await connector.revoke(grant)
    except AuthExpired:
        return f"{account.platform} already considers the token invalid."
    except Transient as exc:
        raise Transient(
            f"revoking the token of '{account_id}' failed: {exc.message}; the local copy was kept",
            hint=f"try again, or run 'socialseed auth logout {account_id} --local-only'",
        ) from exc
    if done:
        return f"Revoked the token at {account.platform}."
    return (
        f"{account.platform} offers no way to revoke a token through its API; remove "
        "SocialSeed's access in the platform's app settings."
    )
