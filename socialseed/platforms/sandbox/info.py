"""A summary of a world: what is in it, who follows the managed accounts, what they did."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from socialseed.clock import iso
from socialseed.platforms.sandbox import faults as fault_store
from socialseed.platforms.sandbox.posts import instant
from socialseed.platforms.sandbox.users import User
from socialseed.platforms.sandbox.world import World

SAMPLE = 10


def summary(path: Path, now: datetime) -> dict[str, Any]:
    """Counts, managed accounts and faults of the world at ``path``, as JSON-ready data."""
    world = World(path)
    try:
        return _summary(world, int(now.timestamp()))
    finally:
        world.close()


def _summary(world: World, now_ts: int) -> dict[str, Any]:
    kinds = dict(world.conn.execute("SELECT kind, count(*) FROM users GROUP BY kind").fetchall())
    active, since = fault_store.load(world.conn)
    return {
        "path": str(world.path),
        "seed": world.seed,
        "size": world.size,
        "anchor": iso(instant(world.anchor_ts)),
        "now": iso(instant(now_ts)),
        "accounts": {
            "people": int(kinds.get("person", 0)),
            "bots": int(kinds.get("bot", 0)),
            "hubs": int(kinds.get("hub", 0)),
            "managed": int(kinds.get("managed", 0)),
            "opted_out": world.count("SELECT count(*) FROM users WHERE opted_out = 1"),
            "hidden_follower_counts": world.count(
                "SELECT count(*) FROM users WHERE hide_followers = 1"
            ),
        },
        "follows": world.count("SELECT count(*) FROM edges"),
        "managed": [_managed(world, user, now_ts) for user in world.managed()],
        "faults": {**active.to_data(), "since": iso(instant(since))} if active.active else None,
    }


def _managed(world: World, user: User, now_ts: int) -> dict[str, Any]:
    followers = world.follower_ids(user.id, now_ts)
    done = world.conn.execute(
        "SELECT verb, count(*) FROM events WHERE actor = ? GROUP BY verb ORDER BY verb", (user.id,)
    ).fetchall()
    back = world.count(
        "SELECT count(*) FROM followbacks WHERE dst = ? AND ts <= ?", user.id, now_ts
    )
    pending = world.count(
        "SELECT count(*) FROM followbacks WHERE dst = ? AND ts > ?", user.id, now_ts
    )
    return {
        "handle": user.handle,
        "id": user.id,
        "followers": len(followers),
        "following": len(world.following_ids(user.id)),
        "followed_back": back,
        "follow_backs_pending": pending,
        "recent_followers": [_handle(world, f) for f in followers[:SAMPLE]],
        "done": {str(verb): int(n) for verb, n in done},
    }


def _handle(world: World, user_id: str) -> str:
    user = world.user(user_id)
    return user.handle if user else user_id
