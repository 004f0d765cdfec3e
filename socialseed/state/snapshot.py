"""A read-only look at a shared state: a consistent copy in a scratch file.

A pull request's plan must never write production state, yet it must plan against it: the
production phase, today's used budget, relationships, standing rejections. ``take`` opens the
shared state read-only (SQLite's ``mode=ro`` URI: this connection cannot write, whatever the
code above it does) and copies it whole with SQLite's online backup, a consistent copy even
while an apply writes. The plan's own writes (discovery and score caches, the plan record, its
policy auto-approvals) then go to the scratch copy, which is thrown away after the command.
With a PostgreSQL state the same shape holds (``take_pg``): a read-only session (a role with
SELECT only is enough) copies every table in one repeatable-read transaction into a scratch
SQLite file, so the plan code and its writes stay exactly those of a SQLite state.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from socialseed.errors import StateError
from socialseed.state import integrity
from socialseed.state.location import StateLocation

READONLY_HINT = (
    "point SOCIALSEED_STATE (or --state) at the shared state the apply and nightly jobs use; "
    "a read-only plan never creates it (run 'socialseed sync' once where the state is writable)"
)


def take(source: Path, scratch: Path) -> None:
    """Copy the state file ``source`` into ``scratch`` (mode 0600), reading ``source`` only."""
    if not source.is_file():
        raise StateError(
            f"read-only state: the shared state file {source} does not exist; nothing was created",
            hint=READONLY_HINT,
        )
    integrity.check_file(source)
    os.close(os.open(scratch, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    src = dst = None
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        dst = sqlite3.connect(str(scratch))
        src.backup(dst)
    except sqlite3.Error as exc:
        raise integrity.unusable(source, f"cannot be read (read-only): {exc}") from exc
    finally:
        for conn in (dst, src):
            if conn is not None:
                conn.close()


def take_pg(source: StateLocation, scratch: Path, *, now: datetime) -> None:
    """Copy the PostgreSQL state at ``source`` into the SQLite file ``scratch`` (mode 0600),
    reading ``source`` in one read-only repeatable-read transaction: a consistent copy even
    while an apply writes, and nothing the session could write."""
    from socialseed.state.copy import copy_state
    from socialseed.state.db import open_sqlite
    from socialseed.state.pg.open import open_pg

    source_db = open_pg(source, now=now, read_only=True)
    try:
        if not integrity.applied_migrations(source_db):
            raise StateError(
                f"read-only state: the shared state {source.shown} holds no SocialSeed state; "
                "nothing was created",
                hint=READONLY_HINT,
            )
        copy = open_sqlite(scratch, now=now)
        raw = source_db.conn.raw
        with raw.transaction():
            raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            copy_state(source_db, copy, replace=True)
        copy.conn.close()
    finally:
        source_db.close()
