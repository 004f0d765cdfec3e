"""The sandbox's server side: a small JSON REST API served by an in-process httpx transport.

The client (``client.SandboxPlatform``) reaches it through ``httpx.AsyncClient`` exactly as it
would a real platform, so rate limits (``X-RateLimit-*`` headers, 429), faults (503, timeouts,
403 blocks) and errors cross the same HTTP boundary.

API (the acting account is named by the ``X-Sandbox-Actor`` header; no secrets involved):
    GET    /v1/me                                  the acting account (created on first use)
    GET    /v1/users/{handle}                      a profile
    GET    /v1/users/{id}/posts?limit=N            recent posts, newest first
    GET    /v1/users/{id}/followers|following      ids, paged (?cursor=&limit=)
    GET    /v1/discover/{kind}?q=&cursor=&limit=   hashtag|search|followers_of|likers_of|commenters
    GET    /v1/notifications?cursor=&limit=N       messages to the acting account, oldest
           first, after the cursor: {"items": [...], "next_cursor": "<ts>:<id>", "more": bool}
    GET    /v1/relations/{verb}?target_id=&post_id=&idem_key=   {"in_effect": bool,
           "request_id": the write's request id, "ref": ...}
    POST   /v1/follows {target_id}      DELETE /v1/follows/{target_id}
    POST   /v1/likes {post_id}          DELETE /v1/likes/{post_id}
    POST   /v1/reposts {post_id}        POST   /v1/replies {post_id, text} (Idempotency-Key)
    POST   /v1/hidden {comment_id}      POST   /v1/mutes {target_id}
Writes answer ``{"status": "done"|"already", "ref": ...}``.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

from socialseed.clock import Clock, iso
from socialseed.config.schema import Sandbox
from socialseed.platforms.sandbox import faults as fault_store
from socialseed.platforms.sandbox import inbox, limits, posts
from socialseed.platforms.sandbox.actions import ApiError, Request, Write, resolve
from socialseed.platforms.sandbox.discover import Finder
from socialseed.platforms.sandbox.pages import PageCache, canonical, encode
from socialseed.platforms.sandbox.profiles import profile
from socialseed.platforms.sandbox.rand import unit
from socialseed.platforms.sandbox.users import User
from socialseed.platforms.sandbox.world import World

BASE_URL = "https://sandbox.socialseed.invalid"
ACTOR_HEADER = "x-sandbox-actor"
PAGE = 50
MAX_PAGE = 1000
_POST_VERBS = {"follows": "follow", "likes": "like", "reposts": "repost", "replies": "reply"}
_POST_VERBS |= {"hidden": "hide_comment", "mutes": "mute"}
_DELETE_VERBS = {"follows": "unfollow", "likes": "unlike"}


def _json(status: int, data: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=data, headers=headers)


def _error(exc: ApiError, headers: dict[str, str] | None = None) -> httpx.Response:
    return _json(exc.status, {"error": exc.code, "message": exc.message}, headers)


class SandboxTransport(httpx.AsyncBaseTransport):
    """Serves the sandbox API from the world file at ``path``, on ``clock``'s time."""

    def __init__(
        self,
        path: Path,
        clock: Clock,
        settings: Sandbox | None = None,
        *,
        wall_latency: float = 0.0,
    ) -> None:
        self.world = World(path)
        self.wall_latency = wall_latency  # real seconds per request: the simulated network
        self.finder = Finder(self.world)
        self.pages = PageCache(self.world)
        self.clock = clock
        self.settings = settings or Sandbox()
        self._serial = 0

    async def aclose(self) -> None:
        self.world.close()

    def _now(self) -> int:
        return int(self.clock.now().timestamp())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._serial += 1
        body = await request.aread()
        active, since = fault_store.load(self.world.conn)
        is_write = request.method != "GET"
        latency = self.settings.latency_ms + active.latency_ms
        if latency:
            await self.clock.sleep(latency / 1000)
        if self.wall_latency:
            await asyncio.sleep(self.wall_latency)  # real time, even when the clock is simulated
        faulty = is_write or active.reads
        if faulty and self._roll("timeout", request) < active.timeout_rate:
            raise httpx.ReadTimeout("sandbox: simulated timeout (fault injection)", request=request)
        if faulty and self._roll("5xx", request) < active.error_rate:
            message = "simulated server error (fault injection); try again later"
            return _json(503, {"error": "unavailable", "message": message})
        try:
            response = self._route(request, body, active, since)
        except ApiError as exc:
            response = _error(exc)
        except sqlite3.OperationalError as exc:  # e.g. locked past the busy timeout
            response = _error(ApiError(503, "busy", f"the world file is busy ({exc}); try again"))
        response.headers.setdefault("x-request-id", f"sbx-r{self._serial}")
        lost = is_write and response.status_code == 200
        if lost and self._roll("lost", request) < active.lost_reply_rate:
            raise httpx.ReadTimeout("sandbox: answer lost (fault injection)", request=request)
        return response

    def _roll(self, kind: str, request: httpx.Request) -> float:
        path = request.url.path
        return unit(self.world.seed, "fault", kind, self._serial, request.method, path, self._now())

    def _route(
        self, request: httpx.Request, body: bytes, active: fault_store.Faults, since: int
    ) -> httpx.Response:
        parts = [unquote(p) for p in request.url.path.strip("/").split("/")]
        if not parts or parts[0] != "v1" or len(parts) < 2:
            raise ApiError(404, "no_route", f"no such endpoint {request.url.path}")
        if request.method == "GET":
            return self._read(request, parts[1:])
        req = self._write_request(request, parts[1:], body)
        return self._write(self._actor(request), req, active, since)

    # reads ----------------------------------------------------------------------------

    def _read(self, request: httpx.Request, parts: list[str]) -> httpx.Response:
        params = request.url.params
        now_ts = self._now()
        match parts:
            case ["me"]:
                return _json(200, profile(self.world, self._actor(request), now_ts).to_data())
            case ["users", handle]:
                return _json(200, profile(self.world, self._user(handle), now_ts).to_data())
            case ["users", user_id, "posts"]:
                user = self._user_id(user_id)
                limit = max(1, min(100, _int(params.get("limit", "5"))))
                found = posts.recent(self.world.seed, user, now_ts, limit)
                return _json(200, {"posts": [p.to_data() for p in found]})
            case ["users", user_id, ("followers" | "following") as which]:
                user = self._user_id(user_id)
                ids = (
                    self.world.follower_ids(user.id, now_ts)
                    if which == "followers"
                    else self.world.following_ids(user.id)
                )
                return self._ids_page(ids, params)
            case ["discover", kind]:
                return self._discover(request, kind, params.get("q", ""), now_ts)
            case ["relations", verb]:
                return self._relation(request, verb)
            case ["notifications"]:
                return self._notifications(self._actor(request), params, now_ts)
        raise ApiError(404, "no_route", f"no such endpoint GET {request.url.path}")

    def _notifications(self, me: User, params: httpx.QueryParams, now_ts: int) -> httpx.Response:
        cursor = params.get("cursor", "")
        after_ts, after_id = _notification_cursor(cursor)
        size = max(1, min(100, _int(params.get("limit", str(PAGE)))))
        found = [
            item
            for item in inbox.messages(self.world, me, now_ts, after_ts - 1)
            if (int(item.message.created_at.timestamp()), item.message.id) > (after_ts, after_id)
        ]
        chunk = found[:size]
        last = chunk[-1].message if chunk else None
        next_cursor = f"{int(last.created_at.timestamp())}:{last.id}" if last else cursor
        return _json(
            200,
            {
                "items": [i.to_data() for i in chunk],
                "next_cursor": next_cursor or f"{now_ts}:",
                "more": len(found) > size,
            },
        )

    def _ids_page(self, ids: list[str], params: httpx.QueryParams) -> httpx.Response:
        start = _int(params.get("cursor", "0"))
        size = max(1, min(MAX_PAGE, _int(params.get("limit", str(MAX_PAGE)))))
        chunk = ids[start : start + size]
        after = start + size
        return _json(200, {"ids": chunk, "next_cursor": str(after) if after < len(ids) else None})

    def _discover(
        self, request: httpx.Request, kind: str, query: str, now_ts: int
    ) -> httpx.Response:
        start, snap = _cursor(request.url.params.get("cursor", ""), now_ts)
        extra: dict[str, tuple[Any, ...]] = {}
        if kind == "hashtag":
            ids = self.finder.hashtag(query, snap)
        elif kind == "search":
            ids = self.finder.search(query)
        elif kind == "followers_of":
            ids = self.pages.follower_ids(self._user(query).id, snap)
        elif kind == "likers_of":
            ids = self._likers(query, snap)
        elif kind == "commenters":
            ids, extra = self._commenters(self._actor(request), query, snap)
        else:
            raise ApiError(400, "unknown_source", f"unknown discovery source {kind!r}")
        size = max(1, min(100, _int(request.url.params.get("limit", str(PAGE)))))
        chunk = ids[start : start + size]
        after = start + size
        next_cursor = f"{after}@{snap}" if after < len(ids) else None
        if extra:
            users = [u for u in (self.world.user(i) for i in chunk) if u]
            found = [profile(self.world, u, now_ts, extra=extra.get(u.id, ())) for u in users]
            listed = b",".join(canonical(p.to_data()) for p in found)
        else:
            listed = self.pages.page(chunk, now_ts)
        body = b'{"profiles":[%s],"next_cursor":%s}' % (listed, encode(next_cursor))
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    def _likers(self, post_id: str, now_ts: int) -> list[str]:
        author = self.world.user(posts.author_of(post_id) or "")
        post = posts.find(self.world.seed, author, post_id, now_ts) if author else None
        if author is None or post is None:
            raise ApiError(404, "not_found", f"no post with id {post_id!r}")
        return self.finder.likers(post, author)

    def _commenters(
        self, me: User, value: str, now_ts: int
    ) -> tuple[list[str], dict[str, tuple[Any, ...]]]:
        if value in ("", "own"):
            own = self.finder.own_posts(me, now_ts)
        else:
            post = posts.find(self.world.seed, me, value, now_ts)
            if post is None:
                raise ApiError(404, "not_found", f"no post {value!r} of {me.handle}")
            own = [post]
        by_author: dict[str, tuple[Any, ...]] = {}
        for comment in self.finder.comments(own, now_ts):
            by_author[comment.author_id] = (*by_author.get(comment.author_id, ()), comment)
        return list(by_author), by_author

    def _relation(self, request: httpx.Request, verb: str) -> httpx.Response:
        params = request.url.params
        req = Request(
            verb=verb,
            target_id=params.get("target_id", ""),
            post_id=params.get("post_id", ""),
            text=params.get("text", "x"),
            idem_key=params.get("idem_key", ""),
        )
        if verb == "reply" and not req.idem_key:
            return self._reply_relation(self._actor(request), req.post_id)
        actor = self._actor(request)
        write = resolve(self.world, actor, req, self._now())
        if not write.already(self.world.conn):
            return _json(200, {"in_effect": False})
        row = self.world.conn.execute(
            "SELECT request_id FROM events WHERE actor = ? AND verb = ? AND target = ? "
            "ORDER BY id DESC LIMIT 1",
            (actor.id, write.verb, write.target),
        ).fetchone()
        data = {"in_effect": True, "ref": write.ref or write.target, "request_id": row and row[0]}
        return _json(200, data)

    def _reply_relation(self, me: User, post_id: str) -> httpx.Response:
        found = self.world.has("replies", actor=me.id, post_id=post_id)
        return _json(200, {"in_effect": found})

    # writes ---------------------------------------------------------------------------

    def _write_request(self, request: httpx.Request, parts: list[str], body: bytes) -> Request:
        if request.method == "DELETE" and len(parts) == 2 and parts[0] in _DELETE_VERBS:
            verb = _DELETE_VERBS[parts[0]]
            key = "target_id" if verb == "unfollow" else "post_id"
            return Request(verb=verb, **{key: parts[1]})
        if request.method != "POST" or len(parts) != 1 or parts[0] not in _POST_VERBS:
            raise ApiError(404, "no_route", f"no such endpoint {request.method} {request.url.path}")
        data = _body(body)
        return Request(
            verb=_POST_VERBS[parts[0]],
            target_id=str(data.get("target_id", "")),
            post_id=str(data.get("post_id") or data.get("comment_id") or ""),
            text=str(data.get("text", "")),
            idem_key=request.headers.get("idempotency-key", ""),
        )

    def _write(
        self, actor: User, req: Request, active: fault_store.Faults, since: int
    ) -> httpx.Response:
        now_ts = self._now()
        write = resolve(self.world, actor, req, now_ts)
        with self.world.transaction() as conn:
            self._check_block(actor, write, active, since)
            if write.already(conn):
                return _json(200, {"status": "already", "ref": write.ref or write.target})
            state = limits.check(conn, actor.id, write.verb, now_ts, self.settings.limits)
            if state.exceeded:
                reset = iso(posts.instant(state.binding.reset_ts))
                message = f"{state.reason(self.settings.limits)}; resets at {reset}"
                return _error(ApiError(429, "rate_limited", message), state.headers())
            write.perform(conn)
            request_id = self._record(actor, write, now_ts)
        headers = state.after_write().headers()
        data = {"status": "done", "ref": write.ref or write.target, "request_id": request_id}
        return _json(200, data, {**headers, "x-request-id": request_id})

    def _check_block(
        self, actor: User, write: Write, active: fault_store.Faults, since: int
    ) -> None:
        if active.block_after is None:
            return
        done = self.world.count(
            "SELECT count(*) FROM events WHERE actor = ? AND ts >= ?", actor.id, since
        )
        if done >= active.block_after:
            code = "action_blocked" if active.block_kind == "blocked" else "account_restricted"
            what = "blocked from" if code == "action_blocked" else "restricted; refused"
            message = (
                f"{actor.handle} is {what} {write.verb} after {done} actions (fault injection)"
            )
            raise ApiError(403, code, message)

    def _record(self, actor: User, write: Write, now_ts: int) -> str:
        row = self.world.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM events").fetchone()
        request_id = f"sbx-e{int(row[0])}"
        self.world.conn.execute(
            "INSERT INTO events (id, ts, actor, verb, target, request_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (int(row[0]), now_ts, actor.id, write.verb, write.target, request_id),
        )
        return request_id

    # lookups --------------------------------------------------------------------------

    def _actor(self, request: httpx.Request) -> User:
        handle = request.headers.get(ACTOR_HEADER, "").strip()
        if not handle:
            raise ApiError(401, "no_actor", f"missing {ACTOR_HEADER} header")
        return self.world.ensure_managed(handle)

    def _user(self, handle: str) -> User:
        user = self.world.by_handle(handle)
        if user is None:
            raise ApiError(404, "not_found", f"no account @{handle.lstrip('@')}")
        return user

    def _user_id(self, user_id: str) -> User:
        user = self.world.user(user_id)
        if user is None:
            raise ApiError(404, "not_found", f"no account with id {user_id!r}")
        return user


def _cursor(text: str, now_ts: int) -> tuple[int, int]:
    """A discovery cursor is ``offset@snapshot``: later pages keep the first page's instant,
    so results do not shift while someone pages through them."""
    if not text:
        return 0, now_ts
    offset, _, snap = text.partition("@")
    return _int(offset), _int(snap) if snap else now_ts


def _notification_cursor(text: str) -> tuple[int, str]:
    """A notifications cursor is ``<ts>:<message id>``, the last message read."""
    if not text:
        return 0, ""
    ts, _, message_id = text.partition(":")
    return _int(ts), message_id


def _int(text: str) -> int:
    try:
        return max(0, int(text))
    except ValueError as exc:
        raise ApiError(400, "bad_cursor", f"{text!r} is not a cursor") from exc


def _body(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError as exc:
        raise ApiError(400, "bad_json", "the request body is not JSON") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "bad_json", "the request body must be a JSON object")
    return data
