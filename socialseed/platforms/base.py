"""The platform interface every platform implements, and the data that describes it.

A platform declares what it can do as data (``Capabilities``: SUPPORTS, the policy pack,
hard caps, the rate-limit model, the auth method). The planner and ``socialseed platforms``
read that data; nothing else decides what a platform allows.

All network goes through an injected ``httpx.AsyncClient``; foreign errors are mapped to the
``socialseed.errors`` tree at one boundary (``platforms.http``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from socialseed.clock import Clock
from socialseed.errors import PolicyError
from socialseed.model import Action, Outcome, Post, Profile, SourceKind, Verb

if TYPE_CHECKING:
    from socialseed.config.schema import Account
    from socialseed.config.schema import Sandbox as SandboxSettings


@dataclass(frozen=True)
class ForbiddenPattern:
    """A pattern a platform forbids, with the rule's source."""

    name: str  # e.g. "follow_unfollow_churn", "hashtag_auto_like"
    rule: str  # what the platform says
    source: str  # where it says it


@dataclass(frozen=True)
class HardCap:
    """A platform-wide limit that no config can raise."""

    verb: Verb
    limit: int
    window_seconds: int
    source: str = ""


@dataclass(frozen=True)
class PolicyPack:
    """A platform's rules, encoded: which verbs always need a person, what is forbidden."""

    requires_human: frozenset[Verb]
    forbidden: tuple[ForbiddenPattern, ...] = ()
    unfollow_non_followers: bool = True  # may we unfollow accounts that did not follow back
    bulk_approve: bool = False  # may "approve all remaining green" be offered
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Capabilities:
    """What a platform (at a given access tier) can do, as data."""

    platform: str
    supports: frozenset[Verb]
    sources: frozenset[SourceKind]
    pack: PolicyPack
    hard_caps: tuple[HardCap, ...] = ()
    rate_limit_model: str = ""
    auth_method: str = ""
    unsupported_reasons: Mapping[Verb, str] = field(default_factory=dict)
    cost_usd: Mapping[Verb, float] = field(default_factory=dict)  # pay-per-use estimates
    write_points: Mapping[Verb, int] = field(default_factory=dict)  # e.g. Bluesky create=3

    def offers(self) -> str:
        return ", ".join(sorted(v.value for v in self.supports)) or "nothing"


@dataclass(frozen=True)
class Page:
    """One page of discovery results and the cursor for the next (``None``: last page)."""

    profiles: list[Profile]
    cursor: str | None = None


@dataclass(frozen=True)
class RateInfo:
    """What the platform's rate-limit headers said on the last call."""

    limit: int | None
    remaining: int | None
    reset_at: datetime | None
    bucket: str = ""


@dataclass(frozen=True)
class Source:
    """A discovery source from the targeting config."""

    kind: SourceKind
    value: str  # hashtag, query, handle, or post id

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.value}"


SourceReader = Callable[[str, str | None], Awaitable[Page]]


async def read_source(
    platform: str,
    readers: Mapping[SourceKind, SourceReader],
    source: Source,
    cursor: str | None,
) -> Page:
    """One page from the reader of ``source``'s kind; a kind the platform lacks is refused."""
    reader = readers.get(source.kind)
    if reader is None:
        raise PolicyError(
            f"{platform}: the source '{source.kind.value}' is not offered",
            hint=f"use one of: {', '.join(sorted(k.value for k in readers))}",
        )
    return await reader(source.value, cursor)


class Platform(ABC):
    """A connected account on one platform. Subclasses fill the abstract hooks."""

    name: str = ""

    def __init__(self, account_id: str, handle: str, capabilities: Capabilities) -> None:
        self.account_id = account_id
        self.handle = handle
        self.capabilities = capabilities
        self.last_rate: dict[str, RateInfo] = {}

    @abstractmethod
    async def me(self) -> Profile:
        """The managed account's own profile."""

    @abstractmethod
    async def lookup(self, handle: str) -> Profile:
        """A profile by handle; ``NotFound`` if there is none."""

    @abstractmethod
    async def discover(self, source: Source, cursor: str | None = None) -> Page:
        """One page of candidate profiles for a source."""

    @abstractmethod
    async def recent_posts(self, user_id: str, limit: int = 5) -> list[Post]:
        """A user's recent posts, newest first."""

    @abstractmethod
    async def execute(self, action: Action) -> Outcome:
        """Perform an action; raises a ``PlatformError`` subclass on refusal."""

    @abstractmethod
    async def verify(self, action: Action) -> bool:
        """Is the action already in effect? Used to reconcile after a crash."""

    async def following_ids(self) -> set[str] | None:
        """Ids the managed account follows (``None`` where the API offers no such read)."""
        return None

    async def follower_ids(self) -> set[str] | None:
        """Ids following the managed account (``None`` where the API offers no such read)."""
        return None

    async def aclose(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Release the HTTP client if this platform owns one."""

    def describe(self) -> dict[str, Any]:
        caps = self.capabilities
        return {
            "platform": caps.platform,
            "supports": sorted(v.value for v in caps.supports),
            "requires_human": sorted(v.value for v in caps.pack.requires_human),
        }


class TokenSource(Protocol):
    """Gives an adapter the account's current access token (implemented by auth)."""

    async def access_token(self, account: Account) -> str:
        """The current token; raises ``SecretError`` or ``AuthExpired`` when there is none."""
        ...

    async def refresh(self, account: Account) -> str:
        """Refresh after an expired-token answer; returns the new access token."""
        ...


@dataclass
class PlatformDeps:
    """What a platform needs from outside: injected, so tests swap any of it."""

    clock: Clock
    transport: httpx.AsyncBaseTransport | None = None  # None: real network
    tokens: TokenSource | None = None
    sandbox_path: Path | None = None
    sandbox: SandboxSettings | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 30.0

    def client(self, base_url: str, headers: Mapping[str, str] | None = None) -> httpx.AsyncClient:
        """The one way to build an HTTP client for a platform."""
        from socialseed.platforms.http import USER_AGENT

        all_headers = {"user-agent": USER_AGENT, **(headers or {})}
        return httpx.AsyncClient(
            base_url=base_url,
            transport=self.transport,
            headers=all_headers,
            timeout=self.timeout,
        )
