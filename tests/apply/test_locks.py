"""Per-account locks: one apply per account, stale locks expire, force-unlock is audited.

Each test runs on both state backends (SQLite, PostgreSQL: the ``state_where`` fixture)."""

from __future__ import annotations

import json
from datetime import timedelta

from socialseed.apply.context import Event, Options
from socialseed.model import Verb
from socialseed.state import locks
from socialseed.state.handle import StateDB

from .fakes import ME, NOW, Harness, action, approve, config, plan_for, state

OTHER = locks.Me(owner="ci (other run)", host="testhost", pid=999)
ELSEWHERE = locks.Me(owner="laptop run", host="laptop", pid=999)


def harness(where: str) -> Harness:
    cfg = config(("alpha", "beta"))
    actions = [action(a, Verb.FOLLOW, 1) for a in ("alpha", "beta")]
    plan = plan_for(cfg, actions)
    db = state(where)
    approve(db, plan, actions)
    return Harness(db, cfg, plan)


def test_a_live_lock_is_refused_and_names_its_holder(state_where: str) -> None:
    db = state(state_where)
    ttl = timedelta(hours=2)
    assert locks.try_acquire(db, "alpha", ME, now=NOW, ttl=ttl, alive=lambda pid: True) is None
    held = locks.try_acquire(db, "alpha", OTHER, now=NOW, ttl=ttl, alive=lambda pid: True)
    assert held is not None and held.pid == ME.pid and held.host == "testhost"
    # the holder itself may take it again (a resumed run in the same process)
    assert locks.try_acquire(db, "alpha", ME, now=NOW, ttl=ttl, alive=lambda pid: True) is None


def test_a_lock_of_a_dead_process_on_this_host_is_taken_over(state_where: str) -> None:
    db = state(state_where)
    ttl = timedelta(hours=2)
    locks.try_acquire(db, "alpha", OTHER, now=NOW, ttl=ttl)
    assert locks.try_acquire(db, "alpha", ME, now=NOW, ttl=ttl, alive=lambda pid: False) is None
    current = locks.holder(db, "alpha")
    assert current is not None and current.owner == ME.owner
    audit = list(db["audit"].rows_where("kind = 'lock_taken_over'"))
    assert "ci (other run)" in json.loads(audit[0]["detail"])["stale_holder"]


def test_a_lock_on_another_host_is_kept_until_it_expires(state_where: str) -> None:
    db = state(state_where)
    ttl = timedelta(hours=2)
    locks.try_acquire(db, "alpha", ELSEWHERE, now=NOW, ttl=ttl)
    dead = lambda pid: False  # noqa: E731 - pid 999 means nothing on this host
    assert locks.try_acquire(db, "alpha", ME, now=NOW, ttl=ttl, alive=dead) is not None
    later = NOW + ttl
    assert locks.try_acquire(db, "alpha", ME, now=later, ttl=ttl, alive=dead) is None


def test_force_unlock_removes_the_lock_and_is_audited(state_where: str) -> None:
    db = state(state_where)
    locks.try_acquire(db, "alpha", OTHER, now=NOW, ttl=timedelta(hours=2))
    removed = locks.force_unlock(db, "alpha", actor="tester@example.com", now=NOW)
    assert removed is not None and removed.owner == OTHER.owner
    assert locks.holder(db, "alpha") is None
    row = next(iter(db["audit"].rows_where("kind = 'force_unlock'")))
    assert row["actor"] == "tester@example.com" and row["account"] == "alpha"
    assert locks.force_unlock(db, "alpha", actor="x", now=NOW) is None


async def test_apply_skips_a_locked_account_and_runs_the_others(state_where: str) -> None:
    h = harness(state_where)
    locks.try_acquire(h.db, "alpha", OTHER, now=NOW, ttl=timedelta(hours=2))
    report = await h.run(alive=lambda pid: True)
    by = {a.account: a for a in report.accounts}
    assert "another apply holds the lock" in str(by["alpha"].error)
    assert "ci (other run) (pid 999 on testhost" in str(by["alpha"].error)
    assert "socialseed force-unlock alpha" in str(by["alpha"].error)
    assert [r.status for r in by["beta"].results] == ["done"]
    assert report.exit_code == 1
    current = locks.holder(h.db, "alpha")
    assert current is not None and current.owner == OTHER.owner  # untouched


async def test_apply_waits_for_the_lock_up_to_the_timeout(state_where: str) -> None:
    h = harness(state_where)
    locks.try_acquire(h.db, "alpha", OTHER, now=NOW, ttl=timedelta(seconds=5))
    report = await h.run(Options(lock_timeout=10), alive=lambda pid: True)
    assert report.exit_code == 0
    assert sum(h.clock.slept) >= 5


async def test_apply_gives_up_waiting_after_the_timeout(state_where: str) -> None:
    h = harness(state_where)
    locks.try_acquire(h.db, "alpha", OTHER, now=NOW, ttl=timedelta(hours=1))
    report = await h.run(Options(lock_timeout=3), alive=lambda pid: True)
    by = {a.account: a for a in report.accounts}
    assert "after waiting 3 s" in str(by["alpha"].error)


class _TakeLockAfterFirstDone(list[Event]):
    """The events of a run; when the first action is done, another run takes the lock."""

    def __init__(self, db: StateDB) -> None:
        super().__init__()
        self.db = db

    def append(self, event: Event) -> None:
        super().append(event)
        if event.kind == "action_done" and sum(e.kind == "action_done" for e in self) == 1:
            locks.force_unlock(self.db, "alpha", actor="tester@example.com", now=NOW)
            locks.try_acquire(self.db, "alpha", OTHER, now=NOW, ttl=timedelta(hours=2))


async def test_a_lock_taken_away_mid_run_stops_the_account_before_its_next_intent(
    state_where: str,
) -> None:
    cfg = config(("alpha",))
    actions = [action("alpha", Verb.FOLLOW, n) for n in (1, 2, 3)]
    plan = plan_for(cfg, actions)
    db = state(state_where)
    approve(db, plan, actions)
    h = Harness(db, cfg, plan, events=_TakeLockAfterFirstDone(db))

    report = await h.run()

    (alpha,) = report.accounts
    assert [r.status for r in alpha.results] == ["done", "skipped", "skipped"]
    assert "the apply lock was taken away during the run" in str(alpha.error)
    assert "ci (other run)" in alpha.results[1].detail
    assert h.world.calls == [("alpha", "follow", "account:u1:")]  # nothing sent after it
    intents = db.execute("select action_id from journal where kind = 'intent'").fetchall()
    assert [row[0] for row in intents] == [actions[0].id]  # nor journalled
    current = locks.holder(db, "alpha")
    assert current is not None and current.owner == OTHER.owner
