"""Instagram: only commenters on our own media, replies and hiding; Graph errors mapped."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from socialseed.errors import (
    AccountRestricted,
    AuthExpired,
    PermanentError,
    PolicyError,
    RateLimited,
    Transient,
)
from socialseed.model import Action, Risk, Source, SourceKind, Target, Verb, action_id
from socialseed.platforms import _instagram_api, instagram
from tests.adapters.harness import NOW, Reply, Server, account, deps, fixture

OWN = Source(SourceKind.COMMENTERS, "own")
COMMENT_FIELDS = "id,text,timestamp,username,from,hidden,parent_id"


def fx(name: str) -> object:
    return fixture("instagram", name)


def server() -> Server:
    return Server(_instagram_api.ENDPOINTS, "graph.instagram.com")


def make(srv: Server) -> _instagram_api.InstagramPlatform:
    return instagram.build(account("instagram", handle="studio.example"), deps(srv))


def act(verb: Verb, target: Target) -> Action:
    aid = action_id("my-instagram", verb.value, target)
    return Action(aid, "my-instagram", "instagram", verb, target, "test", Risk.GREEN)


SPAM = Target("post", "17841400000000003", "spam.bot", post_id="17900000000000002")


async def test_commenters_of_own_media_page_through_media() -> None:
    srv = server().on("media", fx("media_p1"), fx("media_p2")).on("comments", fx("comments_m1"))
    platform = make(srv)
    first = await platform.discover(OWN)
    second = await platform.discover(OWN, first.cursor)

    media, comments, media2 = srv.seen
    assert (media.method, media.path) == ("GET", "/me/media")
    assert media.query == {
        "fields": ["id,caption,timestamp,comments_count,permalink"],
        "limit": ["10"],
    }
    assert comments.path == "/18000000000000001/comments"  # the media with no comments is skipped
    assert comments.query == {"fields": [COMMENT_FIELDS], "limit": ["50"]}
    assert media2.params()["after"] == "QVFIUmxafter"
    assert all(s.headers["authorization"] == "Bearer tok-1" for s in srv.seen)
    assert all("access_token" not in str(s.url) for s in srv.seen)
    assert [p.handle for p in first.profiles] == ["alice.film", "spam.bot"]  # hidden one left out
    assert [c.text for c in first.profiles[0].recent_posts] == ["Great shot!", "Which film stock?"]
    assert first.profiles[0].recent_posts[0].reply_to == "18000000000000001"
    assert first.cursor == "QVFIUmxafter" and second.cursor is None and second.profiles == []


async def test_reply_and_hide_send_the_documented_posts() -> None:
    srv = server().on("reply", fx("reply")).on("hide", fx("hide"))
    platform = make(srv)
    target = Target("post", "17841400000000002", "alice.film", post_id="17900000000000001")
    answer = await platform.execute(act(Verb.REPLY, replace(target, text="Portra 400")))
    await platform.execute(act(Verb.HIDE_COMMENT, SPAM))

    reply, hide = srv.seen
    assert (reply.method, reply.path, reply.form()) == (
        "POST",
        "/17900000000000001/replies",
        {"message": "Portra 400"},
    )
    assert (hide.method, hide.path, hide.form()) == ("POST", "/17900000000000002", {"hide": "true"})
    assert answer.remote_ref == "17873440459141021"


async def test_verify_reads_hidden_state_and_our_replies() -> None:
    srv = server().on("comment", fx("comment_hidden")).on("replies", fx("replies"))
    platform = make(srv)
    assert await platform.verify(act(Verb.HIDE_COMMENT, SPAM)) is True
    assert await platform.verify(act(Verb.REPLY, SPAM)) is True
    assert srv.seen[0].query == {"fields": ["hidden"]}


async def test_follow_like_and_other_sources_are_refused_with_the_reason() -> None:
    srv = server()
    platform = make(srv)
    with pytest.raises(PolicyError, match="2020-06-29"):
        await platform.execute(act(Verb.FOLLOW, Target("account", "1", "someone")))
    with pytest.raises(PolicyError, match="commenters"):
        await platform.discover(Source(SourceKind.HASHTAG, "film"))
    with pytest.raises(PolicyError, match="business_discovery"):
        await platform.lookup("someone")
    assert srv.seen == []


async def test_graph_errors_are_mapped() -> None:
    usage = {"17841400000000001": [{"type": "instagram", "estimated_time_to_regain_access": 7}]}
    srv = server().on(
        "hide",
        Reply(400, fx("error_190")),
        Reply(400, fx("error_190")),  # refused again after one refresh
        Reply(400, fx("error_368")),
        Reply(400, fx("error_throttle"), {"x-business-use-case-usage": json.dumps(usage)}),
        Reply(500, fx("error_transient")),
        Reply(403, fx("error_permission")),
        Reply(502, text="<html><body>Bad Gateway</body></html>"),
    )
    platform = make(srv)
    with pytest.raises(AuthExpired, match="Session has expired") as expired:
        await platform.execute(act(Verb.HIDE_COMMENT, SPAM))
    assert "socialseed auth login my-instagram" in str(expired.value.hint)
    assert [s.headers["authorization"] for s in srv.seen] == ["Bearer tok-1", "Bearer tok-2"]
    with pytest.raises(AccountRestricted, match="temporarily blocked") as blocked:
        await platform.execute(act(Verb.HIDE_COMMENT, SPAM))
    assert "pauses it" in str(blocked.value.hint)
    with pytest.raises(RateLimited, match="request limit reached") as limited:
        await platform.execute(act(Verb.HIDE_COMMENT, SPAM))
    assert limited.value.reset_at == NOW + timedelta(minutes=7)
    with pytest.raises(Transient, match="retry your request later"):
        await platform.execute(act(Verb.HIDE_COMMENT, SPAM))
    with pytest.raises(PermanentError, match="does not have permission") as denied:
        await platform.execute(act(Verb.HIDE_COMMENT, SPAM))
    assert "instagram_business_manage_comments" in str(denied.value)
    with pytest.raises(Transient, match="HTML page"):
        await platform.execute(act(Verb.HIDE_COMMENT, SPAM))


async def test_me_and_app_usage() -> None:
    srv = server().on(
        "me", Reply(200, fx("me"), {"x-app-usage": '{"call_count":28,"total_time":9}'})
    )
    platform = make(srv)
    me = await platform.me()
    assert (me.id, me.handle, me.followers) == ("17841400000000001", "studio.example", 1200)
    assert platform.last_rate["usage"].remaining == 72  # one budget for every call


def comments_page(ids: list[str], after: str | None) -> dict[str, object]:
    data = [
        {
            "id": cid,
            "text": f"Which lens on {cid}?",
            "timestamp": f"2026-11-24T10:0{i}:00+0000",
            "username": "alice.film" if cid != "c-ours" else "Studio.Example",
            "from": {"id": "17841400000000002", "username": "alice.film"},
            "hidden": False,
        }
        for i, cid in enumerate(ids)
    ]
    paging: dict[str, object] = {"cursors": {"before": "b", "after": after or "last"}}
    if after:
        paging["next"] = f"https://graph.instagram.com/v23.0/m/comments?after={after}"
    return {"data": data, "paging": paging}


async def test_inbox_reads_own_media_and_pages_comments_with_after_cursors() -> None:
    srv = server().on("media", fx("media_p1"))
    srv.on("comments", comments_page(["c-1", "c-ours"], "CUR2"), comments_page(["c-3"], None))
    page = await make(srv).inbox()

    media, first, second = srv.seen
    assert (media.path, media.query) == (
        "/me/media",
        {"fields": ["id,caption,timestamp,comments_count,permalink"], "limit": ["10"]},
    )
    assert (first.path, first.query) == (
        "/18000000000000001/comments",  # the media with no comments is not read
        {"fields": [COMMENT_FIELDS], "limit": ["50"]},
    )
    assert second.query == {"fields": [COMMENT_FIELDS], "limit": ["50"], "after": ["CUR2"]}
    messages = [i.message for i in page.items]
    assert [m.id for m in messages] == ["c-1", "c-3"]  # our own reply is not in the inbox
    first_message = messages[0]
    assert first_message.author.id == "17841400000000002"
    assert first_message.author.handle == "alice.film"
    assert first_message.ref == {"media_id": "18000000000000001", "comment_id": "c-1"}
    assert first_message.post_excerpt == "New roll"
    assert page.cursor == "2026-11-24T10:00:00Z"


async def test_a_second_inbox_read_keeps_only_comments_from_the_cursor_on() -> None:
    srv = server().on("media", fx("media_p1")).on("comments", fx("comments_m1"))
    page = await make(srv).inbox(since="2026-11-24T10:02:00Z")
    assert [i.message.id for i in page.items] == ["1790000000000002", "1790000000000003"]
    assert page.cursor == "2026-11-24T10:03:00Z"


async def test_confirm_finds_our_reply_with_its_id() -> None:
    srv = server().on("replies", fx("replies"), {"data": []})
    platform = make(srv)
    reply = act(Verb.REPLY, replace(SPAM, text="Portra 400"))
    found = await platform.confirm(reply)
    assert found is not None and found.remote_ref == "17873440459141021"
    assert await platform.confirm(reply) is None
    seen = srv.seen[0]
    assert (seen.path, seen.query) == (
        "/17900000000000002/replies",
        {"fields": ["id,username,text"]},
    )
