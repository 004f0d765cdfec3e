"""The executor against a scripted fake platform: journal, retries, breaker, staleness.

Each test runs on both state backends (SQLite, PostgreSQL: the ``state_where`` fixture).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from socialseed.apply.context import Options
from socialseed.clock import FakeClock
from socialseed.errors import (
    AccountRestricted,
    ActionBlocked,
    ApprovalError,
    AuthExpired,
    NotFound,
    RateLimited,
    SecretError,
    StalePlanError,
    Transient,
)
from socialseed.model import Verb
from socialseed.state import journal
from socialseed.state.accounts import active_pause, bump_serial, pause, state_serial

from .fakes import NOW, Harness, Landed, action, approve, config, plan_for, state


def harness(
    where: str,
    per_account: int = 3,
    accounts: tuple[str, ...] = ("alpha", "beta"),
    **cfg_kwargs: object,
) -> Harness:
    cfg = config(accounts, **cfg_kwargs)  # type: ignore[arg-type]
    actions = [action(a, Verb.FOLLOW, n) for a in accounts for n in range(1, per_account + 1)]
    plan = plan_for(cfg, actions)
    db = state(where)
    approve(db, plan, actions)
    return Harness(db, cfg, plan)


def rows(h: Harness, kind: str) -> list[dict[str, object]]:
    return list(h.db["journal"].rows_where("kind = ?", [kind], order_by="id"))


async def test_runs_every_approved_action_once_with_intent_and_outcome(state_where: str) -> None:
    h = harness(state_where)
    report = await h.run()
    assert report.exit_code == 0
    assert report.counts() == {
        "done": 6,
        "already": 0,
        "failed": 0,
        "skipped": 0,
        "done_earlier": 0,
    }
    assert len(h.world.calls) == 6 and len(h.world.effects) == 6
    assert [r["status"] for r in rows(h, "intent")] == ["started"] * 6
    assert [r["status"] for r in rows(h, "outcome")] == ["done"] * 6
    # plan order within an account
    alpha = [r["action_id"] for r in rows(h, "outcome") if r["account"] == "alpha"]
    assert alpha == [a.id for a in h.plan.actions if a.account == "alpha"]
    # one serial bump per account, tagged with the plan
    log = list(h.db["serial_log"].rows_where(order_by="id"))
    assert sorted(r["account"] for r in log) == ["alpha", "beta"]
    assert {r["plan_id"] for r in log} == {h.plan.id}
    assert sorted((r["account"], r["serial"], r["reason"]) for r in log) == [
        ("alpha", 1, f"apply {h.plan.id}"),
        ("beta", 1, f"apply {h.plan.id}"),
    ]
    assert (state_serial(h.db, "alpha"), state_serial(h.db, "beta")) == (1, 1)
    stamped = h.db.conn.execute("select id, last_apply_at from accounts order by id").fetchall()
    assert [(name, at is not None) for name, at in stamped] == [("alpha", True), ("beta", True)]
    rel = list(h.db["relationships"].rows_where("account = 'alpha'", order_by="target_id"))
    assert [(r["target_id"], r["origin"], r["since"]) for r in rel] == [
        ("u1", "socialseed", "2026-11-25T09:00:00Z"),
        ("u2", "socialseed", "2026-11-25T09:00:00Z"),
        ("u3", "socialseed", "2026-11-25T09:00:00Z"),
    ]
    assert h.db["locks"].count == 0
    assert all(p.closed for p in h.platforms.values())


async def test_a_second_run_never_repeats_a_done_action(state_where: str) -> None:
    h = harness(state_where)
    await h.run()
    report = await h.run()
    assert len(h.world.calls) == 6
    assert all(r.earlier and r.status == "done" for r in report.results)
    assert report.exit_code == 0
    assert state_serial(h.db, "alpha") == 1  # nothing ran: no second bump


async def test_an_interrupted_call_that_landed_is_confirmed_not_repeated(state_where: str) -> None:
    h = harness(state_where, per_account=2, accounts=("alpha",))
    first, second = h.plan.actions
    # a crash after the intent of both: the first call reached the platform, the second did not
    for a in (first, second):
        journal.record_intent(h.db, h.plan.id, a, attempt=1, now=NOW)
    h.world.effects.add(("alpha", "follow", first.target.key))
    report = await h.run()
    assert report.exit_code == 0
    assert h.world.calls == [("alpha", "follow", second.target.key)]
    assert h.world.verifies == [first.id, second.id]
    outcome = {r["action_id"]: r for r in rows(h, "outcome")}
    assert outcome[first.id]["status"] == "done"
    assert "confirmed by the platform" in str(outcome[first.id]["error"])
    assert outcome[second.id]["attempt"] == 2


async def test_429_waits_until_the_reset_then_retries(state_where: str) -> None:
    h = harness(state_where, per_account=2, accounts=("alpha",))
    first = h.plan.actions[0]
    reset = NOW + timedelta(seconds=120)
    h.scripts["alpha"] = {first.id: [RateLimited("sandbox: slow down", reset_at=reset)]}
    report = await h.run()
    assert report.exit_code == 0
    assert h.clock.slept == [121.0]
    statuses = [(r["status"], r["http_status"]) for r in rows(h, "outcome")]
    assert statuses == [("failed", 429), ("done", 200), ("done", 200)]
    assert h.world.verifies == []  # a 429 is a definite "no": nothing to reconcile
    assert "rate_limited" in h.kinds()


async def test_5xx_is_retried_with_backoff_and_checked_first(state_where: str) -> None:
    h = harness(state_where, per_account=1, accounts=("alpha",))
    only = h.plan.actions[0]
    h.scripts["alpha"] = {only.id: [Transient("sandbox: 503"), Transient("sandbox: 502")]}
    report = await h.run()
    assert report.exit_code == 0
    assert len(h.clock.slept) == 2
    assert 1.0 <= h.clock.slept[0] <= 3.0 and 2.0 <= h.clock.slept[1] <= 6.0  # 2 s, 4 s ± 50 %
    assert h.world.verifies == [only.id, only.id]
    assert len(h.world.calls) == 3


async def test_a_timeout_that_landed_is_not_sent_again(state_where: str) -> None:
    h = harness(state_where, per_account=1, accounts=("alpha",))
    only = h.plan.actions[0]
    h.scripts["alpha"] = {only.id: [Landed(Transient("sandbox: timed out"))]}
    report = await h.run()
    assert report.exit_code == 0
    assert len(h.world.calls) == 1
    assert [r["status"] for r in rows(h, "outcome")] == ["failed", "done"]


async def test_transient_errors_give_up_after_the_retries(state_where: str) -> None:
    h = harness(state_where, per_account=1, accounts=("alpha",))
    only = h.plan.actions[0]
    h.scripts["alpha"] = {only.id: [Transient("sandbox: 503")] * 5}
    report = await h.run()
    assert report.exit_code == 1
    assert report.results[0].status == "failed"
    assert "gave up after 5 tries" in report.results[0].detail


async def test_a_block_stops_that_account_pauses_it_and_others_finish(state_where: str) -> None:
    h = harness(state_where)
    alpha = [a for a in h.plan.actions if a.account == "alpha"]
    h.scripts["alpha"] = {alpha[1].id: [ActionBlocked("sandbox: looks automated", status=403)]}
    report = await h.run()
    assert report.exit_code == 1
    by = {a.account: a for a in report.accounts}
    assert [r.status for r in by["alpha"].results] == ["done", "failed", "skipped"]
    assert [r.status for r in by["beta"].results] == ["done"] * 3
    assert ("alpha", "follow", alpha[2].target.key) not in h.world.calls
    row = h.db["accounts"].get("alpha")
    assert row["health"] == "red"
    assert "looks automated" in json.loads(row["health_reasons"])[0]
    paused = active_pause(h.db, "alpha", NOW)
    assert paused is not None and paused.until == NOW + timedelta(hours=48)
    assert "paused until 2026-11-27T09:00:00Z" in str(by["alpha"].error)
    assert "blocked" in h.kinds()


async def test_a_restriction_trips_the_breaker_too(state_where: str) -> None:
    h = harness(state_where, per_account=2, accounts=("alpha",), cooldown="2h")
    first = h.plan.actions[0]
    h.scripts["alpha"] = {first.id: [AccountRestricted("sandbox: account restricted")]}
    report = await h.run()
    assert [r.status for r in report.results] == ["failed", "skipped"]
    paused = active_pause(h.db, "alpha", NOW)
    assert paused is not None and paused.until == NOW + timedelta(hours=2)


async def test_the_failure_ratio_stops_an_account(state_where: str) -> None:
    h = harness(state_where, per_account=7, accounts=("alpha",))
    h.scripts["alpha"] = {a.id: [NotFound("sandbox: no such user")] for a in h.plan.actions}
    report = await h.run()
    assert [r.status for r in report.results] == ["failed"] * 5 + ["skipped"] * 2
    assert "5 of 5 attempts failed" in report.results[-1].detail
    assert len(h.world.calls) == 5
    assert report.exit_code == 1


async def test_expired_auth_stops_the_account_with_exit_4(state_where: str) -> None:
    h = harness(state_where, per_account=2)
    first = next(a for a in h.plan.actions if a.account == "alpha")
    h.scripts["alpha"] = {
        first.id: [
            AuthExpired("sandbox: token expired", status=401, hint="socialseed auth login alpha")
        ]
    }
    report = await h.run()
    assert report.exit_code == 4
    by = {a.account: a for a in report.accounts}
    assert [r.status for r in by["alpha"].results] == ["failed", "skipped"]
    assert [r.status for r in by["beta"].results] == ["done", "done"]


async def test_a_paused_account_is_left_alone(state_where: str) -> None:
    h = harness(state_where, per_account=2)
    pause(h.db, "alpha", reason="holiday", now=NOW)
    report = await h.run()
    by = {a.account: a for a in report.accounts}
    assert "alpha: paused until resumed (holiday)" in str(by["alpha"].error)
    assert {k[0] for k in h.world.calls} == {"beta"}
    assert report.exit_code == 1


async def test_the_kill_switch_stops_a_running_account(state_where: str) -> None:
    h = harness(state_where, per_account=3, accounts=("alpha",))
    original = h.factory

    def factory(account):  # type: ignore[no-untyped-def]
        platform = original(account)
        execute = platform.execute

        async def and_pause(a):  # type: ignore[no-untyped-def]
            outcome = await execute(a)
            pause(h.db, "*", reason="stop everything", now=NOW)
            return outcome

        platform.execute = and_pause  # type: ignore[method-assign]
        return platform

    h.factory = factory  # type: ignore[method-assign]
    report = await h.run()
    assert [r.status for r in report.results] == ["done", "skipped", "skipped"]
    assert "stop everything" in str(report.accounts[0].error)


async def test_stale_when_the_config_changed(state_where: str) -> None:
    h = harness(state_where)
    h.cfg = config(("alpha", "beta"), daily={"follow": 1})
    with pytest.raises(StalePlanError, match="the config changed since the plan was made") as err:
        await h.run()
    assert err.value.exit_code == 5
    assert "socialseed plan" in str(err.value.hint)
    assert h.world.calls == []


async def test_stale_when_another_plan_moved_the_account(state_where: str) -> None:
    h = harness(state_where)
    bump_serial(h.db, "beta", plan_id="p_other", reason="apply p_other", now=NOW)
    with pytest.raises(StalePlanError, match=r"account beta's state moved .*serial 0 -> 1"):
        await h.run()


async def test_own_serial_moves_do_not_make_the_plan_stale(state_where: str) -> None:
    h = harness(state_where)
    bump_serial(h.db, "beta", plan_id=h.plan.id, reason=f"apply {h.plan.id}", now=NOW)
    assert (await h.run()).exit_code == 0


async def test_stale_when_the_plan_expired(state_where: str) -> None:
    h = harness(state_where)
    h.clock.advance(25 * 3600)
    with pytest.raises(StalePlanError, match="the plan expired at 2026-11-26T09:00:00Z"):
        await h.run()


async def test_an_expired_approval_is_not_run(state_where: str) -> None:
    cfg = config(("alpha",))
    actions = [action("alpha", Verb.FOLLOW, n) for n in (1, 2)]
    plan = plan_for(cfg, actions)
    db = state(state_where)
    approve(db, plan, actions[:1], ttl=timedelta(hours=1))
    approve(db, plan, actions[1:], ttl=timedelta(hours=10))
    h = Harness(db, cfg, plan)
    h.clock.advance(2 * 3600)
    report = await h.run()
    assert [(r.status, r.action.id) for r in report.results][-1] == ("done", actions[1].id)
    skipped = report.results[0]
    assert skipped.status == "skipped" and skipped.action.id == actions[0].id
    assert "approval expired at 2026-11-25T10:00:00Z" in skipped.detail
    assert h.world.calls == [("alpha", "follow", actions[1].target.key)]


async def test_nothing_approved_is_an_error(state_where: str) -> None:
    cfg = config(("alpha",))
    actions = [action("alpha", Verb.FOLLOW, 1)]
    plan = plan_for(cfg, actions)
    db = state(state_where)
    approve(db, plan, actions, verdict="reject")
    with pytest.raises(ApprovalError, match="nothing to apply"):
        await Harness(db, cfg, plan).run()


async def test_unknown_only_id_is_refused(state_where: str) -> None:
    h = harness(state_where)
    with pytest.raises(ApprovalError, match="has no action a_nope"):
        await h.run(Options(only=frozenset({"a_nope"})))


async def test_only_exclude_and_account_select_actions(state_where: str) -> None:
    h = harness(state_where)
    alpha = [a for a in h.plan.actions if a.account == "alpha"]
    report = await h.run(Options(account="alpha", exclude=frozenset({alpha[0].id})))
    assert [r.action.id for r in report.results] == [a.id for a in alpha[1:]]
    report = await h.run(Options(only=frozenset({alpha[0].id})))
    assert [r.action.id for r in report.results] == [alpha[0].id]


async def test_hourly_caps_wait_and_max_wait_skips_the_rest(state_where: str) -> None:
    h = harness(state_where, per_account=4, accounts=("alpha",), hourly={"follow": 2})
    report = await h.run(Options(max_wait=1800))
    assert [r.status for r in report.results] == ["done", "done", "skipped", "skipped"]
    assert "would wait past 2026-11-25T09:30:00Z (hourly follow cap (2) reached)" in (
        report.results[2].detail
    )
    assert report.exit_code == 0  # deliberately skipped: still approved for a later run
    assert [r["status"] for r in rows(h, "outcome")] == ["done", "done", "skipped", "skipped"]
    # a later run picks them up once the hour has passed
    h.clock.advance(3600)
    report = await h.run(Options(max_wait=1800))
    assert [r.status for r in report.results] == ["done", "done", "done", "done"]
    assert len(h.world.calls) == 4


async def test_hourly_caps_are_waited_through(state_where: str) -> None:
    h = harness(state_where, per_account=3, accounts=("alpha",), hourly={"follow": 2})
    report = await h.run()
    assert report.exit_code == 0
    assert h.clock.slept == [3600.0]


async def test_a_verb_the_phase_does_not_allow_is_skipped(state_where: str) -> None:
    cfg = config(("alpha",), daily={"follow": 10})
    actions = [action("alpha", Verb.LIKE, 1)]
    plan = plan_for(cfg, actions)
    db = state(state_where)
    approve(db, plan, actions)
    report = await Harness(db, cfg, plan).run()
    assert "phase growth allows no like" in report.results[0].detail


async def test_the_platforms_rate_headers_are_respected(state_where: str) -> None:
    from socialseed.model import RateInfo

    h = harness(state_where, per_account=1, accounts=("alpha",))
    h.rates["alpha"] = RateInfo(limit=50, remaining=0, reset_at=NOW + timedelta(seconds=30))
    report = await h.run()
    assert report.exit_code == 0
    assert h.clock.slept == [31.0]


async def test_dry_run_changes_nothing_and_shows_the_waits(state_where: str) -> None:
    h = harness(state_where, per_account=3, accounts=("alpha",), hourly={"follow": 2})
    report = await h.run(Options(dry_run=True))
    assert h.world.calls == [] and h.platforms == {}
    assert h.db["journal"].count == 0 and h.db["locks"].count == 0
    assert state_serial(h.db, "alpha") == 0
    slots = report.accounts[0].slots
    assert [s.wait for s in slots] == [0.0, 0.0, 3600.0]
    assert slots[2].reason == "hourly follow cap (2) reached"


async def test_the_kill_switch_holds_after_a_pacing_wait(state_where: str) -> None:
    h = harness(state_where, per_account=2, accounts=("alpha",), hourly={"follow": 1})

    class PausingClock(FakeClock):
        async def sleep(self, seconds: float) -> None:
            pause(h.db, "alpha", reason="stop now", now=self.now())
            await super().sleep(seconds)

    h.clock = PausingClock(NOW)
    report = await h.run()
    assert [r.status for r in report.results] == ["done", "skipped"]
    assert len(h.world.calls) == 1
    assert "alpha: paused until resumed (stop now)" in str(report.accounts[0].error)


async def test_a_missing_secret_stops_the_account_with_exit_4(state_where: str) -> None:
    h = harness(state_where, per_account=2, accounts=("alpha",))
    first = h.plan.actions[0]
    h.scripts["alpha"] = {first.id: [SecretError("alpha: no token stored", hint="auth login")]}
    report = await h.run()
    assert report.exit_code == 4
    assert [r.status for r in report.results] == ["skipped", "skipped"]
    # the call's intent has no outcome: the next run checks with the platform first
    report = await h.run()
    assert report.exit_code == 0
    assert h.world.verifies == [first.id]


async def test_a_rejection_during_the_run_is_honoured(state_where: str) -> None:
    from socialseed.model import Decision
    from socialseed.state.decisions import record_decision

    h = harness(state_where, per_account=2, accounts=("alpha",))
    second = h.plan.actions[1]
    original = h.factory

    def factory(account):  # type: ignore[no-untyped-def]
        platform = original(account)
        execute = platform.execute

        async def and_reject(a):  # type: ignore[no-untyped-def]
            outcome = await execute(a)
            record_decision(
                h.db,
                Decision(
                    h.plan.id, second.id, "reject", "boss@example.com", NOW, reason="not this one"
                ),
            )
            return outcome

        platform.execute = and_reject  # type: ignore[method-assign]
        return platform

    h.factory = factory  # type: ignore[method-assign]
    report = await h.run()
    assert [r.status for r in report.results] == ["done", "skipped"]
    assert report.results[1].detail == "rejected by boss@example.com: not this one"
    assert len(h.world.calls) == 1


class _RevokeWhileWaiting(FakeClock):
    """Simulated time; on the first wait, a reviewer rejects the second follow, and what the
    journal held when the wait began is kept."""

    def __init__(self, h: Harness) -> None:
        super().__init__(NOW)
        self.h = h
        self.journal_at_wait: list[tuple[str, str]] = []

    async def sleep(self, seconds: float) -> None:
        from socialseed.model import Decision
        from socialseed.state.decisions import record_decision

        if seconds > 0 and not self.journal_at_wait:
            rows = self.h.db.execute("select action_id, status from journal order by id")
            self.journal_at_wait = [(str(a), str(s)) for a, s in rows.fetchall()]
            second = self.h.plan.actions[1]
            decision = Decision(
                self.h.plan.id, second.id, "reject", "boss@example.com", NOW, reason="not now"
            )
            record_decision(self.h.db, decision)
        await super().sleep(seconds)


async def test_a_rejection_made_while_an_action_waits_for_pacing_stops_it(
    state_where: str,
) -> None:
    h = harness(state_where, per_account=2, accounts=("alpha",), hourly={"follow": 1})
    clock = h.clock = _RevokeWhileWaiting(h)
    first = h.plan.actions[0]

    report = await h.run()

    # the first follow's outcome was in the journal before the hour's wait began
    assert clock.journal_at_wait == [(first.id, "started"), (first.id, "done")]
    assert [r.status for r in report.results] == ["done", "skipped"]
    assert report.results[1].detail == "rejected by boss@example.com: not now"
    assert h.world.calls == [("alpha", "follow", "account:u1:")]  # the second never sent
    intents = h.db.execute("select action_id from journal where kind = 'intent'").fetchall()
    assert [row[0] for row in intents] == [first.id]
