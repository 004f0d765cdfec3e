"""The sandbox as a Platform: an httpx client of the sandbox API, errors mapped once."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx

from socialseed.clock import Clock
from socialseed.errors import (
    AccountRestricted,
    ActionBlocked,
    NotFound,
    PermanentError,
    PlatformError,
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
    Verb,
)
from socialseed.model.conversations import CONTEXT_READS, InboxItem, InboxPage
from socialseed.model.frozen import without_init
from socialseed.model.values import known_canonical
from socialseed.platforms.base import CONFIRMED, Platform
from socialseed.platforms.http import epoch_reset, parse_json, raise_for_response, send

NAME = "sandbox"
_RESET = epoch_reset("x-ratelimit-reset")
INBOX_PAGES = 20
DISCOVERY_PAGE = 100  # profiles a discovery page asks for: the most the server gives (as X)
_FAULTS_HINT = "clear injected faults with 'socialseed sandbox faults --clear'"


class SandboxPlatform(Platform):
    """A managed account on the simulated network."""

    name = NAME

    def __init__(
        self,
        account_id: str,
        handle: str,
        capabilities: Capabilities,
        client: httpx.AsyncClient,
        clock: Clock,
    ) -> None:
        super().__init__(account_id, handle, capabilities)
        self.client = client
        self.clock = clock

    async def aclose(self) -> None:
        await self.client.aclose()

    # the HTTP boundary ------------------------------------------------------------------

    async def _call(self, method: str, url: str, *, verb: str = "", **kwargs: Any) -> Any:
        response = await self._answer(method, url, verb=verb, **kwargs)
        return parse_json(response, platform=NAME)

    async def _answer(
        self, method: str, url: str, *, verb: str = "", **kwargs: Any
    ) -> httpx.Response:
        """A successful answer (errors raised as the platform's error types)."""
        response = await send(self.client, method, url, platform=NAME, **kwargs)
        self._remember_rate(response, verb)
        raise_for_response(
            response,
            platform=NAME,
            now=self.clock.now(),
            reset_reader=_RESET,
            classifier=_classify,
        )
        return response

    def _remember_rate(self, response: httpx.Response, verb: str) -> None:
        """Per-verb window in bucket ``verb``; the all-verbs daily budget in ``daily``."""
        for bucket, prefix in ((verb, "x-ratelimit-"), ("daily", "x-ratelimit-daily-")):
            if bucket and prefix + "limit" in response.headers:
                self.last_rate[bucket] = RateInfo(
                    limit=int(response.headers[prefix + "limit"]),
                    remaining=int(response.headers.get(prefix + "remaining", "0")),
                    reset_at=epoch_reset(prefix + "reset")(response),
                    bucket=bucket,
                )

    # reads ------------------------------------------------------------------------------

    async def me(self) -> Profile:
        return Profile.from_data(await self._call("GET", "/v1/me"))

    async def lookup(self, handle: str) -> Profile:
        return Profile.from_data(await self._call("GET", f"/v1/users/{handle.lstrip('@')}"))

    async def discover(self, source: Source, cursor: str | None = None) -> Page:
        params = {"q": source.value, "limit": str(DISCOVERY_PAGE)}
        if cursor:
            params["cursor"] = cursor
        # the whole URL, query included: httpx parses a URL given apart from its base and
        # query three times (a third of a page's time in the client)
        base = str(self.client.base_url).rstrip("/")
        url = f"{base}/v1/discover/{source.kind.value}?{urlencode(params)}"
        response = await self._answer("GET", url)
        read = _read_page(response.content)
        if read is None:  # not the server's own page form: the general way
            data = parse_json(response, platform=NAME)
            profiles = [_profile(p) for p in data["profiles"]]
            return Page(profiles=profiles, cursor=data.get("next_cursor"))
        return Page(profiles=list(read[0]), cursor=read[1])

    async def recent_posts(self, user_id: str, limit: int = 5) -> list[Post]:
        data = await self._call("GET", f"/v1/users/{user_id}/posts", params={"limit": limit})
        return [Post.from_data(p) for p in data["posts"]]

    async def inbox(
        self, since: str | None = None, *, max_context: int = CONTEXT_READS
    ) -> InboxPage:
        """Messages after ``since``, oldest first, walking at most ``INBOX_PAGES`` pages."""
        cursor, items = since, list[InboxItem]()
        for _ in range(INBOX_PAGES):
            params = {"cursor": cursor} if cursor else {}
            data = await self._call("GET", "/v1/notifications", params=params)
            items.extend(InboxItem.from_data(i) for i in data["items"])
            cursor = data.get("next_cursor") or cursor
            if not data.get("more"):
                return InboxPage(tuple(items), cursor)
        return InboxPage(tuple(items), cursor, complete=False)

    async def following_ids(self) -> set[str] | None:
        return await self._ids("following")

    async def follower_ids(self) -> set[str] | None:
        return await self._ids("followers")

    async def _ids(self, which: str) -> set[str]:
        me = await self.me()
        found: set[str] = set()
        cursor: str | None = "0"
        while cursor is not None:
            url = f"/v1/users/{me.id}/{which}"
            data = await self._call("GET", url, params={"cursor": cursor})
            found.update(data["ids"])
            cursor = data.get("next_cursor")
        return found

    # writes -----------------------------------------------------------------------------

    async def execute(self, action: Action) -> Outcome:
        method, url, body = _request_for(action)
        headers = {"idempotency-key": action.id} if action.verb is Verb.REPLY else {}
        response = await self._send_write(action.verb.value, method, url, body, headers)
        return Outcome(
            status=str(response.get("status", "done")),
            detail=f"{action.verb.value} {action.target.handle}",
            http_status=200,
            request_id=response.get("request_id"),
            remote_ref=response.get("ref"),
        )

    async def _send_write(
        self,
        verb: str,
        method: str,
        url: str,
        body: dict[str, str] | None,
        headers: dict[str, str],
    ) -> dict[str, Any]:
        data = await self._call(method, url, verb=verb, json=body, headers=headers)
        if not isinstance(data, dict):
            raise PermanentError(f"{NAME}: unexpected answer to {method} {url}")
        return data

    async def verify(self, action: Action) -> bool:
        return await self.confirm(action) is not None

    async def confirm(self, action: Action) -> Outcome | None:
        """In effect? Then the request id and reference of the write the world recorded."""
        target = action.target
        params = {"target_id": target.id, "post_id": target.post_id or ""}
        if action.verb is Verb.REPLY:
            params["idem_key"] = action.id
        try:
            data = await self._call("GET", f"/v1/relations/{action.verb.value}", params=params)
        except NotFound:
            gone = action.verb in (Verb.UNFOLLOW, Verb.UNLIKE)
            return Outcome("done", CONFIRMED) if gone else None
        if not data.get("in_effect") and action.verb is Verb.REPLY:
            params.pop("idem_key")  # a reply of ours to the message, written by other means
            data = await self._call("GET", f"/v1/relations/{action.verb.value}", params=params)
        if not data.get("in_effect"):
            return None
        rid, ref = data.get("request_id"), data.get("ref")
        return Outcome(
            "done" if rid else "already",  # no write of ours recorded: it was in effect before
            CONFIRMED,
            request_id=str(rid) if rid else None,
            remote_ref=str(ref) if ref else None,
        )


_SCAN = json.JSONDecoder().raw_decode
_blake2b = hashlib.blake2b
_PAGE_HEAD = '{"profiles":['
_PAGE_CURSOR = ',"next_cursor":'


def _split_page(body: bytes) -> tuple[list[tuple[Any, str]], str | None] | None:
    """A discovery page in the server's own form, ``{"profiles":[P,...],"next_cursor":C}``
    with each profile written canonically (``pages.canonical``): each profile decoded with
    its text, and the cursor. ``None`` for any other form (read the general way)."""
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return None
    if not text.startswith(_PAGE_HEAD):
        return None
    at, found = len(_PAGE_HEAD), list[tuple[Any, str]]()
    try:
        if text.startswith("]", at):
            at += 1
        else:
            while True:
                data, end = _SCAN(text, at)
                found.append((data, text[at:end]))
                at, mark = end + 1, text[end : end + 1]
                if mark == "]":
                    break
                if mark != ",":
                    return None
        if not text.startswith(_PAGE_CURSOR, at):
            return None
        cursor, end = _SCAN(text, at + len(_PAGE_CURSOR))
    except ValueError:
        return None
    if text[end:] != "}" or not (cursor is None or isinstance(cursor, str)):
        return None
    return found, cursor


MAX_PAGES = 2_000  # pages kept by their body's digest (a list of shared profiles each)
_PAGES: dict[bytes, tuple[tuple[Profile, ...], str | None]] = {}


def _read_page(body: bytes) -> tuple[tuple[Profile, ...], str | None] | None:
    """A discovery page in the server's own form (``_split_page``): its profiles and cursor,
    decoded once per process and body. Several accounts reading the same sources at the same
    instant get byte-identical pages; a page is a value of its bytes, so the same bytes give
    the same profiles (``None``: another form)."""
    key = _blake2b(body, digest_size=20).digest()
    found = _PAGES.get(key)
    if found is None:
        split = _split_page(body)
        if split is None:
            return None
        found = (tuple(_known(p, text) for p, text in split[0]), split[1])
        if len(_PAGES) >= MAX_PAGES:
            _PAGES.clear()
        _PAGES[key] = found
    return found


MAX_KNOWN = 20_000  # profiles kept by their text (about 3 KB each with the text)
_KNOWN: dict[str, Profile] = {}


def _known(data: dict[str, Any], text: str) -> Profile:
    """The profile the server wrote as ``text``: made once per process and text (a value:
    several accounts reading the same sources share it), else ``_profile``."""
    found = _KNOWN.get(text)
    if found is None:
        found = _profile(data, text)
        if len(_KNOWN) >= MAX_KNOWN:
            _KNOWN.clear()
        _KNOWN[text] = found
    return found


def _profile(data: dict[str, Any], text: str | None = None) -> Profile:
    """``Profile.from_data`` for the server's own form (every key, instants ending in ``Z``),
    made fast for discovery pages; anything else goes the general way. ``text``: the
    profile's canonical text as the server wrote it (kept, so it is not made again)."""
    try:
        made = without_init(
            Profile,
            {
                "platform": data["platform"],
                "id": data["id"],
                "handle": data["handle"],
                "display_name": data["display_name"],
                "bio": data["bio"],
                "followers": data["followers"],
                "following": data["following"],
                "posts": data["posts"],
                "last_active": _instant(data["last_active"]),
                "created_at": _instant(data["created_at"]),
                "has_avatar": data["has_avatar"],
                "language": data["language"],
                "recent_posts": tuple([_post(p) for p in data["recent_posts"]]),
            },
        )
    except (KeyError, TypeError, ValueError):
        return Profile.from_data(data)
    if text is None or data.keys() != _PROFILE_KEYS:
        return made
    if any(p.keys() != _POST_KEYS for p in data["recent_posts"]):
        return made  # a key the fast path leaves out: the text is not this profile's
    return known_canonical(made, text)


_PROFILE_KEYS = frozenset(Profile("", "", "").to_data())
_POST_KEYS = frozenset(Post("", "").to_data())


def _post(data: dict[str, Any]) -> Post:
    if data["ref"]:
        raise ValueError("a post with references")  # the general way copies them
    return without_init(
        Post,
        {
            "id": data["id"],
            "author_id": data["author_id"],
            "text": data["text"],
            "created_at": _instant(data["created_at"]),
            "like_count": data["like_count"],
            "reply_to": data["reply_to"],
            "ref": {},
        },
    )


def _instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    if not value.endswith("Z"):
        raise ValueError(f"not the server's form: {value!r}")
    return datetime.fromisoformat(value)  # UTC: the same instant and zone as parse_instant


def _request_for(action: Action) -> tuple[str, str, dict[str, str] | None]:
    target = action.target
    post_id = target.post_id or ""
    match action.verb:
        case Verb.FOLLOW:
            return "POST", "/v1/follows", {"target_id": target.id}
        case Verb.UNFOLLOW:
            return "DELETE", f"/v1/follows/{target.id}", None
        case Verb.LIKE:
            return "POST", "/v1/likes", {"post_id": post_id}
        case Verb.UNLIKE:
            return "DELETE", f"/v1/likes/{post_id}", None
        case Verb.REPOST:
            return "POST", "/v1/reposts", {"post_id": post_id}
        case Verb.REPLY:
            return "POST", "/v1/replies", {"post_id": post_id, "text": target.text or ""}
        case Verb.HIDE_COMMENT:
            return "POST", "/v1/hidden", {"comment_id": post_id}
        case Verb.MUTE:
            return "POST", "/v1/mutes", {"target_id": target.id}
    raise PermanentError(f"{NAME}: cannot {action.verb.value}")  # pragma: no cover


def _classify(response: httpx.Response, message: str) -> PlatformError | None:
    """A 403 with the sandbox's block codes is a block signal, not a plain refusal."""
    if response.status_code != 403:
        return None
    try:
        body = response.json()
    except ValueError:
        body = {}
    code = body.get("error") if isinstance(body, dict) else None
    rid = response.headers.get("x-request-id")
    if code == "account_restricted":
        return AccountRestricted(message, hint=_FAULTS_HINT, status=403, request_id=rid)
    if code == "action_blocked":
        return ActionBlocked(message, hint=_FAULTS_HINT, status=403, request_id=rid)
    return None
