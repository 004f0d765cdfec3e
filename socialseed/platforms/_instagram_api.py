"""The connected Instagram adapter: comments on the account's own media, nothing else.

Instagram API with Instagram Login (``https://graph.instagram.com``), user token in the
``Authorization: Bearer`` header (never in a URL). Facts used: PLATFORMS.md §2.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx

from socialseed.clock import Clock, iso, parse_instant
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
    RateInfo,
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
from socialseed.platforms.http import ApiSession, Endpoint, default_message, token_getters

if TYPE_CHECKING:
    from socialseed.config.schema import Account

NAME = "instagram"
BASE_URL = "https://graph.instagram.com"
ME_FIELDS = "user_id,username,name,biography,followers_count,follows_count,media_count"
MEDIA_FIELDS = "id,caption,timestamp,comments_count,permalink"
COMMENT_FIELDS = "id,text,timestamp,username,from,hidden,parent_id"
MEDIA_PAGE, COMMENTS_PAGE = 10, 50
INBOX_COMMENT_PAGES = 5  # comment pages per media per inbox read
THROTTLED = {4, 17, 32, 613, 80002}
USAGE_FIELDS = ("call_count", "total_cputime", "total_time")
PACE_AT = 90  # percent of a usage budget at which apply waits instead of calling
REGAIN_DEFAULT_MINUTES = 60

# Every request this adapter can make (``/me`` before the ``/{id}`` forms).
ENDPOINTS: dict[str, Endpoint] = {
    "me": Endpoint("GET", "/me"),
    "media": Endpoint("GET", "/{id}/media"),
    "comments": Endpoint("GET", "/{id}/comments"),
    "replies": Endpoint("GET", "/{id}/replies"),
    "comment": Endpoint("GET", "/{id}"),
    "reply": Endpoint("POST", "/{id}/replies"),
    "hide": Endpoint("POST", "/{id}"),
}


def session(account: Account, deps: PlatformDeps) -> ApiSession:
    access, refresh = token_getters(deps.tokens, account, NAME)
    return ApiSession(
        platform=NAME,
        client=deps.client(account.api_base or BASE_URL),
        endpoints=ENDPOINTS,
        clock=deps.clock,
        reset_reader=lambda response: None,
        rate_reader=usage_reader(deps.clock),
        shared_bucket="usage",
        token=access,
        refresh=refresh,
        is_expired=lambda response: _error(response).get("code") == 190,
        classifier=classifier(deps.clock, account.id),
        message_reader=message,
    )


def _error(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def message(response: httpx.Response) -> str:
    """A Graph error's own words and code (``... (code 190)``)."""
    error = _error(response)
    if not error.get("message"):
        return default_message(response)
    return f"{error['message']} (code {error.get('code')})"


def _usage_json(response: httpx.Response, header: str) -> Any:
    try:
        return json.loads(response.headers.get(header) or "null")
    except ValueError:
        return None


def _buc_entries(response: httpx.Response) -> list[dict[str, Any]]:
    """``X-Business-Use-Case-Usage``: ``{"<id>": [{"type", "call_count", ...}]}``."""
    usage_map = _usage_json(response, "x-business-use-case-usage")
    if not isinstance(usage_map, dict):
        return []
    return [
        e
        for entries in usage_map.values()
        if isinstance(entries, list)
        for e in entries
        if isinstance(e, dict)
    ]


def _percent(value: Any) -> int:
    return int(value) if isinstance(value, int | float) else 0


def used_percent(response: httpx.Response) -> int | None:
    """The highest usage percentage the answer reports (``X-App-Usage`` and every
    ``X-Business-Use-Case-Usage`` entry: call count, CPU time, total time)."""
    found: list[int] = []
    app = _usage_json(response, "x-app-usage")
    if isinstance(app, dict):
        found += [_percent(app.get(k)) for k in USAGE_FIELDS]
    for entry in _buc_entries(response):
        found += [_percent(entry.get(k)) for k in USAGE_FIELDS]
    return max(found) if found else None


def regain_minutes(response: httpx.Response) -> int:
    """``estimated_time_to_regain_access`` (minutes) of the answer's usage entries (0: none)."""
    return max(
        (_percent(e.get("estimated_time_to_regain_access")) for e in _buc_entries(response)),
        default=0,
    )


def regain_at(response: httpx.Response, now: datetime) -> datetime:
    """When throttled access returns, from ``X-Business-Use-Case-Usage`` (else in an hour)."""
    return now + timedelta(minutes=regain_minutes(response) or REGAIN_DEFAULT_MINUTES)


def classifier(
    clock: Clock, account: str = "ACCOUNT"
) -> Callable[[httpx.Response, str], PlatformError | None]:
    def classify(response: httpx.Response, text: str) -> PlatformError | None:
        error, status = _error(response), response.status_code
        code = error.get("code")
        if code == 190 or status == 401:
            hint = f"the token expired or was revoked: run 'socialseed auth login {account}'"
            return AuthExpired(text, hint=hint, status=status)
        if code == 368:
            hint = (
                "Instagram temporarily blocked the account for a policy violation; SocialSeed "
                "pauses it: check the account in the Instagram app before trying again"
            )
            return AccountRestricted(text, hint=hint, status=status)
        if code in THROTTLED:
            return RateLimited(text, reset_at=regain_at(response, clock.now()), status=status)
        if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
            hint = "the token lacks instagram_business_manage_comments; log in again"
            return PermanentError(text, hint=hint, status=status)
        if error.get("is_transient") or code in (1, 2):
            return Transient(text, status=status)
        return None

    return classify


def usage_reader(clock: Clock) -> Callable[[httpx.Response, str], RateInfo | None]:
    """Every answer's usage headers as a budget out of 100 that is spent at ``PACE_AT``
    percent, so apply stops before Meta throttles; the reset is Meta's
    ``estimated_time_to_regain_access`` (else an hour, the window ``X-App-Usage`` rolls over)."""

    def read(response: httpx.Response, bucket: str) -> RateInfo | None:
        used = used_percent(response)
        if used is None:
            return None
        minutes = regain_minutes(response)
        if used < PACE_AT and not minutes:
            return RateInfo(100, 100 - used, None, bucket)
        reset = clock.now() + timedelta(minutes=minutes or REGAIN_DEFAULT_MINUTES)
        return RateInfo(100, 0, reset, bucket)

    return read


def _comment_post(comment: dict[str, Any], media_id: str) -> Post:
    author = comment.get("from") or {}
    stamp = comment.get("timestamp")
    return Post(
        id=str(comment["id"]),
        author_id=str(author.get("id") or comment.get("username") or ""),
        text=comment.get("text") or "",
        created_at=parse_instant(stamp.replace("+0000", "+00:00")) if stamp else None,
        reply_to=media_id,
        ref={"media_id": media_id, "username": str(comment.get("username") or "")},
    )


class InstagramPlatform(Platform):
    """A professional Instagram account: commenters on its own media, replies, hiding."""

    name = NAME

    def __init__(
        self, account_id: str, handle: str, api: ApiSession, capabilities: Capabilities
    ) -> None:
        super().__init__(account_id, handle, capabilities)
        self.api = api
        self.last_rate = api.last_rate

    async def me(self) -> Profile:
        data = await self.api.json("me", params={"fields": ME_FIELDS})
        return Profile(
            platform=NAME,
            id=str(data.get("user_id") or data["id"]),
            handle=str(data.get("username") or self.handle),
            display_name=data.get("name") or "",
            bio=data.get("biography") or "",
            followers=data.get("followers_count"),
            following=data.get("follows_count"),
            posts=data.get("media_count"),
        )

    async def lookup(self, handle: str) -> Profile:
        raise PolicyError(
            "instagram: looking up other accounts needs Facebook Login (business_discovery), "
            "which SocialSeed does not use",
            hint="use the 'commenters' source: people who commented on your own posts",
        )

    async def discover(self, source: Source, cursor: str | None = None) -> Page:
        if source.kind is not SourceKind.COMMENTERS:
            raise PolicyError(
                f"instagram: the source '{source.kind.value}' is not offered",
                hint="use 'commenters: own' (or a media id of your own)",
            )
        if source.value == "own":
            return await self._own_media(cursor)
        comments, after = await self._comments(source.value, cursor)
        return Page(_authors(comments), after)

    async def _own_media(self, cursor: str | None) -> Page:
        params = {
            "fields": MEDIA_FIELDS,
            "limit": MEDIA_PAGE,
            **({"after": cursor} if cursor else {}),
        }
        data = await self.api.json("media", path={"id": "me"}, params=params)
        comments: list[Post] = []
        for media in data.get("data") or []:
            if media.get("comments_count") != 0:
                comments += (await self._comments(str(media["id"]), None))[0]
        return Page(_authors(comments), _after(data))

    async def _comments(self, media_id: str, cursor: str | None) -> tuple[list[Post], str | None]:
        params = {"fields": COMMENT_FIELDS, "limit": COMMENTS_PAGE}
        if cursor:
            params["after"] = cursor
        data = await self.api.json("comments", path={"id": media_id}, params=params)
        visible = [c for c in data.get("data") or [] if not c.get("hidden")]
        return [_comment_post(c, media_id) for c in visible], _after(data)

    async def inbox(
        self, since: str | None = None, *, max_context: int = CONTEXT_READS
    ) -> InboxPage:
        """Comments on the newest own media (one media page) at or after ``since`` (the
        ISO time of the newest comment seen; the store keeps each comment once), each media's
        comments paged with ``after`` cursors. Commenters come with id and username only."""
        after = parse_instant(since) if since else None
        params = {"fields": MEDIA_FIELDS, "limit": MEDIA_PAGE}
        data = await self.api.json("media", path={"id": "me"}, params=params)
        messages: list[Message] = []
        for media in data.get("data") or []:
            if media.get("comments_count") != 0:
                messages += await self._media_messages(media, after)
        ordered = sorted(messages, key=lambda m: (m.created_at, m.id))
        cursor = iso(ordered[-1].created_at) if ordered else since
        return InboxPage(tuple(InboxItem(m) for m in ordered), cursor)

    async def _media_messages(self, media: dict[str, Any], after: datetime | None) -> list[Message]:
        media_id, cursor = str(media["id"]), None
        found: list[Message] = []
        for _ in range(INBOX_COMMENT_PAGES):
            comments, cursor = await self._comments(media_id, cursor)
            found += [self._message(c, media) for c in comments if c.created_at is not None]
            if cursor is None:
                break
        mine = self.handle.lstrip("@").lower()
        return [
            m
            for m in found
            if m.author.handle.lower() != mine and (after is None or m.created_at >= after)
        ]

    def _message(self, comment: Post, media: dict[str, Any]) -> Message:
        assert comment.created_at is not None
        media_id = comment.ref["media_id"]
        return Message(
            id=comment.id,
            platform=NAME,
            account=self.account_id,
            source=MessageSource.COMMENT,
            author=Author(id=comment.author_id, handle=comment.ref.get("username") or ""),
            text=comment.text,
            created_at=comment.created_at,
            root_id=media_id,
            parent_id=media_id,
            post_excerpt=str(media.get("caption") or "")[:200],
            ref={"media_id": media_id, "comment_id": comment.id},
        )

    async def recent_posts(self, user_id: str, limit: int = 5) -> list[Post]:
        return []  # other accounts' media are not readable with Instagram Login

    async def execute(self, action: Action) -> Outcome:
        comment = action.target.post_id or action.target.id
        if action.verb is Verb.HIDE_COMMENT:
            response = await self.api.call("hide", path={"id": comment}, data={"hide": "true"})
            return Outcome("done", http_status=response.status_code, remote_ref=comment)
        if action.verb is Verb.REPLY and action.target.text:
            form = {"message": action.target.text}
            data = await self.api.json("reply", path={"id": comment}, data=form)
            return Outcome("done", http_status=200, remote_ref=str(data.get("id")))
        reason = self.capabilities.unsupported_reasons.get(action.verb, "a reply needs text")
        raise PolicyError(f"instagram: {reason}", hint=f"offered: {self.capabilities.offers()}")

    async def _our_replies(self, comment: str) -> list[dict[str, Any]]:
        params = {"fields": "id,username,text"}
        data = await self.api.json("replies", path={"id": comment}, params=params)
        mine = self.handle.lstrip("@").lower()
        return [r for r in data.get("data") or [] if str(r.get("username", "")).lower() == mine]

    async def confirm(self, action: Action) -> Outcome | None:
        """A reply: ours among the comment's replies (by our username), with its id."""
        if action.verb is not Verb.REPLY:
            return await super().confirm(action)
        ours = await self._our_replies(action.target.post_id or action.target.id)
        if not ours:
            return None
        return Outcome("done", CONFIRMED, remote_ref=str(ours[0].get("id") or ""))

    async def verify(self, action: Action) -> bool:
        comment = action.target.post_id or action.target.id
        if action.verb is Verb.HIDE_COMMENT:
            data = await self.api.json("comment", path={"id": comment}, params={"fields": "hidden"})
            return bool(data.get("hidden"))
        if action.verb is Verb.REPLY:
            return bool(await self._our_replies(comment))
        return False

    def requests_sent(self) -> int:
        return self.api.sent

    async def aclose(self) -> None:
        await self.api.aclose()


def _after(data: dict[str, Any]) -> str | None:
    paging = data.get("paging") or {}
    after = (paging.get("cursors") or {}).get("after")
    return str(after) if after and paging.get("next") else None


def _authors(comments: list[Post]) -> list[Profile]:
    """One profile per commenter (Instagram gives only id and username), with their comments."""
    by_author: dict[str, list[Post]] = {}
    for post in comments:
        by_author.setdefault(post.author_id, []).append(post)
    return [
        Profile(
            platform=NAME,
            id=author,
            handle=posts[0].ref.get("username") or author,
            recent_posts=tuple(posts),
        )
        for author, posts in by_author.items()
    ]
