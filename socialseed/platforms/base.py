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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialseed.clock import Clock
from socialseed.errors import PolicyError
from socialseed.model import (
    Action,
    Capabilities,
    Outcome,
    Page,
    Post,
    Profile,
    RateInfo,
    Source,
    SourceKind,
)
from socialseed.model.conversations import CONTEXT_READS, QUESTION_MARKS, InboxItem, InboxPage
from socialseed.platforms.tokens import TokenSource

if TYPE_CHECKING:
    import httpx

    from socialseed.config.schema import Sandbox as SandboxSettings


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


CONFIRMED = "confirmed by the platform after an interrupted attempt"


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

    async def confirm(self, action: Action) -> Outcome | None:
        """The outcome of an interrupted attempt that is in effect (``None``: it is not).

        Platforms that can say which write made it override this, so the journal keeps the
        request id (and record reference) the platform recorded for it.
        """
        if not await self.verify(action):
            return None
        return Outcome("done", CONFIRMED)

    async def inbox(
        self, since: str | None = None, *, max_context: int = CONTEXT_READS
    ) -> InboxPage:
        """Messages to the managed account newer than the cursor ``since`` (``None``: recent).

        Mentions, replies to our posts and comments on them, each with its thread context and
        the platform refs a threaded reply needs; ``InboxPage.cursor`` is where the next read
        starts (kept in state per account and source ``inbox``). Where the thread costs a read
        per message, at most ``max_context`` such reads are made (questions first, then the
        newest); the rest come without thread, counted in ``InboxPage.without_context``.
        """
        raise PolicyError(
            f"{self.name}: reading mentions and replies is not offered",
            hint="conversations run on sandbox, bluesky, mastodon, x, instagram and tiktok",
        )

    def reads_inbox(self) -> bool:
        """Whether this adapter reads mentions and replies (overrides ``inbox``)."""
        return type(self).inbox is not Platform.inbox

    async def following_ids(self) -> set[str] | None:
        """Ids the managed account follows (``None`` where the API offers no such read)."""
        return None

    async def follower_ids(self) -> set[str] | None:
        """Ids following the managed account (``None`` where the API offers no such read)."""
        return None

    def requests_sent(self) -> int | None:
        """Requests this platform has sent so far, reads included (``None``: not counted).

        Apply charges them to the budgets that count every request (``Budget.per_request``),
        so the reads it makes before a write (is the reply already there?) are paced too.
        """
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
        """The one way to build an HTTP client for a platform (httpx is imported here: a plan
        served from the cache builds no client and does not load it)."""
        import httpx

        from socialseed.platforms.http import USER_AGENT

        all_headers = {"user-agent": USER_AGENT, **(headers or {})}
        return httpx.AsyncClient(
            base_url=base_url,
            transport=self.transport,
            headers=all_headers,
            timeout=self.timeout,
        )


def context_order(items: list[InboxItem]) -> list[InboxItem]:
    """Which messages get their thread read first, when reads are capped: questions, then the
    newest."""

    def key(item: InboxItem) -> tuple[bool, float, str]:
        asks = any(mark in item.message.text for mark in QUESTION_MARKS)
        return (not asks, -item.message.created_at.timestamp(), item.message.id)

    return sorted(items, key=key)
