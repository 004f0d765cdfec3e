"""X API v2 adapter: tiers, exact requests, paging, the summoned-reply rule, problem+json errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialseed.errors import (
    ActionBlocked,
    AuthExpired,
    NotFound,
    PermanentError,
    PolicyError,
    RateLimited,
    Transient,
)
from socialseed.model import Action, Risk, Source, SourceKind, Target, Verb, action_id
from socialseed.platforms import x
from tests.adapters.harness import FakeTokens, Reply, Server, account, deps, fixture

USER_FIELDS = "created_at,description,profile_image_url,protected,public_metrics,verified"
TWEET_FIELDS = "created_at,public_metrics,author_id,referenced_tweets,entities,lang"


def fx(name: str) -> object:
    return fixture("x", name)


def server() -> Server:
    return Server(x.ENDPOINTS, "api.x.com")


def make(srv: Server, tier: str | None = None, tokens: FakeTokens | None = None) -> x.XPlatform:
    extra = {"access_tier": tier} if tier else {}
    return x.build(account("x", handle="me_studio", **extra), deps(srv, tokens))


def act(verb: Verb, target: Target) -> Action:
    return Action(
        id=action_id("my-x", verb.value, target),
        account="my-x",
        platform="x",
        verb=verb,
        target=target,
        reason="test",
        risk=Risk.GREEN,
    )


ALICE = Target("account", "2001", "alice")
POST = Target("post", "2001", "alice", post_id="5100")


# --- capabilities per tier ------------------------------------------------------------


@pytest.mark.parametrize("tier", ["pay_per_use", "basic", "pro", None])
def test_self_serve_tiers_lack_follow_and_like_with_a_sourced_reason(tier: str | None) -> None:
    caps = x.capabilities(account("x", access_tier=tier) if tier else None)
    assert caps.supports == {Verb.REPOST, Verb.REPLY, Verb.HIDE_COMMENT, Verb.MUTE}
    for verb in (Verb.FOLLOW, Verb.UNFOLLOW, Verb.LIKE, Verb.UNLIKE):
        assert "2026-04-20" in caps.unsupported_reasons[verb]
        assert "docs.x.com/changelog" in caps.unsupported_reasons[verb]


def test_enterprise_has_everything_and_pay_per_use_has_prices() -> None:
    enterprise = x.capabilities(account("x", access_tier="enterprise"))
    assert enterprise.supports == frozenset(Verb)
    assert enterprise.cost_usd == {}
    ppu = x.capabilities(None)
    assert ppu.cost_usd[Verb.REPOST] == 0.015 and ppu.cost_usd[Verb.REPLY] == 0.010
    assert Verb.FOLLOW not in ppu.cost_usd


def test_policy_pack_forbids_churn_and_auto_likes_and_needs_a_person() -> None:
    pack = x.capabilities(None).pack
    assert pack.unfollow_non_followers is False
    assert {f.name for f in pack.forbidden} == {"follow_unfollow_churn", "hashtag_auto_like"}
    assert all(f.source.startswith("https://") for f in pack.forbidden)
    assert pack.requires_human == {Verb.FOLLOW, Verb.LIKE, Verb.REPOST, Verb.REPLY}
    assert Verb.MUTE not in pack.requires_human


# --- reads ------------------------------------------------------------------------------


async def test_followers_of_pages_with_pagination_token_to_the_last_page() -> None:
    srv = server().on("user_by_username", fx("user_by_username_lens"), fx("user_by_username_lens"))
    srv.on("followers", fx("followers_p1"), fx("followers_p2"))
    platform = make(srv)
    source = Source(SourceKind.FOLLOWERS_OF, "@lenscollective")
    first = await platform.discover(source)
    second = await platform.discover(source, first.cursor)

    assert [p.handle for p in first.profiles + second.profiles] == ["alice", "bob", "carol"]
    assert second.cursor is None
    lookup, page1, _, page2 = srv.seen
    assert (lookup.method, lookup.path) == ("GET", "/2/users/by/username/lenscollective")
    assert lookup.query == {"user.fields": [USER_FIELDS]}
    assert page1.path == "/2/users/2000/followers"
    assert page1.query == {"max_results": ["100"], "user.fields": [USER_FIELDS]}
    assert page2.params()["pagination_token"] == "7140dibdnow9c7btw481s8m561gat797rboud5r80xvzm"
    assert all(s.headers["authorization"] == "Bearer tok-1" for s in srv.seen)
    alice, bob = first.profiles
    assert (alice.followers, alice.following, alice.posts) == (500, 300, 1200)
    assert bob.posts == 1200 and bob.has_avatar is False and alice.has_avatar is True


async def test_hashtag_uses_recent_search_with_author_expansion() -> None:
    srv = server().on("search_recent", fx("search_recent"), {"meta": {"result_count": 0}})
    platform = make(srv)
    page = await platform.discover(Source(SourceKind.HASHTAG, "filmphotography"))
    last = await platform.discover(Source(SourceKind.HASHTAG, "filmphotography"), page.cursor)

    assert srv.seen[0].path == "/2/tweets/search/recent"
    assert srv.seen[0].query == {
        "max_results": ["100"],
        "tweet.fields": [TWEET_FIELDS],
        "expansions": ["author_id"],
        "user.fields": [USER_FIELDS],
        "query": ["#filmphotography -is:retweet"],
    }
    assert srv.seen[1].params()["next_token"] == "b26v89c19zqg8o3fpzbkk"
    assert [p.handle for p in page.profiles] == ["alice", "bob"]
    assert [p.id for p in page.profiles[0].recent_posts] == ["5001", "5003"]
    assert last.profiles == [] and last.cursor is None


async def test_likers_and_mentioners() -> None:
    srv = server().on("liking_users", fx("liking_users")).on("me", fx("me"))
    srv.on("mentions", fx("mentions"))
    platform = make(srv)
    likers = await platform.discover(Source(SourceKind.LIKERS_OF, "https://x.com/a/status/5001"))
    mentioners = await platform.discover(Source(SourceKind.COMMENTERS, "own"))

    assert srv.only("liking_users")[0].path == "/2/tweets/5001/liking_users"
    assert srv.only("liking_users")[0].params()["max_results"] == "100"
    assert srv.only("mentions")[0].path == "/2/users/1000/mentions"
    assert [p.handle for p in likers.profiles] == ["carol"]
    assert [p.handle for p in mentioners.profiles] == ["alice"]


async def test_partial_error_in_a_200_is_not_found() -> None:
    srv = server().on("user_by_username", fx("partial_not_found"))
    with pytest.raises(NotFound, match="Could not find user"):
        await make(srv).lookup("nobody_here")


# --- writes -----------------------------------------------------------------------------


async def test_self_serve_repost_hide_and_mute_send_the_documented_requests() -> None:
    srv = server().on("me", fx("me")).on("repost", fx("repost")).on("hide_reply", fx("hide"))
    srv.on("mute", fx("mute"))
    platform = make(srv)
    await platform.execute(act(Verb.REPOST, POST))
    await platform.execute(act(Verb.HIDE_COMMENT, Target("post", "2001", "alice", post_id="5200")))
    await platform.execute(act(Verb.MUTE, ALICE))

    sent = [(s.method, s.path, s.json()) for s in srv.seen[1:]]
    assert sent == [
        ("POST", "/2/users/1000/retweets", {"tweet_id": "5100"}),
        ("PUT", "/2/tweets/5200/hidden", {"hidden": True}),
        ("POST", "/2/users/1000/muting", {"target_user_id": "2001"}),
    ]
    assert srv.seen[0].path == "/2/users/me"


async def test_follow_and_like_on_a_self_serve_tier_are_refused_before_any_request() -> None:
    srv = server()
    platform = make(srv, tier="pro")
    with pytest.raises(PolicyError, match="2026-04-20") as err:
        await platform.execute(act(Verb.FOLLOW, ALICE))
    assert "repost" in str(err.value)
    with pytest.raises(PolicyError, match="likes"):
        await platform.execute(act(Verb.LIKE, POST))
    assert srv.seen == []


async def test_enterprise_follow_unfollow_like_unlike() -> None:
    srv = server().on("me", fx("me")).on("follow", fx("follow_pending"))
    srv.on("unfollow", fx("unfollow")).on("like", fx("like")).on("unlike", fx("unlike"))
    platform = make(srv, tier="enterprise")
    follow = await platform.execute(act(Verb.FOLLOW, ALICE))
    await platform.execute(act(Verb.UNFOLLOW, ALICE))
    await platform.execute(act(Verb.LIKE, POST))
    await platform.execute(act(Verb.UNLIKE, POST))

    assert [(s.method, s.path, s.json()) for s in srv.seen[1:]] == [
        ("POST", "/2/users/1000/following", {"target_user_id": "2001"}),
        ("DELETE", "/2/users/1000/following/2001", None),
        ("POST", "/2/users/1000/likes", {"tweet_id": "5100"}),
        ("DELETE", "/2/users/1000/likes/5100", None),
    ]
    assert "pending" in follow.detail


async def test_reply_where_mentioned_is_sent() -> None:
    srv = server().on("me", fx("me")).on("post", fx("post_mentions_me"))
    srv.on("create_post", Reply(201, fx("create_post")))
    target = Target("post", "2001", "alice", post_id="5100", text="@alice thanks")
    outcome = await make(srv).execute(act(Verb.REPLY, target))

    check = srv.only("post")[0]
    assert check.path == "/2/tweets/5100"
    assert check.params()["expansions"] == "referenced_tweets.id"
    create = srv.only("create_post")[0]
    assert (create.method, create.path) == ("POST", "/2/tweets")
    assert create.json() == {"text": "@alice thanks", "reply": {"in_reply_to_tweet_id": "5100"}}
    assert outcome.http_status == 201 and outcome.remote_ref == "6002"


async def test_reply_where_quoted_is_sent_but_unsummoned_is_refused() -> None:
    srv = server().on("me", fx("me")).on("post", fx("post_quotes_me"), fx("post_no_mention"))
    srv.on("create_post", Reply(201, fx("create_post")))
    platform = make(srv)
    quoted = Target("post", "2001", "alice", post_id="5101", text="thanks!")
    await platform.execute(act(Verb.REPLY, quoted))
    cold = Target("post", "2001", "alice", post_id="5001", text="nice!")
    with pytest.raises(PolicyError, match="neither mentions nor quotes @me_studio"):
        await platform.execute(act(Verb.REPLY, cold))
    assert len(srv.only("create_post")) == 1


async def test_enterprise_reply_skips_the_summoned_check() -> None:
    srv = server().on("me", fx("me")).on("create_post", Reply(201, fx("create_post")))
    target = Target("post", "2001", "alice", post_id="5001", text="hi")
    await make(srv, tier="enterprise").execute(act(Verb.REPLY, target))
    assert "post" not in srv.names()


async def test_verify_reads_own_posts_likes_and_following() -> None:
    srv = server().on("me", fx("me")).on("user_posts", fx("own_posts"), fx("own_posts"))
    srv.on("liked_posts", fx("liked_posts")).on("following", fx("followers_p2"))
    platform = make(srv, tier="enterprise")
    assert await platform.verify(act(Verb.REPOST, Target("post", "2001", "a", post_id="5001")))
    assert await platform.verify(act(Verb.REPLY, POST))
    assert await platform.verify(act(Verb.LIKE, Target("post", "2001", "a", post_id="5001")))
    assert await platform.verify(act(Verb.FOLLOW, ALICE)) is False
    assert srv.only("user_posts")[0].path == "/2/users/1000/tweets"


# --- errors ------------------------------------------------------------------------------


async def test_401_refreshes_once_then_is_auth_expired() -> None:
    tokens = FakeTokens()
    srv = server().on("me", Reply(401, fx("error_401")), fx("me"))
    assert (await make(srv, tokens=tokens).me()).id == "1000"
    assert [s.headers["authorization"] for s in srv.seen] == ["Bearer tok-1", "Bearer tok-2"]

    srv2 = server().on("me", Reply(401, fx("error_401")), Reply(401, fx("error_401")))
    with pytest.raises(AuthExpired, match="Unauthorized") as err:
        await make(srv2).me()
    assert err.value.exit_code == 4


async def test_429_uses_the_24_hour_reset_when_that_window_is_spent() -> None:
    headers = {
        "x-rate-limit-limit": "50",
        "x-rate-limit-remaining": "12",
        "x-rate-limit-reset": "1795629600",
        "x-user-limit-24hour-limit": "1000",
        "x-user-limit-24hour-remaining": "0",
        "x-user-limit-24hour-reset": "1795700000",
    }
    srv = server().on("me", fx("me")).on("repost", Reply(429, fx("error_429"), headers))
    platform = make(srv)
    with pytest.raises(RateLimited, match="Rate limit exceeded") as err:
        await platform.execute(act(Verb.REPOST, POST))
    assert err.value.reset_at == datetime.fromtimestamp(1795700000, UTC)
    assert platform.last_rate["repost"].bucket == "repost:24h-user"


async def test_429_with_only_the_15_minute_headers() -> None:
    headers = {"x-rate-limit-limit": "50", "x-rate-limit-remaining": "0"}
    headers["x-rate-limit-reset"] = "1795629600"
    srv = server().on("me", Reply(429, fx("error_429"), headers))
    with pytest.raises(RateLimited) as err:
        await make(srv).me()
    assert err.value.reset_at == datetime.fromtimestamp(1795629600, UTC)


async def test_403_client_forbidden_names_the_tier() -> None:
    srv = server().on("me", fx("me"))
    srv.on("repost", Reply(403, fx("error_403_client_forbidden")))
    with pytest.raises(PermanentError, match="attached to a Project") as err:
        await make(srv, tier="basic").execute(act(Verb.REPOST, POST))
    assert "access tier 'basic'" in str(err.value)


async def test_403_not_permitted_is_action_blocked_and_402_is_credits() -> None:
    srv = server().on("me", fx("me"))
    srv.on(
        "repost",
        Reply(403, fx("error_403_not_permitted")),
        Reply(402, fx("error_402_credits")),
    )
    platform = make(srv)
    with pytest.raises(ActionBlocked, match="not permitted"):
        await platform.execute(act(Verb.REPOST, POST))
    with pytest.raises(PermanentError, match="does not have any credits") as err:
        await platform.execute(act(Verb.REPOST, POST))
    assert "spending limit" in str(err.value)


async def test_5xx_malformed_json_and_html_pages_are_transient() -> None:
    srv = server().on(
        "me",
        Reply(503, {"title": "Service Unavailable", "detail": "Service Unavailable"}),
        Reply(200, text="{"),
        Reply(500, text="<html><title>Something went wrong</title></html>"),
    )
    platform = make(srv)
    with pytest.raises(Transient, match="Service Unavailable"):
        await platform.me()
    with pytest.raises(Transient, match="malformed answer"):
        await platform.me()
    with pytest.raises(Transient, match="HTML page"):
        await platform.me()


async def test_inbox_reads_the_mentions_timeline_since_the_cursor_with_pagination() -> None:
    srv = server().on("me", fx("me"))
    srv.on("mentions", fx("mentions_inbox_p1"), fx("mentions_inbox_p2"))
    platform = make(srv, "basic")

    page = await platform.inbox("5200")

    calls = srv.only("mentions")
    assert calls[0].path == "/2/users/1000/mentions"
    fields = f"{TWEET_FIELDS},conversation_id,in_reply_to_user_id"
    expansions = "author_id,referenced_tweets.id,referenced_tweets.id.author_id"
    first = {"max_results": "100", "tweet.fields": fields, "expansions": expansions}
    first |= {"user.fields": USER_FIELDS, "since_id": "5200"}
    assert calls[0].params() == first
    assert calls[1].params() == first | {"pagination_token": "7140dibdnow9c7btw4"}
    assert page.cursor == "5302" and page.complete
    got = [
        (i.message.id, i.message.source.value, i.message.root_id, i.message.parent_id)
        for i in page.items
    ]
    assert got == [("5301", "mention", "5301", None), ("5302", "reply", "5000", "5000")]
    assert page.items[1].message.author.handle == "alice"
    assert page.items[1].message.author.followers == 500
    # the post alice answers came expanded in the same answer: no extra request, ours marked
    assert srv.names() == ["me", "mentions", "mentions"]
    thread = [(p.id, p.author_handle, p.text, p.mine) for p in page.items[1].thread]
    assert thread == [("5000", "me_studio", "New roll is up: Portra 400 & a Nikon FM2", True)]
    assert page.items[0].thread == ()


async def test_inbox_thread_is_the_post_answered_not_the_post_quoted() -> None:
    mention = {
        "id": "5400",
        "text": "@me_studio @dan agreed, see this",
        "author_id": "2003",
        "conversation_id": "5390",
        "in_reply_to_user_id": "2004",
        "created_at": "2026-11-25T18:00:00.000Z",
        "edit_history_tweet_ids": ["5400"],
        "referenced_tweets": [
            {"type": "quoted", "id": "5100"},
            {"type": "replied_to", "id": "5390"},
        ],
    }
    answered = {"id": "5390", "text": "Grain is a feature", "author_id": "2004"}
    quoted = {"id": "5100", "text": "Unrelated quote", "author_id": "2005"}
    body = {
        "data": [mention],
        "includes": {
            "users": [{"id": "2003", "username": "carol"}, {"id": "2004", "username": "dan"}],
            "tweets": [quoted, answered],
        },
        "meta": {"result_count": 1, "newest_id": "5400", "oldest_id": "5400"},
    }
    srv = server().on("me", fx("me")).on("mentions", body)

    page = await make(srv, "basic").inbox()

    thread = [(p.id, p.author_handle, p.text, p.mine) for p in page.items[0].thread]
    assert thread == [("5390", "dan", "Grain is a feature", False)]
    assert srv.names() == ["me", "mentions"]


async def test_a_reply_to_an_inbox_mention_is_sent_with_in_reply_to_tweet_id() -> None:
    srv = server().on("me", fx("me")).on("mentions", fx("mentions_inbox_p2"))
    srv.on("post", fx("post_mentions_me")).on("create_post", Reply(201, fx("create_post")))
    platform = make(srv, "basic")
    message = (await platform.inbox()).items[0].message
    target = Target("post", message.author.id, message.author.handle, message.id, text="Thanks!")

    await platform.execute(act(Verb.REPLY, target))

    sent = srv.only("create_post")[0].json()
    assert sent == {"text": "Thanks!", "reply": {"in_reply_to_tweet_id": "5301"}}
