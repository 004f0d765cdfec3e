"""Mastodon adapter against recorded answers: exact requests, Link paging, errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialseed.errors import (
    AccountRestricted,
    AuthExpired,
    ConfigError,
    NotFound,
    PermanentError,
    PolicyError,
    RateLimited,
    Transient,
)
from socialseed.model import Action, Risk, Source, SourceKind, Target, Verb, action_id
from socialseed.platforms import mastodon
from tests.adapters.harness import FakeTokens, Reply, Server, account, deps, fixture

HOST = "mastodon.example"
BASE = f"https://{HOST}"


def fx(name: str) -> object:
    return fixture("mastodon", name)


def server() -> Server:
    return Server(mastodon.ENDPOINTS, HOST)


def make(srv: Server, tokens: FakeTokens | None = None) -> mastodon.MastodonPlatform:
    acct = account("mastodon", handle="me", instance=HOST)
    return mastodon.build(acct, deps(srv, tokens))


def act(verb: Verb, target: Target) -> Action:
    return Action(
        id=action_id("my-mastodon", verb.value, target),
        account="my-mastodon",
        platform="mastodon",
        verb=verb,
        target=target,
        reason="test",
        risk=Risk.GREEN,
    )


ALICE = Target("account", "111", "alice")
STATUS = Target("post", "111", "alice", post_id="9001")


def link(path: str, max_id: str) -> dict[str, str]:
    return {
        "link": f'<{BASE}{path}?limit=80&max_id={max_id}>; rel="next", '
        f'<{BASE}{path}?limit=80&min_id=999>; rel="prev"'
    }


async def test_followers_of_follows_the_link_header_to_the_last_page() -> None:
    srv = server().on("lookup", fx("lookup_lens"), fx("lookup_lens"))
    srv.on(
        "followers",
        Reply(200, fx("followers_p1"), link("/api/v1/accounts/109/followers", "112")),
        Reply(200, fx("followers_p2")),
    )
    platform = make(srv)
    source = Source(SourceKind.FOLLOWERS_OF, "@lens")
    first = await platform.discover(source)
    second = await platform.discover(source, first.cursor)

    assert first.cursor == "max_id=112"
    assert second.cursor is None
    assert [p.handle for p in first.profiles + second.profiles] == ["alice", "bob", "carol"]
    lookup, followers1, _, followers2 = srv.seen
    assert (lookup.method, lookup.path, lookup.query) == (
        "GET",
        "/api/v1/accounts/lookup",
        {"acct": ["lens"]},
    )
    assert followers1.path == "/api/v1/accounts/109/followers"
    assert followers1.query == {"limit": ["80"]}
    assert followers2.query == {"limit": ["80"], "max_id": ["112"]}
    assert all(s.headers["authorization"] == "Bearer tok-1" for s in srv.seen)
    alice, bob = first.profiles
    assert alice.bio == "Film & darkroom nerd. 35mm"
    assert (alice.followers, alice.following, alice.posts) == (120, 80, 300)
    assert alice.last_active == datetime(2026, 11, 24, tzinfo=UTC)
    assert alice.has_avatar is True and bob.has_avatar is False


async def test_hashtag_timeline_groups_statuses_by_author() -> None:
    srv = server().on("tag_timeline", fx("tag_timeline"))
    page = await make(srv).discover(Source(SourceKind.HASHTAG, "#filmphotography"))
    assert srv.seen[0].path == "/api/v1/timelines/tag/filmphotography"
    assert srv.seen[0].query == {"limit": ["40"]}
    assert [p.handle for p in page.profiles] == ["alice", "bob"]
    assert [p.id for p in page.profiles[0].recent_posts] == ["9001", "9003"]
    assert page.profiles[0].recent_posts[0].text == "New roll #filmphotography"
    assert page.cursor is None


async def test_a_source_kind_mastodon_lacks_is_refused_before_any_request() -> None:
    srv = server()
    with pytest.raises(PolicyError) as err:
        await make(srv).discover(Source(SourceKind.COMMENTERS, "own"))
    assert "mastodon: the source 'commenters' is not offered" in str(err.value)
    assert "use one of: followers_of, hashtag, likers_of, search" in str(err.value)
    assert srv.seen == []


async def test_search_pages_by_offset_and_likers_by_status_link() -> None:
    full = {"accounts": [fx("lookup_lens")] * 40, "statuses": [], "hashtags": []}
    srv = server().on("search", full, fx("search")).on("favourited_by", fx("favourited_by"))
    platform = make(srv)
    first = await platform.discover(Source(SourceKind.SEARCH, "35mm film"))
    second = await platform.discover(Source(SourceKind.SEARCH, "35mm film"), first.cursor)
    likers = await platform.discover(Source(SourceKind.LIKERS_OF, f"{BASE}/@lens/9001"))

    assert srv.seen[0].query == {
        "q": ["35mm film"],
        "type": ["accounts"],
        "limit": ["40"],
        "offset": ["0"],
    }
    assert first.cursor == "offset=40" and second.cursor is None
    assert srv.seen[1].params()["offset"] == "40"
    assert srv.only("favourited_by")[0].path == "/api/v1/statuses/9001/favourited_by"
    assert [p.handle for p in likers.profiles] == ["carol"]


async def test_follow_unfollow_favourite_reblog_mute_send_the_documented_posts() -> None:
    srv = server()
    srv.on("follow", fx("relationship_requested"))
    srv.on("unfollow", fx("relationship_unfollowed"))
    srv.on("favourite", fx("status_favourited")).on("unfavourite", fx("status_favourited"))
    srv.on("reblog", fx("status_reblog")).on("mute", fx("relationship_muting"))
    platform = make(srv)
    follow = await platform.execute(act(Verb.FOLLOW, ALICE))
    await platform.execute(act(Verb.UNFOLLOW, ALICE))
    await platform.execute(act(Verb.LIKE, STATUS))
    await platform.execute(act(Verb.UNLIKE, STATUS))
    boost = await platform.execute(act(Verb.REPOST, STATUS))
    await platform.execute(act(Verb.MUTE, ALICE))

    assert [(s.method, s.path) for s in srv.seen] == [
        ("POST", "/api/v1/accounts/111/follow"),
        ("POST", "/api/v1/accounts/111/unfollow"),
        ("POST", "/api/v1/statuses/9001/favourite"),
        ("POST", "/api/v1/statuses/9001/unfavourite"),
        ("POST", "/api/v1/statuses/9001/reblog"),
        ("POST", "/api/v1/accounts/111/mute"),
    ]
    assert all(s.body == b"" and not s.query for s in srv.seen)
    assert follow.status == "done" and "follow request" in follow.detail
    assert boost.remote_ref == "9100"


async def test_reply_posts_a_status_with_an_idempotency_key() -> None:
    srv = server().on("post_status", fx("status_created"))
    target = Target("post", "111", "alice", post_id="9001", text="Thank you!")
    action = act(Verb.REPLY, target)
    outcome = await make(srv).execute(action)

    sent = srv.seen[0]
    assert (sent.method, sent.path) == ("POST", "/api/v1/statuses")
    assert sent.form() == {"status": "Thank you!", "in_reply_to_id": "9001"}
    assert sent.headers["idempotency-key"] == action.id
    assert outcome.remote_ref == "9200"


async def test_hide_comment_is_a_policy_error_naming_what_is_offered() -> None:
    with pytest.raises(PolicyError, match="no per-reply hide") as err:
        await make(server()).execute(act(Verb.HIDE_COMMENT, STATUS))
    assert "follow" in str(err.value)


async def test_verify_reads_relationships_status_and_context() -> None:
    srv = server().on("relationships", fx("relationships"), [fx("relationship_unfollowed")])
    srv.on("status", fx("status_favourited"))
    srv.on("verify_credentials", fx("verify_credentials")).on("context", fx("context"))
    platform = make(srv)
    assert await platform.verify(act(Verb.FOLLOW, ALICE)) is True
    assert await platform.verify(act(Verb.UNFOLLOW, ALICE)) is True
    assert await platform.verify(act(Verb.LIKE, STATUS)) is True
    assert await platform.verify(act(Verb.REPLY, STATUS)) is True
    assert srv.seen[0].query == {"id[]": ["111"]}
    assert srv.only("context")[0].path == "/api/v1/statuses/9001/context"


async def test_following_ids_pages_our_own_list() -> None:
    srv = server().on("verify_credentials", fx("verify_credentials"))
    srv.on(
        "following",
        Reply(200, fx("followers_p1"), link("/api/v1/accounts/100/following", "112")),
        Reply(200, fx("followers_p2"), link("/api/v1/accounts/100/following", "113")),
        Reply(200, []),
    )
    assert await make(srv).following_ids() == {"111", "112", "113"}
    assert [s.params().get("max_id") for s in srv.only("following")] == [None, "112", "113"]


def test_instance_is_required_and_normalised() -> None:
    with pytest.raises(ConfigError, match="needs 'instance'"):
        mastodon.build(account("mastodon"), deps(server()))
    platform = mastodon.build(account("mastodon", instance="mastodon.example/"), deps(server()))
    assert str(platform.api.client.base_url).rstrip("/") == BASE


# --- errors ------------------------------------------------------------------------------


async def test_429_accepts_iso_8601_and_epoch_resets() -> None:
    iso_headers = {
        "x-ratelimit-limit": "300",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": "2026-11-25T18:05:00.019685Z",
    }
    epoch_headers = {**iso_headers, "x-ratelimit-reset": "1795629600"}
    srv = server().on(
        "follow",
        Reply(429, fx("error_429"), iso_headers),
        Reply(429, fx("error_429"), epoch_headers),
    )
    platform = make(srv)
    with pytest.raises(RateLimited, match="Too many requests") as first:
        await platform.execute(act(Verb.FOLLOW, ALICE))
    with pytest.raises(RateLimited) as second:
        await platform.execute(act(Verb.FOLLOW, ALICE))
    assert first.value.reset_at == datetime(2026, 11, 25, 18, 5, 0, 19685, tzinfo=UTC)
    assert second.value.reset_at == datetime.fromtimestamp(1795629600, UTC)
    assert platform.last_rate["account"].limit == 300  # one bucket: the tightest limit


async def test_401_is_auth_expired_without_refresh() -> None:
    tokens = FakeTokens()
    srv = server().on("verify_credentials", Reply(401, fx("error_401")))
    with pytest.raises(AuthExpired, match="access token is invalid") as err:
        await make(srv, tokens).me()
    assert tokens.refreshes == 0 and "revoked" in str(err.value)


async def test_403_disabled_is_restricted_but_not_allowed_is_permanent() -> None:
    srv = server().on(
        "follow", Reply(403, fx("error_403_disabled")), Reply(403, fx("error_403_not_allowed"))
    )
    platform = make(srv)
    with pytest.raises(AccountRestricted, match="currently disabled"):
        await platform.execute(act(Verb.FOLLOW, ALICE))
    with pytest.raises(PermanentError, match="not allowed") as err:
        await platform.execute(act(Verb.FOLLOW, ALICE))
    assert not isinstance(err.value, AccountRestricted)


async def test_404_and_422_carry_the_instance_message() -> None:
    srv = server().on("favourite", Reply(404, fx("error_404")))
    srv.on("follow", Reply(422, fx("error_422")))
    platform = make(srv)
    with pytest.raises(NotFound, match="Record not found"):
        await platform.execute(act(Verb.LIKE, STATUS))
    with pytest.raises(PermanentError, match="limit of follows") as err:
        await platform.execute(act(Verb.FOLLOW, ALICE))
    assert "400 per day" in str(err.value)


async def test_5xx_malformed_json_and_html_pages_are_transient() -> None:
    srv = server().on(
        "lookup",
        Reply(503, {"error": "Remote data could not be fetched"}),
        Reply(200, text="[{broken"),
        Reply(502, text="<!DOCTYPE html><html><h1>502 Bad Gateway</h1></html>"),
    )
    platform = make(srv)
    with pytest.raises(Transient, match="Remote data could not be fetched"):
        await platform.lookup("a")
    with pytest.raises(Transient, match="malformed answer"):
        await platform.lookup("a")
    with pytest.raises(Transient, match="HTML page"):
        await platform.lookup("a")


def test_capabilities_caps_and_approval() -> None:
    caps = mastodon.capabilities(None)
    assert Verb.HIDE_COMMENT not in caps.supports
    assert caps.pack.requires_human == {Verb.FOLLOW, Verb.LIKE, Verb.REPOST, Verb.REPLY}
    follow_caps = {(b.limit, b.window_seconds) for b in caps.all_budgets() if b.cost("follow")}
    assert follow_caps == {(400, 86400), (7500, 0), (300, 300)}
    statuses = next(b for b in caps.budgets if b.name == "statuses")
    assert (statuses.limit, statuses.window_seconds, statuses.verbs()) == (
        300,
        10800,
        ["reply", "repost"],
    )


async def test_lookup_of_a_remote_account_resolves_through_search() -> None:
    remote = {**fixture("mastodon", "lookup_lens"), "acct": "lens@other.example"}
    srv = server().on("lookup", Reply(404, fx("error_404")), Reply(404, fx("error_404")))
    srv.on("search", {"accounts": [remote], "statuses": [], "hashtags": []})
    srv.on("search", {"accounts": [], "statuses": [], "hashtags": []})
    platform = make(srv)
    found = await platform.lookup("@lens@other.example")

    assert found.handle == "lens@other.example"
    assert srv.only("search")[0].query == {
        "q": ["@lens@other.example"],
        "type": ["accounts"],
        "resolve": ["true"],
        "limit": ["1"],
    }
    with pytest.raises(NotFound, match="no account 'ghost@nowhere"):
        await platform.lookup("ghost@nowhere.example")


async def test_lookup_of_an_unknown_local_account_is_not_found_without_search() -> None:
    srv = server().on("lookup", Reply(404, fx("error_404")))
    with pytest.raises(NotFound, match="Record not found"):
        await make(srv).lookup("nobody")
    assert srv.names() == ["lookup"]


async def test_inbox_reads_mentions_since_the_cursor_following_link_paging() -> None:
    srv = server()
    srv.on("verify_credentials", fx("verify_credentials"))
    path = "/api/v1/notifications"
    srv.on(
        "notifications",
        Reply(body=fx("notifications_p1"), headers=link(path, "5001")),
        Reply(body=fx("notifications_p2")),
    )
    srv.on("context", fx("context_reply"), fx("context_long"))
    platform = make(srv)

    page = await platform.inbox("4990")

    calls = srv.only("notifications")
    assert [c.query for c in calls] == [
        {"types[]": ["mention"], "limit": ["40"], "since_id": ["4990"]},
        {"types[]": ["mention"], "limit": ["40"], "max_id": ["5001"], "since_id": ["4990"]},
    ]
    assert page.cursor == "5002" and page.complete
    got = [(i.message.id, i.message.source.value, i.message.parent_id) for i in page.items]
    assert got == [
        ("9050", "mention", "8000"),
        ("9100", "mention", None),
        ("9101", "reply", "9000"),
    ]
    alice = page.items[-1].message
    assert alice.text == "@me which lens is this?" and alice.author.handle == "alice@film.example"
    assert alice.language == "en" and alice.author.followers == 120


async def test_inbox_reads_the_thread_of_each_message_that_answers_a_status() -> None:
    srv = server()
    srv.on("verify_credentials", fx("verify_credentials"))
    path = "/api/v1/notifications"
    srv.on(
        "notifications",
        Reply(body=fx("notifications_p1"), headers=link(path, "5001")),
        Reply(body=fx("notifications_p2")),
    )
    srv.on("context", fx("context_reply"), fx("context_long"))
    platform = make(srv)

    page = await platform.inbox("4990")

    # one context read per message that answers a status, none for bob's plain mention (9100),
    # after the notification pages: questions first (alice's 9101), then the newest
    assert srv.names() == [
        "verify_credentials",
        "notifications",
        "notifications",
        "context",
        "context",
    ]
    assert [c.path for c in srv.only("context")] == [
        "/api/v1/statuses/9101/context",
        "/api/v1/statuses/9050/context",
    ]
    threads = {
        i.message.id: [(p.id, p.author_handle, p.text, p.mine) for p in i.thread]
        for i in page.items
    }
    assert threads == {
        "9101": [("9000", "me", "New roll developed: #film", True)],
        "9100": [],
        # the last three ancestors only, HTML reduced to plain text, ours marked
        "9050": [
            ("7500", "me", "A flatbed, mostly.", True),
            ("7800", "carol", "Same here & a light table.", False),
            ("8000", "dan@photo.example", "Any tips for @carol? Asking for a friend", False),
        ],
    }


async def test_a_message_whose_status_is_gone_keeps_no_thread() -> None:
    srv = server()
    srv.on("verify_credentials", fx("verify_credentials"))
    srv.on("notifications", Reply(body=fx("notifications_p2")))
    srv.on("context", Reply(404, fx("error_404")))

    page = await make(srv).inbox()

    assert [(i.message.id, i.thread) for i in page.items] == [("9050", ())]


def _mentions(first: int, count: int, question_every: int = 0) -> list[dict[str, object]]:
    """``count`` mention notifications, newest first, each answering one of our statuses."""
    notes = []
    for n in range(first + count - 1, first - 1, -1):
        asks = question_every and n % question_every == 0
        text = f"<p>@me shot {n}{'?' if asks else '!'}</p>"
        status = {
            "id": str(20000 + n),
            "created_at": f"2026-11-25T{n // 60:02d}:{n % 60:02d}:00.000Z",
            "in_reply_to_id": str(10000 + n),
            "in_reply_to_account_id": "1",
            "content": text,
            "account": {"id": str(300 + n), "username": f"u{n}", "acct": f"u{n}"},
        }
        notes.append(
            {
                "id": str(5000 + n),
                "type": "mention",
                "created_at": status["created_at"],
                "account": status["account"],
                "status": status,
            }
        )
    return notes


async def test_thread_reads_are_capped_per_read_questions_first_then_the_newest() -> None:
    """A 60-message inbox (two pages) with max_context 10: exactly 10 context reads, the
    nine questions and then the newest; the other 50 come without thread, counted."""
    srv = server()
    srv.on("verify_credentials", fx("verify_credentials"))
    path = "/api/v1/notifications"
    srv.on(
        "notifications",
        Reply(body=_mentions(20, 40, question_every=7), headers=link(path, "5020")),
        Reply(body=_mentions(0, 20, question_every=7)),
    )
    srv.on("context", *[fx("context_reply")] * 10)

    page = await make(srv).inbox(max_context=10)

    assert (
        srv.names() == ["verify_credentials", "notifications", "notifications"] + ["context"] * 10
    )
    read = [c.path.split("/")[4] for c in srv.only("context")]
    questions = [str(20000 + n) for n in (56, 49, 42, 35, 28, 21, 14, 7, 0)]
    assert read == [*questions, "20059"]  # nine questions (newest first), then the newest
    assert page.without_context == 50 and len(page.items) == 60
    assert sum(1 for i in page.items if i.thread) == 10


async def test_thread_reads_leave_the_rate_window_a_reserve() -> None:
    """The notification page says 55 calls remain of the window: 5 thread reads, not 40."""
    srv = server()
    srv.on("verify_credentials", fx("verify_credentials"))
    window = {
        "x-ratelimit-limit": "300",
        "x-ratelimit-remaining": "55",
        "x-ratelimit-reset": "2026-11-25T18:05:00.000Z",
    }
    srv.on("notifications", Reply(body=_mentions(0, 30), headers=window))
    srv.on("context", *[fx("context_reply")] * 5)

    page = await make(srv).inbox()

    assert len(srv.only("context")) == 5 == 55 - mastodon.CONTEXT_RESERVE
    assert page.without_context == 25


async def test_a_reply_to_an_inbox_mention_sets_in_reply_to_id() -> None:
    srv = server()
    srv.on("verify_credentials", fx("verify_credentials"))
    srv.on("notifications", Reply(body=fx("notifications_p2")))
    srv.on("context", fx("context_long"))
    srv.on("post_status", fx("status_created"))
    platform = make(srv)
    message = (await platform.inbox()).items[0].message
    target = Target("post", message.author.id, message.author.handle, message.id, text="Thanks!")

    await platform.execute(act(Verb.REPLY, target))

    sent = srv.only("post_status")[0]
    assert sent.form() == {"status": "Thanks!", "in_reply_to_id": "9050"}
    assert sent.headers["idempotency-key"] == act(Verb.REPLY, target).id
