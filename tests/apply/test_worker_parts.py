"""The pieces of queued apply that need no PostgreSQL: the stoppable clock, a job refused
before it starts, and how a queue URL is shown and checked."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest

from socialseed.apply.queue import check_url, lock_of, shown
from socialseed.apply.worker import AccountJobs, StoppableClock
from socialseed.clock import FakeClock, SystemClock
from socialseed.errors import QueueError, WorkerStopping
from socialseed.state import worker_runs
from socialseed.state.db import open_state

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)


def test_a_wait_ends_at_once_when_the_worker_stops() -> None:
    async def scenario() -> float:
        stop = asyncio.Event()
        clock = StoppableClock(SystemClock(), stop)
        asyncio.get_running_loop().call_later(0.05, stop.set)
        started = time.monotonic()
        with pytest.raises(WorkerStopping, match="the worker is stopping"):
            await clock.sleep(3600)
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 5


def test_without_a_stop_the_inner_clock_sleeps() -> None:
    inner = FakeClock(T0)
    clock = StoppableClock(inner, asyncio.Event())
    asyncio.run(clock.sleep(90))
    assert (clock.now() - T0).total_seconds() == 90 and inner.slept == [90]


def test_a_stopping_worker_starts_no_job_and_records_no_run() -> None:
    db = open_state(None)
    stop = asyncio.Event()
    stop.set()

    def never(*_: object) -> object:
        raise AssertionError("no plan may be opened nor applier made")

    jobs = AccountJobs(
        db,
        worker="w1",
        wall=FakeClock(T0),
        run_clock=lambda: FakeClock(T0),
        open_plan=never,  # type: ignore[arg-type]
        make_applier=never,  # type: ignore[arg-type]
        say=lambda text: None,
        stop=stop,
    )
    with pytest.raises(WorkerStopping):
        asyncio.run(jobs(7, "p_1", "alpha"))
    assert worker_runs.runs(db) == []


def test_a_queue_is_shown_without_its_user_or_password() -> None:
    url = "postgresql://bob:hunter2@db.example:6543/queue?sslmode=require"
    assert shown(url) == "postgresql://db.example:6543/queue"
    assert check_url(url, "--queue-url") == url
    with pytest.raises(QueueError) as caught:
        check_url("db.example/queue", "SOCIALSEED_QUEUE")
    assert str(caught.value).startswith(
        "SOCIALSEED_QUEUE is not a PostgreSQL URL (it must start with postgresql://)"
    )
    assert lock_of("studio-bsky") == "socialseed-account:studio-bsky"
