"""Queued apply: ``apply PLAN --queue`` and ``socialseed worker`` processes on a real PostgreSQL
queue (procrastinate), the sandbox as the platform, SQLite as the shared state."""

from __future__ import annotations

import asyncio
import itertools
import signal
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from socialseed.apply import queue
from socialseed.state import worker_runs
from socialseed.state.db import open_state
from tests.apply import sandbox_setup
from tests.apply.workers import (
    env_of,
    following_in_world,
    follows_by_world,
    open_runs,
    planned_follows,
    start_worker,
    stop_all,
    wait_for_jobs,
)

ACCOUNTS = tuple(f"a{n:02d}" for n in range(60))
LEASE = 2.0


def test_three_workers_one_killed_every_action_once_no_account_twice(
    tmp_path: Path, pg_url: str
) -> None:
    setup = sandbox_setup.build(tmp_path, accounts=ACCOUNTS, follows=3, size=400)
    env = env_of(setup, pg_url, latency_ms=15)
    workers = {name: start_worker(env, name) for name in ("w1", "w2", "w3")}  # wait for jobs
    # what 'apply PLAN --queue' does once its checks pass (its own test: test_worker_cli.py)
    queued = asyncio.run(queue.enqueue(pg_url, setup.plan.id, list(ACCOUNTS)))
    assert queued.queued == list(ACCOUNTS)
    killed_at, victim = _kill_mid_run(workers["w1"], setup.state_path, "w1")
    states = wait_for_jobs(pg_url, "succeeded", 60, timeout=60)
    results = stop_all([proc for name, proc in workers.items() if name != "w1"], ["w2", "w3"])
    assert states["succeeded"] == 60, states

    # the platform's own records: every approved follow written once (or found in effect)
    db = open_state(setup.state_path)
    outcomes = dict(
        db.conn.execute(
            "select action_id, group_concat(status) from journal where kind = 'outcome' and "
            "status in ('done', 'already') group by action_id"
        ).fetchall()
    )
    assert set(outcomes) == {a.id for a in setup.plan.actions}
    assert set(outcomes.values()) <= {"done", "already"}  # one finished outcome each
    written = follows_by_world(setup)
    assert set(written.values()) == {1}
    planned = planned_follows(setup)
    done = {
        (f"{a.account}.test", a.target.id) for a in setup.plan.actions if outcomes[a.id] == "done"
    }
    assert set(written) == done and done <= set(planned)
    assert following_in_world(setup) >= set(planned)

    # one account never run by two workers at once; the killed run was taken over after the lease
    runs = worker_runs.runs(db)
    for account in ACCOUNTS:
        # a run refused the account's lock ("busy": another process held it) made no call
        mine = [r for r in runs if r.account == account and r.outcome != "busy"]
        assert any(r.outcome == "done" for r in mine), account
        for earlier, later in itertools.pairwise(mine):
            ended = earlier.finished_at or killed_at
            assert ended <= later.started_at, (account, earlier, later)
    left = [r for r in runs if r.worker == "w1" and r.finished_at is None]
    assert [r.account for r in left] == [victim]
    taken = [r for r in runs if r.account == victim and r.worker != "w1"]
    assert taken and taken[0].started_at >= killed_at + timedelta(seconds=LEASE / 2)
    assert taken[0].outcome == "done"
    audit = db.conn.execute(
        "select count(*) from audit where account = ? and kind = 'lock_taken_over'", [victim]
    ).fetchone()
    assert audit[0] == 1

    # each worker: one line per account run, and a clean stop on SIGTERM
    for name, (code, out, err) in results.items():
        assert code == 0, err
        assert "stopped." in err and "Traceback" not in err
        for line in out.splitlines():
            assert line.startswith(f"{name}: a"), line
            assert "] done: " in line or "] busy: " in line, line
    lines = [line for _, out, _ in results.values() for line in out.splitlines()]
    assert sum(f" {victim} [" in line and "] done: " in line for line in lines) == 1


def _kill_mid_run(proc: subprocess.Popen[str], state: Path, worker: str) -> tuple[datetime, str]:
    """SIGKILL ``worker`` in the middle of an account run: it holds the account's lock and
    has journalled a call, and the run has more to do (its second run, so it is well started)."""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        for account, _ in open_runs(state, worker):
            if _finished_runs(state, worker) >= 1 and _intents(state, account) in (1, 2):
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
                return datetime.now(UTC), account
        time.sleep(0.002)
    raise AssertionError(f"{worker} never got into the middle of a second account run")


def _finished_runs(state: Path, worker: str) -> int:
    return _count(
        state,
        "select count(*) from worker_runs where worker = ? and finished_at is not null",
        worker,
    )


def _intents(state: Path, account: str) -> int:
    return _count(
        state, "select count(*) from journal where account = ? and kind = 'intent'", account
    )


def _count(state: Path, sql: str, arg: str) -> int:
    conn = sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute(sql, [arg]).fetchone()
    except sqlite3.OperationalError:  # busy a moment: ask again
        return -1
    finally:
        conn.close()
    return int(row[0])
