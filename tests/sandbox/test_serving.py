"""Serving from memory gives what the world says: the fast paths against plain references,
and shared caches that still show every write at once."""

from __future__ import annotations

import dataclasses
import hashlib
import math
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from socialseed.clock import FakeClock
from socialseed.model import Post, Profile, Source, SourceKind, Target, Verb
from socialseed.model.values import canonical_json
from socialseed.platforms.sandbox import posts, words
from socialseed.platforms.sandbox.client import SandboxPlatform
from socialseed.platforms.sandbox.discover import Finder
from socialseed.platforms.sandbox.generate import WorldSpec, generate
from socialseed.platforms.sandbox.profiles import profile, profile_data
from socialseed.platforms.sandbox.rand import pick, unit
from socialseed.platforms.sandbox.schema import USER_COLUMNS
from socialseed.platforms.sandbox.users import BOT, User
from socialseed.platforms.sandbox.world import World
from tests.sandbox.conftest import NOW, Connect, action

NOW_TS = int(NOW.timestamp())
INSTANTS = (NOW_TS, NOW_TS + 3 * 86400 + 1234, NOW_TS + 40 * 86400)


def reference_count(seed: int, user: User, day: int) -> int:
    start = day * posts.DAY
    if start + posts.DAY <= user.created_ts or (
        user.quiet_ts is not None and start >= user.quiet_ts
    ):
        return 0
    if user.kind == BOT:
        if unit(seed, "burst", user.id, day) >= 0.12:
            return 0
        return 3 + int(unit(seed, "burst-n", user.id, day) * 20)
    whole = int(user.rate)
    return min(12, whole + (1 if unit(seed, "n", user.id, day) < user.rate - whole else 0))


def reference_post(seed: int, user: User, day: int, index: int, ts: int) -> Post:
    post_id = f"p.{user.id}.{day}.{index}"
    if user.kind == BOT:
        phrase = pick(words.BOT_POSTS, seed, "px", post_id)
    elif user.topic:
        topic = next(t for t in words.TOPICS if t.name == user.topic)
        phrase = pick(topic.post_phrases, seed, "px", post_id)
    else:
        phrase = pick(words.GENERAL_POSTS, seed, "px", post_id)
    tags = [
        f"#{t}"
        for i, t in enumerate(user.tag_list)
        if unit(seed, "tag", post_id, i) < (0.8 if i else 0.9)
    ]
    likes = int(math.sqrt(max(user.followers, 4)) * 2 * unit(seed, "likes", post_id))
    return Post(post_id, user.id, " ".join([phrase, *tags]), posts.instant(ts), likes)


def reference_recent(seed: int, user: User, now_ts: int, limit: int) -> list[Post]:
    """Every lookback day in turn, each draw made with ``unit(*parts)``: the first way."""
    found: list[Post] = []
    today = now_ts // posts.DAY
    for day in range(today, today - posts.LOOKBACK_DAYS, -1):
        offsets = (
            unit(seed, "t", user.id, day, k) for k in range(reference_count(seed, user, day))
        )
        times = sorted(day * posts.DAY + int(o * posts.DAY) for o in offsets)
        for index in range(len(times) - 1, -1, -1):
            if times[index] <= now_ts:
                found.append(reference_post(seed, user, day, index, times[index]))
                if len(found) >= limit:
                    return found
    return found


@pytest.fixture
def world(world_path: Path) -> World:
    opened = World(world_path)
    opened.ensure_managed("demo.studio")
    return opened


def test_recent_posts_match_a_day_by_day_walk(world: World) -> None:
    for user in world.static_users()[::3]:
        for now_ts in INSTANTS:
            assert posts.recent(world.seed, user, now_ts, 5) == reference_recent(
                world.seed, user, now_ts, 5
            )


def test_profiles_built_for_serving_equal_the_model(world: World) -> None:
    users = [*world.static_users(), *world.managed()]
    assert any(u.hide_followers for u in users) and any(u.quiet_ts for u in users)
    for user in users:
        for now_ts in INSTANTS[:2]:
            extra = world.managed_followers(user.id)
            made = profile_data(world, user, now_ts, managed_followers=extra)
            assert made == profile(world, user, now_ts).to_data(), user.id


def test_hashtag_marks_are_the_words_of_the_post(world: World) -> None:
    assert not any("#" in p for t in words.TOPICS for p in t.post_phrases)
    assert not any("#" in p for p in (*words.BOT_POSTS, *words.GENERAL_POSTS))
    for user in world.static_users()[::7]:
        for post in posts.recent(world.seed, user, NOW_TS, 4):
            _, _, day, index = post.id.split(".")
            for tag in user.tag_list:
                carried = f"#{tag}" in post.text.split()
                assert posts.tagged(world.seed, user, int(day), int(index), tag) == carried


def test_user_rows_are_the_columns_in_order(world: World) -> None:
    assert tuple(f.name for f in dataclasses.fields(User)) == USER_COLUMNS
    for user in [*world.static_users()[:50], *world.managed()]:
        assert user.row() == dataclasses.astuple(user)
        assert User.from_row(user.row()) == User(*user.row())
        assert vars(User.from_row(user.row())) == vars(User(*user.row()))


def _content(path: Path) -> str:
    conn = sqlite3.connect(path)
    digest = hashlib.sha256()
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1"):
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
            digest.update(repr(row).encode())
    conn.close()
    return digest.hexdigest()[:16]


@pytest.mark.parametrize(
    ("model", "expected"),
    [("standard", "ebf8e220c2a3bc97"), ("variant", "14063baca3ea3165")],
)
def test_a_seed_still_generates_the_same_world(tmp_path: Path, model: str, expected: str) -> None:
    """The content (accounts, hashtags, edges) the generator made before it was made faster."""
    path = tmp_path / "world.sqlite"
    generate(path, WorldSpec.at(7, 600, NOW.replace(hour=9), model), use_memo=False)
    assert _content(path) == expected


async def _page(platform: SandboxPlatform, source: Source) -> dict[str, int | None]:
    page = await platform.discover(source)
    return {p.id: p.followers for p in page.profiles}


async def test_a_follow_by_another_process_shows_in_the_next_page(connect: Connect) -> None:
    reader, writer = connect("reader.studio"), connect("writer.studio")
    source = Source(SourceKind.HASHTAG, "filmphotography")
    before = await _page(reader, source)
    target_id = next(i for i, n in before.items() if n is not None)
    handle = (await reader.discover(source)).profiles[0].handle
    await writer.execute(action(Verb.FOLLOW, Target("account", target_id, handle), "writer-studio"))
    after = await _page(reader, source)
    counts = before[target_id]
    assert counts is not None
    assert after[target_id] == counts + 1
    assert {k: v for k, v in after.items() if k != target_id} == {
        k: v for k, v in before.items() if k != target_id
    }


async def test_follower_lists_show_a_new_follower_at_once(
    connect: Connect, clock: FakeClock
) -> None:
    reader, writer = connect("reader.studio"), connect("writer.studio")
    source = Source(SourceKind.FOLLOWERS_OF, "lens.collective")

    async def follower_ids() -> list[str]:
        ids: list[str] = []
        cursor: str | None = None
        while True:
            page = await reader.discover(source, cursor)
            ids += [p.id for p in page.profiles]
            if page.cursor is None:
                return ids
            cursor = page.cursor

    before = await follower_ids()
    lens = await reader.lookup("lens.collective")
    await writer.execute(action(Verb.FOLLOW, Target("account", lens.id, lens.handle), "w"))
    clock.advance(timedelta(seconds=5).total_seconds())
    writer_id = (await writer.me()).id
    after = await follower_ids()
    assert writer_id not in before and after[0] == writer_id
    assert sorted(after[1:]) == sorted(before)


def test_the_client_reads_the_servers_profiles_as_the_model_does(world: World) -> None:
    from socialseed.platforms.sandbox.client import _profile

    me = world.managed()[0]
    own = posts.recent(world.seed, me, NOW_TS, 3)
    comments = tuple(Finder(world).comments(own, NOW_TS + 5 * 86400))
    assert comments and all(c.reply_to for c in comments)
    for user in world.static_users()[::5]:
        data = profile(world, user, NOW_TS, extra=comments[:2]).to_data()
        made = _profile(data)
        assert made == Profile.from_data(data)
        assert set(vars(made)) == {f.name for f in dataclasses.fields(Profile)}  # every field
        for post in made.recent_posts:
            assert set(vars(post)) == {f.name for f in dataclasses.fields(Post)}
    odd = profile(world, world.static_users()[0], NOW_TS).to_data() | {"last_active": ""}
    assert _profile(odd) == Profile.from_data(odd)  # not the server's form: the general way


async def test_discovery_pages_carry_each_profiles_canonical_text(connect: Connect) -> None:
    """The client keeps the text the server wrote as each profile's canonical text (what
    the state stores and hashes): it must be what the model writes for that profile."""
    me, other = connect("demo.studio"), connect("writer.studio")
    lens = await me.lookup("lens.collective")
    target = Target("account", lens.id, lens.handle)
    await other.execute(action(Verb.FOLLOW, target, "writer-studio"))  # a managed follower
    sources = [
        Source(SourceKind.HASHTAG, "filmphotography"),
        Source(SourceKind.SEARCH, "film"),
        Source(SourceKind.FOLLOWERS_OF, "lens.collective"),
        Source(SourceKind.LIKERS_OF, lens.recent_posts[0].id),
        Source(SourceKind.COMMENTERS, "own"),
    ]
    seen = 0
    for source in sources:
        cursor: str | None = None
        while True:
            page = await me.discover(source, cursor)
            for found in page.profiles:
                assert "_canonical" in found.__dict__, (source, found.id)  # kept, not made
                fresh = dataclasses.replace(found)  # the same profile, its text made anew
                assert "_canonical" not in fresh.__dict__ and fresh == found
                assert found.canonical() == canonical_json(fresh.to_data()), found.id
                assert found.digest == hashlib.sha256(found.canonical().encode()).hexdigest()
                seen += 1
            if page.cursor is None:
                break
            cursor = page.cursor
    assert seen > 200


async def test_accounts_reading_the_same_source_share_its_profiles(connect: Connect) -> None:
    """A profile the server wrote as the same text is made once in a process: a second
    account reading the same page gets the same (immutable) values, equal to its own."""
    first, second = connect("demo.studio"), connect("writer.studio")
    source = Source(SourceKind.SEARCH, "film")
    one, two = await first.discover(source), await second.discover(source)
    assert one.profiles and [p.id for p in one.profiles] == [p.id for p in two.profiles]
    assert all(a is b for a, b in zip(one.profiles, two.profiles, strict=True))
    target = Target("account", one.profiles[0].id, one.profiles[0].handle)
    await second.execute(action(Verb.FOLLOW, target, "writer-studio"))  # its count changes
    three = await first.discover(source)
    assert three.profiles[0] is not one.profiles[0]
    assert three.profiles[0].followers == (one.profiles[0].followers or 0) + 1
    assert all(a is b for a, b in zip(one.profiles[1:], three.profiles[1:], strict=True))


async def test_a_page_read_again_is_the_same_profiles_in_a_list_of_its_own(
    connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same page bytes are decoded once in a process (pages that differ are decoded for
    themselves: the test above), and each read still gets a list of its own."""
    from socialseed.platforms.sandbox import client

    splits: list[bytes] = []
    real = client._split_page

    def counted(body: bytes) -> tuple[list[tuple[Any, str]], str | None] | None:
        splits.append(body)
        return real(body)

    monkeypatch.setattr(client, "_split_page", counted)
    first, second = connect("demo.studio"), connect("writer.studio")
    source = Source(SourceKind.FOLLOWERS_OF, "lens.collective")
    one = await first.discover(source)
    kept = list(one.profiles)
    one.profiles.clear()
    two = await second.discover(source)
    assert two.profiles == kept and len(kept) > 10
    assert len(splits) <= 1  # none when an earlier test of this process read the same bytes


async def test_a_page_served_to_several_accounts_shows_each_follow_and_unfollow(
    connect: Connect, world_path: Path, clock: FakeClock
) -> None:
    """A discovery page several accounts read at one instant is made once (shared by the
    world's transports): a managed account's follow and unfollow of a profile on it still show
    in the next read of every account, and each read is what the model says then."""
    from socialseed.platforms.sandbox.client import _split_page

    reader, other, writer = connect("demo.studio"), connect("other.studio"), connect("w.studio")
    now_ts = int(clock.now().timestamp())

    async def texts(platform: SandboxPlatform) -> list[str]:
        response = await platform._answer(
            "GET", "/v1/discover/search", params={"q": "film", "limit": "100"}
        )
        split = _split_page(response.content)
        assert split is not None
        return [text for _, text in split[0]]

    def model(ids: list[str]) -> list[str]:
        fresh = World(world_path)  # a connection of its own: nothing kept from the reads
        try:
            users = [fresh.user(i) for i in ids]
            return [canonical_json(profile(fresh, u, now_ts).to_data()) for u in users if u]
        finally:
            fresh.close()

    first = await texts(reader)
    ids = [Profile.from_data(json_of(t)).id for t in first]
    assert len(first) > 20 and await texts(other) == first == model(ids)
    target = next(Profile.from_data(json_of(t)) for t in first[3:] if '"followers":null' not in t)
    follow = action(Verb.FOLLOW, Target("account", target.id, target.handle), "w-studio")
    await writer.execute(follow)
    followed = model(ids)
    changed = [i for i, (a, b) in enumerate(zip(first, followed, strict=True)) if a != b]
    assert ids.index(target.id) in changed  # (a new managed account follows some too)
    assert await texts(reader) == followed == await texts(other)
    unfollow = dataclasses.replace(follow, verb=Verb.UNFOLLOW, id=follow.id + "-undo")
    await writer.execute(unfollow)
    undone = model(ids)
    at = ids.index(target.id)
    assert undone[at] == first[at] != followed[at]
    assert await texts(other) == undone == await texts(reader)


def json_of(text: str) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads(text)
    return data
