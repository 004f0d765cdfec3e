"""Discovery pages from memory: follower lists and encoded profiles.

Paging through a source asks for the same follower list once per page: it is read once per
world version (any write, by this process or another, drops it). Several accounts and sources
meet the same profiles: a generated account's profile is encoded once per instant it
describes, and only its count of managed followers (which writes change) is read per page.
Profiles are written in the state's canonical form (``canonical``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from socialseed.model.values import canonical_json
from socialseed.platforms.sandbox.profiles import profile_data
from socialseed.platforms.sandbox.users import MANAGED, User
from socialseed.platforms.sandbox.world import World

MAX_LISTS = 64  # follower lists kept


def encode(data: Any) -> bytes:
    """JSON as httpx encodes a ``json=`` body (compact, UTF-8)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def canonical(data: Any) -> bytes:
    """JSON in the state's canonical form (``model.values.canonical_json``: compact, keys
    sorted, UTF-8): discovery pages write profiles so, and the client keeps each profile's
    text as the server wrote it (the text the state stores and hashes)."""
    return canonical_json(data).encode()


class PageCache:
    """Read caches of one transport. Follower lists and counts of managed followers are
    checked against ``World.version()`` on every use; encoded profiles of generated accounts
    are shared (``static``), less their count of followers (base + managed)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._version: tuple[int, int] | None = None
        self._followers: dict[tuple[str, int], list[str]] = {}
        self._managed: dict[str, int] | None = None

    def _check(self) -> None:
        """Drop what was read if the world may have changed since."""
        version = self.world.version()
        if version != self._version:
            self._version = version
            self._followers.clear()
            self._managed = None

    def follower_ids(self, user_id: str, now_ts: int) -> list[str]:
        """``World.follower_ids``, read once per account and instant."""
        self._check()
        key = (user_id, now_ts)
        if key not in self._followers:
            if len(self._followers) >= MAX_LISTS:
                self._followers.clear()
            self._followers[key] = self.world.follower_ids(user_id, now_ts)
        return self._followers[key]

    def page(self, ids: Sequence[str], now_ts: int) -> bytes:
        """The profiles of the accounts ``ids`` (those that exist) at ``now_ts``, joined by
        commas: a discovery page's list. A page of generated accounts only is kept, shared
        by the world's transports, for as long as no managed account follows any of those
        whose count of followers it shows (the one part of it that writes change): several
        accounts reading the same sources at one instant are served the same page."""
        key = tuple(ids)
        kept = self.world.static.pages_for(now_ts)
        found = kept.get(key)
        if found is not None and self._managed_counts().keys().isdisjoint(found[1]):
            return found[0]
        users = [u for u in (self.world.user(i) for i in key) if u]
        body = b",".join(self.profiles(users, now_ts))
        counted = frozenset(u.id for u in users if not u.hide_followers)
        generated = len(users) == len(key) and all(u.kind != MANAGED for u in users)
        if generated and self._managed_counts().keys().isdisjoint(counted):
            static = self.world.static
            static.pages[key] = (body, counted)
            static.page_bytes += len(body)
        return body

    def _managed_counts(self) -> dict[str, int]:
        """How many managed accounts follow each account, read once per world version."""
        self._check()
        if self._managed is None:
            self._managed = self.world.managed_follow_counts()
        return self._managed

    def profiles(self, users: Sequence[User], now_ts: int) -> list[bytes]:
        """Each of ``users`` as the API's JSON profile at ``now_ts``."""
        kept = self.world.static.profiles_for(now_ts)
        parts: dict[str, tuple[bytes, bytes | None]] = {}  # this page's, whatever else clears
        for user in users:
            if user.kind != MANAGED:
                found = kept.get(user.id)
                if found is None:
                    found = _split(canonical(profile_data(self.world, user, now_ts)), user)
                    kept[user.id] = found
                parts[user.id] = found
        managed = self._managed_counts()  # read once per world version, not once per page
        out: list[bytes] = []
        for user in users:
            if user.kind == MANAGED:
                out.append(canonical(profile_data(self.world, user, now_ts)))
                continue
            head, tail = parts[user.id]
            if tail is None:  # followers hidden: nothing to count
                out.append(head)
            else:
                out.append(b"%s%d%s" % (head, user.followers + managed.get(user.id, 0), tail))
        return out


def _split(body: bytes, user: User) -> tuple[bytes, bytes | None]:
    """An encoded profile cut around its followers count (written without managed followers,
    so ``head + str(count) + tail``). Strings are JSON-escaped, so ``,"followers":`` can only
    be the key."""
    if user.hide_followers:
        return body, None
    head, found, rest = body.partition(FOLLOWERS)
    count, comma, tail = rest.partition(b",")
    assert found and comma and int(count) == user.followers, "profile layout"
    return head + found, comma + tail


FOLLOWERS = b',"followers":'
