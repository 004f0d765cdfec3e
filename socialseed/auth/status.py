"""What ``socialseed auth status`` shows per account, and the online ``--check``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx

from socialseed.auth.connectors import identify_token
from socialseed.auth.grant import Grant
from socialseed.auth.scopes import config_verbs, missing_scopes
from socialseed.auth.tokens import StoreTokenSource, source_in_use
from socialseed.auth.vault import Vault
from socialseed.clock import Clock, parse_instant
from socialseed.errors import SocialSeedError

if TYPE_CHECKING:
    from socialseed.config.schema import Account, Config

OK = "ok"
NOT_NEEDED = "not needed"
NEEDS_LOGIN = "needs login"
EXPIRED = "expired"
UNREADABLE = "unreadable"
NOT_IN_CONFIG = "not in config"
MISSING_SCOPES = "missing scopes"
WARN_DAYS = 7  # warn this long before a token that cannot renew itself expires
RENEWS_WITH_ACCESS_TOKEN = frozenset({"instagram"})  # refresh uses the live token itself


@dataclass(frozen=True)
class AuthStatus:
    account: str
    platform: str
    state: str
    source: str
    source_detail: str
    whoami: str = ""
    user_id: str = ""
    scopes: tuple[str, ...] = ()
    expires_at: str | None = None
    refreshable: bool = False
    backend: str = ""
    last_refresh: str | None = None
    problem: str = ""
    warning: str = ""

    @property
    def usable(self) -> bool:
        return self.state in {OK, NOT_NEEDED, NOT_IN_CONFIG}

    def data(self) -> dict[str, Any]:
        out = asdict(self)
        out["scopes"] = list(self.scopes)
        return out


def statuses(
    config: Config | None, env: Mapping[str, str], vault: Vault, now: datetime
) -> list[AuthStatus]:
    """One row per configured account, then stored tokens of accounts no longer configured."""
    rows = (
        [with_scope_check(account_status(a, env, vault, now), config, a) for a in config.accounts]
        if config
        else []
    )
    known = {row.account for row in rows}
    for record in vault.records():
        if record.account not in known:
            rows.append(_stored_only(record.account, record.meta, record.backend))
    return rows


def account_status(
    account: Account, env: Mapping[str, str], vault: Vault, now: datetime
) -> AuthStatus:
    source = source_in_use(account, env, vault)
    base = AuthStatus(account.id, account.platform, OK, source.kind, source.detail)
    if source.kind == "not needed":
        return replace(base, state=NOT_NEEDED)
    record = vault.record(account.id)
    if record is not None:
        base = _with_meta(base, record.meta, record.backend)
    if source.kind in {"env", "config"}:
        return base
    if record is None:
        return replace(base, state=NEEDS_LOGIN)
    try:
        vault.get(account.id)
    except SocialSeedError as exc:
        return replace(base, state=UNREADABLE, problem=exc.message)
    if _expired(base, now) and not base.refreshable:
        return replace(base, state=EXPIRED)
    return replace(base, warning=expiry_warning(base, now))


def expiry_warning(row: AuthStatus, now: datetime) -> str:
    """A warning when the token expires within ``WARN_DAYS`` days (empty otherwise)."""
    if not row.expires_at:
        return ""
    left = parse_instant(str(row.expires_at)) - now
    if left.total_seconds() <= 0 or left.days >= WARN_DAYS:
        return ""
    when = f"expires in {_left_text(left.total_seconds())} ({row.expires_at})"
    if row.platform in RENEWS_WITH_ACCESS_TOKEN:
        return (
            f"{when}: the next run that uses it refreshes it (for 60 days); if none runs "
            f"before then, run 'socialseed auth status --check' or 'socialseed auth login "
            f"{row.account}'"
        )
    if row.refreshable:
        return ""  # renewed with its refresh token whenever it is used
    return f"{when} and cannot be refreshed: run 'socialseed auth login {row.account}' before then"


def _left_text(seconds: float) -> str:
    days = int(seconds // 86400)
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(int(seconds // 3600), 1)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def with_scope_check(row: AuthStatus, config: Config, account: Account) -> AuthStatus:
    """A usable row whose granted scopes lack what the config's verbs need: log in again."""
    if row.state != OK or not row.scopes:
        return row  # scopes unknown (a token from the environment): nothing to compare
    missing = missing_scopes(account.platform, row.scopes, config_verbs(config, account))
    if not missing:
        return row
    needs = "; ".join(f"{scope} (for {', '.join(verbs)})" for scope, verbs in missing.items())
    return replace(
        row,
        state=MISSING_SCOPES,
        problem=f"the token lacks {needs}; log in again to grant them",
    )


def _with_meta(row: AuthStatus, meta: Mapping[str, Any], backend: str) -> AuthStatus:
    return replace(
        row,
        whoami=str(meta.get("whoami") or ""),
        user_id=str(meta.get("user_id") or ""),
        scopes=tuple(meta.get("scopes") or ()),
        expires_at=meta.get("expires_at"),
        refreshable=bool(meta.get("refreshable")),
        backend=backend,
        last_refresh=meta.get("last_refresh"),
    )


def _stored_only(account: str, meta: Mapping[str, Any], backend: str) -> AuthStatus:
    platform = str((meta.get("info") or {}).get("platform") or "")
    row = AuthStatus(account, platform, NOT_IN_CONFIG, "stored", "state")
    return _with_meta(row, meta, backend)


def _expired(row: AuthStatus, now: datetime) -> bool:
    return bool(row.expires_at) and parse_instant(str(row.expires_at)) <= now


async def check_online(
    account: Account,
    tokens: StoreTokenSource,
    clock: Clock,
    transport: httpx.AsyncBaseTransport | None,
) -> Grant:
    """Get a current token (refreshing if due) and ask the platform whose it is."""
    token = await tokens.access_token(account)
    in_use = source_in_use(account, tokens.env, tokens.vault).kind
    stored = tokens.vault.get(account.id) if in_use == "stored" else None
    return await identify_token(account, token, clock, transport, stored)
