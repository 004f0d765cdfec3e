"""A local server on 127.0.0.1 that serves the documented shapes of the two comment APIs:
Instagram's Graph API (Instagram Login) and TikTok's API for Business. It keeps the account's
own posts, the comments on them and the replies made, so a test can read back what ``apply``
did. A reply is stored before its answer is sent, and the answer waits ``reply_delay``
seconds: a SIGKILL in that window leaves a reply the journal does not know about.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TOKEN = "live-token-123456"
ME_ID, ME_NAME = "17841400000000001", "studio.example"
TIKTOK_BIZ = "biz-open-id-1"
V = "/open_api/v1.3"


@dataclass
class Comment:
    id: str
    post: str
    author_id: str
    author: str
    text: str
    at: float  # epoch seconds
    parent: str | None = None


@dataclass
class World:
    posts: dict[str, str] = field(default_factory=dict)  # id -> caption
    comments: list[Comment] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    reply_delay: float = 0.0
    counter: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def replies_by_us(self) -> list[Comment]:
        return [c for c in self.comments if c.parent is not None and c.author == ME_NAME]

    def add_reply(self, parent: str, text: str) -> Comment:
        with self.lock:
            self.counter += 1
            top = next(c for c in self.comments if c.id == parent)
            reply = Comment(
                f"99{self.counter:015d}", top.post, ME_ID, ME_NAME, text, time.time(), parent
            )
            self.comments.append(reply)
        return reply


class _Handler(BaseHTTPRequestHandler):
    server: CommentServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    @property
    def world(self) -> World:
        return self.server.world

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        # the client may have been killed while waiting: the reply stays, unanswered
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def do_GET(self) -> None:
        self._route("GET", b"")

    def do_POST(self) -> None:
        body = self._body()
        if len(body) < int(self.headers.get("content-length") or 0):
            return  # the client died mid-request (a SIGKILL): nothing happens, as on a server
        self._route("POST", body)

    def _route(self, method: str, body: bytes) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        self.world.requests.append((method, parts.path))
        if parts.path.startswith(V):
            self._tiktok(method, parts.path.removeprefix(V), query, body)
        else:
            self._instagram(method, parts.path.strip("/").split("/"), query, body)

    # --- Instagram Graph API ---------------------------------------------------------------

    def _graph_error(self) -> None:
        error = {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}
        self._send(400, {"error": {**error, "fbtrace_id": "AbC"}})

    def _instagram(self, method: str, path: list[str], query: dict[str, str], body: bytes) -> None:
        if self.headers.get("authorization") != f"Bearer {TOKEN}":
            return self._graph_error()
        form = dict(parse_qsl(body.decode()))
        if path == ["me"]:
            return self._send(200, {"user_id": ME_ID, "username": ME_NAME, "id": ME_ID})
        if path == ["me", "media"]:
            media = [
                {"id": pid, "caption": cap, "timestamp": _graph_time(0), "comments_count": 1}
                for pid, cap in self.world.posts.items()
            ]
            return self._send(200, {"data": media, "paging": {"cursors": {"after": "end"}}})
        if len(path) == 2 and path[1] == "comments" and method == "GET":
            top = [c for c in self.world.comments if c.post == path[0] and c.parent is None]
            return self._send(200, {"data": [_graph_comment(c) for c in top], "paging": {}})
        if len(path) == 2 and path[1] == "replies" and method == "GET":
            found = [c for c in self.world.comments if c.parent == path[0]]
            return self._send(200, {"data": [_graph_comment(c) for c in found]})
        if len(path) == 2 and path[1] == "replies" and method == "POST":
            reply = self.world.add_reply(path[0], form.get("message", ""))
            time.sleep(self.world.reply_delay)
            return self._send(200, {"id": reply.id})
        self._send(400, {"error": {"message": "Unsupported request", "code": 100}})

    # --- TikTok API for Business ------------------------------------------------------------

    def _ok(self, data: dict[str, Any]) -> None:
        self._send(200, {"code": 0, "message": "OK", "request_id": "r1", "data": data})

    def _tiktok(self, method: str, path: str, query: dict[str, str], body: bytes) -> None:
        if self.headers.get("access-token") != TOKEN:
            message = "The access token is invalid or has been revoked."
            return self._send(200, {"code": 40105, "message": message, "data": {}})
        args = json.loads(body) if body else query
        if args.get("business_id") != TIKTOK_BIZ:
            return self._send(200, {"code": 40002, "message": "Invalid business_id", "data": {}})
        if path == "/business/get/":
            return self._ok({"username": ME_NAME, "display_name": "Studio"})
        if path == "/business/video/list/":
            videos = [
                {"item_id": pid, "create_time": int(time.time()), "caption": cap, "comments": 1}
                for pid, cap in self.world.posts.items()
            ]
            return self._ok({"videos": videos, "cursor": 0, "has_more": False})
        if path == "/business/comment/list/":
            top = [c for c in self.world.comments if c.post == query["video_id"] and not c.parent]
            top.sort(key=lambda c: -c.at)
            return self._ok({"comments": [_tt_comment(c) for c in top], "has_more": False})
        if path == "/business/comment/reply/list/":
            found = [c for c in self.world.comments if c.parent == query["comment_id"]]
            return self._ok({"comments": [_tt_comment(c) for c in found], "has_more": False})
        if path == "/business/comment/reply/create/" and method == "POST":
            reply = self.world.add_reply(args["comment_id"], args["text"])
            time.sleep(self.world.reply_delay)
            return self._ok(_tt_comment(reply))
        self._send(200, {"code": 40002, "message": f"unknown path {path}", "data": {}})


def _graph_time(at: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(at or time.time()))


def _graph_comment(c: Comment) -> dict[str, Any]:
    return {
        "id": c.id,
        "text": c.text,
        "timestamp": _graph_time(c.at),
        "username": c.author,
        "from": {"id": c.author_id, "username": c.author},
        "hidden": False,
        **({"parent_id": c.parent} if c.parent else {}),
    }


def _tt_comment(c: Comment) -> dict[str, Any]:
    return {
        "comment_id": c.id,
        "video_id": c.post,
        "unique_identifier": c.author_id,
        "create_time": int(c.at),
        "text": c.text,
        "owner": c.author == ME_NAME,
        "status": "PUBLIC",
        "username": c.author,
        "display_name": c.author.title(),
        **({"parent_comment_id": c.parent} if c.parent else {}),
    }


class CommentServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, world: World) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.world = world
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> CommentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
