"""The generated part of a world, read once per process and shared by every connection to it.

Generated accounts and their hashtags never change after ``generate`` (writes add managed
accounts and their edges only), and one seed, size and day always generate the same ones. So
what is derived from them alone (the accounts, hashtag and search answers, and profiles less
their count of managed followers) is kept per world for the life of the process, whichever
transport (one per sandbox account) asks.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from socialseed.platforms.sandbox.users import MANAGED, SELECT_USERS, User

MAX_WORLDS = 4  # worlds kept per process (tests make many small ones)
MAX_ANSWERS = 256  # hashtag and search answers kept per world
MAX_PROFILES = 200_000  # encoded profiles kept per world (about 1 KB each)
MAX_PAGE_BYTES = 64_000_000  # discovery pages kept per world (about 90 KB a page of 100)

WorldKey = tuple[str, int, int, int, str]  # path, seed, size, anchor day, follow-back model


@dataclass
class Static:
    """A world's generated accounts and what is derived from them alone."""

    users: list[User]
    by_id: dict[str, User]
    by_handle: dict[str, User]
    tags: dict[str, list[str]]
    haystacks: dict[str, str] | None = None  # search text per account, made on first search
    answers: dict[tuple[object, ...], list[str]] = field(default_factory=dict)
    profiles: dict[str, tuple[bytes, bytes | None]] = field(default_factory=dict)
    profiles_at: int | None = None  # the instant the kept profiles (and pages) describe
    # discovery pages of generated accounts at ``profiles_at``, by their accounts' ids: the
    # profiles joined as written when no managed account follows any of them, and the ids
    # whose count of followers is shown (``pages.PageCache.page``)
    pages: dict[tuple[str, ...], tuple[bytes, frozenset[str]]] = field(default_factory=dict)
    page_bytes: int = 0

    def answer(self, key: tuple[object, ...], make: Callable[[], list[str]]) -> list[str]:
        """The list ``make()`` gives for ``key``, made once."""
        if key not in self.answers:
            if len(self.answers) >= MAX_ANSWERS:
                self.answers.clear()
            self.answers[key] = make()
        return self.answers[key]

    def profiles_for(self, now_ts: int) -> dict[str, tuple[bytes, bytes | None]]:
        """Encoded profiles at ``now_ts`` (kept for one instant at a time)."""
        if now_ts != self.profiles_at or len(self.profiles) >= MAX_PROFILES:
            self.profiles.clear()
            self.pages.clear()
            self.page_bytes = 0
            self.profiles_at = now_ts
        return self.profiles

    def pages_for(self, now_ts: int) -> dict[tuple[str, ...], tuple[bytes, frozenset[str]]]:
        """Discovery pages at ``now_ts`` (kept for one instant at a time, like profiles, and
        up to ``MAX_PAGE_BYTES``)."""
        self.profiles_for(now_ts)
        if self.page_bytes >= MAX_PAGE_BYTES:
            self.pages.clear()
            self.page_bytes = 0
        return self.pages


_SHARED: dict[WorldKey, Static] = {}


def shared(conn: sqlite3.Connection, key: WorldKey) -> Static:
    """The world ``key``'s generated part, read through ``conn`` the first time."""
    if key not in _SHARED:
        while len(_SHARED) >= MAX_WORLDS:
            del _SHARED[next(iter(_SHARED))]
        _SHARED[key] = _read(conn)
    return _SHARED[key]


def _read(conn: sqlite3.Connection) -> Static:
    rows = conn.execute(f"{SELECT_USERS} WHERE kind != ? ORDER BY id", (MANAGED,))
    users = [User.from_row(row) for row in rows]
    tags: dict[str, list[str]] = {}
    for name, user_id in conn.execute("SELECT tag, user_id FROM tags ORDER BY 1, 2"):
        tags.setdefault(name, []).append(user_id)
    return Static(
        users=users,
        by_id={u.id: u for u in users},
        by_handle={u.handle: u for u in users},
        tags=tags,
    )
