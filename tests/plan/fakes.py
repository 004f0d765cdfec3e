"""Small fake platforms and profile builders for the plan tests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from socialseed.model import (
    Action,
    Capabilities,
    ForbiddenPattern,
    HardCap,
    Outcome,
    Page,
    PolicyPack,
    Post,
    Profile,
    Source,
    SourceKind,
    Verb,
)
from socialseed.platforms.base import Platform

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def profile(pid: str, **kw: Any) -> Profile:
    """A believable photographer unless told otherwise."""
    base = Profile(
        platform="sandbox",
        id=pid,
        handle=kw.pop("handle", f"{pid}.example"),
        display_name=kw.pop("display_name", f"Person {pid}"),
        bio=kw.pop("bio", "I shoot 35mm film and develop it in my darkroom at home."),
        followers=kw.pop("followers", 400),
        following=kw.pop("following", 300),
        posts=kw.pop("posts", 250),
        last_active=kw.pop("last_active", NOW - timedelta(days=1)),
        created_at=kw.pop("created_at", NOW - timedelta(days=900)),
        has_avatar=kw.pop("has_avatar", True),
        language=kw.pop("language", "en"),
        recent_posts=kw.pop("recent_posts") if "recent_posts" in kw else posts_for(pid),
    )
    return replace(base, **kw)


def posts_for(pid: str, count: int = 3) -> tuple[Post, ...]:
    return tuple(
        Post(
            id=f"{pid}-p{i}",
            author_id=pid,
            text=f"film roll {i} from {pid}",
            created_at=NOW - timedelta(days=i + 1, hours=i),
        )
        for i in range(count)
    )


def bot(pid: str, **kw: Any) -> Profile:
    """A bot-like profile that still passes loose filters."""
    defaults: dict[str, Any] = {
        "bio": "follow back f4f crypto giveaway",
        "followers": 40,
        "following": 2000,
        "has_avatar": False,
        "created_at": NOW - timedelta(days=3),
        "handle": f"user{pid}12345.example",
    }
    defaults.update(kw)
    return profile(pid, **defaults)


def capabilities(
    *,
    platform: str = "sandbox",
    supports: Iterable[Verb] = tuple(Verb),
    requires_human: Iterable[Verb] = (),
    forbidden: tuple[ForbiddenPattern, ...] = (),
    unfollow_non_followers: bool = True,
    hard_caps: tuple[HardCap, ...] = (),
    unsupported_reasons: dict[Verb, str] | None = None,
    cost_usd: dict[Verb, float] | None = None,
) -> Capabilities:
    return Capabilities(
        platform=platform,
        supports=frozenset(supports),
        sources=frozenset(SourceKind),
        pack=PolicyPack(
            requires_human=frozenset(requires_human),
            forbidden=forbidden,
            unfollow_non_followers=unfollow_non_followers,
        ),
        hard_caps=hard_caps,
        unsupported_reasons=unsupported_reasons or {},
        cost_usd=cost_usd or {},
    )


@dataclass
class FakeNetwork:
    """What the fake platform serves, and a record of every call made to it."""

    sources: dict[str, list[Profile]] = field(default_factory=dict)
    page_size: int = 10
    followers: set[str] | None = None
    following: set[str] | None = None
    posts: dict[str, list[Post]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    caps: Capabilities = field(default_factory=capabilities)


class FakePlatform(Platform):
    name = "fake"

    def __init__(self, account_id: str, handle: str, network: FakeNetwork) -> None:
        super().__init__(account_id, handle, network.caps)
        self.network = network

    async def me(self) -> Profile:
        return profile("me", handle=self.handle)

    async def lookup(self, handle: str) -> Profile:
        raise NotImplementedError

    async def discover(self, source: Source, cursor: str | None = None) -> Page:
        self.network.calls.append(("discover", f"{source.key}@{cursor or 0}"))
        found = self.network.sources.get(source.key, [])
        start = int(cursor or 0)
        end = start + self.network.page_size
        return Page(found[start:end], str(end) if end < len(found) else None)

    async def recent_posts(self, user_id: str, limit: int = 5) -> list[Post]:
        self.network.calls.append(("recent_posts", user_id))
        return self.network.posts.get(user_id, [])[:limit]

    async def execute(self, action: Action) -> Outcome:
        raise AssertionError("plan must never execute anything")

    async def verify(self, action: Action) -> bool:
        raise AssertionError("plan must never verify anything")

    async def follower_ids(self) -> set[str] | None:
        self.network.calls.append(("follower_ids", ""))
        return self.network.followers

    async def following_ids(self) -> set[str] | None:
        self.network.calls.append(("following_ids", ""))
        return self.network.following
