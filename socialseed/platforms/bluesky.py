"""Bluesky over XRPC: reads through the account's PDS, writes as records in its repo.

Facts used (PLATFORMS.md §5): records are created with ``com.atproto.repo.createRecord`` and
undone with ``deleteRecord``; an expired access token answers HTTP 400 ``ExpiredToken`` (one
refresh and one retry), ``InvalidToken`` means reconnect; ``RateLimit-*`` headers carry an epoch
reset; every repo write costs points (create 3, update 2, delete 1; 5,000 per hour, 35,000 per
day). The PDS de-duplicates follows and likes, so undo and verify read ``listRecords`` instead
of trusting a stored record URI (PEERS.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import httpx

from socialseed.clock import Clock, iso
from socialseed.errors import NotFound, PlatformError, PolicyError
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
from socialseed.platforms import _bluesky_map as m
from socialseed.platforms import _bluesky_rules as rules
from socialseed.platforms._bluesky_rules import CAPABILITIES
from socialseed.platforms.base import (
    CONFIRMED,
    Platform,
    PlatformDeps,
    SourceReader,
    context_order,
    read_source,
)
from socialseed.platforms.http import (
    ApiSession,
    Endpoint,
    epoch_reset,
    header_rate,
    token_getters,
)

if TYPE_CHECKING:
    from socialseed.config.schema import Account

NAME = "bluesky"
DEFAULT_SERVICE = "https://bsky.social"
MAX_RECORD_PAGES = 200  # listRecords scans stop after 20,000 records
INBOX_PAGES = 10  # listNotifications pages per inbox read (100 each, newest first)
THREAD_PARENTS = 3  # getPostThread parentHeight: the ancestors a review card shows
COMMENTED_POSTS = 10  # own posts per commenters page (one getPostThread each)

# Every request this adapter can make. A test fails if any code path sends anything else.
ENDPOINTS: dict[str, Endpoint] = {
    "resolve_handle": Endpoint("GET", "/xrpc/com.atproto.identity.resolveHandle"),
    "get_profile": Endpoint("GET", "/xrpc/app.bsky.actor.getProfile"),
    "get_profiles": Endpoint("GET", "/xrpc/app.bsky.actor.getProfiles"),
    "search_actors": Endpoint("GET", "/xrpc/app.bsky.actor.searchActors"),
    "search_posts": Endpoint("GET", "/xrpc/app.bsky.feed.searchPosts"),
    "get_followers": Endpoint("GET", "/xrpc/app.bsky.graph.getFollowers"),
    "get_follows": Endpoint("GET", "/xrpc/app.bsky.graph.getFollows"),
    "get_likes": Endpoint("GET", "/xrpc/app.bsky.feed.getLikes"),
    "get_author_feed": Endpoint("GET", "/xrpc/app.bsky.feed.getAuthorFeed"),
    "get_posts": Endpoint("GET", "/xrpc/app.bsky.feed.getPosts"),
    "get_post_thread": Endpoint("GET", "/xrpc/app.bsky.feed.getPostThread"),
    "list_records": Endpoint("GET", "/xrpc/com.atproto.repo.listRecords"),
    "get_record": Endpoint("GET", "/xrpc/com.atproto.repo.getRecord"),
    "create_record": Endpoint("POST", "/xrpc/com.atproto.repo.createRecord"),
    "put_record": Endpoint("POST", "/xrpc/com.atproto.repo.putRecord"),
    "delete_record": Endpoint("POST", "/xrpc/com.atproto.repo.deleteRecord"),
    "mute_actor": Endpoint("POST", "/xrpc/app.bsky.graph.muteActor"),
    "list_notifications": Endpoint("GET", "/xrpc/app.bsky.notification.listNotifications"),
}


def capabilities(account: Account | None) -> Capabilities:
    return CAPABILITIES


def build(account: Account, deps: PlatformDeps) -> BlueskyPlatform:
    base = (account.service or DEFAULT_SERVICE).rstrip("/")
    access, refresh = token_getters(deps.tokens, account, NAME)
    reset = epoch_reset("ratelimit-reset")
    api = ApiSession(
        platform=NAME,
        client=deps.client(base, {"accept": "application/json"}),
        endpoints=ENDPOINTS,
        clock=deps.clock,
        reset_reader=reset,
        rate_reader=header_rate("ratelimit-", reset),
        token=access,
        refresh=refresh,
        is_expired=rules.is_expired,
        classifier=rules.classify,
        message_reader=rules.message,
    )
    return BlueskyPlatform(account.id, account.handle, api, deps.clock)


class BlueskyPlatform(Platform):
    """One Bluesky account, connected through its PDS."""

    name = NAME

    def __init__(self, account_id: str, handle: str, api: ApiSession, clock: Clock) -> None:
        super().__init__(account_id, handle, CAPABILITIES)
        self.api = api
        self.clock = clock
        self.last_rate = api.last_rate
        self._did: str | None = handle if handle.startswith("did:") else None

    # --- identity and reads -------------------------------------------------------------

    async def did(self) -> str:
        """The managed account's DID (resolved once from its handle)."""
        if self._did is None:
            self._did = await self.resolve(self.handle)
        return self._did

    async def resolve(self, actor: str) -> str:
        """A DID for a handle or DID."""
        actor = actor.lstrip("@")
        if actor.startswith("did:"):
            return actor
        data = await self.api.json("resolve_handle", params={"handle": actor})
        return str(data["did"])

    async def me(self) -> Profile:
        return await self.lookup(await self.did())

    async def lookup(self, handle: str) -> Profile:
        data = await self.api.json("get_profile", params={"actor": handle.lstrip("@")})
        return m.profile(data)

    async def discover(self, source: Source, cursor: str | None = None) -> Page:
        readers: dict[SourceKind, SourceReader] = {
            SourceKind.HASHTAG: self._hashtag,
            SourceKind.SEARCH: self._search,
            SourceKind.FOLLOWERS_OF: self._followers_of,
            SourceKind.LIKERS_OF: self._likers_of,
            SourceKind.COMMENTERS: self._commenters,
        }
        return await read_source("bluesky", readers, source, cursor)

    async def _hashtag(self, tag: str, cursor: str | None) -> Page:
        params = m.paged({"q": f"#{tag.lstrip('#')}", "sort": "latest"}, cursor)
        data = await self.api.json("search_posts", params=params)
        posts = [m.post(view) for view in data.get("posts") or []]
        profiles = await self._detailed([p.author_id for p in posts])
        return Page([m.with_posts(p, posts) for p in profiles], m.next_cursor(data, cursor))

    async def _search(self, query: str, cursor: str | None) -> Page:
        data = await self.api.json("search_actors", params=m.paged({"q": query}, cursor))
        return await self._page([a["did"] for a in data.get("actors") or []], data, cursor)

    async def _followers_of(self, actor: str, cursor: str | None) -> Page:
        params = m.paged({"actor": actor.lstrip("@")}, cursor)
        data = await self.api.json("get_followers", params=params)
        return await self._page([a["did"] for a in data.get("followers") or []], data, cursor)

    async def _likers_of(self, post: str, cursor: str | None) -> Page:
        uri = await self._post_uri(post)
        data = await self.api.json("get_likes", params=m.paged({"uri": uri}, cursor))
        dids = [like["actor"]["did"] for like in data.get("likes") or []]
        return await self._page(dids, data, cursor)

    async def _commenters(self, value: str, cursor: str | None) -> Page:
        """People who replied to our own posts (``own``: our recent posts; else one post)."""
        if value == "own":
            params = m.paged({"actor": await self.did(), "filter": "posts_no_replies"}, cursor)
            params["limit"] = COMMENTED_POSTS
            data = await self.api.json("get_author_feed", params=params)
            ours = [i["post"] for i in data.get("feed") or [] if not i.get("reason")]
            uris = [p["uri"] for p in ours if p.get("replyCount") != 0]
            next_cursor = m.next_cursor(data, cursor)
        else:
            uris, next_cursor = [await self._post_uri(value)], None
        replies: list[Post] = []
        for uri in uris:
            replies += await self._replies(uri)
        profiles = await self._detailed([r.author_id for r in replies])
        return Page([m.with_posts(p, replies) for p in profiles], next_cursor)

    async def _replies(self, uri: str) -> list[Post]:
        """Direct replies to a post, from its thread (depth 1)."""
        data = await self.api.json("get_post_thread", params={"uri": uri, "depth": 1})
        thread = data.get("thread") or {}
        found = [r.get("post") for r in thread.get("replies") or [] if isinstance(r, dict)]
        return [m.post(view) for view in found if view]

    async def _page(self, dids: list[str], data: dict[str, Any], cursor: str | None) -> Page:
        return Page(await self._detailed(dids), m.next_cursor(data, cursor))

    async def _detailed(self, dids: list[str]) -> list[Profile]:
        """Full profiles (with counts) for DIDs, in order, 25 per getProfiles call."""
        unique = list(dict.fromkeys(dids))
        profiles: list[Profile] = []
        for start in range(0, len(unique), 25):
            params = {"actors": unique[start : start + 25]}
            data = await self.api.json("get_profiles", params=params)
            profiles.extend(m.profile(view) for view in data.get("profiles") or [])
        return profiles

    async def _post_uri(self, value: str) -> str:
        try:
            uri = m.post_uri(value)
        except ValueError:
            raise PolicyError(
                f"bluesky: {value!r} is not a post (need at://... or a bsky.app post link)",
                hint="copy the post's link from the Bluesky app",
            ) from None
        repo = m.repo_of(uri)
        return uri if repo.startswith("did:") else uri.replace(repo, await self.resolve(repo), 1)

    async def recent_posts(self, user_id: str, limit: int = 5) -> list[Post]:
        params = {"actor": user_id, "limit": max(1, min(limit, 100)), "filter": "posts_no_replies"}
        data = await self.api.json("get_author_feed", params=params)
        feed = [item for item in data.get("feed") or [] if not item.get("reason")]
        return [m.post(item["post"]) for item in feed][:limit]

    async def following_ids(self) -> set[str] | None:
        records = await self._records(m.FOLLOW)
        return {m.subject_of(r) for r in records}

    async def follower_ids(self) -> set[str] | None:
        ids: set[str] = set()
        cursor: str | None = None
        for _ in range(MAX_RECORD_PAGES):
            params = m.paged({"actor": await self.did()}, cursor)
            data = await self.api.json("get_followers", params=params)
            ids.update(a["did"] for a in data.get("followers") or [])
            cursor = m.next_cursor(data, cursor) if data.get("followers") else None
            if cursor is None:
                break
        return ids

    async def inbox(
        self, since: str | None = None, *, max_context: int = CONTEXT_READS
    ) -> InboxPage:
        """Mentions, replies and quotes newer than ``since`` (an ``indexedAt`` instant).

        ``listNotifications`` pages go newest first; the read stops at the first one at or
        before ``since``. The cursor kept is the newest ``indexedAt`` seen. Then a message that
        answers a post gets its thread from one ``getPostThread`` (``depth=0``,
        ``parentHeight=3``: the last three ancestors), for at most ``max_context`` messages,
        questions first, then the newest.
        """
        items, newest, complete = await self._notifications(since)
        wanted = context_order([i for i in items if i.message.parent_id is not None])
        threaded = {i.message.id: await self._with_thread(i) for i in wanted[:max_context]}
        items = [threaded.get(i.message.id, i) for i in items]
        return _inbox_page(
            items, newest, complete=complete, without_context=len(wanted[max_context:])
        )

    async def _with_thread(self, item: InboxItem) -> InboxItem:
        """The item with the posts before it (none when its post is gone)."""
        params = {"uri": item.message.id, "depth": 0, "parentHeight": THREAD_PARENTS}
        try:
            data = await self.api.json("get_post_thread", params=params)
        except NotFound:
            return item
        return replace(item, thread=m.thread(data, await self.did()))

    async def _notifications(self, since: str | None) -> tuple[list[InboxItem], str | None, bool]:
        """The notified messages newer than ``since``, the newest ``indexedAt``, completeness."""
        reasons = sorted(m.NOTIFIED_SOURCES)
        items: list[InboxItem] = []
        newest, cursor = since, None
        for _ in range(INBOX_PAGES):
            params: dict[str, Any] = {"limit": m.PAGE_SIZE, "reasons": reasons}
            if cursor:
                params["cursor"] = cursor
            data = await self.api.json("list_notifications", params=params)
            for note in data.get("notifications") or []:
                stamp = str(note.get("indexedAt") or "")
                if since is not None and stamp <= since:
                    return items, newest, True
                newest = max(newest or stamp, stamp)
                if note.get("reason") in m.NOTIFIED_SOURCES:
                    items.append(m.message(note, await self.did()))
            cursor = data.get("cursor")
            if not cursor or not data.get("notifications"):
                return items, newest, True
        return items, newest, False

    # --- writes -------------------------------------------------------------------------

    async def execute(self, action: Action) -> Outcome:
        handlers: dict[Verb, Callable[[Action], Awaitable[Outcome]]] = {
            Verb.FOLLOW: self._follow,
            Verb.LIKE: self._like,
            Verb.REPOST: self._repost,
            Verb.REPLY: self._reply,
            Verb.UNFOLLOW: self._unfollow,
            Verb.UNLIKE: self._unlike,
            Verb.MUTE: self._mute,
            Verb.HIDE_COMMENT: self._hide,
        }
        return await handlers[action.verb](action)

    async def _follow(self, action: Action) -> Outcome:
        subject = await self.resolve(action.target.id)
        return await self._create(m.FOLLOW, {"subject": subject})

    async def _like(self, action: Action) -> Outcome:
        return await self._create(m.LIKE, {"subject": await self._strong_ref(action)})

    async def _repost(self, action: Action) -> Outcome:
        return await self._create(m.REPOST, {"subject": await self._strong_ref(action)})

    async def _reply(self, action: Action) -> Outcome:
        if not action.target.text:
            raise PolicyError(
                f"bluesky: reply {action.id} has no text",
                hint="give the reply text in the plan before approving it",
            )
        known = action.target.ref
        parent = known if known.get("uri") and known.get("cid") else await self._parent_ref(action)
        ref = {"uri": parent["uri"], "cid": parent["cid"]}
        root = {"uri": parent.get("root_uri") or ref["uri"]}
        root["cid"] = parent.get("root_cid") or ref["cid"]
        record = {"text": action.target.text, "reply": {"root": root, "parent": ref}}
        return await self._create(m.POST, record)

    async def _parent_ref(self, action: Action) -> dict[str, str]:
        return (await self._post_view(action)).ref

    async def _create(self, collection: str, record: dict[str, Any]) -> Outcome:
        body = {
            "repo": await self.did(),
            "collection": collection,
            "record": {"$type": collection, **record, "createdAt": iso(self.clock.now())},
        }
        response = await self.api.call("create_record", json=body)
        data = _json(response)
        return Outcome("done", http_status=response.status_code, remote_ref=str(data["uri"]))

    async def _unfollow(self, action: Action) -> Outcome:
        subject = await self.resolve(action.target.id)
        return await self._delete_matching(m.FOLLOW, subject)

    async def _unlike(self, action: Action) -> Outcome:
        return await self._delete_matching(m.LIKE, await self._target_uri(action))

    async def _delete_matching(self, collection: str, subject: str) -> Outcome:
        """Delete every record of ours for ``subject`` (the PDS may hold more than one)."""
        records = [r for r in await self._records(collection) if m.subject_of(r) == subject]
        if not records:
            return Outcome("already", detail=f"no {collection} record for {subject}")
        for record in records:
            body = {
                "repo": await self.did(),
                "collection": collection,
                "rkey": m.rkey(record["uri"]),
            }
            await self.api.call("delete_record", json=body)
        return Outcome("done", http_status=200, remote_ref=str(records[0]["uri"]))

    async def _mute(self, action: Action) -> Outcome:
        response = await self.api.call("mute_actor", json={"actor": action.target.id})
        return Outcome("done", http_status=response.status_code)

    async def _hide(self, action: Action) -> Outcome:
        reply = await self._post_view(action)
        root_uri = reply.ref.get("root_uri") or reply.reply_to
        if not root_uri or m.repo_of(root_uri) != await self.did():
            raise PolicyError(
                f"bluesky: {reply.id} is not a reply in one of our own threads",
                hint="only replies to the account's own posts can be hidden",
            )
        gate = await self._threadgate(root_uri) or {
            "post": root_uri,
            "createdAt": iso(self.clock.now()),
        }
        hidden = list(gate.get("hiddenReplies") or [])
        if reply.id in hidden:
            return Outcome("already", detail="the reply is already hidden")
        record = {**gate, "$type": m.THREADGATE, "hiddenReplies": [*hidden, reply.id]}
        body = {"repo": await self.did(), "collection": m.THREADGATE, "rkey": m.rkey(root_uri)}
        response = await self.api.call("put_record", json={**body, "record": record})
        return Outcome("done", http_status=response.status_code, remote_ref=root_uri)

    async def _threadgate(self, root_uri: str) -> dict[str, Any] | None:
        params = {"repo": await self.did(), "collection": m.THREADGATE, "rkey": m.rkey(root_uri)}
        try:
            data = await self.api.json("get_record", params=params)
        except NotFound:
            return None
        value = data.get("value")
        return dict(value) if isinstance(value, dict) else None

    # --- helpers for post targets ------------------------------------------------------

    async def _target_uri(self, action: Action) -> str:
        value = action.target.ref.get("uri") or action.target.post_id or action.target.id
        return await self._post_uri(value)

    async def _strong_ref(self, action: Action) -> dict[str, str]:
        uri, cid = await self._target_uri(action), action.target.ref.get("cid")
        if cid:
            return {"uri": uri, "cid": cid}
        view = await self._post_view(action)
        return {"uri": view.ref["uri"], "cid": view.ref["cid"]}

    async def _post_view(self, action: Action) -> Post:
        uri = await self._target_uri(action)
        data = await self.api.json("get_posts", params={"uris": [uri]})
        posts = data.get("posts") or []
        if not posts:
            raise NotFound(f"bluesky: the post {uri} does not exist (any more)")
        return m.post(posts[0])

    async def _records(self, collection: str) -> list[dict[str, Any]]:
        """Our repo's records in ``collection``, newest first, every page."""
        records: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(MAX_RECORD_PAGES):
            params = m.paged({"repo": await self.did(), "collection": collection}, cursor)
            data = await self.api.json("list_records", params=params)
            page = data.get("records") or []
            records.extend(page)
            cursor = m.next_cursor(data, cursor) if page else None
            if cursor is None:
                break
        return records

    # --- crash recovery -----------------------------------------------------------------

    async def confirm(self, action: Action) -> Outcome | None:
        """Check before create: our follow, like or repost record for the target, if any.

        The PDS keeps a second record when a follow is created twice, so a resumed or
        repeated write is confirmed from ``listRecords`` (with the record's URI) instead.
        """
        if action.verb is Verb.REPLY:
            return await self._confirm_reply(action)
        collection = _CREATED.get(action.verb)
        if collection is None:
            return await super().confirm(action)
        if collection == m.FOLLOW:
            subject = await self.resolve(action.target.id)
        else:
            subject = await self._target_uri(action)
        found = [r for r in await self._records(collection) if m.subject_of(r) == subject]
        if not found:
            return None
        return Outcome("done", CONFIRMED, remote_ref=str(found[0]["uri"]))

    async def _confirm_reply(self, action: Action) -> Outcome | None:
        """Our post whose ``reply.parent`` is the message (read with ``listRecords``: the
        reference PDS has no AppView, and our own repo is the authority on what we wrote)."""
        uri = await self._target_uri(action)
        found = [r for r in await self._records(m.POST) if m.replies_to(r, uri)]
        if not found:
            return None
        return Outcome("done", CONFIRMED, remote_ref=str(found[-1]["uri"]))

    async def verify(self, action: Action) -> bool:
        verb = action.verb
        if verb in (Verb.FOLLOW, Verb.UNFOLLOW):
            subject = await self.resolve(action.target.id)
            found = await self._has_record(m.FOLLOW, subject)
            return found if verb is Verb.FOLLOW else not found
        if verb in (Verb.LIKE, Verb.UNLIKE, Verb.REPOST):
            collection = m.REPOST if verb is Verb.REPOST else m.LIKE
            found = await self._has_record(collection, await self._target_uri(action))
            return not found if verb is Verb.UNLIKE else found
        if verb is Verb.REPLY:
            uri = await self._target_uri(action)
            return any(m.replies_to(r, uri) for r in await self._records(m.POST))
        if verb is Verb.MUTE:
            profile = await self.api.json("get_profile", params={"actor": action.target.id})
            return bool((profile.get("viewer") or {}).get("muted"))
        reply = await self._post_view(action)
        gate = await self._threadgate(reply.ref.get("root_uri") or reply.reply_to or "")
        return bool(gate and reply.id in (gate.get("hiddenReplies") or []))

    async def _has_record(self, collection: str, subject: str) -> bool:
        return any(m.subject_of(r) == subject for r in await self._records(collection))

    def requests_sent(self) -> int:
        return self.api.sent

    async def aclose(self) -> None:
        await self.api.aclose()


_CREATED = {Verb.FOLLOW: m.FOLLOW, Verb.LIKE: m.LIKE, Verb.REPOST: m.REPOST}


def _inbox_page(
    items: list[InboxItem], cursor: str | None, *, complete: bool = True, without_context: int = 0
) -> InboxPage:
    ordered = sorted(items, key=lambda i: (i.message.created_at, i.message.id))
    return InboxPage(tuple(ordered), cursor, complete, without_context)


def _json(response: httpx.Response) -> dict[str, Any]:
    from socialseed.platforms.http import parse_json

    data = parse_json(response, platform=NAME)
    if not isinstance(data, dict):
        raise PlatformError(f"bluesky: unexpected answer from {response.request.url.path}")
    return data
