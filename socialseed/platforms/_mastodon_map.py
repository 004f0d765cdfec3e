"""Mastodon entities (Account, Status) as SocialSeed values, and Link-header cursors. Pure."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

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

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(br|/p)\s*/?>", re.IGNORECASE)
DEFAULT_AVATAR = "/avatars/original/missing.png"


def text(html_text: str | None) -> str:
    """Plain text from Mastodon's HTML (bios and statuses)."""
    if not html_text:
        return ""
    spaced = _BREAK.sub(" ", html_text)
    return " ".join(html.unescape(_TAG.sub("", spaced)).split())


def instant(value: Any) -> datetime | None:
    """An instant from an ISO datetime, or a bare date (``last_status_at`` is a date)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        return parse_instant(value)
    except ValueError:
        return None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def profile(entity: dict[str, Any]) -> Profile:
    avatar = str(entity.get("avatar") or "")
    return Profile(
        platform="mastodon",
        id=str(entity["id"]),
        handle=str(entity.get("acct") or entity.get("username") or entity["id"]),
        display_name=entity.get("display_name") or "",
        bio=text(entity.get("note")),
        followers=_count(entity.get("followers_count")),
        following=_count(entity.get("following_count")),
        posts=_count(entity.get("statuses_count")),
        last_active=instant(entity.get("last_status_at")),
        created_at=instant(entity.get("created_at")),
        has_avatar=bool(avatar) and not avatar.endswith(DEFAULT_AVATAR),
    )


def post(status: dict[str, Any]) -> Post:
    return Post(
        id=str(status["id"]),
        author_id=str((status.get("account") or {}).get("id") or ""),
        text=text(status.get("content")),
        created_at=instant(status.get("created_at")),
        like_count=_count(status.get("favourites_count")),
        reply_to=str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None,
        ref={"url": str(status.get("url") or status.get("uri") or "")},
    )


def next_cursor(response: httpx.Response) -> str | None:
    """The ``rel="next"`` Link's query (minus ``limit``) as a cursor; ``None`` when last."""
    link = response.links.get("next")
    if not link or not link.get("url"):
        return None
    query = httpx.URL(link["url"]).params
    kept = [(k, v) for k, v in query.multi_items() if k != "limit"]
    return urlencode(kept) or None


def cursor_params(cursor: str | None) -> dict[str, str]:
    """Only the paging fields of a cursor go back to the server."""
    allowed = {"max_id", "min_id", "since_id", "offset"}
    return {k: v for k, v in parse_qsl(cursor or "") if k in allowed}


def status_id(value: str) -> str:
    """A status id from an id or a status link (``https://host/@user/123``)."""
    value = value.strip().rstrip("/")
    last = value.rsplit("/", 1)[-1]
    if not last.isdigit():
        raise ValueError(value)
    return last


def message(note: dict[str, Any], my_id: str) -> InboxItem | None:
    """A ``mention`` Notification as an inbox item (``None`` without its status).

    A mention that answers one of our statuses (``in_reply_to_account_id``) is a reply; a
    reply to it is threaded with ``in_reply_to_id`` = this status's id.
    """
    status = note.get("status") or {}
    if not status.get("id"):
        return None
    who = note.get("account") or status.get("account") or {}
    answers_us = str(status.get("in_reply_to_account_id") or "") == my_id
    created = instant(status.get("created_at")) or instant(note.get("created_at"))
    if created is None:
        return None
    said = Message(
        id=str(status["id"]),
        platform="mastodon",
        account=my_id,
        source=MessageSource.REPLY if answers_us else MessageSource.MENTION,
        author=Author(
            id=str(who.get("id") or ""),
            handle=str(who.get("acct") or who.get("username") or ""),
            name=str(who.get("display_name") or ""),
            followers=_count(who.get("followers_count")),
            created_at=instant(who.get("created_at")),
            bio=text(who.get("note")),
        ),
        text=text(status.get("content")),
        created_at=created,
        language=str(status["language"]) if status.get("language") else None,
        parent_id=str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None,
        ref={
            "url": str(status.get("url") or status.get("uri") or ""),
            "notification": str(note["id"]),
        },
    )
    return InboxItem(said)


def thread(context: dict[str, Any], my_id: str) -> tuple[ThreadPost, ...]:
    """The last ``THREAD_KEPT`` ancestors of a Context (oldest first), ours marked ``mine``."""
    ancestors = [s for s in context.get("ancestors") or [] if isinstance(s, dict) and s.get("id")]
    return tuple(
        ThreadPost(
            id=str(s["id"]),
            author_handle=str(
                (s.get("account") or {}).get("acct")
                or (s.get("account") or {}).get("username")
                or ""
            ),
            text=text(s.get("content")),
            mine=str((s.get("account") or {}).get("id") or "") == my_id,
        )
        for s in ancestors[-THREAD_KEPT:]
    )
