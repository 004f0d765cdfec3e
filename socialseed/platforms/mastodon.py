"""Mastodon's REST API on the account's own instance.

Facts used (PLATFORMS.md §4): ids are instance-local strings; followers, following, favourited_by
and tag timelines page through the ``Link`` header; ``X-RateLimit-Reset`` is an ISO 8601 instant
(mastodon-mock sends epoch seconds; both are read); tokens never expire (a 401 means revoked);
the server caps follows at 400 per 24 hours and following at 7,500; there is no per-reply hide.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import httpx

from socialseed.errors import (
    AccountRestricted,
    AuthExpired,
    ConfigError,
    NotFound,
    PermanentError,
    PlatformError,
    PolicyError,
)
from socialseed.model import (
    OUTBOUND_VERBS,
    Action,
    Budget,
    Capabilities,
    HardCap,
    Outcome,
    Page,
    PolicyPack,
    Post,
    Profile,
    Source,
    SourceKind,
    Verb,
)
from socialseed.model.conversations import CONTEXT_READS, InboxItem, InboxPage
from socialseed.platforms import _mastodon_map as m
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
    header_rate,
    iso_or_epoch_reset,
    parse_json,
    token_getters,
)

if TYPE_CHECKING:
    from socialseed.config.schema import Account

NAME = "mastodon"
LIMITER = "mastodon/mastodon:app/lib/rate_limiter.rb (FAMILIES: follows 400/24h, statuses 300/3h)"
FOLLOW_CAP = "https://docs.joinmastodon.org/admin/config/ (MAX_FOLLOWS_THRESHOLD 7,500)"
RACK_ATTACK = (
    "mastodon/mastodon:config/initializers/rack_attack.rb (300 requests per 5 min per token; "
    "PLATFORMS.md §4.4)"
)
WRITE_VERBS = frozenset(Verb) - {Verb.HIDE_COMMENT}
# The server's own limiter families (PLATFORMS.md §4.4): replies and boosts are both Status
# records and share "statuses"; every call of a token shares its request budget.
BUDGETS = (
    Budget("statuses", 300, 10800, {Verb.REPLY: 1, Verb.REPOST: 1}, LIMITER),
    Budget("follows", 400, 86400, {Verb.FOLLOW: 1}, LIMITER),
    # every request counts, reads included: a reply is expected to send two (our replies are
    # looked for in the thread before posting), and apply charges what was really sent
    Budget(
        "requests per token",
        300,
        300,
        {**dict.fromkeys(WRITE_VERBS, 1), Verb.REPLY: 2},
        RACK_ATTACK,
        per_request=True,
    ),
)
# The X-RateLimit-* headers describe "the one you are closest to exceeding" of every limit
# that applies to the account, so all calls report into one bucket.
RATE_BUCKET = "account"
ACCOUNTS_PAGE, STATUSES_PAGE, SEARCH_PAGE = 80, 40, 40
MAX_PAGES = 200
NOTIFICATIONS_PAGE = 40  # the documented default (maximum 80)
INBOX_PAGES = 10
CONTEXT_RESERVE = 50  # calls of the 300-per-5-minutes window thread reads leave for the rest
CONTEXT_READS_UNKNOWN = 1_000_000  # no rate header seen yet: only max_context bounds the reads

# Every request this adapter can make (specific paths before ``{id}`` ones).
ENDPOINTS: dict[str, Endpoint] = {
    "verify_credentials": Endpoint("GET", "/api/v1/accounts/verify_credentials"),
    "lookup": Endpoint("GET", "/api/v1/accounts/lookup"),
    "relationships": Endpoint("GET", "/api/v1/accounts/relationships"),
    "search": Endpoint("GET", "/api/v2/search"),
    "followers": Endpoint("GET", "/api/v1/accounts/{id}/followers"),
    "following": Endpoint("GET", "/api/v1/accounts/{id}/following"),
    "account_statuses": Endpoint("GET", "/api/v1/accounts/{id}/statuses"),
    "tag_timeline": Endpoint("GET", "/api/v1/timelines/tag/{tag}"),
    "favourited_by": Endpoint("GET", "/api/v1/statuses/{id}/favourited_by"),
    "status": Endpoint("GET", "/api/v1/statuses/{id}"),
    "context": Endpoint("GET", "/api/v1/statuses/{id}/context"),
    "follow": Endpoint("POST", "/api/v1/accounts/{id}/follow"),
    "unfollow": Endpoint("POST", "/api/v1/accounts/{id}/unfollow"),
    "mute": Endpoint("POST", "/api/v1/accounts/{id}/mute"),
    "favourite": Endpoint("POST", "/api/v1/statuses/{id}/favourite"),
    "unfavourite": Endpoint("POST", "/api/v1/statuses/{id}/unfavourite"),
    "reblog": Endpoint("POST", "/api/v1/statuses/{id}/reblog"),
    "post_status": Endpoint("POST", "/api/v1/statuses"),
    "notifications": Endpoint("GET", "/api/v1/notifications"),
}

_RESTRICTED_WORDS = (
    "disabled",
    "suspended",
    "limited",
    "pending approval",
    "confirmed e-mail",
    "silenced",
)

PACK = PolicyPack(
    requires_human=OUTBOUND_VERBS,
    unfollow_non_followers=True,
    notes=(
        "No network-wide automation policy: each instance publishes its own rules "
        "(GET /api/v1/instance/rules); set the account's bot flag.",
        "Consider honouring accounts' discoverable/indexable/noindex flags.",
    ),
)

CAPABILITIES = Capabilities(
    platform=NAME,
    supports=frozenset(Verb) - {Verb.HIDE_COMMENT},
    sources=frozenset(
        {SourceKind.HASHTAG, SourceKind.SEARCH, SourceKind.FOLLOWERS_OF, SourceKind.LIKERS_OF}
    ),
    pack=PACK,
    hard_caps=(
        HardCap(Verb.FOLLOW, 7500, 0, FOLLOW_CAP),  # window 0: a standing total, not a rate
    ),
    budgets=BUDGETS,
    rate_limit_model=(
        "X-RateLimit-Limit/-Remaining/-Reset headers (reset as an ISO 8601 instant); "
        "300 requests per 5 min per token; follows 400 per 24 h; statuses 300 per 3 h; "
        "all server-configurable"
    ),
    auth_method="OAuth 2.0 authorization code (+PKCE on 4.3+) per instance; tokens never expire",
    unsupported_reasons={
        Verb.HIDE_COMMENT: (
            "Mastodon has no per-reply hide; mute or block the author instead "
            "(https://docs.joinmastodon.org/methods/statuses/)"
        ),
    },
)


def capabilities(account: Account | None) -> Capabilities:
    return CAPABILITIES


def instance_url(account: Account) -> str:
    if not account.instance:
        raise ConfigError(
            [f"accounts[{account.id}]: a mastodon account needs 'instance' (its server's URL)"],
            hint="add for example  instance: https://mastodon.social",
        )
    url = account.instance.strip().rstrip("/")
    return url if "://" in url else f"https://{url}"


def build(account: Account, deps: PlatformDeps) -> MastodonPlatform:
    access, _ = token_getters(deps.tokens, account, NAME)
    reset = iso_or_epoch_reset("x-ratelimit-reset")
    api = ApiSession(
        platform=NAME,
        client=deps.client(instance_url(account), {"accept": "application/json"}),
        endpoints=ENDPOINTS,
        clock=deps.clock,
        reset_reader=reset,
        rate_reader=header_rate("x-ratelimit-", reset),
        token=access,
        classifier=_classify,
        shared_bucket=RATE_BUCKET,
    )
    return MastodonPlatform(account.id, account.handle, api)


def _classify(response: httpx.Response, message: str) -> PlatformError | None:
    status, lower = response.status_code, message.lower()
    if status == 401:
        return AuthExpired(
            message,
            hint="Mastodon tokens do not expire, so this one was revoked; reconnect with "
            "'socialseed auth login ACCOUNT'",
            status=status,
        )
    if status == 403 and "outside the authorized scopes" in lower:
        return AuthExpired(
            message, hint="reconnect with 'socialseed auth login ACCOUNT' to grant it", status=403
        )
    if status == 403 and any(word in lower for word in _RESTRICTED_WORDS):
        return AccountRestricted(
            message, hint="the instance restricted this account; check it on the web", status=403
        )
    if status == 403:
        return PermanentError(message, hint="the instance refused this action", status=403)
    if status == 410:
        return NotFound(message, hint="the account or post is gone", status=410)
    if status == 422:
        return PermanentError(
            message,
            hint="the instance rejected the request (follow limits: 400 per day, 7,500 in all)",
            status=422,
        )
    return None


class MastodonPlatform(Platform):
    """One account on one Mastodon instance."""

    name = NAME

    def __init__(self, account_id: str, handle: str, api: ApiSession) -> None:
        super().__init__(account_id, handle, CAPABILITIES)
        self.api = api
        self.last_rate = api.last_rate
        self._me: Profile | None = None

    async def _json(self, name: str, **kwargs: Any) -> tuple[Any, httpx.Response]:
        response = await self.api.call(name, **kwargs)
        return parse_json(response, platform=NAME), response

    # --- reads --------------------------------------------------------------------------

    async def me(self) -> Profile:
        if self._me is None:
            self._me = m.profile(await self.api.json("verify_credentials"))
        return self._me

    async def lookup(self, handle: str) -> Profile:
        """An account by ``user`` or ``user@domain``; remote ones the instance does not know
        yet are resolved once through search (``resolve=true``)."""
        acct = handle.strip().lstrip("@")
        try:
            return m.profile(await self.api.json("lookup", params={"acct": acct}))
        except NotFound:
            if "@" not in acct:
                raise
        params = {"q": f"@{acct}", "type": "accounts", "resolve": "true", "limit": 1}
        found = (await self.api.json("search", params=params)).get("accounts") or []
        if not found or str(found[0].get("acct", "")).lower() != acct.lower():
            raise NotFound(
                f"mastodon: no account {acct!r} is known to this instance",
                hint="check the handle (user@domain for accounts on other servers)",
            )
        return m.profile(found[0])

    async def discover(self, source: Source, cursor: str | None = None) -> Page:
        readers: dict[SourceKind, SourceReader] = {
            SourceKind.HASHTAG: self._hashtag,
            SourceKind.SEARCH: self._search,
            SourceKind.FOLLOWERS_OF: self._followers_of,
            SourceKind.LIKERS_OF: self._likers_of,
        }
        return await read_source("mastodon", readers, source, cursor)

    async def _accounts_page(self, name: str, path: dict[str, str], cursor: str | None) -> Page:
        params = {"limit": ACCOUNTS_PAGE, **m.cursor_params(cursor)}
        data, response = await self._json(name, path=path, params=params)
        return Page([m.profile(a) for a in data], m.next_cursor(response))

    async def _followers_of(self, handle: str, cursor: str | None) -> Page:
        target = await self.lookup(handle)
        return await self._accounts_page("followers", {"id": target.id}, cursor)

    async def _likers_of(self, status: str, cursor: str | None) -> Page:
        try:
            sid = m.status_id(status)
        except ValueError:
            raise PolicyError(
                f"mastodon: {status!r} is not a status id or link on this instance",
                hint="use the status's id or its link on your own instance",
            ) from None
        return await self._accounts_page("favourited_by", {"id": sid}, cursor)

    async def _hashtag(self, tag: str, cursor: str | None) -> Page:
        params = {"limit": STATUSES_PAGE, **m.cursor_params(cursor)}
        path = {"tag": tag.lstrip("#")}
        statuses, response = await self._json("tag_timeline", path=path, params=params)
        return Page(_authors(statuses), m.next_cursor(response))

    async def _search(self, query: str, cursor: str | None) -> Page:
        offset = int(m.cursor_params(cursor).get("offset") or 0)
        params = {"q": query, "type": "accounts", "limit": SEARCH_PAGE, "offset": offset}
        data = await self.api.json("search", params=params)
        accounts = data.get("accounts") or []
        more = len(accounts) >= SEARCH_PAGE
        return Page(
            [m.profile(a) for a in accounts], f"offset={offset + len(accounts)}" if more else None
        )

    async def recent_posts(self, user_id: str, limit: int = 5) -> list[Post]:
        params = {"limit": max(1, min(limit, 40)), "exclude_reblogs": "true"}
        data = await self.api.json("account_statuses", path={"id": user_id}, params=params)
        return [m.post(s) for s in data][:limit]

    async def following_ids(self) -> set[str] | None:
        return await self._all_ids("following")

    async def follower_ids(self) -> set[str] | None:
        return await self._all_ids("followers")

    async def _all_ids(self, name: str) -> set[str]:
        me = await self.me()
        ids: set[str] = set()
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            page = await self._accounts_page(name, {"id": me.id}, cursor)
            ids.update(p.id for p in page.profiles)
            cursor = page.cursor if page.profiles else None
            if cursor is None:
                break
        return ids

    async def inbox(
        self, since: str | None = None, *, max_context: int = CONTEXT_READS
    ) -> InboxPage:
        """Mentions (replies to us included) newer than the notification id ``since``.

        ``GET /api/v1/notifications?types[]=mention&since_id=``, newest first, paged back with
        the Link header's ``max_id``; the cursor kept is the newest notification id seen. Then
        a message that answers a status gets its thread from one ``GET
        /api/v1/statuses/:id/context`` (the last ancestors), for at most ``max_context``
        messages (questions first, then the newest) and never past the rate window's remaining
        calls less ``CONTEXT_RESERVE``; a plain mention costs no read.
        """
        items, newest, complete = await self._mentions(since)
        me = await self.me()
        wanted = context_order([i for i in items if i.message.parent_id is not None])
        reads = min(max_context, self._calls_left())
        threaded = {i.message.id: await self._with_thread(i, me.id) for i in wanted[:reads]}
        items = [threaded.get(i.message.id, i) for i in items]
        return _inbox_page(items, newest, complete=complete, without_context=len(wanted[reads:]))

    def _calls_left(self) -> int:
        """Calls the shared rate window allows before our reserve (unlimited when unknown)."""
        info = self.last_rate.get(RATE_BUCKET)
        if info is None or info.remaining is None:
            return CONTEXT_READS_UNKNOWN
        return max(0, info.remaining - CONTEXT_RESERVE)

    async def _mentions(self, since: str | None) -> tuple[list[InboxItem], str | None, bool]:
        """The mention notifications newer than ``since``, the newest id, and completeness."""
        me = await self.me()
        items: list[InboxItem] = []
        newest, cursor = since, None
        for _ in range(INBOX_PAGES):
            params: dict[str, Any] = {"types[]": ["mention"], "limit": NOTIFICATIONS_PAGE}
            params |= {k: v for k, v in m.cursor_params(cursor).items() if k == "max_id"}
            if since:
                params["since_id"] = since
            notes, response = await self._json("notifications", params=params)
            for note in notes:
                newest = _newer(newest, str(note["id"]))
                item = m.message(note, me.id) if note.get("type") == "mention" else None
                if item is not None:
                    items.append(item)
            cursor = m.next_cursor(response) if notes else None
            if cursor is None:
                return items, newest, True
        return items, newest, False

    async def _with_thread(self, item: InboxItem, my_id: str) -> InboxItem:
        """The item with the statuses before it (none for a plain mention or a gone status)."""
        if item.message.parent_id is None:
            return item
        try:
            context = await self.api.json("context", path={"id": item.message.id})
        except NotFound:
            return item
        return replace(item, thread=m.thread(context, my_id))

    # --- writes -------------------------------------------------------------------------

    async def execute(self, action: Action) -> Outcome:
        verb = action.verb
        if verb is Verb.HIDE_COMMENT:
            raise PolicyError(
                f"mastodon: {CAPABILITIES.unsupported_reasons[verb]}",
                hint=f"mastodon offers: {CAPABILITIES.offers()}",
            )
        if verb is Verb.REPLY:
            return await self._reply(action)
        simple = {
            Verb.FOLLOW: ("follow", action.target.id),
            Verb.UNFOLLOW: ("unfollow", action.target.id),
            Verb.MUTE: ("mute", action.target.id),
            Verb.LIKE: ("favourite", _post_id(action)),
            Verb.UNLIKE: ("unfavourite", _post_id(action)),
            Verb.REPOST: ("reblog", _post_id(action)),
        }
        name, target = simple[verb]
        data, response = await self._json(name, path={"id": target})
        return _outcome(verb, data, response)

    async def _reply(self, action: Action) -> Outcome:
        if not action.target.text:
            raise PolicyError(
                f"mastodon: reply {action.id} has no text",
                hint="give the reply text in the plan before approving it",
            )
        form = {"status": action.target.text, "in_reply_to_id": _post_id(action)}
        headers = {"idempotency-key": action.id}
        data, response = await self._json("post_status", data=form, headers=headers)
        return Outcome("done", http_status=response.status_code, remote_ref=str(data["id"]))

    # --- crash recovery -----------------------------------------------------------------

    async def verify(self, action: Action) -> bool:
        verb = action.verb
        if verb in (Verb.FOLLOW, Verb.UNFOLLOW, Verb.MUTE):
            rel = await self._relationship(action.target.id)
            if verb is Verb.MUTE:
                return bool(rel.get("muting"))
            following = bool(rel.get("following") or rel.get("requested"))
            return following if verb is Verb.FOLLOW else not following
        if verb in (Verb.LIKE, Verb.UNLIKE, Verb.REPOST):
            status = await self.api.json("status", path={"id": _post_id(action)})
            if verb is Verb.REPOST:
                return bool(status.get("reblogged"))
            return bool(status.get("favourited")) == (verb is Verb.LIKE)
        if verb is Verb.REPLY:
            return await self._replied(_post_id(action))
        return False

    async def confirm(self, action: Action) -> Outcome | None:
        """A reply: our status among the message's descendants (``GET
        /api/v1/statuses/:id/context``), with its id; other verbs: ``verify``."""
        if action.verb is not Verb.REPLY:
            return await super().confirm(action)
        found = await self._our_replies(_post_id(action))
        if not found:
            return None
        return Outcome("done", CONFIRMED, remote_ref=str(found[0]["id"]))

    async def _relationship(self, account_id: str) -> dict[str, Any]:
        data = await self.api.json("relationships", params={"id[]": [account_id]})
        return dict(data[0]) if data else {}

    async def _replied(self, status_id: str) -> bool:
        return bool(await self._our_replies(status_id))

    async def _our_replies(self, status_id: str) -> list[dict[str, Any]]:
        """Our statuses that answer ``status_id`` directly, oldest first."""
        me = await self.me()
        context = await self.api.json("context", path={"id": status_id})
        return [
            s
            for s in context.get("descendants") or []
            if str(s.get("in_reply_to_id")) == status_id
            and str((s.get("account") or {}).get("id")) == me.id
        ]

    def requests_sent(self) -> int:
        return self.api.sent

    async def aclose(self) -> None:
        await self.api.aclose()


def _newer(kept: str | None, seen: str) -> str:
    """The larger of two Mastodon ids (numeric strings; longer is newer)."""
    if kept is None:
        return seen
    return max(kept, seen, key=lambda i: (len(i), i))


def _inbox_page(
    items: list[InboxItem], cursor: str | None, *, complete: bool = True, without_context: int = 0
) -> InboxPage:
    ordered = sorted(items, key=lambda i: (i.message.created_at, i.message.id))
    return InboxPage(tuple(ordered), cursor, complete, without_context)


def _post_id(action: Action) -> str:
    return action.target.post_id or action.target.id


def _authors(statuses: list[dict[str, Any]]) -> list[Profile]:
    """The distinct authors of statuses, in order, each with the statuses found."""
    from dataclasses import replace

    posts: dict[str, list[Post]] = {}
    authors: dict[str, Profile] = {}
    for status in statuses:
        author = m.profile(status["account"])
        authors.setdefault(author.id, author)
        posts.setdefault(author.id, []).append(m.post(status))
    return [replace(p, recent_posts=tuple(posts[p.id])) for p in authors.values()]


def _outcome(verb: Verb, data: dict[str, Any], response: httpx.Response) -> Outcome:
    detail = ""
    if verb is Verb.FOLLOW and data.get("requested") and not data.get("following"):
        detail = "follow request sent (the account approves followers)"
    ref = str(data["id"]) if verb is Verb.REPOST and data.get("id") else None
    return Outcome("done", detail=detail, http_status=response.status_code, remote_ref=ref)
