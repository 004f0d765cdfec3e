"""Profiles as the sandbox API returns them: base counts plus what happened since."""

from __future__ import annotations

from socialseed.model import Post, Profile
from socialseed.platforms.sandbox import posts
from socialseed.platforms.sandbox.users import MANAGED, User
from socialseed.platforms.sandbox.world import World

DAY = 86400
PLATFORM = "sandbox"


def profile(
    world: World, user: User, now_ts: int, *, recent: int = 3, extra: tuple[Post, ...] = ()
) -> Profile:
    """``user`` as seen at ``now_ts``; ``extra`` posts (e.g. comments) come first."""
    followers, following = _counts(world, user, now_ts)
    days = max(0, now_ts - max(world.anchor_ts, user.created_ts)) // DAY
    return Profile(
        platform=PLATFORM,
        id=user.id,
        handle=user.handle,
        display_name=user.name,
        bio=user.bio,
        followers=followers,
        following=following,
        posts=user.posts + int(user.rate * days),
        last_active=posts.last_active(world.seed, user, now_ts),
        created_at=posts.instant(user.created_ts),
        has_avatar=bool(user.has_avatar),
        language=user.language,
        recent_posts=extra + tuple(posts.recent(world.seed, user, now_ts, recent)),
    )


def _counts(world: World, user: User, now_ts: int) -> tuple[int | None, int]:
    if user.kind == MANAGED:
        return len(world.follower_ids(user.id, now_ts)), len(world.following_ids(user.id))
    if user.hide_followers:
        return None, user.following
    return user.followers + world.managed_followers(user.id), user.following
