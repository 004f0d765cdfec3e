"""The apply queue: procrastinate (PostgreSQL, ``SELECT ... FOR UPDATE SKIP LOCKED``) carries
one job per account of an approved plan; ``socialseed worker`` processes on any machine run them.

A job holds only the plan id and the account: the worker reads the plan, the decisions and the
journal from the state, exactly as ``apply`` does. Each job carries procrastinate's ``lock`` of
its account, so one account's jobs never run side by side; the account lock in the state (with
its lease) guards the same thing against a plain ``apply``. A worker that dies stops sending
heartbeats: after ``lease`` seconds any other worker puts its running jobs back in the queue
(``requeue_stalled``), and the next run verifies interrupted calls through the journal.

procrastinate's schema is applied on first use (under an advisory lock, so that workers
starting together do it once). Every PostgreSQL error is mapped here, once, to ``QueueError``,
naming the queue without its password.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from socialseed.errors import LockedError, QueueError, WorkerStopping

TASK_NAME = "socialseed.apply_account"
QUEUE_NAME = "socialseed-apply"
SCHEMA_LOCK = 0x5EED_0022  # pg_advisory_lock key: one process applies the schema
RETRY_WAIT = 2  # seconds before a busy or stopped account's job is tried again
MAX_ATTEMPTS = 60
SIDE_CONNECTIONS = 6

if TYPE_CHECKING:
    from procrastinate import App, BaseRetryStrategy
    from procrastinate.jobs import Job

JobRunner = Callable[[int, str, str], Awaitable[None]]  # (job id, plan id, account)
Say = Callable[[str], None]


def shown(url: str) -> str:
    """The queue's URL for messages: scheme, host, port and database, never a password."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:  # a malformed URL: say nothing of its content
        return "the queue URL (unparsable)"
    host = parts.get("host") or "localhost"
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{host}{port}/{parts.get('dbname') or ''}"


def check_url(url: str, where: str) -> str:
    """A PostgreSQL URL, else a clear error (what was given is not echoed: it may hold a secret)."""
    if not url.startswith(("postgresql://", "postgres://")):
        raise QueueError(
            f"{where} is not a PostgreSQL URL (it must start with postgresql://)",
            hint="pass --queue postgresql://HOST/DB or set SOCIALSEED_QUEUE; put the password "
            "in PGPASSWORD or ~/.pgpass rather than in the URL",
        )
    return url


def lock_of(account: str) -> str:
    """procrastinate's lock for an account: its jobs run one at a time."""
    return f"socialseed-account:{account}"


def _unreachable(url: str, exc: BaseException) -> QueueError:
    from socialseed.redact import scrub

    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return QueueError(
        f"the apply queue at {shown(url)} cannot be used: {scrub(first.replace(url, '…'))}",
        hint="check that PostgreSQL runs there and the URL, user and password are right "
        "(--queue or SOCIALSEED_QUEUE)",
    )


def ensure_schema(url: str) -> bool:
    """Apply procrastinate's schema unless it is there; True when it was applied now."""
    import psycopg
    from procrastinate.schema import SchemaManager

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("select pg_advisory_lock(%s)", [SCHEMA_LOCK])
            try:
                row = conn.execute("select to_regclass('procrastinate_jobs')").fetchone()
                if row is not None and row[0] is not None:
                    return False
                conn.execute(SchemaManager.get_schema())
                return True
            finally:
                conn.execute("select pg_advisory_unlock(%s)", [SCHEMA_LOCK])
    except psycopg.Error as exc:
        raise _unreachable(url, exc) from exc


def _app(url: str, concurrency: int = 1) -> App:
    """A procrastinate app on ``url``. Its pool has room for every running job's own queries
    and the worker's side tasks (LISTEN, heartbeat, abort poll, fetch, the reaper) at once."""
    from procrastinate import App, PsycopgConnector

    _quiet()
    size = concurrency + SIDE_CONNECTIONS
    return App(connector=PsycopgConnector(conninfo=url, min_size=1, max_size=size))


def _quiet() -> None:
    """procrastinate logs each job's exception with a traceback: a worker prints its own line."""
    log = logging.getLogger("procrastinate")
    log.setLevel(logging.CRITICAL)
    log.propagate = False


@dataclass(frozen=True)
class Enqueued:
    queued: list[str]
    already: list[str]  # a job for this plan and account is waiting already


async def enqueue(url: str, plan_id: str, accounts: list[str]) -> Enqueued:
    """One job per account (plan id + account only), each under its account's lock."""
    from procrastinate.exceptions import AlreadyEnqueued, ConnectorException
    from psycopg import Error as PgError

    ensure_schema(url)
    queued: list[str] = []
    already: list[str] = []
    app = _app(url)
    try:
        async with app.open_async():
            for account in accounts:
                task = app.configure_task(
                    TASK_NAME,
                    queue=QUEUE_NAME,
                    lock=lock_of(account),
                    queueing_lock=f"{plan_id}/{account}",
                )
                try:
                    await task.defer_async(plan_id=plan_id, account=account)
                    queued.append(account)
                except AlreadyEnqueued:
                    already.append(account)
    except (ConnectorException, PgError, OSError) as exc:
        raise _unreachable(url, exc) from exc
    return Enqueued(queued, already)


@dataclass(frozen=True)
class WorkerSettings:
    name: str
    concurrency: int = 1
    lease: float = 30.0  # seconds without a heartbeat before a worker's jobs are taken over
    until_empty: bool = False  # stop once the queue is empty (CI, tests) instead of waiting
    poll: float = 1.0  # seconds between polls for new jobs (LISTEN/NOTIFY wakes it sooner)


async def work(url: str, runner: JobRunner, settings: WorkerSettings, say: Say) -> None:
    """Run queued account jobs until cancelled (or, with ``until_empty``, until none is left)."""
    from procrastinate import JobContext
    from procrastinate.exceptions import ConnectorException
    from psycopg import Error as PgError

    ensure_schema(url)
    app = _app(url, settings.concurrency)
    retry = _retry_strategy()

    @app.task(name=TASK_NAME, queue=QUEUE_NAME, pass_context=True, retry=retry)
    async def apply_account(context: JobContext, plan_id: str, account: str) -> None:
        await runner(int(context.job.id or 0), plan_id, account)

    try:
        async with app.open_async():
            reaper = asyncio.create_task(_reap(app, settings.lease, say))
            try:
                await app.run_worker_async(
                    name=settings.name,
                    queues=[QUEUE_NAME],
                    concurrency=settings.concurrency,
                    wait=not settings.until_empty,
                    install_signal_handlers=False,
                    update_heartbeat_interval=max(settings.lease / 3, 0.2),
                    stalled_worker_timeout=settings.lease,
                    fetch_job_polling_interval=settings.poll,
                    abort_job_polling_interval=settings.poll,
                )
            finally:
                reaper.cancel()
                await asyncio.gather(reaper, return_exceptions=True)
    except (ConnectorException, PgError, OSError) as exc:
        raise _unreachable(url, exc) from exc


def _retry_strategy() -> BaseRetryStrategy:
    """A stopped run goes back to the queue at once (a worker resumes it now); a busy account
    (another process holds its lock) is tried again after ``RETRY_WAIT`` seconds. Anything
    else ends the job: the worker's line and ``worker_runs`` say why."""
    from procrastinate import BaseRetryStrategy, RetryDecision

    class AccountRetry(BaseRetryStrategy):
        def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
            if job.attempts >= MAX_ATTEMPTS:
                return None
            if isinstance(exception, WorkerStopping):
                return RetryDecision(retry_in={"seconds": 0})
            if isinstance(exception, LockedError):
                return RetryDecision(retry_in={"seconds": RETRY_WAIT})
            return None

    return AccountRetry()


async def _reap(app: App, lease: float, say: Say) -> None:
    """Every half lease: put back in the queue the jobs of workers silent for a whole lease."""
    while True:
        await asyncio.sleep(max(lease / 2, 0.1))
        await requeue_stalled(app, lease, say)


async def requeue_stalled(app: App, lease: float, say: Say) -> int:
    """Jobs left ``doing`` by a worker without a heartbeat for ``lease`` seconds go back to the
    queue; another worker (maybe this one) resumes the account. The count requeued."""
    from procrastinate.exceptions import ConnectorException

    stalled = await app.job_manager.get_stalled_jobs(
        queue=QUEUE_NAME, task_name=TASK_NAME, seconds_since_heartbeat=lease
    )
    count = 0
    for job in stalled:
        try:
            await app.job_manager.retry_job(job)
        except ConnectorException:  # another worker requeued it first
            continue
        count += 1
        account = job.task_kwargs.get("account", "?")
        say(f"{account}: job {job.id} was left by a silent worker for {lease:g} s; queued again")
    return count


__all__ = [
    "QUEUE_NAME",
    "TASK_NAME",
    "Enqueued",
    "WorkerSettings",
    "check_url",
    "enqueue",
    "ensure_schema",
    "lock_of",
    "requeue_stalled",
    "shown",
    "work",
]
