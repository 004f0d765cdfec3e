"""A platform connected on first use.

A plan whose sources, relationships and posts are all served from the state file makes no
request; it need not build the account's client either (the platform's module, httpx, a
sandbox world's transport). ``LazyPlatform`` stands for the account's platform and builds it
the first time something asks the platform for anything; closing one never built does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from socialseed.model.conversations import CONTEXT_READS
from socialseed.platforms.base import Platform

if TYPE_CHECKING:
    from socialseed.config.schema import Account
    from socialseed.model import Action, Capabilities, Outcome, Page, Post, Profile, Source
    from socialseed.model.conversations import InboxPage


class LazyPlatform(Platform):
    """``make(account)``, built when first used; every call goes to the platform built."""

    def __init__(
        self, account: Account, capabilities: Capabilities, make: Callable[[Account], Platform]
    ) -> None:
        super().__init__(account.id, account.handle, capabilities)
        self.name = account.platform
        self._account = account
        self._make = make
        self._built: Platform | None = None

    def built(self) -> Platform:
        """The account's platform (built now if it was not yet)."""
        if self._built is None:
            self._built = self._make(self._account)
            self.last_rate = self._built.last_rate  # the rates the built platform reads
        return self._built

    @property
    def is_built(self) -> bool:
        return self._built is not None

    async def me(self) -> Profile:
        return await self.built().me()

    async def lookup(self, handle: str) -> Profile:
        return await self.built().lookup(handle)

    async def discover(self, source: Source, cursor: str | None = None) -> Page:
        return await self.built().discover(source, cursor)

    async def recent_posts(self, user_id: str, limit: int = 5) -> list[Post]:
        return await self.built().recent_posts(user_id, limit)

    async def execute(self, action: Action) -> Outcome:
        return await self.built().execute(action)

    async def verify(self, action: Action) -> bool:
        return await self.built().verify(action)

    async def confirm(self, action: Action) -> Outcome | None:
        return await self.built().confirm(action)

    async def inbox(
        self, since: str | None = None, *, max_context: int = CONTEXT_READS
    ) -> InboxPage:
        return await self.built().inbox(since, max_context=max_context)

    def reads_inbox(self) -> bool:
        return self.built().reads_inbox()

    async def following_ids(self) -> set[str] | None:
        return await self.built().following_ids()

    async def follower_ids(self) -> set[str] | None:
        return await self.built().follower_ids()

    def requests_sent(self) -> int | None:
        return self.built().requests_sent()

    async def aclose(self) -> None:
        if self._built is not None:
            await self._built.aclose()

    def describe(self) -> dict[str, Any]:
        return self.built().describe()
