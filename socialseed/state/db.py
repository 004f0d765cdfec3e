"""Open the state database: mode 0600, WAL, busy timeout, migrations on open.

A corrupt file, or one written by a newer SocialSeed, is refused with a clear error and is
never overwritten.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from socialseed.clock import iso
from socialseed.errors import StateError
from socialseed.state.migrations import MIGRATIONS

MIGRATIONS_TABLE = "_migrations"


def open_state(path: Path | str | None, *, now: datetime | None = None) -> Database:
    """Open (creating if needed) the state database at ``path``; ``None`` is in-memory."""
    db = Database(memory=True) if path is None else _open_file(Path(path))
    try:
        migrate(db, now=now)
    except sqlite3.DatabaseError as exc:
        raise _corrupt(path, exc) from exc
    return db


def _open_file(path: Path) -> Database:
    if path.is_dir():
        raise StateError(
            f"state file {path} is a directory",
            hint="point --state (or SOCIALSEED_STATE) at a file, for example "
            f"{path / 'state.sqlite'}",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
    except OSError as exc:
        raise StateError(
            f"state file {path} cannot be created: {exc.strerror or exc}",
            hint="choose a writable location with --state or SOCIALSEED_STATE",
        ) from exc
    try:
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        raise _corrupt(path, exc) from exc
    return Database(conn)


def _corrupt(path: Path | str | None, exc: Exception) -> StateError:
    return StateError(
        f"state file {path} cannot be read: {exc}",
        hint="it was left untouched; move it aside and run again to start fresh, "
        "or point --state at a good copy",
    )


def applied(db: Database) -> list[str]:
    if MIGRATIONS_TABLE not in db.table_names():
        return []
    return [row["name"] for row in db[MIGRATIONS_TABLE].rows_where(order_by="name")]


def migrate(db: Database, *, now: datetime | None = None) -> list[str]:
    """Run the migrations this database lacks; return their names."""
    if MIGRATIONS_TABLE not in db.table_names():
        db.table(MIGRATIONS_TABLE).create({"name": str, "applied_at": str}, pk="name")
    done = set(applied(db))
    known = {name for name, _ in MIGRATIONS}
    unknown = sorted(done - known)
    if unknown:
        raise StateError(
            f"state file was written by a newer SocialSeed (migration {unknown[-1]} is unknown)",
            hint="upgrade SocialSeed (pipx upgrade socialseed); the file was left untouched",
        )
    ran: list[str] = []
    stamp = iso(now) if now else ""
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with db.conn:
            db.conn.execute("BEGIN")
            fn(db)
            db.table(MIGRATIONS_TABLE).insert({"name": name, "applied_at": stamp})
        ran.append(name)
    return ran
