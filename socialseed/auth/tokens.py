"""The ``TokenSource`` adapters use: environment overrides first, then the encrypted store.

Order for an account: ``SOCIALSEED_<ACCOUNT_ID>_TOKEN`` (id upper-cased, ``-`` -> ``_``), then
the account's ``credentials: env/NAME``, then the grant stored by ``socialseed auth login``.
Stored grants are refreshed shortly before they expire and after an expired-token answer; a
rotated refresh token is written (one transaction) before the new access token is used.
Refreshes of one account are serialised, so parallel requests never spend a single-use
refresh token twice.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from socialseed import redact
from socialseed.auth.bluesky import BlueskySessions, looks_like_app_password
from socialseed.auth.connectors import Connector, connector_for, env_ref
from socialseed.auth.grant import Grant
from socialseed.auth.keys import KeyManager, Keyring, system_keyring
from socialseed.auth.providers import INSTAGRAM, TIKTOK, OAuthSpec, X
from socialseed.auth.vault import INSECURE, Vault
from socialseed.clock import Clock, iso
from socialseed.errors import AuthExpired
from socialseed.state.accounts import audit
from socialseed.state.handle import StateDB

if TYPE_CHECKING:
    from socialseed.config.schema import Account, Config
    from socialseed.platforms.tokens import TokenSource

NO_AUTH_PLATFORMS = frozenset({"sandbox"})
DEFAULT_LEEWAY = 120.0
ConnectorFactory = Callable[
    ["Account", Mapping[str, str], Clock, httpx.AsyncBaseTransport | None, Grant | None], Connector
]


def env_token_name(account_id: str) -> str:
    return f"SOCIALSEED_{account_id.upper().replace('-', '_')}_TOKEN"


@dataclass(frozen=True)
class SourceInUse:
    """Which credentials an account would use now (no secret, nothing decrypted)."""

    kind: str  # "env", "config", "stored", "none", "not needed"
    detail: str

    def describe(self) -> str:
        return f"{self.kind} ({self.detail})" if self.detail else self.kind


def source_in_use(account: Account, env: Mapping[str, str], vault: Vault) -> SourceInUse:
    if account.platform in NO_AUTH_PLATFORMS:
        return SourceInUse("not needed", f"{account.platform} needs no authentication")
    name = env_token_name(account.id)
    if env.get(name):
        return SourceInUse("env", name)
    if account.credentials and env_ref(env, account.credentials):
        return SourceInUse("config", account.credentials)
    record = vault.record(account.id)
    if record is not None:
        return SourceInUse("stored", f"state, {backend_text(record.backend)}")
    missing = f"{account.credentials} is not set" if account.credentials else ""
    return SourceInUse("none", missing)


def backend_text(backend: str) -> str:
    return {
        "env": "encrypted with SOCIALSEED_KEY",
        "keyring": "encrypted, key in the OS keyring",
        "file": "encrypted, key in a 0600 key file",
        INSECURE: "PLAINTEXT (--insecure-storage)",
    }.get(backend, backend)


def leeway_for(platform: str) -> float:
    specs: dict[str, OAuthSpec] = {"x": X, "instagram": INSTAGRAM, "tiktok": TIKTOK}
    return specs[platform].refresh_leeway if platform in specs else DEFAULT_LEEWAY


class StoreTokenSource:
    """Implements ``platforms.base.TokenSource`` over the environment and the vault."""

    def __init__(
        self,
        env: Mapping[str, str],
        vault: Vault,
        clock: Clock,
        transport: httpx.AsyncBaseTransport | None = None,
        connector: ConnectorFactory = connector_for,
    ) -> None:
        self.env = env
        self.vault = vault
        self.clock = clock
        self.transport = transport
        self.connector = connector
        self._locks: dict[str, asyncio.Lock] = {}
        self._handed: dict[str, str] = {}
        self._memory: dict[str, Grant] = {}  # sessions made from env app passwords

    def _lock(self, account: Account) -> asyncio.Lock:
        return self._locks.setdefault(account.id, asyncio.Lock())

    async def access_token(self, account: Account) -> str:
        async with self._lock(account):
            token = await self._current(account)
            self._handed[account.id] = token
        return token

    def user_id(self, account: Account) -> str | None:
        """The platform's id of the account as its stored login recorded it (``AccountIds``)."""
        if self._override(account) is not None:
            return None  # a token from the environment: its owner is not known here
        record = self.vault.record(account.id)
        return str(record.meta.get("user_id") or "") or None if record is not None else None

    async def refresh(self, account: Account) -> str:
        """Called after an expired-token answer: a fresh token, or ``AuthExpired``."""
        seen = self._handed.get(account.id)  # the token the caller was refused with
        async with self._lock(account):
            token = await self._refreshed(account, seen)
            self._handed[account.id] = token
        return token

    async def _current(self, account: Account) -> str:
        override = self._override(account)
        if override is not None:
            _name, value = override
            if account.platform == "bluesky" and looks_like_app_password(value):
                return (await self._memory_session(account, value)).access_token
            return value
        grant = self._stored(account)
        if grant.expires_within(self.clock.now(), leeway_for(account.platform)):
            grant = await self._renew(account, grant, why="expiring")
        return grant.access_token

    async def _refreshed(self, account: Account, seen: str | None) -> str:
        override = self._override(account)
        if override is not None:
            return await self._refresh_override(account, *override)
        grant = self._stored(account)
        if seen is not None and grant.access_token != seen:
            return grant.access_token  # another task refreshed it meanwhile
        return (await self._renew(account, grant, why="refused")).access_token

    async def _refresh_override(self, account: Account, name: str, value: str) -> str:
        if account.platform == "bluesky" and looks_like_app_password(value):
            session = self._memory.get(account.id)
            if session is not None:
                self._memory[account.id] = await self._connect(account, session).refresh(session)
            return (await self._memory_session(account, value)).access_token
        raise AuthExpired(
            f"the token of account '{account.id}' from {name} was refused (expired or revoked)",
            hint=f"put a fresh token in {name}, or unset it and run "
            f"'socialseed auth login {account.id}'",
        )

    def _override(self, account: Account) -> tuple[str, str] | None:
        name = env_token_name(account.id)
        value = self.env.get(name)
        if value:
            redact.register(value)
            return name, value.strip()
        value = env_ref(self.env, account.credentials)
        if value and account.credentials:
            return account.credentials, value.strip()
        return None

    async def _memory_session(self, account: Account, app_password: str) -> Grant:
        session = self._memory.get(account.id)
        now = self.clock.now()
        if session is not None and not session.expires_within(now, DEFAULT_LEEWAY):
            return session
        if session is not None and session.refresh_token:
            session = await self._connect(account, session).refresh(session)
        else:
            sessions = BlueskySessions(
                account.service, clock=self.clock, transport=self.transport, account=account.id
            )
            session = await sessions.create(account.handle, app_password)
        self._memory[account.id] = session
        return session

    def _stored(self, account: Account) -> Grant:
        grant = self.vault.get(account.id)
        if grant is None:
            raise AuthExpired(
                f"no credentials are connected for account '{account.id}'",
                hint=f"run 'socialseed auth login {account.id}', or set "
                f"{env_token_name(account.id)} (CI)",
            )
        return grant

    async def _renew(self, account: Account, grant: Grant, *, why: str) -> Grant:
        if not grant.refresh_token and account.platform != "instagram":
            expired = (
                f" at {iso(grant.expires_at)}" if grant.expires_at and why == "expiring" else ""
            )
            raise AuthExpired(
                f"the token of account '{account.id}' expired{expired} or was refused, and "
                f"{account.platform} gave no refresh token",
                hint=f"run 'socialseed auth login {account.id}' again",
            )
        new = await self._connect(account, grant).refresh(grant)
        self._save(account, new)  # written before anyone uses it
        return new

    def _save(self, account: Account, grant: Grant) -> None:
        record = self.vault.record(account.id)
        insecure = record is not None and record.backend == INSECURE
        now = self.clock.now()
        self.vault.put(account.id, grant, now=now, insecure=insecure)
        audit(
            self.vault.db,
            account=account.id,
            kind="auth.refresh",
            actor="socialseed",
            now=now,
            detail={"expires_at": iso(grant.expires_at) if grant.expires_at else None},
        )

    def _connect(self, account: Account, grant: Grant) -> Connector:
        return self.connector(account, self.env, self.clock, self.transport, grant)


def state_file(db: StateDB) -> Path | None:
    """The file behind a state database (``None`` for an in-memory one)."""
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main" and row[2]:
            return Path(row[2])
    return None


def stderr_warning(message: str) -> None:
    sys.stderr.write(redact.scrub(message) + "\n")


def key_manager(
    env: Mapping[str, str],
    db: StateDB,
    *,
    state_path: Path | None = None,
    keyring: Keyring | None = None,
    warn: Callable[[str], None] = stderr_warning,
) -> KeyManager:
    path = state_path or state_file(db)
    ring = system_keyring(env) if keyring is None else keyring
    return KeyManager(env, path.parent if path else None, keyring=ring, warn=warn)


def token_source(
    app_ctx_env: Mapping[str, str],
    db: StateDB,
    config: Config | None,
    clock: Clock,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    state_path: Path | None = None,
) -> StoreTokenSource:
    """The token source the CLI hands to platform adapters (``PlatformDeps.tokens``)."""
    del config  # accounts are passed per call; kept for a stable signature
    vault = Vault(db, key_manager(app_ctx_env, db, state_path=state_path))
    return StoreTokenSource(app_ctx_env, vault, clock, transport)


if TYPE_CHECKING:

    def _is_a_token_source(source: StoreTokenSource) -> TokenSource:
        return source  # mypy checks that StoreTokenSource satisfies the protocol
