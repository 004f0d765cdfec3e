"""The world file, opened: accounts, the follow graph and what managed accounts did.

One connection per process (WAL, busy timeout). Every write runs inside ``transaction()``
(``BEGIN IMMEDIATE``), so a process killed at any moment leaves it recorded or not, never half.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from socialseed.errors import StateError
from socialseed.platforms.sandbox import followback
from socialseed.platforms.sandbox.rand import short_hash
from socialseed.platforms.sandbox.schema import FORMAT
from socialseed.platforms.sandbox.static import Static, shared
from socialseed.platforms.sandbox.users import (
    INSERT_USER,
    MANAGED,
    PERSON,
    SELECT_USERS,
    User,
)

DAY = 86400
RESET_HINT = "run 'socialseed sandbox reset' to make a fresh world"


class World:
    """An open world file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = _connect(path)
        meta = self._meta()
        self.seed = int(meta["seed"])
        self.size = int(meta["size"])
        self.anchor_ts = int(meta["anchor_ts"])
        self.followback_model = meta.get("followback", "standard")  # followback.MODELS
        self._static: Static | None = None
        self._writes = 0

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = self.db.conn
        return conn

    def close(self) -> None:
        self.db.conn.close()

    def _meta(self) -> dict[str, str]:
        try:
            rows = self.conn.execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.DatabaseError as exc:
            raise StateError(
                f"sandbox world {self.path} cannot be read: {exc}", hint=RESET_HINT
            ) from exc
        meta = {str(k): str(v) for k, v in rows}
        if meta.get("format") != FORMAT:
            raise StateError(
                f"sandbox world {self.path} has format {meta.get('format')!r}, "
                f"this SocialSeed reads format {FORMAT}",
                hint=RESET_HINT,
            )
        return meta

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front so concurrent writers queue."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        finally:
            self._writes += 1
        self.conn.execute("COMMIT")

    def version(self) -> tuple[int, int]:
        """Changes whenever anything may have been written: by this connection (counted) or
        by another (SQLite's ``data_version``). Read caches are keyed by it."""
        row = self.conn.execute("PRAGMA data_version").fetchone()
        return self._writes, int(row[0])

    # accounts -------------------------------------------------------------------------

    @property
    def static(self) -> Static:
        """The generated accounts and what derives from them (shared within the process)."""
        if self._static is None:
            key = (str(self.path.resolve()), self.seed, self.size, self.anchor_ts)
            self._static = shared(self.conn, (*key, self.followback_model))
        return self._static

    def static_users(self) -> list[User]:
        """Every generated account (not the managed ones), in id order."""
        return list(self.static.users)

    def user(self, user_id: str) -> User | None:
        found = self.static.by_id.get(user_id)
        if found is not None:
            return found
        row = self.conn.execute(f"{SELECT_USERS} WHERE id = ?", (user_id,)).fetchone()
        return User.from_row(row) if row else None

    def by_handle(self, handle: str) -> User | None:
        handle = handle.lstrip("@").lower()
        found = self.static.by_handle.get(handle)
        if found is not None:
            return found
        row = self.conn.execute(f"{SELECT_USERS} WHERE handle = ?", (handle,)).fetchone()
        return User.from_row(row) if row else None

    def users_with_tag(self, tag: str) -> list[str]:
        return self.static.tags.get(tag.lower().lstrip("#"), [])

    def managed(self) -> list[User]:
        rows = self.conn.execute(f"{SELECT_USERS} WHERE kind = ? ORDER BY handle", (MANAGED,))
        return [User.from_row(r) for r in rows]

    def ensure_managed(self, handle: str) -> User:
        """The managed account ``handle``, created on first use (deterministically)."""
        handle = handle.lstrip("@").lower()
        existing = self.by_handle(handle)
        if existing is not None:
            return existing
        with self.transaction() as conn:
            row = conn.execute(f"{SELECT_USERS} WHERE handle = ?", (handle,)).fetchone()
            if row:
                return User.from_row(row)
            user = self._new_managed(handle)
            conn.execute(INSERT_USER, user.row())
            conn.executemany("INSERT OR IGNORE INTO edges VALUES (?, ?, ?)", self._seed_edges(user))
        return user

    def _new_managed(self, handle: str) -> User:
        return User(
            id=f"m{short_hash(f'{self.seed}:{handle}')}",
            handle=handle,
            name=handle.split(".")[0].title(),
            bio="Managed with SocialSeed (sandbox).",
            kind=MANAGED,
            topic="",
            tags="",
            followers=0,
            following=0,
            posts=120,
            hide_followers=0,
            has_avatar=1,
            language="en",
            created_ts=self.anchor_ts - 400 * DAY,
            quiet_ts=None,
            rate=1.0,
            opted_out=0,
        )

    def _seed_edges(self, user: User) -> list[tuple[str, str, int]]:
        """A few followers and follows made by hand before SocialSeed arrived."""
        rng = random.Random(f"{self.seed}:managed:{user.handle}")
        people = [u.id for u in self.static_users() if u.kind == PERSON]
        hubs = [u.id for u in self.static_users() if u.kind == "hub"]
        fans = rng.sample(people, min(len(people), rng.randint(5, 25)))
        follows = [rng.choice(hubs), *rng.sample(people, min(len(people), rng.randint(3, 8)))]
        edges = [(f, user.id, self.anchor_ts - rng.randint(2, 300) * DAY) for f in fans]
        edges += [(user.id, f, self.anchor_ts - rng.randint(2, 300) * DAY) for f in follows]
        return edges

    # the graph ------------------------------------------------------------------------

    def follower_ids(self, user_id: str, now_ts: int) -> list[str]:
        """Who follows ``user_id`` now, newest first (follow-backs count once due, and no more
        once the person unfollowed again: ``followback.followback_ends``)."""
        rows = self.conn.execute(
            "SELECT src, ts, 0 FROM edges WHERE dst = ? UNION "
            "SELECT src, ts, 1 FROM followbacks WHERE dst = ? AND ts <= ? "
            "AND src NOT IN (SELECT src FROM edges WHERE dst = ?) ORDER BY 2 DESC, 1",
            (user_id, user_id, now_ts, user_id),
        ).fetchall()
        backs = [(str(src), int(ts)) for src, ts, back in rows if back]
        kept = set(followback.lasting(self.seed, user_id, backs, now_ts))
        return [str(src) for src, _, back in rows if not back or str(src) in kept]

    def following_ids(self, user_id: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT dst FROM edges WHERE src = ? ORDER BY ts DESC, dst", (user_id,)
        )
        return [str(r[0]) for r in rows]

    def managed_followers(self, user_id: str) -> int:
        """How many managed accounts follow ``user_id`` (added to its base count)."""
        row = self.conn.execute(
            "SELECT count(*) FROM edges WHERE dst = ? AND src >= 'm' AND src < 'n'", (user_id,)
        ).fetchone()
        return int(row[0])

    def managed_follow_counts(self) -> dict[str, int]:
        """``managed_followers`` of every account some managed account follows, in one query
        (the edges' key starts with the follower: a range of it)."""
        rows = self.conn.execute(
            "SELECT dst, count(*) FROM edges WHERE src >= 'm' AND src < 'n' GROUP BY dst"
        )
        return {str(dst): int(n) for dst, n in rows}

    def has(self, table: str, **where: Any) -> bool:
        clause = " AND ".join(f"{k} = ?" for k in where)
        sql = f"SELECT 1 FROM {table} WHERE {clause} LIMIT 1"
        return self.conn.execute(sql, tuple(where.values())).fetchone() is not None

    def likers(self, post_id: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT actor FROM likes WHERE post_id = ? ORDER BY ts", (post_id,)
        )
        return [str(r[0]) for r in rows]

    def count(self, sql: str, *params: Any) -> int:
        row = self.conn.execute(sql, params).fetchone()
        return int(row[0]) if row else 0


def _connect(path: Path) -> Database:
    if not path.exists():
        raise StateError(f"no sandbox world at {path}", hint=RESET_HINT)
    try:
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        raise StateError(f"sandbox world {path} cannot be opened: {exc}", hint=RESET_HINT) from exc
    return Database(conn)
