"""One account of the simulated network, as a row of the ``users`` table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from socialseed.model.frozen import without_init
from socialseed.platforms.sandbox.schema import USER_COLUMNS

PERSON = "person"
BOT = "bot"
HUB = "hub"
MANAGED = "managed"


@dataclass(frozen=True)
class User:
    """An account of the world. ``followers``/``following``/``posts`` are the base counts
    (the world is a sample of a larger network); live writes are added when profiles are read.
    """

    id: str
    handle: str
    name: str
    bio: str
    kind: str
    topic: str
    tags: str  # space-separated hashtags without '#', main tag first
    followers: int
    following: int
    posts: int
    hide_followers: int
    has_avatar: int
    language: str
    created_ts: int
    quiet_ts: int | None
    rate: float  # posts per day (bots post in bursts instead)
    opted_out: int

    @property
    def tag_list(self) -> tuple[str, ...]:
        return tuple(self.tags.split()) if self.tags else ()

    def row(self) -> tuple[Any, ...]:
        """The values in ``USER_COLUMNS`` order (``dataclasses.astuple`` deep-copies each)."""
        return (
            self.id,
            self.handle,
            self.name,
            self.bio,
            self.kind,
            self.topic,
            self.tags,
            self.followers,
            self.following,
            self.posts,
            self.hide_followers,
            self.has_avatar,
            self.language,
            self.created_ts,
            self.quiet_ts,
            self.rate,
            self.opted_out,
        )

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> User:
        """``cls(*row)``, made without ``__init__`` (whose ``object.__setattr__`` per field is
        most of reading a world's 50,000 accounts): the fields are ``USER_COLUMNS``, in order
        (the tests hold them equal)."""
        if len(row) != len(USER_COLUMNS):
            return cls(*row)  # the error ``__init__`` gives
        return without_init(cls, zip(USER_COLUMNS, row, strict=True))


SELECT_USERS = f"SELECT {', '.join(USER_COLUMNS)} FROM users"
INSERT_USER = (
    f"INSERT INTO users ({', '.join(USER_COLUMNS)}) VALUES ({', '.join('?' * len(USER_COLUMNS))})"
)
