"""sync: snapshots, drift (manual follows and unfollows), follow-backs, suspect reads."""

from __future__ import annotations

from datetime import timedelta

from socialseed.clock import FakeClock
from socialseed.config.load import load_config
from socialseed.model import Outcome, Verb
from socialseed.observe.sync import run_sync, sync_account
from socialseed.state import journal
from socialseed.state.accounts import active_pause, pause, serial_moves_since, state_serial
from socialseed.state.db import open_state
from socialseed.state.relationships import active_following, relationships
from socialseed.state.snapshots import snapshots
from tests.conftest import DEMO_CONFIG
from tests.ops.conftest import NOW, make_action, make_plan
from tests.ops.fakes import FakePlatform


def journal_follow(db, target: str, verb: Verb = Verb.FOLLOW, at=NOW) -> None:  # type: ignore[no-untyped-def]
    action = make_action(verb, target)
    plan = make_plan([action], at)
    journal.record_outcome(db, plan.id, action, Outcome("done"), attempt=1, now=at)


async def test_the_first_sync_is_the_baseline_and_later_manual_follows_are_drift() -> None:
    db = open_state(None)
    journal_follow(db, "ours", at=NOW - timedelta(days=2))
    platform = FakePlatform("demo-studio", followers=120, following={"ours", "old1"})
    first = await sync_account(db, platform, now=NOW)
    assert [(s.followers, s.following) for s in snapshots(db, "demo-studio")] == [(120, 2)]
    assert not first.drift and first.serial is None
    assert first.notes == (
        "first sync: 1 existing follows recorded as origin manual (the baseline, not drift)",
    )
    platform.following |= {"mine1", "mine2"}
    result = await sync_account(db, platform, now=NOW + timedelta(days=1))
    rels = {r.target_id: r for r in relationships(db, "demo-studio")}
    assert rels["ours"].origin == "socialseed"
    assert rels["ours"].since == NOW - timedelta(days=2)
    assert {rels[t].origin for t in ("old1", "mine1", "mine2")} == {"manual"}
    assert result.drift.followed == ("mine1", "mine2")
    assert result.serial == 1 == state_serial(db, "demo-studio")
    assert serial_moves_since(db, "demo-studio", 0)[0]["reason"] == "drift"


async def test_no_drift_leaves_the_serial_alone() -> None:
    db = open_state(None)
    journal_follow(db, "a")
    platform = FakePlatform("demo-studio", following={"a"})
    await sync_account(db, platform, now=NOW)
    result = await sync_account(db, platform, now=NOW + timedelta(days=1))
    assert not result.drift and result.serial is None
    assert state_serial(db, "demo-studio") == 0
    assert result.followers_change == 0


async def test_an_unfollow_outside_socialseed_is_drift_but_ours_is_not() -> None:
    db = open_state(None)
    for t in ("a", "b", "c"):
        journal_follow(db, t, at=NOW - timedelta(days=3))
    await sync_account(db, FakePlatform("demo-studio", following={"a", "b", "c"}), now=NOW)
    journal_follow(db, "a", Verb.UNFOLLOW, at=NOW + timedelta(hours=1))
    later = NOW + timedelta(days=1)
    result = await sync_account(db, FakePlatform("demo-studio", following={"c"}), now=later)
    assert result.drift.unfollowed == ("b",)
    assert set(active_following(db, "demo-studio")) == {"c"}
    ended = {r.target_id: r.unfollowed_at for r in relationships(db, "demo-studio")}
    assert ended["a"] == NOW + timedelta(hours=1) and ended["b"] == later


async def test_follow_backs_are_recorded_once() -> None:
    db = open_state(None)
    for t in ("a", "b"):
        journal_follow(db, t, at=NOW - timedelta(days=1))
    platform = FakePlatform("demo-studio", following={"a", "b"}, follower_ids={"a", "z"})
    first = await sync_account(db, platform, now=NOW)
    second = await sync_account(db, platform, now=NOW + timedelta(days=1))
    assert (first.new_follow_backs, second.new_follow_backs) == (1, 0)
    backs = {r.target_id: r.followed_back_at for r in relationships(db, "demo-studio")}
    assert backs == {"a": NOW, "b": None}


async def test_an_empty_read_is_suspect_and_not_applied() -> None:
    db = open_state(None)
    for t in ("a", "b"):
        journal_follow(db, t)
    await sync_account(db, FakePlatform("demo-studio", following={"a", "b"}), now=NOW)
    result = await sync_account(db, FakePlatform("demo-studio", following=set()), now=NOW)
    assert result.suspect
    assert "suspect read" in result.notes[0]
    assert set(active_following(db, "demo-studio")) == {"a", "b"}
    assert not result.drift


async def test_a_platform_without_lists_gives_counts_only() -> None:
    db = open_state(None)
    result = await sync_account(db, FakePlatform("demo-studio", lists=False), now=NOW)
    assert not result.relationships_read
    assert "no following list" in result.notes[0]
    assert len(snapshots(db)) == 1


async def test_run_sync_keeps_going_past_one_failing_account_and_closes_clients() -> None:
    db = open_state(None)
    config = load_config(DEMO_CONFIG)
    built: dict[str, FakePlatform] = {}

    def build(account):  # type: ignore[no-untyped-def]
        built[account.id] = FakePlatform(account.id, fail=account.id == "demo-cafe")
        return built[account.id]

    done = await run_sync(db, config, config.accounts, build, FakeClock(NOW))
    by = {d.account: d for d in done}
    assert by["demo-cafe"].error is not None and by["demo-cafe"].result is None
    assert by["demo-studio"].result is not None
    assert by["demo-studio"].health is not None
    assert all(p.closed for p in built.values())
    row = db["accounts"].get("demo-studio")
    assert row["health"] == "green" and row["health_at"] == "2026-12-10T12:00:00Z"


async def test_red_pauses_then_the_cool_down_resumes_one_phase_lower() -> None:
    db = open_state(None)
    config = load_config(DEMO_CONFIG)
    studio = config.account("demo-studio")  # standard phases; start 2026-11-20 -> growth by 12-10
    failing = make_action(Verb.FOLLOW, "x")
    plan = make_plan([failing], NOW)
    for n in range(4):
        when = NOW - timedelta(hours=n + 1)
        journal.record_outcome(
            db, plan.id, failing, Outcome("failed", "HTTP 500", 500), attempt=n, now=when
        )

    def build(account):  # type: ignore[no-untyped-def]
        return FakePlatform(account.id)

    done = await run_sync(db, config, [studio], build, FakeClock(NOW))
    assert done[0].paused and done[0].health is not None
    assert done[0].health.light.value == "red"
    paused = active_pause(db, "demo-studio", NOW)
    assert paused is not None and paused.until == NOW + timedelta(hours=48)
    assert paused.reason.startswith("health red: 4 of 4 attempts failed")

    later = NOW + timedelta(hours=49)
    again = await run_sync(db, config, [studio], build, FakeClock(later))
    assert again[0].demoted_to == "warmup"
    assert not again[0].paused and again[0].health.light.value == "green"
    row = db["accounts"].get("demo-studio")
    assert (row["phase_override"], row["phase_override_at"]) == ("warmup", "2026-12-12T13:00:00Z")
    kinds = [r["kind"] for r in db["audit"].rows_where(order_by="id")]
    assert kinds == ["pause", "resume", "phase_demoted"]


async def test_a_manual_pause_forever_is_not_lifted_by_sync() -> None:
    db = open_state(None)
    config = load_config(DEMO_CONFIG)
    pause(db, "demo-studio", reason="crisis", now=NOW)

    def build(account):  # type: ignore[no-untyped-def]
        return FakePlatform(account.id)

    done = await run_sync(db, config, [config.account("demo-studio")], build, FakeClock(NOW))
    assert done[0].demoted_to is None
    assert active_pause(db, "demo-studio", NOW + timedelta(days=30)) is not None


async def test_a_persons_timed_pause_ends_without_losing_a_phase() -> None:
    db = open_state(None)
    config = load_config(DEMO_CONFIG)
    studio = config.account("demo-studio")
    pause(
        db,
        "demo-studio",
        reason="holiday",
        now=NOW,
        until=NOW + timedelta(days=2),
        actor="ana@example.com",
    )

    def build(account):  # type: ignore[no-untyped-def]
        return FakePlatform(account.id)

    later = NOW + timedelta(days=3)
    done = await run_sync(db, config, [studio], build, FakeClock(later))
    assert done[0].demoted_to is None
    row = db["accounts"].get("demo-studio")
    assert row["phase_override"] is None and row["paused_until"] is None
    kinds = [(r["kind"], r["actor"]) for r in db["audit"].rows_where(order_by="id")]
    assert kinds == [("pause", "ana@example.com"), ("resume", "socialseed:health")]


async def test_a_follower_who_followed_before_ours_is_not_a_follow_back() -> None:
    """The constructed case of issue 19: 8 follows, 4 of them follow the account afterwards,
    but one (f1) already followed it before: 3 of 8 (0.375), not 4 of 8 (0.50)."""
    from socialseed.observe.analytics import follow_backs

    db = open_state(None)
    platform = FakePlatform("demo-studio", following=set(), follower_ids={"f1", "fan"})
    await sync_account(db, platform, now=NOW)  # f1 and fan already follow the account
    targets = [f"f{i}" for i in range(1, 9)]
    for t in targets:
        journal_follow(db, t, at=NOW + timedelta(days=1))
    platform.following = set(targets)
    await sync_account(db, platform, now=NOW + timedelta(days=1, hours=1))
    platform.followers_set = {"f1", "f2", "f3", "f4", "fan"}
    result = await sync_account(db, platform, now=NOW + timedelta(days=3))
    assert result.new_follow_backs == 3
    backs = {r.target_id for r in relationships(db, "demo-studio") if r.followed_back_at}
    assert backs == {"f2", "f3", "f4"}
    made, back = follow_backs(db, "demo-studio", NOW, NOW + timedelta(days=3))
    assert (made, back, back / made) == (8, 3, 0.375)


async def test_a_follow_back_that_ends_again_stays_a_follow_back() -> None:
    """People unfollow again over time: the label is what happened (a follow-back), so a
    later sync that no longer sees the follower keeps it and counts nothing new."""
    from socialseed.observe.analytics import follow_backs

    db = open_state(None)
    platform = FakePlatform("demo-studio", following=set(), follower_ids={"fan"})
    await sync_account(db, platform, now=NOW)
    targets = ["f1", "f2", "f3", "f4"]
    for t in targets:
        journal_follow(db, t, at=NOW + timedelta(days=1))
    platform.following = set(targets)
    platform.followers_set = {"fan", "f1", "f2"}
    first = await sync_account(db, platform, now=NOW + timedelta(days=2))
    platform.followers_set = {"fan", "f2"}  # f1 unfollowed again
    second = await sync_account(db, platform, now=NOW + timedelta(days=9))
    assert (first.new_follow_backs, second.new_follow_backs) == (2, 0)
    backs = {r.target_id for r in relationships(db, "demo-studio") if r.followed_back_at}
    assert backs == {"f1", "f2"}
    assert follow_backs(db, "demo-studio", NOW, NOW + timedelta(days=9)) == (4, 2)
