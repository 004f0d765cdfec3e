"""Bluesky adapter against recorded answers: exact requests, paging, records, errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialseed.errors import (
    AccountRestricted,
    AuthExpired,
    PolicyError,
    RateLimited,
    Transient,
)
from socialseed.model import Action, Risk, Source, SourceKind, Target, Verb, action_id
from socialseed.platforms import bluesky
from tests.adapters.harness import FakeTokens, Reply, Server, account, deps, fixture

ME = "did:plc:me123"
POST1 = "at://did:plc:alice1/app.bsky.feed.post/3lbpost1"


def fx(name: str) -> object:
    return fixture("bluesky", name)


def make(server: Server, tokens: FakeTokens | None = None, **extra: str) -> bluesky.BlueskyPlatform:
    acct = account("bluesky", handle="me.bsky.example", **extra)
    return bluesky.build(acct, deps(server, tokens))


def server() -> Server:
    return Server(bluesky.ENDPOINTS, "bsky.social")


def act(verb: Verb, target: Target) -> Action:
    return Action(
        id=action_id("my-bluesky", verb.value, target),
        account="my-bluesky",
        platform="bluesky",
        verb=verb,
        target=target,
        reason="test",
        risk=Risk.GREEN,
    )


ALICE = Target(kind="account", id="did:plc:alice1", handle="alice.film.example")
POST = Target(
    kind="post",
    id="did:plc:alice1",
    handle="alice.film.example",
    post_id=POST1,
    ref={"uri": POST1, "cid": "bafyreipost1"},
)


async def test_followers_of_pages_to_the_last_page_with_exact_requests() -> None:
    srv = server()
    srv.on("get_followers", fx("get_followers_p1"), fx("get_followers_p2"))
    srv.on("get_profiles", fx("get_profiles_p1"), fx("get_profiles_p2"))
    platform = make(srv)
    source = Source(SourceKind.FOLLOWERS_OF, "lens.collective.example")

    first = await platform.discover(source)
    second = await platform.discover(source, first.cursor)

    assert [p.handle for p in first.profiles] == ["alice.film.example", "bob.film.example"]
    assert first.cursor == "3lbfollowcursor2"
    assert [p.handle for p in second.profiles] == ["carol.film.example"]
    assert second.cursor is None
    calls = srv.seen
    assert [(c.method, c.path) for c in calls] == [
        ("GET", "/xrpc/app.bsky.graph.getFollowers"),
        ("GET", "/xrpc/app.bsky.actor.getProfiles"),
        ("GET", "/xrpc/app.bsky.graph.getFollowers"),
        ("GET", "/xrpc/app.bsky.actor.getProfiles"),
    ]
    assert calls[0].query == {"actor": ["lens.collective.example"], "limit": ["100"]}
    assert calls[1].query == {"actors": ["did:plc:alice1", "did:plc:bob22"]}
    assert calls[2].query == {
        "actor": ["lens.collective.example"],
        "limit": ["100"],
        "cursor": ["3lbfollowcursor2"],
    }
    assert all(c.headers["authorization"] == "Bearer tok-1" for c in calls)
    assert all(c.url.scheme == "https" for c in calls)
    alice = first.profiles[0]
    assert (alice.id, alice.followers, alice.following, alice.posts) == (
        "did:plc:alice1",
        812,
        340,
        1204,
    )
    assert alice.has_avatar is True and first.profiles[1].has_avatar is False


async def test_hashtag_searches_posts_and_carries_them_as_recent_posts() -> None:
    srv = server().on("search_posts", fx("search_posts")).on("get_profiles", fx("get_profiles_p1"))
    page = await make(srv).discover(Source(SourceKind.HASHTAG, "filmphotography"))

    assert srv.seen[0].query == {"q": ["#filmphotography"], "sort": ["latest"], "limit": ["100"]}
    assert page.cursor == "25"
    alice = page.profiles[0]
    assert [p.id for p in alice.recent_posts] == [POST1]
    assert alice.recent_posts[0].ref == {"uri": POST1, "cid": "bafyreipost1"}
    assert alice.last_active == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


async def test_search_and_likers_of_use_their_endpoints() -> None:
    srv = server().on("search_actors", fx("search_actors")).on("get_likes", fx("get_likes"))
    srv.on("get_profiles", fx("get_profiles_p1"), fx("get_profiles_p2"))
    srv.on("resolve_handle", {"did": "did:plc:lens1"})
    platform = make(srv)
    await platform.discover(Source(SourceKind.SEARCH, "35mm film"))
    link = "https://bsky.app/profile/lens.collective.example/post/3lbhot"
    page = await platform.discover(Source(SourceKind.LIKERS_OF, link))

    assert srv.only("search_actors")[0].query == {"q": ["35mm film"], "limit": ["100"]}
    assert srv.only("resolve_handle")[0].query == {"handle": ["lens.collective.example"]}
    assert srv.only("get_likes")[0].query == {
        "uri": ["at://did:plc:lens1/app.bsky.feed.post/3lbhot"],
        "limit": ["100"],
    }
    assert [p.handle for p in page.profiles] == ["carol.film.example"]


async def test_commenters_of_own_posts_come_from_their_threads() -> None:
    srv = server().on("resolve_handle", fx("resolve_handle"))
    srv.on("get_author_feed", fx("get_author_feed_own")).on(
        "get_post_thread", fx("get_post_thread")
    )
    srv.on("get_profiles", fx("get_profiles_p1"))
    page = await make(srv).discover(Source(SourceKind.COMMENTERS, "own"))

    feed = srv.only("get_author_feed")[0]
    assert feed.query == {"actor": [ME], "filter": ["posts_no_replies"], "limit": ["10"]}
    thread = srv.only("get_post_thread")  # the post without replies is not read
    assert [t.query for t in thread] == [
        {"uri": ["at://did:plc:me123/app.bsky.feed.post/3lbroot"], "depth": ["1"]}
    ]
    alice = page.profiles[0]
    assert alice.handle == "alice.film.example"
    comment = alice.recent_posts[0]
    assert comment.id == "at://did:plc:alice1/app.bsky.feed.post/3lbreply"
    assert comment.ref["root_uri"] == "at://did:plc:me123/app.bsky.feed.post/3lbroot"
    assert page.cursor == "2026-11-24T08:00:00.000Z"


async def test_follow_creates_a_follow_record_in_our_repo() -> None:
    srv = server().on("resolve_handle", fx("resolve_handle"))
    srv.on("create_record", fx("create_record_follow"))
    outcome = await make(srv).execute(act(Verb.FOLLOW, ALICE))

    create = srv.only("create_record")[0]
    assert (create.method, create.path) == ("POST", "/xrpc/com.atproto.repo.createRecord")
    assert create.json() == {
        "repo": ME,
        "collection": "app.bsky.graph.follow",
        "record": {
            "$type": "app.bsky.graph.follow",
            "subject": "did:plc:alice1",
            "createdAt": "2026-11-25T18:00:00Z",
        },
    }
    assert create.headers["authorization"] == "Bearer tok-1"
    assert outcome.status == "done"
    assert outcome.remote_ref == "at://did:plc:me123/app.bsky.graph.follow/3lbfollowA"


async def test_follow_by_handle_resolves_the_did_first() -> None:
    srv = server().on("resolve_handle", {"did": "did:plc:alice1"}, fx("resolve_handle"))
    srv.on("create_record", fx("create_record_follow"))
    await make(srv).execute(act(Verb.FOLLOW, Target("account", "alice.film.example", "alice")))
    assert srv.only("create_record")[0].json()["record"]["subject"] == "did:plc:alice1"


async def test_like_uses_the_strong_ref_and_looks_up_a_missing_cid() -> None:
    srv = server().on("resolve_handle", fx("resolve_handle"))
    srv.on("create_record", fx("create_record_like"), fx("create_record_like"))
    srv.on("get_posts", fx("get_posts"))
    platform = make(srv)
    await platform.execute(act(Verb.LIKE, POST))
    bare = Target("post", "did:plc:alice1", "alice.film.example", post_id=POST1)
    await platform.execute(act(Verb.REPOST, bare))

    like, repost = srv.only("create_record")
    assert like.json()["record"]["subject"] == {"uri": POST1, "cid": "bafyreipost1"}
    assert like.json()["collection"] == "app.bsky.feed.like"
    assert srv.only("get_posts")[0].query == {"uris": [POST1]}
    assert repost.json()["collection"] == "app.bsky.feed.repost"
    assert repost.json()["record"]["subject"] == {"uri": POST1, "cid": "bafyreipost1"}


async def test_reply_copies_root_from_the_parent() -> None:
    srv = server().on("resolve_handle", fx("resolve_handle")).on("get_posts", fx("get_posts_reply"))
    srv.on("create_record", {"uri": "at://did:plc:me123/app.bsky.feed.post/3lbmine", "cid": "x"})
    reply_uri = "at://did:plc:alice1/app.bsky.feed.post/3lbreply"
    target = Target("post", "did:plc:alice1", "alice", post_id=reply_uri, text="Thank you!")
    outcome = await make(srv).execute(act(Verb.REPLY, target))

    record = srv.only("create_record")[0].json()["record"]
    assert record["text"] == "Thank you!"
    assert record["reply"] == {
        "root": {"uri": "at://did:plc:me123/app.bsky.feed.post/3lbroot", "cid": "bafyroot"},
        "parent": {"uri": reply_uri, "cid": "bafyreply"},
    }
    assert outcome.remote_ref == "at://did:plc:me123/app.bsky.feed.post/3lbmine"


async def test_unfollow_reads_list_records_and_deletes_by_rkey() -> None:
    srv = server().on("resolve_handle", fx("resolve_handle"))
    srv.on("list_records", fx("list_records_follow_p1"), fx("list_records_follow_p2"))
    srv.on("delete_record", fx("delete_record"))
    outcome = await make(srv).execute(act(Verb.UNFOLLOW, ALICE))

    first, second = srv.only("list_records")
    assert first.query == {
        "repo": [ME],
        "collection": ["app.bsky.graph.follow"],
        "limit": ["100"],
    }
    assert second.params()["cursor"] == "3lbfollowB"
    assert srv.only("delete_record")[0].json() == {
        "repo": ME,
        "collection": "app.bsky.graph.follow",
        "rkey": "3lbfollowA",
    }
    assert outcome.status == "done"


async def test_unlike_without_a_record_is_already_done() -> None:
    srv = server().on("resolve_handle", fx("resolve_handle"))
    srv.on("list_records", {"records": []})
    outcome = await make(srv).execute(act(Verb.UNLIKE, POST))
    assert outcome.status == "already"
    assert "delete_record" not in srv.names()


async def test_verify_reads_the_repo_not_a_stored_uri() -> None:
    srv = server().on("resolve_handle", fx("resolve_handle"))
    srv.on("list_records", fx("list_records_follow_p1"), fx("list_records_follow_p2"))
    srv.on("list_records", fx("list_records_like"))
    platform = make(srv)
    bob = Target("account", "did:plc:nobody", "nobody")
    srv.on("list_records", fx("list_records_follow_p1"), fx("list_records_follow_p2"))

    assert await platform.verify(act(Verb.FOLLOW, ALICE)) is True
    assert await platform.verify(act(Verb.LIKE, POST)) is True
    assert await platform.verify(act(Verb.FOLLOW, bob)) is False


async def test_mute_and_hide_comment() -> None:
    srv = server().on("resolve_handle", fx("resolve_handle")).on("mute_actor", Reply(200))
    srv.on("get_posts", fx("get_posts_reply"))
    srv.on(
        "get_record", Reply(400, {"error": "RecordNotFound", "message": "Could not locate record"})
    )
    srv.on("put_record", {"uri": "at://did:plc:me123/app.bsky.feed.threadgate/3lbroot", "cid": "g"})
    platform = make(srv)
    await platform.execute(act(Verb.MUTE, ALICE))
    reply_uri = "at://did:plc:alice1/app.bsky.feed.post/3lbreply"
    target = Target("post", "did:plc:alice1", "alice", post_id=reply_uri)
    outcome = await platform.execute(act(Verb.HIDE_COMMENT, target))

    assert srv.only("mute_actor")[0].json() == {"actor": "did:plc:alice1"}
    assert srv.only("get_record")[0].query == {
        "repo": [ME],
        "collection": ["app.bsky.feed.threadgate"],
        "rkey": ["3lbroot"],
    }
    put = srv.only("put_record")[0].json()
    assert put["rkey"] == "3lbroot" and put["collection"] == "app.bsky.feed.threadgate"
    assert put["record"]["hiddenReplies"] == [reply_uri]
    assert put["record"]["post"] == "at://did:plc:me123/app.bsky.feed.post/3lbroot"
    assert outcome.status == "done"


async def test_recent_posts_skip_reposts() -> None:
    srv = server().on("get_author_feed", fx("get_author_feed"))
    posts = await make(srv).recent_posts("did:plc:alice1", limit=3)
    assert [p.id for p in posts] == [POST1]
    assert srv.seen[0].query == {
        "actor": ["did:plc:alice1"],
        "limit": ["3"],
        "filter": ["posts_no_replies"],
    }


# --- errors ------------------------------------------------------------------------------


async def test_expired_token_refreshes_once_and_retries() -> None:
    tokens = FakeTokens()
    srv = server().on("get_profile", Reply(400, fx("error_expired_token")), fx("get_profile"))
    profile = await make(srv, tokens).lookup("alice.film.example")

    assert profile.handle == "alice.film.example"
    assert tokens.refreshes == 1
    assert [c.headers["authorization"] for c in srv.seen] == ["Bearer tok-1", "Bearer tok-2"]


async def test_expired_twice_is_auth_expired() -> None:
    expired = Reply(400, fx("error_expired_token"))
    srv = server().on("get_profile", expired, expired)
    with pytest.raises(AuthExpired, match="Token has expired") as err:
        await make(srv).lookup("alice")
    assert err.value.exit_code == 4
    assert "socialseed auth login" in str(err.value)


async def test_invalid_token_is_auth_expired_without_refresh() -> None:
    tokens = FakeTokens()
    srv = server().on("get_profile", Reply(400, fx("error_invalid_token")))
    with pytest.raises(AuthExpired, match="InvalidToken"):
        await make(srv, tokens).lookup("alice")
    assert tokens.refreshes == 0


async def test_429_reads_the_epoch_reset_header() -> None:
    headers = {
        "ratelimit-limit": "3000",
        "ratelimit-remaining": "0",
        "ratelimit-reset": "1795629600",
        "ratelimit-policy": "3000;w=300",
    }
    srv = server().on("get_profile", Reply(429, fx("error_rate_limit"), headers))
    platform = make(srv)
    with pytest.raises(RateLimited, match="Rate Limit Exceeded") as err:
        await platform.lookup("alice")
    assert err.value.reset_at == datetime.fromtimestamp(1795629600, UTC)
    assert platform.last_rate["get_profile"].remaining == 0


async def test_takedown_is_account_restricted() -> None:
    srv = server().on("resolve_handle", fx("resolve_handle"))
    srv.on("create_record", Reply(400, fx("error_takedown")))
    with pytest.raises(AccountRestricted, match="taken down"):
        await make(srv).execute(act(Verb.FOLLOW, ALICE))


async def test_5xx_malformed_json_and_html_pages_are_transient() -> None:
    srv = server().on(
        "get_profile",
        Reply(502, fx("error_upstream")),
        Reply(200, text="{not json"),
        Reply(503, text="<html><body>Service Unavailable</body></html>"),
    )
    platform = make(srv)
    with pytest.raises(Transient, match="Upstream Failure"):
        await platform.lookup("a")
    with pytest.raises(Transient, match="malformed answer"):
        await platform.lookup("a")
    with pytest.raises(Transient, match="an HTML page instead of an API answer"):
        await platform.lookup("a")


async def test_no_token_source_asks_to_log_in() -> None:
    srv = server()
    acct = account("bluesky")
    d = deps(srv)
    d.tokens = None
    with pytest.raises(AuthExpired, match="no credentials") as err:
        await bluesky.build(acct, d).lookup("alice")
    assert "socialseed auth login my-bluesky" in str(err.value)
    assert srv.seen == []


def test_capabilities_encode_write_points_and_approval() -> None:
    caps = bluesky.capabilities(None)
    assert caps.supports == frozenset(Verb)
    assert caps.pack.requires_human == {Verb.FOLLOW, Verb.LIKE, Verb.REPOST, Verb.REPLY}
    assert caps.write_points[Verb.FOLLOW] == 3 and caps.write_points[Verb.UNFOLLOW] == 1
    # one budget of points shared by every write, not a cap per verb (PLATFORMS.md §5.4)
    assert caps.hard_caps == ()
    hourly = [b for b in caps.budgets if b.window_seconds == 3600]
    assert [
        (b.limit, b.cost(Verb.FOLLOW), b.cost(Verb.LIKE), b.cost("unlike")) for b in hourly
    ] == [(5000, 3, 3, 1)]
    assert {b.limit for b in caps.budgets if b.window_seconds == 86400} == {35000}


def test_custom_pds_is_the_base_url() -> None:
    srv = Server(bluesky.ENDPOINTS, "pds.example.net")
    platform = bluesky.build(account("bluesky", service="https://pds.example.net/"), deps(srv))
    assert str(platform.api.client.base_url) == "https://pds.example.net"


async def test_reply_with_a_full_ref_needs_no_lookup() -> None:
    srv = server().on("resolve_handle", fx("resolve_handle"))
    srv.on("create_record", {"uri": "at://did:plc:me123/app.bsky.feed.post/3lbmine", "cid": "x"})
    ref = {"uri": POST1, "cid": "bafyreipost1", "root_uri": "at://r/app.bsky.feed.post/1"}
    ref["root_cid"] = "bafyroot"
    target = Target("post", "did:plc:alice1", "alice", post_id=POST1, ref=ref, text="Hi")
    await make(srv).execute(act(Verb.REPLY, target))
    assert srv.names() == ["resolve_handle", "create_record"]
    reply = srv.only("create_record")[0].json()["record"]["reply"]
    assert reply == {
        "root": {"uri": "at://r/app.bsky.feed.post/1", "cid": "bafyroot"},
        "parent": {"uri": POST1, "cid": "bafyreipost1"},
    }


async def test_a_reply_without_text_is_refused_before_any_request() -> None:
    srv = server()
    target = Target("post", "did:plc:alice1", "alice", post_id=POST1)
    with pytest.raises(PolicyError, match="has no text"):
        await make(srv).execute(act(Verb.REPLY, target))
    assert srv.seen == []


async def test_inbox_reads_notifications_until_the_cursor_with_thread_refs() -> None:
    srv = server()
    srv.on("resolve_handle", fx("resolve_handle"))
    srv.on("list_notifications", fx("list_notifications_p1"), fx("list_notifications_p2"))
    srv.on("get_post_thread", fx("get_post_thread_reply"))
    platform = make(srv)

    page = await platform.inbox("2026-11-24T09:00:00.000Z")

    calls = srv.only("list_notifications")
    assert [c.query for c in calls] == [
        {"limit": ["100"], "reasons": ["mention", "quote", "reply"]},
        {
            "limit": ["100"],
            "reasons": ["mention", "quote", "reply"],
            "cursor": ["2026-11-25T15:00:00.000Z"],
        },
    ]
    assert [(i.message.source.value, i.message.author.handle) for i in page.items] == [
        ("quote", "dave.film.example"),
        ("mention", "carol.film.example"),
        ("reply", "alice.film.example"),
    ]
    assert page.cursor == "2026-11-25T17:00:01.000Z" and page.complete
    reply = page.items[-1].message
    assert reply.ref == {
        "uri": "at://did:plc:alice1/app.bsky.feed.post/3lreply1",
        "cid": "bafyreireply1",
        "root_uri": "at://did:plc:me123/app.bsky.feed.post/3lmine1",
        "root_cid": "bafyreimine1",
    }
    assert reply.parent_id == reply.root_id == "at://did:plc:me123/app.bsky.feed.post/3lmine1"
    assert reply.author.follows_us is True and reply.language == "en"
    mention = page.items[1].message
    assert mention.ref == {
        "uri": "at://did:plc:carol3/app.bsky.feed.post/3lmention1",
        "cid": "bafyreimention1",
    }
    assert mention.author.follows_us is False and mention.language == "es"


async def test_inbox_reads_the_thread_of_a_reply_with_get_post_thread() -> None:
    """One getPostThread (depth 0, the last three parents) per message that answers a post;
    the card gets the last three ancestors, oldest first, ours marked; none for a mention."""
    srv = server()
    srv.on("resolve_handle", fx("resolve_handle"))
    srv.on("list_notifications", fx("list_notifications_p1"), fx("list_notifications_p2"))
    srv.on("get_post_thread", fx("get_post_thread_reply"))

    page = await make(srv).inbox("2026-11-24T09:00:00.000Z")

    assert srv.names() == [
        "list_notifications",
        "resolve_handle",
        "list_notifications",
        "get_post_thread",
    ]
    (read,) = srv.only("get_post_thread")
    assert (read.method, read.path, read.query) == (
        "GET",
        "/xrpc/app.bsky.feed.getPostThread",
        {
            "uri": ["at://did:plc:alice1/app.bsky.feed.post/3lreply1"],
            "depth": ["0"],
            "parentHeight": ["3"],
        },
    )
    threads = {
        i.message.author.handle: [(p.author_handle, p.text, p.mine) for p in i.thread]
        for i in page.items
    }
    assert threads == {
        "dave.film.example": [],
        "carol.film.example": [],
        "alice.film.example": [
            ("erin.film.example", "Film Friday: show your harbour shots", False),
            ("dave.film.example", "Shot anything on the new roll?", False),
            ("me.bsky.example", "Dusk at the harbour, one more from the new roll.", True),
        ],
    }
    assert page.without_context == 0


async def test_inbox_thread_reads_stop_at_max_context() -> None:
    srv = server()
    srv.on("resolve_handle", fx("resolve_handle"))
    srv.on("list_notifications", fx("list_notifications_p1"), fx("list_notifications_p2"))

    page = await make(srv).inbox("2026-11-24T09:00:00.000Z", max_context=0)

    assert srv.only("get_post_thread") == []
    assert page.without_context == 1 and all(i.thread == () for i in page.items)


async def test_a_reply_to_an_inbox_message_threads_under_its_root() -> None:
    srv = server()
    srv.on("resolve_handle", fx("resolve_handle"))
    srv.on("list_notifications", fx("list_notifications_p1"), fx("list_notifications_p2"))
    srv.on("get_post_thread", fx("get_post_thread_reply"))
    srv.on("create_record", fx("create_record_like"))
    platform = make(srv)
    message = (await platform.inbox("2026-11-24T09:00:00.000Z")).items[-1].message
    target = Target(
        "post", message.author.id, message.author.handle, message.id, message.ref, "Portra 400!"
    )

    await platform.execute(act(Verb.REPLY, target))

    record = srv.only("create_record")[0].json()["record"]
    assert record["reply"] == {
        "root": {"uri": "at://did:plc:me123/app.bsky.feed.post/3lmine1", "cid": "bafyreimine1"},
        "parent": {
            "uri": "at://did:plc:alice1/app.bsky.feed.post/3lreply1",
            "cid": "bafyreireply1",
        },
    }
    assert record["text"] == "Portra 400!"
