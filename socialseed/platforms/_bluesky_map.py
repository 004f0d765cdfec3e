"""Bluesky answers (``app.bsky.*`` views, repo records) mapped to SocialSeed values. Pure."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from socialseed.clock import parse_instant
from socialseed.model import Post, Profile
from socialseed.model.conversations import (
    THREAD_KEPT,
    Author,
    InboxItem,
    Message,
    MessageSource,
    ThreadPost,
)

FOLLOW = "app.bsky.graph.follow"
LIKE = "app.bsky.feed.like"
REPOST = "app.bsky.feed.repost"
POST = "app.bsky.feed.post"
THREADGATE = "app.bsky.feed.threadgate"
PAGE_SIZE = 100


def instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        return None


def count(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def profile(view: dict[str, Any]) -> Profile:
    """A ``profileView``/``profileViewDetailed`` as a Profile (counts only in the detailed form)."""
    return Profile(
        platform="bluesky",
        id=str(view["did"]),
        handle=str(view.get("handle") or view["did"]),
        display_name=view.get("displayName") or "",
        bio=view.get("description") or "",
        followers=count(view.get("followersCount")),
        following=count(view.get("followsCount")),
        posts=count(view.get("postsCount")),
        created_at=instant(view.get("createdAt")),
        has_avatar=bool(view.get("avatar")) if "did" in view else None,
        language=None,
    )


def post(view: dict[str, Any]) -> Post:
    """A ``postView`` as a Post; ``ref`` carries the uri and cid a like or reply needs."""
    record = view.get("record") or {}
    reply = record.get("reply") or {}
    parent = (reply.get("parent") or {}).get("uri")
    ref = {"uri": str(view["uri"]), "cid": str(view.get("cid") or "")}
    root = reply.get("root") or {}
    if root.get("uri"):
        ref["root_uri"] = str(root["uri"])
        ref["root_cid"] = str(root.get("cid") or "")
    return Post(
        id=str(view["uri"]),
        author_id=str((view.get("author") or {}).get("did") or repo_of(view["uri"])),
        text=record.get("text") or "",
        created_at=instant(record.get("createdAt")) or instant(view.get("indexedAt")),
        like_count=count(view.get("likeCount")),
        reply_to=str(parent) if parent else None,
        ref=ref,
    )


def rkey(uri: str) -> str:
    """The record key: the last segment of ``at://did/collection/rkey``."""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def repo_of(uri: str) -> str:
    """The repo (DID or handle) of an at-URI."""
    return uri.removeprefix("at://").split("/", 1)[0]


def post_uri(value: str) -> str:
    """An at-URI from an at-URI or a ``https://bsky.app/profile/HANDLE/post/RKEY`` link."""
    value = value.strip()
    if value.startswith("at://"):
        return value
    marker = "/profile/"
    if marker in value and "/post/" in value:
        actor, _, key = value.split(marker, 1)[1].partition("/post/")
        return f"at://{actor}/{POST}/{key.strip('/')}"
    raise ValueError(value)


def subject_of(record: dict[str, Any]) -> str:
    """The subject of a follow (a DID) or a like/repost (a post URI)."""
    subject = (record.get("value") or {}).get("subject")
    if isinstance(subject, dict):
        return str(subject.get("uri") or "")
    return str(subject or "")


def paged(params: dict[str, Any], cursor: str | None) -> dict[str, Any]:
    params = {**params, "limit": PAGE_SIZE}
    if cursor:
        params["cursor"] = cursor
    return params


def next_cursor(data: dict[str, Any], previous: str | None) -> str | None:
    """The next cursor; ``None`` on the last page (also when a server repeats the cursor)."""
    cursor = data.get("cursor")
    return str(cursor) if cursor and cursor != previous else None


def with_posts(profile: Profile, posts: list[Post]) -> Profile:
    own = tuple(p for p in posts if p.author_id == profile.id)
    last = max((p.created_at for p in own if p.created_at), default=None)
    return replace(profile, recent_posts=own, last_active=profile.last_active or last)


def replies_to(record: dict[str, Any], uri: str) -> bool:
    reply = (record.get("value") or {}).get("reply") or {}
    return bool((reply.get("parent") or {}).get("uri") == uri)


NOTIFIED_SOURCES = {"mention": "mention", "reply": "reply", "quote": "quote"}


def message(note: dict[str, Any], account_id: str) -> InboxItem:
    """A ``listNotifications`` item (mention, reply, quote) as an inbox item.

    ``ref`` carries what a threaded reply to it needs: its own uri/cid (the parent) and, when
    it is itself a reply, the thread's root uri/cid (else the root is the message itself).
    """
    record = note.get("record") or {}
    author = note.get("author") or {}
    reply = record.get("reply") or {}
    root, parent = reply.get("root") or {}, reply.get("parent") or {}
    ref = {"uri": str(note["uri"]), "cid": str(note.get("cid") or "")}
    if root.get("uri"):
        ref["root_uri"], ref["root_cid"] = str(root["uri"]), str(root.get("cid") or "")
    langs = record.get("langs") or []
    viewer = author.get("viewer") or {}
    said = Message(
        id=str(note["uri"]),
        platform="bluesky",
        account=account_id,
        source=MessageSource(NOTIFIED_SOURCES[str(note.get("reason"))]),
        author=Author(
            id=str(author.get("did") or repo_of(str(note["uri"]))),
            handle=str(author.get("handle") or ""),
            name=str(author.get("displayName") or ""),
            created_at=instant(author.get("createdAt")),
            bio=str(author.get("description") or ""),
            follows_us=bool(viewer.get("followedBy")) if "viewer" in author else None,
        ),
        text=str(record.get("text") or ""),
        created_at=instant(record.get("createdAt")) or _required_instant(note),
        language=str(langs[0]) if langs else None,
        root_id=str(root["uri"]) if root.get("uri") else None,
        parent_id=str(parent["uri"]) if parent.get("uri") else None,
        ref=ref,
    )
    return InboxItem(said)


def _required_instant(note: dict[str, Any]) -> datetime:
    return parse_instant(str(note["indexedAt"]))


def thread(data: dict[str, Any], my_did: str) -> tuple[ThreadPost, ...]:
    """The last ``THREAD_KEPT`` ancestors of a ``getPostThread`` answer (oldest first), ours
    marked ``mine``; the walk stops at a not-found or blocked parent."""
    found: list[ThreadPost] = []
    node = (data.get("thread") or {}).get("parent")
    while isinstance(node, dict) and isinstance(node.get("post"), dict):
        post = node["post"]
        author = post.get("author") or {}
        found.append(
            ThreadPost(
                id=str(post.get("uri") or ""),
                author_handle=str(author.get("handle") or ""),
                text=str((post.get("record") or {}).get("text") or ""),
                mine=str(author.get("did") or "") == my_did,
            )
        )
        node = node.get("parent")
    return tuple(reversed(found[:THREAD_KEPT]))
