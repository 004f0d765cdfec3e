"""The state file's checks and backups at scale: 100,000 journal rows (a busy year).

Measures what every open costs (header, schema, version: the cheap checks), ``quick_check``
(run on every open up to ``QUICK_CHECK_MAX_BYTES``, and before apply and migrations),
``integrity_check`` (``socialseed state check``), one backup, and the read-only snapshot a pull
request's plan takes (``plan --read-only-state``: a ``mode=ro`` copy, then its open). Prints
wall and CPU times; no targets are asserted here.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from socialseed.state import backups, integrity, snapshot
from socialseed.state.db import connect, open_state

NOW = datetime(2026, 12, 10, 12, tzinfo=UTC)
JOURNAL_ROWS = 100_000


def _timed(label: str, fn: Callable[[], Any]) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    print(
        f"   {label:<52} {(time.perf_counter() - wall) * 1000:8.1f} ms wall "
        f"{(time.process_time() - cpu) * 1000:8.1f} ms CPU",
        flush=True,
    )
    return value


def _seed(db: Database) -> None:
    rows = (
        {
            "plan_id": f"p_{n // 100:012d}",
            "action_id": f"a_{n:012x}",
            "account": "demo-studio",
            "verb": "follow" if n % 2 else "like",
            "target": f"u{n}",
            "kind": "outcome" if n % 2 else "intent",
            "attempt": 1,
            "at": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00Z",
            "status": "done",
            "request_id": f"req-{n:08d}",
        }
        for n in range(JOURNAL_ROWS)
    )
    cands = (
        {
            "account": "demo-studio",
            "source": "hashtag:film",
            "profile_id": f"c{n}",
            "data": "{}" + " " * 400,
            "fetched_at": "2026-12-01T00:00:00Z",
        }
        for n in range(JOURNAL_ROWS // 4)
    )
    with db.conn:
        db["journal"].insert_all(rows, batch_size=5000)
        db["candidates"].insert_all(cands, batch_size=5000)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state.sqlite"
        db = open_state(path, now=NOW)
        _timed(f"seed {JOURNAL_ROWS:,} journal rows", lambda: _seed(db))
        db.conn.execute("pragma wal_checkpoint(TRUNCATE)")
        db.conn.close()
        size = path.stat().st_size
        print(f"   {'state file size':<52} {size / 2**20:8.1f} MiB")
        print(
            f"   {'quick_check on every open up to':<52} "
            f"{integrity.QUICK_CHECK_MAX_BYTES / 2**20:8.1f} MiB"
        )
        fresh = connect(path)
        _timed("cheap checks (header, schema, version)", lambda: _cheap(fresh, path))
        _timed("quick_check", lambda: integrity.problems(fresh))
        _timed("integrity_check (state check)", lambda: integrity.problems(fresh, full=True))
        _timed("backup (before apply)", lambda: backups.take(fresh, path, reason="b", now=NOW))
        fresh.conn.close()
        _timed("open_state (what every command pays)", lambda: open_state(path).conn.close())
        scratch = Path(folder) / "scratch.sqlite"
        _timed("read-only snapshot (plan --read-only-state)", lambda: snapshot.take(path, scratch))
        _timed("open_state of the snapshot", lambda: open_state(scratch).conn.close())


def _cheap(db: Database, path: Path) -> None:
    integrity.check_file(path)
    integrity.check_schema(db, path)


if __name__ == "__main__":
    main()
