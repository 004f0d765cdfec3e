"""Queued apply throughput: the same approved plan applied by 1, 2 and 4 ``socialseed worker``
processes (procrastinate on a real PostgreSQL, SQLite state, the sandbox with 100 ms of real
network latency per request: ``SOCIALSEED_SANDBOX_LATENCY_MS``).

Workers are started first and wait on an empty queue (their start-up is not the figure); the
window runs from the moment the jobs are queued to the moment the last one succeeded. CPU is
the workers' own (user + system, from /proc) over that window, beside its wall time. The
machine has 2 cores: the speed-up comes from waiting on the network side by side, so the
target is throughput with 4 workers >= 3x that with 1.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from benchmarks.measure import env as user_env
from benchmarks.measure import process_cpu
from socialseed.apply.queue import enqueue
from tests import pgserver
from tests.apply import sandbox_setup

ACCOUNTS = 24
FOLLOWS = 10  # per account: 240 follows in all
LATENCY_MS = 100
WORKERS = (1, 2, 4)
TARGET = 3.0
SOCIALSEED = str(Path(sys.executable).with_name("socialseed"))


def _run(server: pgserver.PgServer, workers: int) -> dict[str, float]:
    accounts = tuple(f"b{n:02d}" for n in range(ACCOUNTS))
    with tempfile.TemporaryDirectory() as tmp, server.fresh_database("bench") as url:
        setup = sandbox_setup.build(Path(tmp), accounts=accounts, follows=FOLLOWS, size=600)
        env = {
            **user_env(),
            **setup.env,
            "SOCIALSEED_CONFIG": str(setup.config_path),
            "SOCIALSEED_QUEUE": url,
            "SOCIALSEED_SANDBOX_LATENCY_MS": str(LATENCY_MS),
        }
        procs = [_worker(env, f"bench{n}") for n in range(workers)]
        try:
            _wait(url, "select count(*) from procrastinate_workers", workers)
            cpu = process_cpu([p.pid for p in procs])
            started = time.perf_counter()
            asyncio.run(enqueue(url, setup.plan.id, list(accounts)))
            _wait(
                url, "select count(*) from procrastinate_jobs where status = 'succeeded'", ACCOUNTS
            )
            wall = time.perf_counter() - started
            cpu = process_cpu([p.pid for p in procs]) - cpu
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                p.communicate(timeout=60)
        done = _done(setup.state_path)
        run = _mean_run(setup.state_path)
    return {"wall": wall, "cpu": cpu, "done": done, "per_s": done / wall, "run": run}


def _worker(env: dict[str, str], name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [SOCIALSEED, "worker", "--name", name, "--lease", "30"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(url: str, sql: str, count: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            try:
                row = conn.execute(sql).fetchone()
            except psycopg.errors.UndefinedTable:  # the first worker has not made the schema yet
                row = None
            if row is not None and int(row[0]) >= count:
                return
            time.sleep(0.02)
    raise RuntimeError(f"timed out waiting for {count} from: {sql}")


def _done(state: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(state)
    row = conn.execute(
        "select count(distinct action_id) from journal where kind = 'outcome' "
        "and status in ('done', 'already')"
    ).fetchone()
    conn.close()
    return int(row[0])


def _mean_run(state: Path) -> float:
    """Mean seconds of one account run (its 10 follows) as the workers recorded it."""
    import sqlite3
    from datetime import datetime

    conn = sqlite3.connect(state)
    rows = conn.execute("select started_at, finished_at from worker_runs").fetchall()
    conn.close()
    spans = [
        (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() for a, b in rows
    ]
    return sum(spans) / len(spans)


def main() -> None:
    reason = pgserver.missing_reason()
    if reason:
        print(f"   skipped: {reason}")
        return
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    with pgserver.running_server() as server:
        figures = {n: _run(server, n) for n in WORKERS}
    total = ACCOUNTS * FOLLOWS
    print(
        f"   {ACCOUNTS} accounts x {FOLLOWS} approved follows, {LATENCY_MS} ms real latency per "
        "request, workers started before the jobs are queued:"
    )
    for n, f in figures.items():
        print(
            f"   {n} worker{'s' if n > 1 else ' '} {f['cpu'] * 1000:7.0f} ms CPU "
            f"{f['wall'] * 1000:7.0f} ms wall  {f['per_s']:6.1f} actions/s "
            f"({int(f['done'])} of {total} in effect; an account run {f['run'] * 1000:.0f} ms)"
        )
    ratio = figures[4]["per_s"] / figures[1]["per_s"]
    verdict = "ok" if ratio >= TARGET else "BELOW TARGET"
    two = figures[2]["per_s"] / figures[1]["per_s"]
    print(
        f"   speed-up: 2 workers {two:.2f}x, 4 workers {ratio:.2f}x of 1 "
        f"(target >= {TARGET:.0f}x: {verdict})"
    )
