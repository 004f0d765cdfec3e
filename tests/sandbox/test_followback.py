"""The sandbox's follow-back model: who never follows back, what raises the chance, and the
variant world whose drivers differ (docs/sandbox-model.md)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from socialseed.platforms.sandbox import actions, followback
from socialseed.platforms.sandbox.generate import WorldSpec, generate
from socialseed.platforms.sandbox.users import BOT, PERSON
from socialseed.platforms.sandbox.world import World
from tests.sandbox.conftest import NOW, SIZE

DAY = 86400


def _world(tmp_path: Path, model: str = "standard") -> World:
    path = tmp_path / f"{model}.sqlite"
    generate(path, WorldSpec.at(42, SIZE, NOW, model))
    return World(path)


def _people(world: World) -> list:  # type: ignore[type-arg]
    return [u for u in world.static_users() if u.kind == PERSON and not u.opted_out]


def test_bots_and_dormant_people_never_follow_back(tmp_path: Path) -> None:
    world = _world(tmp_path)
    now_ts = int(NOW.timestamp())
    bot = next(u for u in world.static_users() if u.kind == BOT)
    person = _people(world)[0]
    quiet = replace(person, quiet_ts=now_ts - 31 * DAY)
    for target in (bot, quiet):
        assert (
            followback.chance(
                42, "standard", target, affinity_share=1.0, touched=True, now_ts=now_ts
            )
            == 0.0
        )


def test_affinity_interaction_and_reciprocity_raise_the_chance(tmp_path: Path) -> None:
    world = _world(tmp_path)
    now_ts = int(NOW.timestamp())
    person = replace(_people(world)[0], quiet_ts=None)
    base = followback.chance(
        42, "standard", person, affinity_share=0.0, touched=False, now_ts=now_ts
    )
    near = followback.chance(
        42, "standard", person, affinity_share=0.8, touched=False, now_ts=now_ts
    )
    liked = followback.chance(
        42, "standard", person, affinity_share=0.0, touched=True, now_ts=now_ts
    )
    assert base < liked < near
    # who follows many relative to their followers reciprocates more (in the standard world)
    giver = replace(person, followers=50, following=2000)
    taker = replace(person, followers=2000, following=50)
    assert followback.reciprocity(42, giver, "standard") > followback.reciprocity(
        42, taker, "standard"
    )
    # the variant world ties reciprocity to size instead: the order turns around
    assert followback.reciprocity(42, giver, "variant") < followback.reciprocity(
        42, taker, "variant"
    )


def test_the_world_option_is_kept_and_follows_use_it(tmp_path: Path) -> None:
    standard, variant = _world(tmp_path), _world(tmp_path, "variant")
    assert (standard.followback_model, variant.followback_model) == ("standard", "variant")
    backs = {}
    for world in (standard, variant):
        me = world.ensure_managed("demo.studio")
        now_ts = int(NOW.timestamp())
        for target in _people(world)[:300]:
            write = actions.resolve(world, me, actions.Request("follow", target.id), now_ts)
            with world.transaction() as conn:
                if not write.already(conn):
                    write.perform(conn)
        later = world.follower_ids(me.id, now_ts + 4 * DAY)
        backs[world.followback_model] = set(later) - set(world.follower_ids(me.id, now_ts))
    assert backs["standard"] and backs["variant"] and backs["standard"] != backs["variant"]


def test_the_same_world_gives_the_same_follow_backs(tmp_path: Path) -> None:
    runs = []
    for n in range(2):
        world = _world(tmp_path / str(n))
        me = world.ensure_managed("demo.studio")
        now_ts = int(NOW.timestamp())
        for target in _people(world)[:100]:
            write = actions.resolve(world, me, actions.Request("follow", target.id), now_ts)
            with world.transaction() as conn:
                if not write.already(conn):
                    write.perform(conn)
        runs.append(world.follower_ids(me.id, now_ts + 4 * DAY))
    assert runs[0] == runs[1]


def test_some_people_unfollow_again_over_time_and_the_same_ones_every_run(tmp_path: Path) -> None:
    """A quarter of the follow-backs end 2 to 42 days after they began (followback_ends)."""
    gone_runs = []
    for n in range(2):
        world = _world(tmp_path / str(n))
        me = world.ensure_managed("demo.studio")
        now_ts = int(NOW.timestamp())
        for target in _people(world):
            write = actions.resolve(world, me, actions.Request("follow", target.id), now_ts)
            with world.transaction() as conn:
                if not write.already(conn):
                    write.perform(conn)
        before = set(world.follower_ids(me.id, now_ts))
        starts = {
            str(src): int(ts)
            for src, ts in world.conn.execute(
                "SELECT src, ts FROM followbacks WHERE dst = ?", (me.id,)
            )
            if str(src) not in before  # who followed before stays a follower
        }
        later = set(world.follower_ids(me.id, now_ts + 60 * DAY))
        gone = set(starts) - later
        assert later == before | (set(starts) - gone)  # nobody else arrives or leaves
        assert gone == {
            f for f in starts if followback.followback_ends(42, f, me.id, starts[f]) is not None
        }
        assert 0 < len(gone) < len(starts) / 2, (len(gone), len(starts))
        for f in gone:  # still following two days in, gone by day 42 after
            ends = followback.followback_ends(42, f, me.id, starts[f])
            assert ends is not None and starts[f] + 2 * DAY <= ends <= starts[f] + 42 * DAY
            assert f in world.follower_ids(me.id, ends - 1)
            assert f not in world.follower_ids(me.id, ends)
        gone_runs.append(sorted(gone))
    assert gone_runs[0] == gone_runs[1]
