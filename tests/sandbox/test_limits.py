"""Rate limits: a 429 with the right reset, never a silent drop, each write recorded once."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from socialseed.clock import FakeClock
from socialseed.config.schema import SandboxLimits
from socialseed.errors import RateLimited
from socialseed.model import Target, Verb
from tests.sandbox.conftest import NOW, Connect, action


def people(path: Path, count: int) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        found = conn.execute(
            "SELECT id, handle FROM users WHERE kind = 'person' ORDER BY id LIMIT ?", (count,)
        ).fetchall()
    finally:
        conn.close()
    return [(str(i), str(h)) for i, h in found]


def next_window(now: datetime, minutes: int = 15) -> datetime:
    size = minutes * 60
    ts = int(now.timestamp())
    return datetime.fromtimestamp(ts - ts % size + size, UTC)


async def test_two_hundred_follows_meet_the_default_limit_and_are_each_recorded_once(
    connect: Connect, clock: FakeClock, world_path: Path
) -> None:
    platform = connect()  # default limits: 50 per 15 minutes per verb, 1000 a day
    me = await platform.me()
    already = set(await platform.following_ids() or set())
    targets = [t for t in people(world_path, 260) if t[0] not in already][:200]
    limited: list[tuple[datetime, datetime]] = []
    done_in_window = 0
    for user_id, handle in targets:
        act = action(Verb.FOLLOW, Target("account", user_id, handle))
        try:
            outcome = await platform.execute(act)
        except RateLimited as exc:
            limited.append((clock.now(), exc.reset_at))
            assert exc.reset_at == next_window(clock.now())
            assert done_in_window == 50
            assert f"resets at {exc.reset_at.isoformat().replace('+00:00', 'Z')}" in str(exc)
            clock.set(exc.reset_at)
            done_in_window = 0
            outcome = await platform.execute(act)  # the same follow, after the reset
        assert outcome.status == "done"
        done_in_window += 1
    assert len(limited) == 3
    conn = sqlite3.connect(world_path)
    try:
        edges = conn.execute(
            "SELECT dst, count(*) FROM edges WHERE src = ? GROUP BY dst", (me.id,)
        ).fetchall()
        events = conn.execute(
            "SELECT count(*), count(DISTINCT target) FROM events WHERE actor = ? AND verb = ?",
            (me.id, "follow"),
        ).fetchone()
    finally:
        conn.close()
    followed = {str(dst) for dst, n in edges if n == 1}
    assert {t[0] for t in targets} <= followed
    assert events == (200, 200)


async def test_rate_headers_are_remembered_per_verb_and_for_the_day(connect: Connect) -> None:
    platform = connect(limits=SandboxLimits(per_window=10, window_minutes=15, daily=30))
    lens = await platform.lookup("lens.collective")
    await platform.execute(
        action(Verb.LIKE, Target("post", lens.id, lens.handle, post_id=lens.recent_posts[0].id))
    )
    like, daily = platform.last_rate["like"], platform.last_rate["daily"]
    assert (like.limit, like.remaining, like.reset_at) == (10, 9, next_window(NOW))
    assert (daily.limit, daily.remaining) == (30, 29)
    assert daily.reset_at == datetime(2026, 11, 26, tzinfo=UTC)


async def test_the_daily_cap_resets_at_midnight(
    connect: Connect, clock: FakeClock, world_path: Path
) -> None:
    platform = connect(limits=SandboxLimits(per_window=50, daily=3))
    targets = people(world_path, 10)[5:9]
    for user_id, handle in targets[:3]:
        await platform.execute(action(Verb.FOLLOW, Target("account", user_id, handle)))
    user_id, handle = targets[3]
    with pytest.raises(RateLimited, match="daily limit of 3 writes reached") as caught:
        await platform.execute(action(Verb.MUTE, Target("account", user_id, handle)))
    assert caught.value.reset_at == datetime(2026, 11, 26, tzinfo=UTC)
    assert platform.last_rate["daily"].remaining == 0


async def test_an_already_done_action_costs_no_budget(connect: Connect, world_path: Path) -> None:
    platform = connect(limits=SandboxLimits(per_window=1))
    user_id, handle = people(world_path, 20)[12]
    act = action(Verb.FOLLOW, Target("account", user_id, handle))
    assert (await platform.execute(act)).status in ("done", "already")
    assert (await platform.execute(act)).status == "already"
