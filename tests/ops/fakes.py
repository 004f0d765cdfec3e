"""A scripted platform for sync tests: counts, following and followers as given."""

from __future__ import annotations

from socialseed.errors import AuthExpired
from socialseed.model import (
    Action,
    Capabilities,
    Outcome,
    Page,
    PolicyPack,
    Post,
    Profile,
    Source,
    SourceKind,
)
from socialseed.platforms.base import Platform

CAPS = Capabilities(
    platform="fake",
    supports=frozenset(),
    sources=frozenset({SourceKind.SEARCH}),
    pack=PolicyPack(requires_human=frozenset()),
)


class FakePlatform(Platform):
    name = "fake"

    def __init__(
        self,
        account_id: str,
        *,
        followers: int = 100,
        following: set[str] | None = None,
        follower_ids: set[str] | None = None,
        lists: bool = True,
        fail: bool = False,
    ) -> None:
        super().__init__(account_id, f"{account_id}.example", CAPS)
        self.followers = followers
        self.following = following or set()
        self.followers_set = follower_ids or set()
        self.lists = lists
        self.fail = fail
        self.closed = False

    async def me(self) -> Profile:
        if self.fail:
            raise AuthExpired("token expired for fake", status=401)
        return Profile(
            "fake", "me", self.handle, followers=self.followers, following=len(self.following)
        )

    async def following_ids(self) -> set[str] | None:
        return set(self.following) if self.lists else None

    async def follower_ids(self) -> set[str] | None:
        return set(self.followers_set) if self.lists else None

    async def lookup(self, handle: str) -> Profile:
        raise NotImplementedError

    async def discover(self, source: Source, cursor: str | None = None) -> Page:
        raise NotImplementedError

    async def recent_posts(self, user_id: str, limit: int = 5) -> list[Post]:
        raise NotImplementedError

    async def execute(self, action: Action) -> Outcome:
        raise NotImplementedError

    async def verify(self, action: Action) -> bool:
        raise NotImplementedError

    async def aclose(self) -> None:
        self.closed = True
