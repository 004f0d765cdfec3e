"""X API v2, with what each access tier allows decided from the account's ``access_tier``.

Facts used (PLATFORMS.md §1): follow/unfollow and like/unlike are Enterprise-only since
2026-04-20; self-serve tiers keep repost, mute, hide-reply, and replies only where the author
mentioned or quoted us (checked here before sending); ``x-rate-limit-*`` headers (epoch reset)
are trusted over the published tables; errors are problem+json; pay-per-use bills per call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from socialseed.clock import Clock, iso
from socialseed.errors import (
    AccountRestricted,
    ActionBlocked,
    AuthExpired,
    NotFound,
    PermanentError,
    PlatformError,
    PolicyError,
    UsageCapped,
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
from socialseed.model.conversations import CONTEXT_READS, InboxItem, InboxPage
from socialseed.platforms import _x_caps as caps_
from socialseed.platforms import _x_map as m
from socialseed.platforms.base import (
    CONFIRMED,
    Platform,
    PlatformDeps,
    SourceReader,
    read_source,
)
from socialseed.platforms.http import ApiSession, Endpoint, request_id, token_getters

if TYPE_CHECKING:
    from socialseed.config.schema import Account

NAME = "x"
BASE_URL = "https://api.x.com"
TIERS = caps_.TIERS
VERIFY_PAGES = 3
INBOX_PAGES = 10  # mentions pages (100 posts each) per inbox read
DISCOVERY_PAGE = 100  # users per discovery page (billed per user on pay-per-use)
LIST_PAGE = 1000  # users per page when reading our own following/followers/muting lists

# Every request this adapter can make. A test fails if any code path sends anything else.
ENDPOINTS: dict[str, Endpoint] = {
    "me": Endpoint("GET", "/2/users/me"),
    "user_by_username": Endpoint("GET", "/2/users/by/username/{username}"),
    "followers": Endpoint("GET", "/2/users/{id}/followers"),
    "following": Endpoint("GET", "/2/users/{id}/following"),
    "user_posts": Endpoint("GET", "/2/users/{id}/tweets"),
    "mentions": Endpoint("GET", "/2/users/{id}/mentions"),
    "liked_posts": Endpoint("GET", "/2/users/{id}/liked_tweets"),
    "muting": Endpoint("GET", "/2/users/{id}/muting"),
    "search_recent": Endpoint("GET", "/2/tweets/search/recent"),
    "liking_users": Endpoint("GET", "/2/tweets/{id}/liking_users"),
    "post": Endpoint("GET", "/2/tweets/{id}"),
    "follow": Endpoint("POST", "/2/users/{id}/following"),
    "unfollow": Endpoint("DELETE", "/2/users/{id}/following/{target}"),
    "like": Endpoint("POST", "/2/users/{id}/likes"),
    "unlike": Endpoint("DELETE", "/2/users/{id}/likes/{post}"),
    "repost": Endpoint("POST", "/2/users/{id}/retweets"),
    "mute": Endpoint("POST", "/2/users/{id}/muting"),
    "hide_reply": Endpoint("PUT", "/2/tweets/{id}/hidden"),
    "create_post": Endpoint("POST", "/2/tweets"),
}


def capabilities(account: Account | None) -> Capabilities:
    return caps_.for_tier(account.access_tier if account is not None else None)


def build(account: Account, deps: PlatformDeps) -> XPlatform:
    tier = account.access_tier or caps_.DEFAULT_TIER
    access, refresh = token_getters(deps.tokens, account, NAME)
    api = ApiSession(
        platform=NAME,
        client=deps.client(BASE_URL),
        endpoints=ENDPOINTS,
        clock=deps.clock,
        reset_reader=m.reset_at,
        rate_reader=m.rate,
        token=access,
        refresh=refresh,
        is_expired=lambda response: response.status_code == 401,
        classifier=_classifier(tier, deps.clock),
    )
    return XPlatform(account.id, account.handle, api, capabilities(account), tier)


def _classifier(tier: str, clock: Clock) -> Callable[[httpx.Response, str], PlatformError | None]:
    def classify(response: httpx.Response, message: str) -> PlatformError | None:
        status, kind = response.status_code, m.problem_type(response)
        lower = message.lower()
        if m.is_usage_capped(response):
            reset = m.cap_reset(response, clock.now())
            return UsageCapped(
                f"{message} (X's monthly usage cap is spent until {iso(reset)})",
                reset_at=reset,
                status=429,
                request_id=request_id(response),
            )
        if status == 402:
            return PermanentError(
                message,
                hint="the X app is out of pay-per-use credits; add credits or raise the "
                "spending limit in the developer console",
                status=402,
            )
        if status == 403 and (kind.endswith("client-forbidden") or "client-not-enrolled" in lower):
            return PermanentError(
                message,
                hint=f"this endpoint is not available to the account's access tier '{tier}'; "
                "check access_tier in the config and the app's plan in the developer console",
                status=403,
            )
        if status == 403 and ("suspended" in lower or "locked" in lower):
            return AccountRestricted(message, hint="check the account on x.com", status=403)
        if status == 403 and "not permitted" in lower:
            return ActionBlocked(message, hint="X refused this action for the account", status=403)
        if status == 401:
            return AuthExpired(message, hint="reconnect with 'socialseed auth login ACCOUNT'")
        return None

    return classify


class XPlatform(Platform):
    """One X account, at one access tier."""

    name = NAME

    def __init__(
        self, account_id: str, handle: str, api: ApiSession, caps: Capabilities, tier: str
    ) -> None:
        super().__init__(account_id, handle, caps)
        self.api = api
        self.tier = tier
        self.last_rate = api.last_rate
        self._me: Profile | None = None

    async def _data(self, name: str, **kwargs: Any) -> dict[str, Any]:
        """The JSON body; a 200 holding only ``errors`` (a partial error) is mapped here."""
        body = await self.api.json(name, **kwargs)
        if isinstance(body, dict) and "data" not in body and body.get("errors"):
            error = body["errors"][0]
            text = f"x: {error.get('detail') or error.get('message') or error}"
            if str(error.get("type", "")).endswith("resource-not-found"):
                raise NotFound(text)
            raise PermanentError(text)
        return body if isinstance(body, dict) else {}

    # --- reads --------------------------------------------------------------------------

    async def me(self) -> Profile:
        if self._me is None:
            body = await self._data("me", params={"user.fields": m.USER_FIELDS})
            self._me = m.profile(body["data"])
        return self._me

    async def lookup(self, handle: str) -> Profile:
        path = {"username": handle.strip().lstrip("@")}
        body = await self._data(
            "user_by_username", path=path, params={"user.fields": m.USER_FIELDS}
        )
        return m.profile(body["data"])

    async def discover(self, source: Source, cursor: str | None = None) -> Page:
        readers: dict[SourceKind, SourceReader] = {
            SourceKind.HASHTAG: lambda v, c: self._search(f"#{v.lstrip('#')} -is:retweet", c),
            SourceKind.SEARCH: lambda v, c: self._search(f"{v} -is:retweet", c),
            SourceKind.FOLLOWERS_OF: self._followers_of,
            SourceKind.LIKERS_OF: self._likers_of,
            SourceKind.COMMENTERS: self._mentioners,
        }
        return await read_source("x", readers, source, cursor)

    async def _users_page(
        self, name: str, path: dict[str, str], size: int, cursor: str | None
    ) -> Page:
        params: dict[str, Any] = {"max_results": size, "user.fields": m.USER_FIELDS}
        if cursor:
            params["pagination_token"] = cursor
        body = await self._data(name, path=path, params=params)
        users = [m.profile(u) for u in body.get("data") or []]
        return Page(users, (body.get("meta") or {}).get("next_token"))

    async def _followers_of(self, handle: str, cursor: str | None) -> Page:
        target = await self.lookup(handle)
        # 100 per page: on pay-per-use every user read is billed, so never fetch far past
        # the source's limit
        return await self._users_page("followers", {"id": target.id}, DISCOVERY_PAGE, cursor)

    async def _likers_of(self, post_id: str, cursor: str | None) -> Page:
        post_id = post_id.strip().rstrip("/").rsplit("/", 1)[-1]
        return await self._users_page("liking_users", {"id": post_id}, 100, cursor)

    async def _search(self, query: str, cursor: str | None) -> Page:
        params = _post_params(100)
        params["query"] = query
        if cursor:
            params["next_token"] = cursor
        return _authors_page(await self._data("search_recent", params=params))

    async def _mentioners(self, _: str, cursor: str | None) -> Page:
        """Who mentioned us: the people a self-serve reply may answer."""
        params = _post_params(100)
        if cursor:
            params["pagination_token"] = cursor
        me = await self.me()
        return _authors_page(await self._data("mentions", path={"id": me.id}, params=params))

    async def inbox(
        self, since: str | None = None, *, max_context: int = CONTEXT_READS
    ) -> InboxPage:
        """Posts that @mention us newer than the post id ``since`` (``since_id``), paged with
        ``pagination_token``; the cursor kept is the newest id (``meta.newest_id``). The post
        each one answers comes expanded in the same answer (``includes.tweets``) as its thread."""
        me = await self.me()
        items: list[InboxItem] = []
        newest, token = since, None
        for _ in range(INBOX_PAGES):
            params = _post_params(100) | {
                "tweet.fields": m.MENTION_FIELDS,
                "expansions": m.MENTION_EXPANSIONS,
            }
            if since:
                params["since_id"] = since
            if token:
                params["pagination_token"] = token
            body = await self._data("mentions", path={"id": me.id}, params=params)
            meta = body.get("meta") or {}
            if meta.get("newest_id"):
                newest = _newer_id(newest, str(meta["newest_id"]))
            includes = body.get("includes") or {}
            users = {str(u["id"]): u for u in includes.get("users") or []}
            tweets = {str(t["id"]): t for t in includes.get("tweets") or [] if t.get("id")}
            items.extend(m.message(t, users, me.id, tweets) for t in body.get("data") or [])
            token = meta.get("next_token")
            if not token:
                return _inbox_page(items, newest)
        return _inbox_page(items, newest, complete=False)

    async def recent_posts(self, user_id: str, limit: int = 5) -> list[Post]:
        params: dict[str, Any] = {
            "max_results": max(5, min(limit, 100)),
            "tweet.fields": m.TWEET_FIELDS,
            "exclude": "retweets,replies",
        }
        body = await self._data("user_posts", path={"id": user_id}, params=params)
        return [m.post(t) for t in body.get("data") or []][:limit]

    async def following_ids(self) -> set[str] | None:
        return await self._ids("following", pages=1000)

    async def follower_ids(self) -> set[str] | None:
        return await self._ids("followers", pages=1000)

    async def _ids(self, name: str, *, pages: int) -> set[str]:
        me = await self.me()
        ids: set[str] = set()
        cursor: str | None = None
        for _ in range(pages):
            page = await self._users_page(name, {"id": me.id}, LIST_PAGE, cursor)
            ids.update(p.id for p in page.profiles)
            cursor = page.cursor
            if cursor is None:
                break
        return ids

    # --- writes -------------------------------------------------------------------------

    async def execute(self, action: Action) -> Outcome:
        self._check_supported(action.verb)
        me = (await self.me()).id
        target, post = action.target.id, action.target.post_id or action.target.id
        calls: dict[Verb, tuple[str, dict[str, str], dict[str, Any] | None]] = {
            Verb.FOLLOW: ("follow", {"id": me}, {"target_user_id": target}),
            Verb.UNFOLLOW: ("unfollow", {"id": me, "target": target}, None),
            Verb.LIKE: ("like", {"id": me}, {"tweet_id": post}),
            Verb.UNLIKE: ("unlike", {"id": me, "post": post}, None),
            Verb.REPOST: ("repost", {"id": me}, {"tweet_id": post}),
            Verb.MUTE: ("mute", {"id": me}, {"target_user_id": target}),
            Verb.HIDE_COMMENT: ("hide_reply", {"id": post}, {"hidden": True}),
        }
        if action.verb is Verb.REPLY:
            return await self._reply(action, post)
        name, path, body = calls[action.verb]
        response = await self.api.call(name, path=path, json=body)
        data = (m_json(response).get("data") or {}) if response.content else {}
        detail = "follow request pending (protected account)" if data.get("pending_follow") else ""
        return Outcome("done", detail=detail, http_status=response.status_code)

    def _check_supported(self, verb: Verb) -> None:
        caps = self.capabilities
        if verb not in caps.supports:
            reason = caps.unsupported_reasons.get(verb, f"{verb.value} is not offered")
            raise PolicyError(
                f"x ({self.tier}): {reason}",
                hint=f"at this tier X offers: {caps.offers()}",
            )

    async def _reply(self, action: Action, post_id: str) -> Outcome:
        if not action.target.text:
            raise PolicyError(
                f"x: reply {action.id} has no text",
                hint="give the reply text in the plan before approving it",
            )
        if self.tier != "enterprise":
            await self._check_summoned(post_id)
        body = {"text": action.target.text, "reply": {"in_reply_to_tweet_id": post_id}}
        response = await self.api.call("create_post", json=body)
        data = m_json(response).get("data") or {}
        return Outcome("done", http_status=response.status_code, remote_ref=str(data.get("id")))

    async def _check_summoned(self, post_id: str) -> None:
        """Self-serve tiers may reply only where the author mentioned or quoted us."""
        params = {"tweet.fields": m.TWEET_FIELDS, "expansions": "referenced_tweets.id"}
        body = await self._data("post", path={"id": post_id}, params=params)
        tweet, me = body["data"], await self.me()
        quoted = m.references(tweet, "quoted")
        ours = {
            str(t["id"])
            for t in (body.get("includes") or {}).get("tweets") or []
            if str(t.get("author_id")) == me.id
        }
        if me.handle.lower() in m.mentions(tweet) or quoted & ours:
            return
        raise PolicyError(
            f"x ({self.tier}): post {post_id} neither mentions nor quotes @{me.handle}; since "
            "2026-02-23 self-serve tiers may reply programmatically only where the author "
            f"summoned the account (source: {caps_.CHANGELOG})",
            hint="reply by hand on x.com, or only plan replies to posts that mention you",
        )

    # --- crash recovery -----------------------------------------------------------------

    async def confirm(self, action: Action) -> Outcome | None:
        """A reply: our post whose ``referenced_tweets`` has ``replied_to`` the message, from
        our own timeline (``GET /2/users/:id/tweets``), with its id; other verbs: ``verify``."""
        if action.verb is not Verb.REPLY:
            return await super().confirm(action)
        post = action.target.post_id or action.target.id
        found = [
            t for t in await self._own_tweets("user_posts") if post in m.references(t, "replied_to")
        ]
        if not found:
            return None
        return Outcome("done", CONFIRMED, remote_ref=str(found[0]["id"]))

    async def verify(self, action: Action) -> bool:
        verb, target = action.verb, action.target
        post = target.post_id or target.id
        if verb in (Verb.FOLLOW, Verb.UNFOLLOW):
            following = target.id in await self._ids("following", pages=VERIFY_PAGES)
            return following == (verb is Verb.FOLLOW)
        if verb in (Verb.LIKE, Verb.UNLIKE):
            liked = post in {p.id for p in await self._own_posts("liked_posts")}
            return liked == (verb is Verb.LIKE)
        if verb is Verb.MUTE:
            return target.id in await self._ids("muting", pages=VERIFY_PAGES)
        if verb in (Verb.REPOST, Verb.REPLY):
            kind = "retweeted" if verb is Verb.REPOST else "replied_to"
            return await self._referenced(kind, post)
        return False  # X offers no read of a reply's hidden state; hiding again is harmless

    async def _own_posts(self, name: str) -> list[Post]:
        return [m.post(t) for t in await self._own_tweets(name)]

    async def _own_tweets(self, name: str) -> list[dict[str, Any]]:
        me = await self.me()
        tweets: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(VERIFY_PAGES):
            params = _post_params(100)
            if cursor:
                params["pagination_token"] = cursor
            body = await self._data(name, path={"id": me.id}, params=params)
            tweets.extend(body.get("data") or [])
            cursor = (body.get("meta") or {}).get("next_token")
            if not cursor:
                break
        return tweets

    async def _referenced(self, kind: str, post_id: str) -> bool:
        return any(post_id in m.references(t, kind) for t in await self._own_tweets("user_posts"))

    def requests_sent(self) -> int:
        return self.api.sent

    async def aclose(self) -> None:
        await self.api.aclose()


def _newer_id(kept: str | None, seen: str) -> str:
    """The larger of two X ids (numeric strings; longer is newer)."""
    return seen if kept is None else max(kept, seen, key=lambda i: (len(i), i))


def _inbox_page(items: list[InboxItem], cursor: str | None, *, complete: bool = True) -> InboxPage:
    ordered = sorted(items, key=lambda i: (i.message.created_at, i.message.id))
    return InboxPage(tuple(ordered), cursor, complete)


def _post_params(size: int) -> dict[str, Any]:
    return {
        "max_results": size,
        "tweet.fields": m.TWEET_FIELDS,
        "expansions": "author_id",
        "user.fields": m.USER_FIELDS,
    }


def _authors_page(body: dict[str, Any]) -> Page:
    """The distinct authors of a page of posts, each carrying the posts found."""
    from dataclasses import replace

    users = {str(u["id"]): m.profile(u) for u in (body.get("includes") or {}).get("users") or []}
    posts: dict[str, list[Post]] = {}
    for tweet in body.get("data") or []:
        found = m.post(tweet)
        posts.setdefault(found.author_id, []).append(found)
    profiles = [replace(users[a], recent_posts=tuple(p)) for a, p in posts.items() if a in users]
    return Page(profiles, (body.get("meta") or {}).get("next_token"))


def m_json(response: httpx.Response) -> dict[str, Any]:
    from socialseed.platforms.http import parse_json

    data = parse_json(response, platform=NAME)
    return data if isinstance(data, dict) else {}
