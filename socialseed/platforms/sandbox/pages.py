"""Discovery pages from memory: follower lists and encoded profiles, kept until the world changes.

Paging through a source asks for the same follower list once per page, and several accounts
(or sources) meet the same profiles; both are answered once per world version (any write, by
this process or another, drops everything) and, for profiles, per instant they describe.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from socialseed.platforms.sandbox.profiles import page_data
from socialseed.platforms.sandbox.users import User
from socialseed.platforms.sandbox.world import World

MAX_PROFILES = 200_000  # encoded profiles kept (about 1 KB each)
MAX_LISTS = 64  # follower lists kept


def encode(data: Any) -> bytes:
    """JSON as httpx encodes a ``json=`` body (compact, UTF-8)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


class PageCache:
    """Read caches of one transport, checked against ``World.version()`` on every use."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._version: tuple[int, int] | None = None
        self._followers: dict[tuple[str, int], list[str]] = {}
        self._profiles: dict[str, bytes] = {}
        self._profiles_at: int | None = None

    def _fresh(self) -> None:
        version = self.world.version()
        if version != self._version:
            self._version = version
            self._followers.clear()
            self._profiles.clear()

    def follower_ids(self, user_id: str, now_ts: int) -> list[str]:
        """``World.follower_ids``, read once per account and instant."""
        self._fresh()
        key = (user_id, now_ts)
        if key not in self._followers:
            if len(self._followers) >= MAX_LISTS:
                self._followers.clear()
            self._followers[key] = self.world.follower_ids(user_id, now_ts)
        return self._followers[key]

    def profiles(self, users: Sequence[User], now_ts: int) -> list[bytes]:
        """Each of ``users`` as the API's JSON profile at ``now_ts``, made once."""
        self._fresh()
        if now_ts != self._profiles_at or len(self._profiles) >= MAX_PROFILES:
            self._profiles.clear()
            self._profiles_at = now_ts
        known = self._profiles
        missing = [u for u in {u.id: u for u in users}.values() if u.id not in known]
        for user, data in zip(missing, page_data(self.world, missing, now_ts), strict=True):
            known[user.id] = encode(data)
        return [known[u.id] for u in users]
