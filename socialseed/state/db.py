"""Open the state database: mode 0600, WAL, busy timeout, checks and migrations on open.

The state is a SQLite file (the embedded default) or a PostgreSQL database (a
``postgresql://`` URL, opened by ``state.pg.open``); both run the same migrations.

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

from socialseed.clock import SystemClock
from socialseed.errors import StateError, StateUnusable
from socialseed.state import backups, integrity
from socialseed.state.handle import StateDB
from socialseed.state.integrity import applied_migrations
from socialseed.state.location import StateLocation, parse_location
from socialseed.state.migrations import MIGRATIONS
from socialseed.state.upgrade import migrate, pending

__all__ = ["applied", "connect", "migrate", "migrate_state", "open_sqlite", "open_state", "pending"]


def open_state(
    where: StateLocation | Path | str | None,
    *,
    now: datetime | None = None,
    read_only: bool = False,
) -> StateDB:
    """Open the state: a SQLite file (created if needed; ``None`` is in-memory) or a
    PostgreSQL database (a ``postgresql://`` URL, migrated if needed). ``read_only`` opens an
    existing state for reading only (nothing created, nothing migrated)."""
    if where is None:
        memory = Database(memory=True)
        migrate(memory, now=now)
        return memory
    location = where if isinstance(where, StateLocation) else _location(where)
    if location.url is not None:
        from socialseed.state.pg.open import open_pg

        return open_pg(location, now=now, read_only=read_only)
    assert location.path is not None
    if read_only:
        return _open_read_only(location.path)
    return open_sqlite(location.path, now=now)


def _location(where: Path | str) -> StateLocation:
    if isinstance(where, Path):
        return StateLocation(path=where)
    return parse_location(where, "the state")


def _open_read_only(path: Path) -> Database:
    integrity.check_file(path)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        db = Database(conn)
        integrity.check_schema(db, path)
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc) from exc
    return db


def open_sqlite(path: Path, *, now: datetime | None = None) -> Database:
    """Open (creating if needed) the SQLite state file at ``path``."""
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


def migrate_state(location: StateLocation, *, now: datetime | None = None) -> list[str]:
    """``state migrate``: run the migrations the state lacks (a SQLite file is backed up
    first; a new one is made); return their names."""
    if location.url is not None:
        from socialseed.state.pg.open import connect as pg_connect
        from socialseed.state.pg.open import migrate_locked

        pg = pg_connect(location)
        try:
            return migrate_locked(pg, now=now)
        finally:
            pg.close()
    assert location.path is not None
    path = location.path
    if not path.exists():
        open_sqlite(path, now=now).conn.close()
        return [name for name, _ in MIGRATIONS]
    integrity.check_file(path)
    db = connect(path)
    try:
        waiting = pending(integrity.check_schema(db, path))
    finally:
        db.conn.close()
    open_sqlite(path, now=now).conn.close()
    return waiting


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


def applied(db: StateDB) -> list[str]:
    return applied_migrations(db)
