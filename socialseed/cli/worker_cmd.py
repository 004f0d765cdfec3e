"""``socialseed worker``: run queued apply jobs (``apply PLAN --queue``); thin: the queue is
``apply.queue`` (procrastinate), one job's run is ``apply.worker``.

Each finished account run prints one line to stdout (account, done/failed/skipped counts).
SIGTERM or SIGINT stops the worker cleanly: no new job starts, running account runs end after
their current call (journalled) and go back to the queue.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from socialseed.cli import context
from socialseed.cli.options import ConfigOpt
from socialseed.errors import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, QueueError

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable
    from pathlib import Path

    from socialseed.apply.context import Options
    from socialseed.apply.executor import Applier
    from socialseed.apply.worker import AccountJobs, ApplierFactory
    from socialseed.cli.context import AppContext
    from socialseed.clock import Clock
    from socialseed.model.plan import Plan

QUEUE_ENV = "SOCIALSEED_QUEUE"

QueueUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--queue-url",
        metavar="URL",
        show_default=False,
        help=f"The apply queue: postgresql://HOST/DB (env {QUEUE_ENV}; password by PGPASSWORD).",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)


def queue_url(app_ctx: AppContext, given: str | None) -> str:
    """--queue-url, else SOCIALSEED_QUEUE; a clear error when neither names a PostgreSQL URL."""
    from socialseed.apply.queue import check_url

    if given:
        return check_url(given, "--queue-url")
    if app_ctx.env.get(QUEUE_ENV):
        return check_url(app_ctx.env[QUEUE_ENV], QUEUE_ENV)
    raise QueueError(
        "no apply queue given",
        hint=f"pass --queue-url postgresql://HOST/DB or set {QUEUE_ENV}=postgresql://HOST/DB",
    )


def worker(
    ctx: typer.Context,
    config: ConfigOpt = None,
    queue: QueueUrlOpt = None,
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Accounts this worker runs side by side.")
    ] = 1,
    lease: Annotated[
        float,
        typer.Option(
            min=1,
            max=3600,
            help="Seconds without a heartbeat before a worker's accounts are taken over.",
        ),
    ] = 30.0,
    name: Annotated[
        str | None, typer.Option(help="This worker's name in output and records (HOST:PID).")
    ] = None,
    until_empty: Annotated[
        bool, typer.Option("--until-empty", help="Stop once no job is left (CI, cron).")
    ] = False,
) -> None:
    """Run queued apply jobs (from 'apply PLAN --queue'), one account at a time per job.

    Any number of workers on any machines may share one queue and one state: an account is
    never run by two at once, and a dead worker's accounts are resumed after --lease seconds.
    """
    import asyncio
    import contextlib
    import socket

    from socialseed.apply.queue import WorkerSettings, shown, work

    app_ctx = context.get(ctx)
    url = queue_url(app_ctx, queue)
    app_ctx.load_config(config)  # a wrong config stops the worker before it takes a job
    path = app_ctx.config_path(config)
    label = name or f"{socket.gethostname()}:{os.getpid()}"
    settings = WorkerSettings(
        name=label, concurrency=concurrency, lease=lease, until_empty=until_empty
    )

    def say(text: str) -> None:
        typer.echo(_clean(text))

    async def main() -> int:
        stop = asyncio.Event()
        jobs = _jobs(app_ctx, path, label, stop, say)
        task = asyncio.ensure_future(work(url, jobs, settings, _note(app_ctx)))
        signalled = _on_signals(task, stop)
        app_ctx.err.print(
            f"Worker {label}: taking apply jobs from {shown(url)} "
            f"(concurrency {concurrency}, lease {lease:g} s).",
            markup=False,
        )
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return _exit_code(signalled(), jobs)

    code = asyncio.run(main())
    app_ctx.err.print(f"Worker {label}: stopped.", markup=False)
    if code:
        raise typer.Exit(code)


def _clean(text: str) -> str:
    from socialseed.redact import scrub
    from socialseed.report.terminal import clean

    return clean(scrub(text))


def _note(app_ctx: AppContext) -> Callable[[str], None]:
    def note(text: str) -> None:
        app_ctx.err.print(_clean(text), markup=False)

    return note


def _on_signals(task: asyncio.Future[None], stop: asyncio.Event) -> Callable[[], int | None]:
    """SIGTERM and SIGINT: stop taking jobs, end running runs after their current call."""
    import asyncio
    import signal

    got: list[int] = []

    def handle(signum: int) -> None:
        got.append(signum)
        if len(got) > 1:  # asked twice: go now; the lease hands the accounts to others
            os._exit(EXIT_INTERRUPTED)
        stop.set()
        task.cancel()  # procrastinate stops fetching and waits for the running jobs

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, handle, signum)
    return lambda: got[0] if got else None


def _exit_code(signum: int | None, jobs: AccountJobs) -> int:
    import signal

    if signum == signal.SIGINT:
        return EXIT_INTERRUPTED
    if signum is not None:
        return EXIT_OK  # a service manager's stop: a clean shutdown
    final = [line for line in jobs.lines if line.outcome not in ("stopped", "busy")]
    return EXIT_ERROR if any(line.outcome != "done" for line in final) else EXIT_OK


def _jobs(
    app_ctx: AppContext,
    config_path: Path,
    label: str,
    stop: asyncio.Event,
    say: Callable[[str], None],
) -> AccountJobs:
    from socialseed.apply.worker import AccountJobs
    from socialseed.clock import SystemClock
    from socialseed.review import open_plan

    return AccountJobs(
        app_ctx.db,
        worker=label,
        wall=SystemClock(),
        run_clock=lambda: _run_clock(app_ctx),
        open_plan=lambda plan_id: open_plan(app_ctx.db, plan_id),
        make_applier=_applier_factory(app_ctx, config_path, label),
        say=say,
        stop=stop,
        after_run=lambda clock: _record_time(app_ctx, clock),
    )


def _run_clock(app_ctx: AppContext) -> Clock:
    """Real time; under SOCIALSEED_NOW a simulated clock per run, from where time got to."""
    from socialseed.clock import FakeClock, SystemClock
    from socialseed.state.simclock import simulated_until

    if not app_ctx.simulated:
        return SystemClock()
    start = app_ctx.clock.now()
    reached = simulated_until(app_ctx.db)
    return FakeClock(max(start, reached) if reached else start)


def _record_time(app_ctx: AppContext, clock: Clock) -> None:
    if app_ctx.simulated:
        from socialseed.state.simclock import advance

        advance(app_ctx.db, clock.now())


def _applier_factory(app_ctx: AppContext, config_path: Path, label: str) -> ApplierFactory:
    """Each run reads the config afresh: a plan made after a config change is checked against
    the config it was made with, without restarting the workers."""
    import random
    import socket

    from socialseed.apply.executor import Applier
    from socialseed.cli.platform_deps import capabilities, platform_factory
    from socialseed.config.load import load_config
    from socialseed.conversations.caps import author_cap
    from socialseed.conversations.guards import text_guard
    from socialseed.state.locks import Me

    me = Me(owner=f"worker {label}", host=socket.gethostname(), pid=os.getpid())

    def make(
        plan: Plan,
        options: Options,
        clock: Clock,
        platform_clock: Clock,
        stopping: Callable[[], bool],
    ) -> Applier:
        cfg = load_config(config_path)
        return Applier(
            app_ctx.db,
            plan,
            cfg,
            clock=clock,
            rng=random.Random(),
            platform_for=platform_factory(app_ctx, cfg, platform_clock),
            capabilities_for=capabilities,
            me=me,
            options=options,
            reply_guard=text_guard(cfg),
            reply_cap=author_cap(cfg, app_ctx.db, clock, approved=False),
            stopping=stopping,
        )

    return make
