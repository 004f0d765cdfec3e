"""Account runs made by queue workers (``socialseed worker``): who ran which account of which
plan, from when to when (real time, to the microsecond), and how it ended.

A run without ``finished_at`` is running, or its worker was killed; the account's next run by
another worker starts only after the account lock's lease (``state.locks``) let go of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from socialseed.state.handle import StateDB
from socialseed.state.tx import atomic


@dataclass(frozen=True)
class WorkerRun:
    id: int
    worker: str
    job_id: int
    plan_id: str
    account: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str | None
    done: int
    failed: int
    skipped: int


def start(
    db: StateDB, *, worker: str, job_id: int, plan_id: str, account: str, now: datetime
) -> int:
    """Record that ``worker`` started ``account``'s run; the row's id."""
    with atomic(db) as conn:
        cursor = conn.execute(
            "insert into worker_runs (worker, job_id, plan_id, account, started_at) "
            "values (?, ?, ?, ?, ?)",
            [worker, job_id, plan_id, account, now.isoformat()],
        )
    return int(cursor.lastrowid or 0)


def finish(
    db: StateDB,
    run_id: int,
    *,
    outcome: str,
    counts: dict[str, int],
    now: datetime,
) -> None:
    with atomic(db) as conn:
        conn.execute(
            "update worker_runs set finished_at = ?, outcome = ?, done = ?, failed = ?, "
            "skipped = ? where id = ?",
            [
                now.isoformat(),
                outcome,
                counts.get("done", 0),
                counts.get("failed", 0),
                counts.get("skipped", 0),
                run_id,
            ],
        )


def runs(db: StateDB, account: str | None = None) -> list[WorkerRun]:
    """Every recorded run (of one account), oldest first."""
    where, params = ("where account = ?", [account]) if account else ("", [])
    rows = db.conn.execute(
        "select id, worker, job_id, plan_id, account, started_at, finished_at, outcome, done, "
        f"failed, skipped from worker_runs {where} order by started_at, id",
        params,
    ).fetchall()
    return [_run(row) for row in rows]


def _run(row: tuple[object, ...]) -> WorkerRun:
    finished = str(row[6]) if row[6] else None
    return WorkerRun(
        id=int(str(row[0])),
        worker=str(row[1]),
        job_id=int(str(row[2])),
        plan_id=str(row[3]),
        account=str(row[4]),
        started_at=datetime.fromisoformat(str(row[5])),
        finished_at=datetime.fromisoformat(finished) if finished else None,
        outcome=str(row[7]) if row[7] else None,
        done=int(str(row[8] or 0)),
        failed=int(str(row[9] or 0)),
        skipped=int(str(row[10] or 0)),
    )
