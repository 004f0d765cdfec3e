"""The Platform contract, through the httpx layer onto the world file."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from socialseed.clock import FakeClock
from socialseed.config.schema import Sandbox, SandboxLimits
from socialseed.errors import NotFound, PermanentError
from socialseed.model import Source, SourceKind, Target, Verb
from socialseed.platforms.base import PlatformDeps
from socialseed.platforms.sandbox import build, capabilities
from socialseed.platforms.sandbox.client import DISCOVERY_PAGE, SandboxPlatform
from tests.sandbox.conftest import NOW, Connect, account, action


def rows(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_capabilities_are_permissive_and_carry_the_limits() -> None:
    caps = capabilities(None)
    assert caps.supports == frozenset(Verb)
    assert caps.sources == frozenset(SourceKind)
    assert caps.pack.requires_human == frozenset()
    assert caps.pack.bulk_approve and caps.pack.unfollow_non_followers
    follow_caps = {(c.limit, c.window_seconds) for c in caps.all_budgets() if c.cost("follow")}
    assert follow_caps == {(50, 900), (1000, 86400)}
    assert caps.auth_method == "none: simulated"


async def test_me_creates_the_managed_account_once(connect: Connect, world_path: Path) -> None:
    first = await connect().me()
    again = await connect().me()  # another transport, as another process would
    assert first.handle == "demo.studio" and first.id == again.id
    assert first.followers is not None and first.followers > 0
    assert rows(world_path, "SELECT count(*) FROM users WHERE kind = 'managed'") == [(1,)]


async def test_lookup_and_not_found(platform: SandboxPlatform) -> None:
    lens = await platform.lookup("@lens.collective")
    assert lens.platform == "sandbox" and lens.followers and lens.followers > 10_000
    assert lens.last_active is not None and lens.last_active <= NOW
    assert lens.recent_posts and "#filmphotography" in lens.recent_posts[0].text
    with pytest.raises(NotFound, match=r"sandbox: no account @nobody\.here"):
        await platform.lookup("nobody.here")


async def _all(platform: SandboxPlatform, source: Source) -> list[str]:
    handles: list[str] = []
    cursor: str | None = None
    while True:
        page = await platform.discover(source, cursor)
        handles += [p.handle for p in page.profiles]
        if page.cursor is None:
            return handles
        cursor = page.cursor


async def test_hashtag_finds_recent_authors_of_that_tag(platform: SandboxPlatform) -> None:
    source = Source(SourceKind.HASHTAG, "filmphotography")
    page = await platform.discover(source)
    for profile in page.profiles:
        posts = await platform.recent_posts(profile.id, 10)
        assert any("#filmphotography" in p.text.split() for p in posts), profile.handle
    everyone = await _all(platform, source)
    assert len(everyone) == len(set(everyone)) > 50
    assert len(page.profiles) == min(DISCOVERY_PAGE, len(everyone))  # a page: 100 at most
    more = len(everyone) > DISCOVERY_PAGE
    assert page.cursor == (f"{DISCOVERY_PAGE}@{int(NOW.timestamp())}" if more else None)


async def test_search_followers_of_likers_of(platform: SandboxPlatform) -> None:
    found = await _all(platform, Source(SourceKind.SEARCH, "35mm film"))
    assert len(found) > 20
    followers = await _all(platform, Source(SourceKind.FOLLOWERS_OF, "lens.collective"))
    assert len(followers) > 30
    lens = await platform.lookup("lens.collective")
    post = lens.recent_posts[0]
    likers = await platform.discover(Source(SourceKind.LIKERS_OF, post.id))
    assert likers.profiles and all(p.id != lens.id for p in likers.profiles)
    with pytest.raises(NotFound):
        await platform.discover(Source(SourceKind.LIKERS_OF, "p.u000001.1.99"))
    with pytest.raises(NotFound):
        await platform.discover(Source(SourceKind.FOLLOWERS_OF, "ghost.account"))


async def test_commenters_carry_their_comment_and_it_can_be_hidden(
    platform: SandboxPlatform, world_path: Path
) -> None:
    me = await platform.me()
    page = await platform.discover(Source(SourceKind.COMMENTERS, "own"))
    assert page.profiles
    commenter = page.profiles[0]
    comment = commenter.recent_posts[0]
    assert comment.reply_to is not None and comment.reply_to.startswith(f"p.{me.id}.")
    target = Target("post", commenter.id, commenter.handle, post_id=comment.id)
    hide = action(Verb.HIDE_COMMENT, target)
    assert (await platform.execute(hide)).status == "done"
    assert (await platform.execute(hide)).status == "already"
    assert await platform.verify(hide)
    assert rows(world_path, "SELECT comment_id FROM hidden") == [(comment.id,)]


async def test_recent_posts_follow_the_clock(platform: SandboxPlatform, clock: FakeClock) -> None:
    lens = await platform.lookup("lens.collective")
    before = await platform.recent_posts(lens.id, 5)
    assert len(before) == 5
    assert [p.created_at for p in before] == sorted((p.created_at for p in before), reverse=True)
    assert all(p.created_at and p.created_at <= NOW for p in before)
    clock.advance(timedelta(days=3).total_seconds())
    after = await platform.recent_posts(lens.id, 5)
    assert after[0].created_at and after[0].created_at > NOW
    assert (await platform.lookup("lens.collective")).last_active == after[0].created_at


async def test_every_verb_is_recorded_once_and_is_idempotent(
    platform: SandboxPlatform, world_path: Path
) -> None:
    person = await platform.lookup("lens.collective")
    page = await platform.discover(Source(SourceKind.FOLLOWERS_OF, "lens.collective"))
    other = page.profiles[0]
    post = other.recent_posts[0] if other.recent_posts else person.recent_posts[0]
    acct, post_target = (
        Target("account", other.id, other.handle),
        Target("post", post.author_id, other.handle, post_id=post.id),
    )
    reply = Target("post", post.author_id, other.handle, post_id=post.id, text="Lovely frame")
    for verb, target in [
        (Verb.FOLLOW, acct),
        (Verb.LIKE, post_target),
        (Verb.REPOST, post_target),
        (Verb.REPLY, reply),
        (Verb.MUTE, acct),
    ]:
        act = action(verb, target)
        assert not await platform.verify(act)
        outcome = await platform.execute(act)
        assert (
            outcome.status == "done"
            and outcome.request_id
            and outcome.request_id.startswith("sbx-e")
        )
        assert (await platform.execute(act)).status == "already"
        assert await platform.verify(act)
    events = rows(world_path, "SELECT verb, target FROM events ORDER BY id")
    assert [v for v, _ in events] == ["follow", "like", "repost", "reply", "mute"]
    assert rows(world_path, "SELECT text FROM replies") == [("Lovely frame",)]
    for verb, target in [(Verb.UNFOLLOW, acct), (Verb.UNLIKE, post_target)]:
        act = action(verb, target)
        assert not await platform.verify(act)
        assert (await platform.execute(act)).status == "done"
        assert (await platform.execute(act)).status == "already"
        assert await platform.verify(act)
    me = await platform.me()
    assert rows(world_path, "SELECT 1 FROM edges WHERE src = ? AND dst = ?", me.id, other.id) == []


async def test_following_and_follower_ids_match_the_world(platform: SandboxPlatform) -> None:
    me = await platform.me()
    following = await platform.following_ids()
    followers = await platform.follower_ids()
    assert following is not None and followers is not None
    assert len(following) == me.following and len(followers) == me.followers


async def test_follow_backs_arrive_over_simulated_time_never_from_bots(
    connect: Connect, clock: FakeClock, world_path: Path
) -> None:
    platform = connect(limits=SandboxLimits(per_window=500, daily=5000))
    before = await platform.follower_ids()
    targets = rows(world_path, "SELECT id, handle, kind FROM users WHERE id > 'u000100' LIMIT 120")
    for user_id, handle, _ in targets:
        await platform.execute(action(Verb.FOLLOW, Target("account", str(user_id), str(handle))))
    assert await platform.follower_ids() == before  # nobody answers instantly
    clock.advance(timedelta(days=4).total_seconds())
    new = (await platform.follower_ids() or set()) - (before or set())
    kinds = {str(u): str(k) for u, _, k in targets}
    assert 5 <= len(new) <= 60
    assert all(kinds[u] != "bot" for u in new)
    assert any(kinds[u] == "bot" for u in kinds)


async def test_the_client_sends_the_documented_requests() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "done", "ref": "u000042"})

    deps = PlatformDeps(
        clock=FakeClock(NOW), transport=httpx.MockTransport(handler), sandbox=Sandbox()
    )
    platform = build(account(), deps)
    target = Target("account", "u000042", "ada.moss")
    await platform.execute(action(Verb.FOLLOW, target))
    await platform.execute(action(Verb.UNFOLLOW, target))
    reply = Target("post", "u000042", "ada.moss", post_id="p.u000042.20782.0", text="Nice")
    reply_action = action(Verb.REPLY, reply)
    await platform.execute(reply_action)
    await platform.aclose()
    assert [(r.method, r.url.path) for r in seen] == [
        ("POST", "/v1/follows"),
        ("DELETE", "/v1/follows/u000042"),
        ("POST", "/v1/replies"),
    ]
    assert json.loads(seen[0].content) == {"target_id": "u000042"}
    assert json.loads(seen[2].content) == {"post_id": "p.u000042.20782.0", "text": "Nice"}
    assert seen[2].headers["idempotency-key"] == reply_action.id
    assert all(r.headers["x-sandbox-actor"] == "demo.studio" for r in seen)
    assert all("authorization" not in r.headers for r in seen)


async def test_paging_keeps_the_first_pages_instant(
    platform: SandboxPlatform, clock: FakeClock
) -> None:
    source = Source(SourceKind.HASHTAG, "coffee")
    expected = await _all(platform, source)
    first = await platform.discover(source)
    clock.advance(timedelta(hours=30).total_seconds())  # new posts would reorder the results
    rest = await _all_from(platform, source, first.cursor)
    assert [p.handle for p in first.profiles] + rest == expected


async def _all_from(platform: SandboxPlatform, source: Source, cursor: str | None) -> list[str]:
    handles: list[str] = []
    while cursor is not None:
        page = await platform.discover(source, cursor)
        handles += [p.handle for p in page.profiles]
        cursor = page.cursor
    return handles


async def test_wrong_targets_and_cursors_are_mapped_errors(platform: SandboxPlatform) -> None:
    with pytest.raises(NotFound, match="no account with id 'u999999'"):
        await platform.execute(action(Verb.FOLLOW, Target("account", "u999999", "ghost")))
    with pytest.raises(NotFound, match="no post with id"):
        await platform.execute(
            action(Verb.LIKE, Target("post", "u000001", "x", post_id="p.u000001.1.0"))
        )
    with pytest.raises(NotFound):
        await platform.recent_posts("u999999")
    with pytest.raises(PermanentError, match="'abc' is not a cursor") as caught:
        await platform.discover(Source(SourceKind.SEARCH, "coffee"), "abc")
    assert caught.value.status == 400
    assert not await platform.verify(action(Verb.FOLLOW, Target("account", "u999999", "ghost")))


async def test_the_world_stays_alive_a_month_later(
    platform: SandboxPlatform, clock: FakeClock
) -> None:
    clock.advance(timedelta(days=35).total_seconds())
    page = await platform.discover(Source(SourceKind.HASHTAG, "filmphotography"))
    assert len(page.profiles) > 50
    later = NOW + timedelta(days=35)
    for profile in page.profiles:
        assert profile.last_active is not None
        assert later - timedelta(days=30) <= profile.last_active <= later
