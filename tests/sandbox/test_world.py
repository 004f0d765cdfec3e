"""The generated world: deterministic bytes, realistic shape, clear errors on a bad file."""

from __future__ import annotations

import sqlite3
import statistics
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from socialseed.clock import FakeClock
from socialseed.config.schema import Sandbox
from socialseed.errors import StateError
from socialseed.platforms.base import PlatformDeps
from socialseed.platforms.sandbox import build
from socialseed.platforms.sandbox.generate import WorldSpec, generate
from socialseed.platforms.sandbox.world import World
from tests.sandbox.conftest import NOW, account


def test_same_seed_and_day_give_byte_identical_worlds(tmp_path: Path) -> None:
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    generate(first, WorldSpec.at(7, 600, NOW), use_memo=False)
    generate(second, WorldSpec.at(7, 600, NOW + timedelta(hours=3)), use_memo=False)
    assert first.read_bytes() == second.read_bytes()


def test_different_seeds_give_different_worlds(tmp_path: Path) -> None:
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    generate(first, WorldSpec.at(7, 600, NOW), use_memo=False)
    generate(second, WorldSpec.at(8, 600, NOW), use_memo=False)
    assert first.read_bytes() != second.read_bytes()
    handles = [
        sqlite3.connect(p).execute("SELECT handle FROM users ORDER BY id").fetchall()
        for p in (first, second)
    ]
    assert handles[0] != handles[1]


@pytest.fixture(scope="module")
def default_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path = tmp_path_factory.mktemp("world") / "world.sqlite"
    generate(path, WorldSpec.at(42, 5000, NOW))
    world = World(path)
    yield world
    world.close()


def test_default_world_has_the_promised_shape(default_world: World) -> None:
    users = default_world.static_users()
    assert len(users) == 5000
    bots = [u for u in users if u.kind == "bot"]
    people = [u for u in users if u.kind == "person"]
    assert 0.12 < len(bots) / len(users) < 0.18
    assert 0.01 < sum(u.opted_out for u in users) / len(users) < 0.035
    assert all("#nobot" in u.bio for u in users if u.opted_out)
    assert 0.015 < sum(u.hide_followers for u in users) / len(users) < 0.045
    followers = sorted(u.followers for u in people)
    assert followers[-1] > 50 * statistics.median(followers)  # heavy tail
    assert statistics.median(b.following / max(1, b.followers) for b in bots) > 20
    assert sum(b.has_avatar for b in bots) / len(bots) < 0.3
    assert len({u.handle for u in users}) == len(users)


def test_topical_hubs_and_clusters_exist(default_world: World) -> None:
    for hub in ("lens.collective", "coffee.collective"):
        user = default_world.by_handle(hub)
        assert user is not None and user.kind == "hub"
    lens = default_world.by_handle("lens.collective")
    assert lens is not None
    assert len(default_world.follower_ids(lens.id, int(NOW.timestamp()))) > 200
    for tag in ("filmphotography", "35mm", "analog", "coffee", "espresso"):
        assert len(default_world.users_with_tag(tag)) > 50, tag


def test_building_a_platform_makes_a_missing_world_from_the_config(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "world.sqlite"
    deps = PlatformDeps(clock=FakeClock(NOW), sandbox_path=path, sandbox=Sandbox(seed=5, size=300))
    build(account(), deps)
    world = World(path)
    assert (world.seed, world.size, len(world.static_users())) == (5, 300, 300)


def test_a_file_that_is_not_a_world_is_refused_with_a_fix(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StateError) as caught:
        World(path)
    assert str(path) in str(caught.value)
    assert "socialseed sandbox reset" in str(caught.value)


def test_a_missing_world_is_named_with_the_command_that_makes_it(tmp_path: Path) -> None:
    with pytest.raises(StateError, match=r"(?s)no sandbox world at .*sandbox reset"):
        World(tmp_path / "absent.sqlite")
