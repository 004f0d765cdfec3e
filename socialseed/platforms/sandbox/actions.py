"""What each write verb does to the world: validate the target, say whether it is already in
effect, and perform it. The server runs ``already`` and ``perform`` in one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from socialseed.platforms.sandbox import followback, inbox, posts
from socialseed.platforms.sandbox.rand import short_hash, unit
from socialseed.platforms.sandbox.users import BOT, User
from socialseed.platforms.sandbox.world import World

HOUR = 3600


class ApiError(Exception):
    """An error answer of the sandbox API (becomes an HTTP response, never leaves the server)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Request:
    """The arguments of one write, from the path or the JSON body."""

    verb: str
    target_id: str = ""
    post_id: str = ""
    text: str = ""
    idem_key: str = ""


@dataclass(frozen=True)
class Write:
    verb: str
    target: str
    already: Callable[[sqlite3.Connection], bool]
    perform: Callable[[sqlite3.Connection], None]
    ref: str = ""


def resolve(world: World, actor: User, req: Request, now_ts: int) -> Write:
    """The write ``req`` asks for, or ``ApiError`` (404, 400) when its target is wrong."""
    builders: dict[str, Callable[[World, User, Request, int], Write]] = {
        "follow": _follow,
        "unfollow": _unfollow,
        "like": _like,
        "unlike": _unlike,
        "repost": _repost,
        "reply": _reply,
        "hide_comment": _hide,
        "mute": _mute,
    }
    if req.verb not in builders:
        raise ApiError(400, "unknown_verb", f"unknown verb {req.verb!r}")
    return builders[req.verb](world, actor, req, now_ts)


def _exists(conn: sqlite3.Connection, sql: str, *params: object) -> bool:
    return conn.execute(sql, params).fetchone() is not None


def _target_user(world: World, actor: User, target_id: str) -> User:
    user = world.user(target_id) if target_id else None
    if user is None:
        raise ApiError(404, "not_found", f"no account with id {target_id!r}")
    if user.id == actor.id:
        raise ApiError(400, "self_target", "an account cannot do that to itself")
    return user


def _target_post(world: World, post_id: str, now_ts: int, actor: User | None = None) -> str:
    """``post_id`` if it is a post, or a message to ``actor``, that exists by now."""
    if actor is not None and inbox.find(world, actor, post_id, now_ts) is not None:
        return post_id
    author = world.user(posts.author_of(post_id) or "")
    if author is None or posts.find(world.seed, author, post_id, now_ts) is None:
        raise ApiError(404, "not_found", f"no post with id {post_id!r}")
    return post_id


def _follow(world: World, actor: User, req: Request, now_ts: int) -> Write:
    target = _target_user(world, actor, req.target_id)
    edge = "SELECT 1 FROM edges WHERE src = ? AND dst = ?"

    def perform(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO edges VALUES (?, ?, ?)", (actor.id, target.id, now_ts))
        due = followback.followback_at(
            conn, world.seed, world.followback_model, actor, target, now_ts
        )
        if due is not None:
            conn.execute(
                "INSERT OR IGNORE INTO followbacks VALUES (?, ?, ?)", (target.id, actor.id, due)
            )

    return Write("follow", target.id, lambda c: _exists(c, edge, actor.id, target.id), perform)


def _unfollow(world: World, actor: User, req: Request, now_ts: int) -> Write:
    target_id = req.target_id
    edge = "SELECT 1 FROM edges WHERE src = ? AND dst = ?"

    def perform(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM edges WHERE src = ? AND dst = ?", (actor.id, target_id))
        conn.execute(
            "DELETE FROM followbacks WHERE src = ? AND dst = ? AND ts > ?",
            (target_id, actor.id, now_ts),
        )

    return Write(
        "unfollow", target_id, lambda c: not _exists(c, edge, actor.id, target_id), perform
    )


def _post_write(table: str, verb: str) -> Callable[[World, User, Request, int], Write]:
    def build(world: World, actor: User, req: Request, now_ts: int) -> Write:
        post_id = _target_post(world, req.post_id, now_ts, actor)
        query = f"SELECT 1 FROM {table} WHERE actor = ? AND post_id = ?"

        def perform(conn: sqlite3.Connection) -> None:
            conn.execute(f"INSERT INTO {table} VALUES (?, ?, ?)", (actor.id, post_id, now_ts))

        return Write(verb, post_id, lambda c: _exists(c, query, actor.id, post_id), perform)

    return build


_like = _post_write("likes", "like")
_repost = _post_write("reposts", "repost")


def _unlike(world: World, actor: User, req: Request, now_ts: int) -> Write:
    post_id = req.post_id
    query = "SELECT 1 FROM likes WHERE actor = ? AND post_id = ?"

    def perform(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM likes WHERE actor = ? AND post_id = ?", (actor.id, post_id))

    return Write("unlike", post_id, lambda c: not _exists(c, query, actor.id, post_id), perform)


def _reply(world: World, actor: User, req: Request, now_ts: int) -> Write:
    post_id = _target_post(world, req.post_id, now_ts, actor)
    asked = inbox.find(world, actor, post_id, now_ts)
    if not req.text.strip():
        raise ApiError(400, "empty_reply", "a reply needs text")
    key = req.idem_key or f"{post_id}:{req.text}"
    reply_id = f"r.{actor.id}.{short_hash(key, 12)}"
    query = "SELECT 1 FROM replies WHERE actor = ? AND idem_key = ?"

    def perform(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO replies VALUES (?, ?, ?, ?, ?, ?)",
            (reply_id, actor.id, post_id, req.text, now_ts, key),
        )
        if asked is not None:
            _answered_followback(conn, world, actor, asked.message.author.id, now_ts)

    return Write("reply", post_id, lambda c: _exists(c, query, actor.id, key), perform, reply_id)


def _answered_followback(
    conn: sqlite3.Connection, world: World, actor: User, author_id: str, now_ts: int
) -> None:
    """Answered people become a little more likely to follow back."""
    author = world.user(author_id)
    if author is None or author.kind == BOT:
        return
    if unit(world.seed, "answered-followback", actor.id, author.id) >= inbox.FOLLOWBACK_CHANCE:
        return
    delay = HOUR + int(
        unit(world.seed, "answered-followback-delay", actor.id, author.id) * 48 * HOUR
    )
    conn.execute(
        "INSERT OR IGNORE INTO followbacks VALUES (?, ?, ?)", (author.id, actor.id, now_ts + delay)
    )


def _hide(world: World, actor: User, req: Request, now_ts: int) -> Write:
    comment_id = req.post_id
    post_id, _, index = comment_id.rpartition(".c")
    if posts.author_of(post_id) != actor.id or not index.isdigit():
        raise ApiError(404, "not_found", f"no comment {comment_id!r} on this account's posts")
    _target_post(world, post_id, now_ts)
    if int(index) >= posts.comment_count(world.seed, post_id):
        raise ApiError(404, "not_found", f"no comment {comment_id!r} on this account's posts")
    query = "SELECT 1 FROM hidden WHERE actor = ? AND comment_id = ?"

    def perform(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO hidden VALUES (?, ?, ?)", (actor.id, comment_id, now_ts))

    return Write(
        "hide_comment", comment_id, lambda c: _exists(c, query, actor.id, comment_id), perform
    )


def _mute(world: World, actor: User, req: Request, now_ts: int) -> Write:
    target = _target_user(world, actor, req.target_id)
    query = "SELECT 1 FROM mutes WHERE actor = ? AND target = ?"

    def perform(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO mutes VALUES (?, ?, ?)", (actor.id, target.id, now_ts))

    return Write("mute", target.id, lambda c: _exists(c, query, actor.id, target.id), perform)
