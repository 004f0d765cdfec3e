"""The connected TikTok adapter: comments on a Business account's own videos (API for Business).

``https://business-api.tiktok.com/open_api/v1.3``; the token goes in the ``Access-Token``
header (not ``Authorization: Bearer``), every request names the account's ``business_id``, and
every answer is an envelope ``{"code", "message", "request_id", "data"}`` in which ``code != 0``
is a failure even under HTTP 200. Facts used: PLATFORMS.md §3.1 and §8.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx

from socialseed.clock import Clock
from socialseed.errors import (
    AccountRestricted,
    AuthExpired,
    PermanentError,
    PlatformError,
    PolicyError,
    RateLimited,
    Transient,
)
from socialseed.model import (
    Action,
    Capabilities,
    Outcome,
    Page,
    Post,
    Profile,
    Source,
    SourceKind,
    Verb,
)
from socialseed.model.conversations import (
    CONTEXT_READS,
    Author,
    InboxItem,
    InboxPage,
    Message,
    MessageSource,
)
from socialseed.platforms.base import CONFIRMED, Platform, PlatformDeps
from socialseed.platforms.http import ApiSession, Endpoint, token_getters
from socialseed.redact import scrub

if TYPE_CHECKING:
    from socialseed.config.schema import Account

NAME = "tiktok"
BASE_URL = "https://business-api.tiktok.com"
V = "/open_api/v1.3"
PROFILE_FIELDS = ["username", "display_name", "profile_image", "followers_count"]
VIDEO_FIELDS = ["item_id", "create_time", "caption", "comments"]
VIDEOS_PAGE, COMMENTS_PAGE = 20, 30  # the documented maxima of max_count
INBOX_VIDEOS_PAGES = 1  # the 20 newest videos per inbox read
COMMENT_PAGES = 10  # comment pages per video per read
RATE_LIMITED = {40100}  # "requests made too frequently"
TOKEN_REFUSED = {40102, 40104, 40105}  # access token expired, missing, invalid or revoked
NO_PERMISSION = {40001}  # scope not granted
RATE_WAIT = timedelta(minutes=1)

# Every request this adapter can make.
ENDPOINTS: dict[str, Endpoint] = {
    "profile": Endpoint("GET", f"{V}/business/get/"),
    "videos": Endpoint("GET", f"{V}/business/video/list/"),
    "comments": Endpoint("GET", f"{V}/business/comment/list/"),
    "replies": Endpoint("GET", f"{V}/business/comment/reply/list/"),
    "reply": Endpoint("POST", f"{V}/business/comment/reply/create/"),
    "hide": Endpoint("POST", f"{V}/business/comment/hide/"),
}


def session(account: Account, deps: PlatformDeps) -> ApiSession:
    access, refresh = token_getters(deps.tokens, account, NAME)
    return ApiSession(
        platform=NAME,
        client=deps.client(account.api_base or BASE_URL),
        endpoints=ENDPOINTS,
        clock=deps.clock,
        reset_reader=lambda response: None,
        rate_reader=lambda response, bucket: None,  # no rate headers are documented
        token=access,
        refresh=refresh,
        is_expired=lambda response: envelope_code(response) in TOKEN_REFUSED,
        token_header="access-token",
        token_prefix="",
    )


def envelope_code(response: httpx.Response) -> int | None:
    """The envelope's ``code`` (0: success), ``None`` when the body is no envelope."""
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, int) else None


def envelope_error(response: httpx.Response, clock: Clock, account: str) -> PlatformError | None:
    """The error an envelope with ``code != 0`` stands for (``None`` for a success)."""
    code = envelope_code(response)
    if code in (None, 0):
        return None
    body = response.json()
    said = scrub(f"{NAME}: {body.get('message') or 'error'} (code {code})")
    status = response.status_code
    if code in RATE_LIMITED:
        return RateLimited(said, reset_at=clock.now() + RATE_WAIT, status=status)
    if code in TOKEN_REFUSED:
        hint = f"reconnect with 'socialseed auth login {account}'"
        return AuthExpired(said, hint=hint, status=status)
    if code in NO_PERMISSION:
        hint = (
            f"the token lacks a comment scope; run 'socialseed auth login {account}' and grant "
            "the comment permissions"
        )
        return PermanentError(said, hint=hint, status=status)
    if code >= 50000:
        return Transient(said, status=status)
    if "restrict" in said.lower() or "banned" in said.lower():
        return AccountRestricted(said, hint="TikTok restricted the account", status=status)
    return PermanentError(said, status=status)


class TikTokPlatform(Platform):
    """A TikTok Business account: comments on its own videos, replies and hiding."""

    name = NAME

    def __init__(
        self,
        account: Account,
        api: ApiSession,
        capabilities: Capabilities,
        clock: Clock,
        business_id: str,
    ) -> None:
        super().__init__(account.id, account.handle, capabilities)
        self.api = api
        self.clock = clock
        self.business_id = business_id
        self.last_rate = api.last_rate

    async def _data(self, name: str, **kwargs: Any) -> dict[str, Any]:
        response = await self.api.call(name, **kwargs)
        error = envelope_error(response, self.clock, self.account_id)
        if error is not None:
            raise error
        body = response.json()
        data = body.get("data") if isinstance(body, dict) else None
        return data if isinstance(data, dict) else {}

    def _query(self, **params: Any) -> dict[str, Any]:
        return {"business_id": self.business_id, **params}

    async def me(self) -> Profile:
        fields = json.dumps(PROFILE_FIELDS)
        data = await self._data("profile", params=self._query(fields=fields))
        return Profile(
            platform=NAME,
            id=self.business_id,
            handle=str(data.get("username") or self.handle),
            display_name=str(data.get("display_name") or ""),
            followers=data.get("followers_count"),
        )

    async def lookup(self, handle: str) -> Profile:
        raise PolicyError(
            "tiktok: the API for Business reads only the connected account; other accounts "
            "cannot be looked up",
            hint="use the 'commenters' source: people who commented on your own videos",
        )

    async def discover(self, source: Source, cursor: str | None = None) -> Page:
        if source.kind is not SourceKind.COMMENTERS:
            raise PolicyError(
                f"tiktok: the source '{source.kind.value}' is not offered",
                hint="use 'commenters: own' (or a video id of your own)",
            )
        videos = [{"item_id": source.value}] if source.value != "own" else None
        page = await self._videos(cursor) if videos is None else (videos, None)
        with_comments = [v for v in page[0] if v.get("comments") != 0]
        comments = [c for v in with_comments for c in await self._comments(v, since=None)]
        return Page(_authors(comments), page[1])

    async def _videos(self, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        params = self._query(fields=json.dumps(VIDEO_FIELDS), max_count=VIDEOS_PAGE)
        if cursor:
            params["cursor"] = cursor
        data = await self._data("videos", params=params)
        after = str(data["cursor"]) if data.get("has_more") and data.get("cursor") else None
        return list(data.get("videos") or []), after

    async def _comments(self, video: dict[str, Any], since: int | None) -> list[Message]:
        """Top-level public comments on one video, newest first, down to ``since``."""
        video_id = str(video["item_id"])
        found: list[Message] = []
        cursor: int | None = None
        for _ in range(COMMENT_PAGES):
            params = self._query(
                video_id=video_id,
                status="PUBLIC",
                sort_field="create_time",
                sort_order="desc",
                max_count=COMMENTS_PAGE,
            )
            if cursor is not None:
                params["cursor"] = cursor
            data = await self._data("comments", params=params)
            comments = list(data.get("comments") or [])
            found += [self._message(c, video) for c in comments if not c.get("owner")]
            older = any(int(c.get("create_time") or 0) < (since or 0) for c in comments)
            if older or not data.get("has_more"):
                break
            cursor = int(data.get("cursor") or 0)
        return [m for m in found if since is None or m.created_at.timestamp() >= since]

    def _message(self, comment: dict[str, Any], video: dict[str, Any]) -> Message:
        author_id = str(comment.get("unique_identifier") or comment.get("user_id") or "")
        video_id = str(comment.get("video_id") or video["item_id"])
        return Message(
            id=str(comment["comment_id"]),
            platform=NAME,
            account=self.account_id,
            source=MessageSource.COMMENT,
            author=Author(
                id=author_id,
                handle=str(comment.get("username") or author_id),
                name=str(comment.get("display_name") or ""),
            ),
            text=str(comment.get("text") or ""),
            created_at=datetime.fromtimestamp(int(comment.get("create_time") or 0), UTC),
            root_id=video_id,
            parent_id=video_id,
            post_excerpt=str(video.get("caption") or "")[:200],
            ref={"video_id": video_id, "comment_id": str(comment["comment_id"])},
        )

    async def inbox(
        self, since: str | None = None, *, max_context: int = CONTEXT_READS
    ) -> InboxPage:
        """Comments on the newest own videos at or after ``since`` (epoch seconds of the
        newest comment seen; the store keeps each comment once), newest videos first."""
        after = int(since) if since and since.isdigit() else None
        videos, _ = await self._videos(None)
        messages: list[Message] = []
        for video in videos:
            if video.get("comments") == 0:
                continue
            messages += await self._comments(video, since=after)
        newest = max((int(m.created_at.timestamp()) for m in messages), default=after)
        ordered = sorted(messages, key=lambda m: (m.created_at, m.id))
        return InboxPage(tuple(InboxItem(m) for m in ordered), str(newest) if newest else since)

    async def recent_posts(self, user_id: str, limit: int = 5) -> list[Post]:
        return []  # other accounts' videos are not readable with the API for Business

    def _refs(self, action: Action) -> tuple[str, str]:
        comment = action.target.ref.get("comment_id") or action.target.post_id or action.target.id
        video = action.target.ref.get("video_id")
        if not video:
            raise PolicyError(
                f"tiktok: action {action.id} does not name the video of comment {comment}",
                hint="plan it again from the inbox ('socialseed plan'), which records the video",
            )
        return comment, video

    async def execute(self, action: Action) -> Outcome:
        if action.verb not in self.capabilities.supports:
            reason = self.capabilities.unsupported_reasons.get(action.verb, "it is not offered")
            raise PolicyError(f"tiktok: {reason}", hint=f"offered: {self.capabilities.offers()}")
        comment, video = self._refs(action)
        body = {"business_id": self.business_id, "video_id": video, "comment_id": comment}
        if action.verb is Verb.HIDE_COMMENT:
            await self._data("hide", json={**body, "action": "HIDE"})
            return Outcome("done", http_status=200, remote_ref=comment)
        if not action.target.text:
            raise PolicyError(
                f"tiktok: reply {action.id} has no text",
                hint="give the reply text in the plan before approving it",
            )
        data = await self._data("reply", json={**body, "text": action.target.text})
        return Outcome("done", http_status=200, remote_ref=str(data.get("comment_id") or ""))

    async def _our_replies(self, action: Action) -> list[dict[str, Any]]:
        comment, video = self._refs(action)
        params = self._query(
            video_id=video, comment_id=comment, status="ALL", max_count=COMMENTS_PAGE
        )
        data = await self._data("replies", params=params)
        return [r for r in data.get("comments") or [] if r.get("owner")]

    async def confirm(self, action: Action) -> Outcome | None:
        """A reply: ours among the comment's replies (``owner: true``), with its id."""
        if action.verb is not Verb.REPLY:
            return await super().confirm(action)
        ours = await self._our_replies(action)
        if not ours:
            return None
        return Outcome("done", CONFIRMED, remote_ref=str(ours[0].get("comment_id") or ""))

    async def verify(self, action: Action) -> bool:
        if action.verb is Verb.REPLY:
            return bool(await self._our_replies(action))
        if action.verb is Verb.HIDE_COMMENT:
            comment, video = self._refs(action)
            params = self._query(
                video_id=video, comment_ids=json.dumps([comment]), status="ALL", max_count=1
            )
            data = await self._data("comments", params=params)
            found = data.get("comments") or []
            return bool(found) and str(found[0].get("status")) != "PUBLIC"
        return False

    def requests_sent(self) -> int:
        return self.api.sent

    async def aclose(self) -> None:
        await self.api.aclose()


def _authors(messages: list[Message]) -> list[Profile]:
    """One profile per commenter, carrying their comments."""
    by_author: dict[str, list[Message]] = {}
    for message in messages:
        by_author.setdefault(message.author.id, []).append(message)
    return [
        Profile(
            platform=NAME,
            id=author,
            handle=found[0].author.handle,
            display_name=found[0].author.name,
            recent_posts=tuple(
                Post(
                    id=m.id,
                    author_id=author,
                    text=m.text,
                    created_at=m.created_at,
                    reply_to=m.root_id,
                    ref=dict(m.ref),
                )
                for m in found
            ),
        )
        for author, found in by_author.items()
    ]
