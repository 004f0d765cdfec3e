"""Profiles as the sandbox API returns them: base counts plus what happened since."""

from __future__ import annotations

from datetime import datetime
from itertools import islice
from typing import Any

from socialseed.model import Post, Profile
from socialseed.platforms.sandbox import posts
from socialseed.platforms.sandbox.users import MANAGED, User
from socialseed.platforms.sandbox.world import World

DAY = 86400
PLATFORM = "sandbox"
RECENT = 3


def profile(
    world: World, user: User, now_ts: int, *, recent: int = RECENT, extra: tuple[Post, ...] = ()
) -> Profile:
    """``user`` as seen at ``now_ts``; ``extra`` posts (e.g. comments) come first."""
    followers, following = _counts(world, user, now_ts)
    found = posts.recent(world.seed, user, now_ts, max(recent, 1))  # the newest is last_active
    return Profile(
        platform=PLATFORM,
        id=user.id,
        handle=user.handle,
        display_name=user.name,
        bio=user.bio,
        followers=followers,
        following=following,
        posts=_post_count(world, user, now_ts),
        last_active=found[0].created_at if found else _quiet_since(user),
        created_at=posts.instant(user.created_ts),
        has_avatar=bool(user.has_avatar),
        language=user.language,
        recent_posts=extra + tuple(found[:recent]),
    )


def profile_data(
    world: World, user: User, now_ts: int, *, managed_followers: int = 0
) -> dict[str, Any]:
    """``profile(world, user, now_ts).to_data()``, built directly (posts without datetimes),
    given how many managed accounts follow ``user`` (a managed ``user``'s counts are read)."""
    seed = world.seed
    if user.kind == MANAGED:
        followers, following = _counts(world, user, now_ts)
    else:
        followers = None if user.hide_followers else user.followers + managed_followers
        following = user.following
    newest = list(islice(posts.times(seed, user, now_ts), RECENT))
    if newest:
        last_active: str | None = posts.iso_ts(newest[0][2])
    else:
        last_active = None if user.quiet_ts is None else posts.iso_ts(user.quiet_ts)
    return {
        "platform": PLATFORM,
        "id": user.id,
        "handle": user.handle,
        "display_name": user.name,
        "bio": user.bio,
        "followers": followers,
        "following": following,
        "posts": _post_count(world, user, now_ts),
        "last_active": last_active,
        "created_at": posts.iso_ts(user.created_ts),
        "has_avatar": bool(user.has_avatar),
        "language": user.language,
        "recent_posts": [posts.post_data(seed, user, *when) for when in newest],
    }


def _post_count(world: World, user: User, now_ts: int) -> int:
    days = max(0, now_ts - max(world.anchor_ts, user.created_ts)) // DAY
    return user.posts + int(user.rate * days)


def _quiet_since(user: User) -> datetime | None:
    return posts.instant(user.quiet_ts) if user.quiet_ts is not None else None


def _counts(world: World, user: User, now_ts: int) -> tuple[int | None, int]:
    if user.kind == MANAGED:
        return len(world.follower_ids(user.id, now_ts)), len(world.following_ids(user.id))
    if user.hide_followers:
        return None, user.following
    return user.followers + world.managed_followers(user.id), user.following
