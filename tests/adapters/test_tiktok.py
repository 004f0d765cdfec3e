"""TikTok (API for Business): the exact requests for own videos, their comments, replies and
hiding; the ``Access-Token`` header; envelope errors (``code != 0`` under HTTP 200) mapped.

Documented shapes (PLATFORMS.md §3.1, §8): ``GET /business/video/list/`` and
``GET /business/comment/list/`` page with ``cursor`` / ``has_more``; ``POST
/business/comment/reply/create/`` ``{business_id, video_id, comment_id, text}``; ``POST
/business/comment/hide/`` ``{business_id, video_id, comment_id, action}``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from socialseed.errors import AuthExpired, PermanentError, PolicyError, RateLimited, Transient
from socialseed.model import Action, Risk, Source, SourceKind, Target, Verb, action_id
from socialseed.model.conversations import MessageSource
from socialseed.platforms import _tiktok_api, tiktok
from tests.adapters.harness import NOW, FakeTokens, Reply, Server, account, deps, fixture

BIZ = "biz-open-id-1"
VIDEO = "7300000000000000001"
ASKED = "7310000000000000003"
VIDEO_FIELDS = '["item_id", "create_time", "caption", "comments"]'


def fx(name: str) -> object:
    return fixture("tiktok", name)


def server() -> Server:
    return Server(_tiktok_api.ENDPOINTS, "business-api.tiktok.com")


def make(srv: Server, tokens: FakeTokens | None = None) -> _tiktok_api.TikTokPlatform:
    acct = account("tiktok", handle="studio.example", business_id=BIZ)
    return tiktok.build(acct, deps(srv, tokens))


def act(verb: Verb, comment: str = ASKED, text: str | None = None) -> Action:
    target = Target(
        "post",
        "u-alice",
        "alice.film",
        post_id=comment,
        ref={"video_id": VIDEO, "comment_id": comment},
        text=text,
    )
    return Action(
        action_id("my-tiktok", verb.value, target),
        "my-tiktok",
        "tiktok",
        verb,
        target,
        "test",
        Risk.GREEN,
    )


def comment_query(cursor: str | None = None) -> dict[str, list[str]]:
    query = {
        "business_id": [BIZ],
        "video_id": [VIDEO],
        "status": ["PUBLIC"],
        "sort_field": ["create_time"],
        "sort_order": ["desc"],
        "max_count": ["30"],
    }
    return query | ({"cursor": [cursor]} if cursor else {})


async def test_me_sends_the_access_token_header_and_the_business_id() -> None:
    srv = server().on("profile", fx("profile"))
    me = await make(srv).me()
    (seen,) = srv.seen
    assert (seen.method, seen.url.host, seen.path) == (
        "GET",
        "business-api.tiktok.com",
        "/open_api/v1.3/business/get/",
    )
    assert seen.headers["access-token"] == "tok-1" and "authorization" not in seen.headers
    assert seen.query == {
        "business_id": [BIZ],
        "fields": ['["username", "display_name", "profile_image", "followers_count"]'],
    }
    assert (me.id, me.handle, me.display_name, me.followers) == (
        BIZ,
        "studio.example",
        "Studio Example",
        1520,
    )


async def test_inbox_reads_own_videos_then_pages_their_comments_and_keeps_a_cursor() -> None:
    srv = server().on("videos", fx("videos_p1"))
    srv.on("comments", fx("comments_p1"), fx("comments_p2"))
    page = await make(srv).inbox()

    videos, first, second = srv.seen
    assert videos.path == "/open_api/v1.3/business/video/list/"
    assert videos.query == {
        "business_id": [BIZ],
        "fields": [VIDEO_FIELDS],
        "max_count": ["20"],
    }
    assert first.path == "/open_api/v1.3/business/comment/list/"
    assert first.query == comment_query()  # the video with no comments is not read
    assert second.query == comment_query("2")  # paged with the answer's cursor
    messages = [item.message for item in page.items]
    # our own comment (owner: true) is not in the inbox; oldest first
    assert [m.id for m in messages] == ["7310000000000000001", ASKED]
    asked = messages[1]
    assert asked.source is MessageSource.COMMENT and asked.text == "Which film stock?"
    assert (asked.author.id, asked.author.handle, asked.author.name) == (
        "u-alice",
        "alice.film",
        "Alice",
    )
    assert asked.created_at == datetime.fromtimestamp(1764050300, UTC)
    assert asked.ref == {"video_id": VIDEO, "comment_id": ASKED}
    assert asked.post_excerpt == "New roll #film"
    assert page.cursor == "1764050300"


async def test_a_second_inbox_read_stops_at_the_cursor() -> None:
    srv = server().on("videos", fx("videos_p1")).on("comments", fx("comments_p1"))
    page = await make(srv).inbox(since="1764050300")
    assert srv.names() == ["videos", "comments"]  # an older comment ends the paging
    assert [i.message.id for i in page.items] == [ASKED]  # the store keeps it once
    assert page.cursor == "1764050300"


async def test_commenters_of_own_videos_page_through_the_video_list() -> None:
    srv = server().on("videos", fx("videos_p1"), fx("videos_p2"))
    srv.on("comments", fx("comments_p1"), fx("comments_p2"), fx("replies_none"))
    platform = make(srv)
    first = await platform.discover(Source(SourceKind.COMMENTERS, "own"))
    assert {p.handle for p in first.profiles} == {"alice.film", "spam.bot"}
    assert first.cursor == "1763900000"
    await platform.discover(Source(SourceKind.COMMENTERS, "own"), first.cursor)
    assert srv.only("videos")[1].query["cursor"] == ["1763900000"]


async def test_reply_posts_the_documented_body() -> None:
    srv = server().on("reply", fx("reply"))
    outcome = await make(srv).execute(act(Verb.REPLY, text="Portra 400!"))
    (seen,) = srv.seen
    assert (seen.method, seen.path) == ("POST", "/open_api/v1.3/business/comment/reply/create/")
    assert seen.headers["content-type"] == "application/json"
    assert seen.json() == {
        "business_id": BIZ,
        "video_id": VIDEO,
        "comment_id": ASKED,
        "text": "Portra 400!",
    }
    assert (outcome.status, outcome.remote_ref) == ("done", "7320000000000000001")


async def test_hide_posts_the_documented_body_and_verify_reads_the_status() -> None:
    srv = server().on("hide", fx("ok")).on("comments", fx("comment_hidden"))
    platform = make(srv)
    spam = act(Verb.HIDE_COMMENT, comment="7310000000000000001")
    assert (await platform.execute(spam)).status == "done"
    assert await platform.verify(spam)
    hide, check = srv.seen
    assert hide.path == "/open_api/v1.3/business/comment/hide/"
    assert hide.json() == {
        "business_id": BIZ,
        "video_id": VIDEO,
        "comment_id": "7310000000000000001",
        "action": "HIDE",
    }
    assert check.query == {
        "business_id": [BIZ],
        "video_id": [VIDEO],
        "comment_ids": ['["7310000000000000001"]'],
        "status": ["ALL"],
        "max_count": ["1"],
    }


async def test_confirm_finds_our_reply_among_the_comment_replies() -> None:
    srv = server().on("replies", fx("replies_ours"), fx("replies_none"))
    platform = make(srv)
    found = await platform.confirm(act(Verb.REPLY, text="Portra 400!"))
    assert found is not None and found.remote_ref == "7320000000000000001"
    assert await platform.confirm(act(Verb.REPLY, text="Portra 400!")) is None
    seen = srv.seen[0]
    assert seen.path == "/open_api/v1.3/business/comment/reply/list/"
    assert seen.query == {
        "business_id": [BIZ],
        "video_id": [VIDEO],
        "comment_id": [ASKED],
        "status": ["ALL"],
        "max_count": ["30"],
    }


async def test_an_expired_token_is_refreshed_once_and_the_call_repeated() -> None:
    tokens = FakeTokens()
    srv = server().on("profile", fx("error_token"), fx("profile"))
    await make(srv, tokens).me()
    assert tokens.refreshes == 1
    assert [s.headers["access-token"] for s in srv.seen] == ["tok-1", "tok-2"]


@pytest.mark.parametrize(
    ("body", "error", "words"),
    [
        ("error_token", AuthExpired, "socialseed auth login my-tiktok"),
        ("error_rate", RateLimited, "Too many requests"),
        ("error_permission", PermanentError, "comment scope"),
        ("error_system", Transient, "System error"),
    ],
)
async def test_envelope_errors_under_http_200_are_mapped(
    body: str, error: type[Exception], words: str
) -> None:
    srv = server().on("reply", Reply(200, fx(body)))
    if body == "error_token":
        srv.on("reply", Reply(200, fx(body)))  # refused again after the refresh
    with pytest.raises(error) as caught:
        await make(srv).execute(act(Verb.REPLY, text="hi"))
    shown = f"{caught.value} {getattr(caught.value, 'hint', '')}"
    assert words in shown
    if isinstance(caught.value, RateLimited):
        assert caught.value.reset_at is not None and caught.value.reset_at > NOW


async def test_follow_like_repost_are_refused_with_what_tiktok_offers() -> None:
    platform = make(server())
    for verb in (Verb.FOLLOW, Verb.LIKE, Verb.REPOST):
        with pytest.raises(PolicyError) as caught:
            await platform.execute(act(verb))
        assert "no official TikTok API" in str(caught.value)
        assert "reply" in str(caught.value.hint) and "hide_comment" in str(caught.value.hint)


def test_a_personal_account_cannot_be_built() -> None:
    acct = account("tiktok", business_id=BIZ, account_type="personal")
    with pytest.raises(PolicyError, match="personal accounts have no comment API"):
        tiktok.build(acct, deps(server()))


def test_without_a_login_or_business_id_the_account_is_not_connected() -> None:
    with pytest.raises(AuthExpired) as caught:
        tiktok.build(account("tiktok"), deps(server()))
    assert "socialseed auth login my-tiktok" in str(caught.value.hint)


def test_the_endpoint_table_is_all_the_business_api_comment_surface() -> None:
    table = {
        name: (e.method, e.path.removeprefix("/open_api/v1.3"))
        for name, e in _tiktok_api.ENDPOINTS.items()
    }
    assert table == {
        "profile": ("GET", "/business/get/"),
        "videos": ("GET", "/business/video/list/"),
        "comments": ("GET", "/business/comment/list/"),
        "replies": ("GET", "/business/comment/reply/list/"),
        "reply": ("POST", "/business/comment/reply/create/"),
        "hide": ("POST", "/business/comment/hide/"),
    }
    assert json.loads(VIDEO_FIELDS) == _tiktok_api.VIDEO_FIELDS
