"""Helpers for the queue-worker tests: a sandbox plan queued on a real PostgreSQL, worker
processes, and what the queue, the state and the world say afterwards."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg

from tests.apply.sandbox_setup import Setup, world_follows

SOCIALSEED = str(Path(sys.executable).with_name("socialseed"))


def env_of(setup: Setup, url: str, latency_ms: int) -> dict[str, str]:
    return {
        **os.environ,
        **setup.env,
        "SOCIALSEED_CONFIG": str(setup.config_path),
        "SOCIALSEED_QUEUE": url,
        "SOCIALSEED_SANDBOX_LATENCY_MS": str(latency_ms),
    }


def enqueue(setup: Setup, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SOCIALSEED, "apply", str(setup.plan_path), "--queue", "--yes"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def start_worker(env: dict[str, str], name: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [SOCIALSEED, "worker", "--name", name, "--lease", "2", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def job_states(url: str) -> Counter[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("select status, count(*) from procrastinate_jobs group by status")
        return Counter({str(status): int(n) for status, n in rows})


def wait_for_jobs(url: str, status: str, count: int, timeout: float) -> Counter[str]:
    deadline = time.monotonic() + timeout
    while True:
        states = job_states(url)
        if states[status] >= count or time.monotonic() > deadline:
            return states
        time.sleep(0.1)


def open_runs(state: Path, worker: str) -> list[tuple[str, str]]:
    """(account, started_at) of ``worker``'s runs that have not finished."""
    conn = sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=5)
    try:
        rows = conn.execute(
            "select account, started_at from worker_runs where worker = ? and finished_at is null",
            [worker],
        ).fetchall()
    except sqlite3.OperationalError:  # not created yet, or busy
        return []
    finally:
        conn.close()
    return [(str(a), str(s)) for a, s in rows]


def stop_all(
    procs: list[subprocess.Popen[str]], names: list[str]
) -> dict[str, tuple[int, str, str]]:
    """SIGTERM every worker at once, then collect each one's exit code and output."""
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    done = {}
    for name, proc in zip(names, procs, strict=True):
        out, err = proc.communicate(timeout=30)
        done[name] = (proc.returncode, out, err)
    return done


def follows_by_world(setup: Setup) -> Counter[tuple[str, str]]:
    return Counter(world_follows(setup))


def planned_follows(setup: Setup) -> Counter[tuple[str, str]]:
    return Counter((f"{a.account}.test", a.target.id) for a in setup.plan.actions)


def following_in_world(setup: Setup) -> set[tuple[str, str]]:
    """Who follows whom in the world now: (actor handle, target id)."""
    world = setup.world()
    rows = world.conn.execute(
        "SELECT u.handle, e.dst FROM edges e JOIN users u ON u.id = e.src"
    ).fetchall()
    world.close()
    return {(str(h), str(t)) for h, t in rows}
