"""Open the state database: mode 0600, WAL, busy timeout, checks and migrations on open.

A new file is built aside and linked into place whole, so SocialSeed never leaves an empty
state file behind. An existing file is checked first (``state.integrity``): an empty, damaged,
incomplete or newer file is refused with ``StateUnusable`` and never overwritten. Before a
migration changes a file, a backup is taken (``state.backups``).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from socialseed.clock import SystemClock, iso
from socialseed.errors import StateError, StateUnusable
from socialseed.state import backups, integrity
from socialseed.state.integrity import MIGRATIONS_TABLE, applied_migrations
from socialseed.state.migrations import MIGRATIONS


def open_state(path: Path | str | None, *, now: datetime | None = None) -> Database:
    """Open (creating if needed) the state database at ``path``; ``None`` is in-memory."""
    if path is None:
        db = Database(memory=True)
        migrate(db, now=now)
        return db
    path = Path(path)
    _refuse_directory(path)
    if not path.exists():
        _create(path, now=now)
    integrity.check_file(path)
    db = connect(path)
    try:
        _check_and_upgrade(db, path, now=now)
    except sqlite3.DatabaseError as exc:
        db.conn.close()
        raise _unreadable(path, exc) from exc
    except BaseException:
        db.conn.close()
        raise
    return db


def _check_and_upgrade(db: Database, path: Path, *, now: datetime | None) -> None:
    done = integrity.check_schema(db, path)
    checked = integrity.small(path)
    if checked:
        integrity.check_pages(db, path)
    if pending(done) and done:
        if not checked:
            integrity.check_pages(db, path)
        first = pending(done)[0]
        backups.take(db, path, reason=f"before-{first}", now=now or SystemClock().now())
    migrate(db, now=now)


def pending(done: list[str]) -> list[str]:
    """Migrations not yet run, in the order they will run."""
    ran = set(done)
    return [name for name, _ in MIGRATIONS if name not in ran]


def _refuse_directory(path: Path) -> None:
    if path.is_dir():
        raise StateError(
            f"state file {path} is a directory",
            hint="point --state (or SOCIALSEED_STATE) at a file, for example "
            f"{path / 'state.sqlite'}",
        )


def _create(path: Path, *, now: datetime | None) -> None:
    """Build a new, fully migrated state beside ``path`` and link it in (if still absent)."""
    staged = path.with_name(f".{path.name}.new-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(staged, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
        db = connect(staged)
        try:
            migrate(db, now=now)
        finally:
            db.conn.close()
        try:
            os.link(staged, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:  # no hard links on this file system
            if not path.exists():
                os.replace(staged, path)
    except OSError as exc:
        raise StateError(
            f"state file {path} cannot be created: {exc.strerror or exc}",
            hint="choose a writable location with --state or SOCIALSEED_STATE",
        ) from exc
    finally:
        for sidecar in ("", "-wal", "-shm"):
            staged.with_name(staged.name + sidecar).unlink(missing_ok=True)


def connect(path: Path) -> Database:
    """A connection in SocialSeed's settings (WAL, busy timeout, foreign keys)."""
    try:
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc) from exc
    return Database(conn)


def _unreadable(path: Path, exc: sqlite3.DatabaseError) -> StateUnusable:
    """A malformed page met before the integrity check is damage too, and says so."""
    damaged = "malformed" in str(exc)
    return integrity.unusable(path, f"is damaged: {exc}" if damaged else f"cannot be read: {exc}")


def applied(db: Database) -> list[str]:
    return applied_migrations(db)


def migrate(db: Database, *, now: datetime | None = None) -> list[str]:
    """Run the migrations this database lacks; return their names."""
    if MIGRATIONS_TABLE not in db.table_names():
        db.table(MIGRATIONS_TABLE).create({"name": str, "applied_at": str}, pk="name")
    done = set(applied(db))
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
