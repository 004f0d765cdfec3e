"""One queued job: run one account of a saved plan, as ``apply --account`` would.

The job names only the plan and the account. The run reads the plan, its decisions and the
journal from the state (never the job's payload), checks staleness and approvals, takes the
account's lock and resumes whatever an earlier run left (interrupted calls are verified with
the platform first). Each run is recorded in ``worker_runs`` with real start and end times.

A run that could not start because another process holds the account (``LockedError``), or
that stopped between calls because the worker is shutting down (``WorkerStopping``), raises
that error so the queue tries the job again later; any other ending is final for the job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from socialseed.apply.context import Options
from socialseed.errors import LockedError, SocialSeedError, WorkerStopping
from socialseed.state import worker_runs

if TYPE_CHECKING:
    from datetime import datetime

    from socialseed.apply.executor import Applier, Report
    from socialseed.clock import Clock
    from socialseed.model.plan import Plan
    from socialseed.state.handle import StateDB

# (plan, options, run clock, platform clock, stop flag) -> an Applier for one account
ApplierFactory = Callable[["Plan", Options, "Clock", "Clock", Callable[[], bool]], "Applier"]


class StoppableClock:
    """A run's clock whose waits end early, with ``WorkerStopping``, when the worker stops."""

    def __init__(self, inner: Clock, stop: asyncio.Event) -> None:
        self.inner = inner
        self.stop = stop

    def now(self) -> datetime:
        return self.inner.now()

    async def sleep(self, seconds: float) -> None:
        if self.stop.is_set():
            raise _stopping()
        waiting = asyncio.ensure_future(self.inner.sleep(seconds))
        stopped = asyncio.ensure_future(self.stop.wait())
        done, _ = await asyncio.wait({waiting, stopped}, return_when=asyncio.FIRST_COMPLETED)
        for task in (waiting, stopped):
            if not task.done():
                task.cancel()
        if waiting not in done:
            raise _stopping()


def _stopping() -> WorkerStopping:
    return WorkerStopping(
        "the worker is stopping; the run ended during a wait",
        hint="the job goes back to the queue; a worker resumes it where it stopped",
    )


@dataclass(frozen=True)
class RunLine:
    """What one account run came to: the worker's output line and the recorded outcome."""

    account: str
    outcome: str  # done | failed | stopped | busy | refused
    counts: dict[str, int]
    note: str = ""

    def text(self, worker: str, plan_id: str, job_id: int) -> str:
        n = {k: self.counts.get(k, 0) for k in ("done", "already", "failed", "skipped")}
        note = f" ({self.note})" if self.note else ""
        return (
            f"{worker}: {self.account} [plan {plan_id}, job {job_id}] {self.outcome}: "
            f"{n['done']} done, {n['already']} already, {n['failed']} failed, "
            f"{n['skipped']} skipped{note}"
        )


class AccountJobs:
    """Runs queued account jobs on one worker; side effects are injected."""

    def __init__(
        self,
        db: StateDB,
        *,
        worker: str,
        wall: Clock,
        run_clock: Callable[[], Clock],
        open_plan: Callable[[str], Plan],
        make_applier: ApplierFactory,
        say: Callable[[str], None],
        stop: asyncio.Event,
        after_run: Callable[[Clock], None] = lambda clock: None,
    ) -> None:
        self.db, self.worker, self.wall = db, worker, wall
        self.run_clock, self.open_plan, self.make_applier = run_clock, open_plan, make_applier
        self.say, self.stop, self.after_run = say, stop, after_run
        self.lines: list[RunLine] = []

    async def __call__(self, job_id: int, plan_id: str, account: str) -> None:
        if self.stop.is_set():
            raise _stopping()
        run_id = worker_runs.start(
            self.db,
            worker=self.worker,
            job_id=job_id,
            plan_id=plan_id,
            account=account,
            now=self.wall.now(),
        )
        line = RunLine(account, "failed", {}, "the run ended unexpectedly")
        try:
            line = await self._run(plan_id, account)
        finally:
            worker_runs.finish(
                self.db, run_id, outcome=line.outcome, counts=line.counts, now=self.wall.now()
            )
            self.lines.append(line)
            self.say(line.text(self.worker, plan_id, job_id))
        if line.outcome == "busy":
            raise LockedError(f"{account}: {line.note}")
        if line.outcome == "stopped":
            raise _stopping()

    async def _run(self, plan_id: str, account: str) -> RunLine:
        clock = self.run_clock()
        try:
            plan = self.open_plan(plan_id)
            stoppable = StoppableClock(clock, self.stop)
            applier = self.make_applier(
                plan, Options(account=account), stoppable, clock, self.stop.is_set
            )
            report = await applier.run(applier.prepare())
        except SocialSeedError as exc:  # stale plan, nothing approved, unknown plan
            hint = f"; {exc.hint}" if exc.hint else ""
            return RunLine(account, "refused", {}, _said(exc) + hint)
        finally:
            self.after_run(clock)
        return _line(account, report)


def _line(account: str, report: Report) -> RunLine:
    counts = report.counts()
    error = next((a.error for a in report.accounts if a.error is not None), None)
    if isinstance(error, WorkerStopping):
        return RunLine(account, "stopped", counts, "queued again: a worker resumes it")
    if isinstance(error, LockedError) and counts["done"] + counts["failed"] == 0:
        return RunLine(account, "busy", counts, f"{_said(error)}; queued again")
    if error is not None or report.exit_code:
        return RunLine(account, "failed", counts, _said(error) if error else "")
    return RunLine(account, "done", counts)


def _said(exc: SocialSeedError) -> str:
    from socialseed.redact import scrub

    return scrub(exc.message)


__all__ = ["AccountJobs", "ApplierFactory", "RunLine", "StoppableClock"]
