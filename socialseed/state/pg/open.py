"""Open the state on PostgreSQL: connect, refuse a newer or incomplete schema, migrate.

What SQLite's file checks do (header, pages) is the server's business here; the schema checks
are the same: a migration unknown to this SocialSeed is refused (``StateUnusable``, exit 6), as
is a table or column the applied migrations made and the database lacks. Migrations run under
a session advisory lock, so two commands opening a new database at once migrate it once.
Backups are the database administrator's (``pg_dump``, the provider's snapshots).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from socialseed.errors import StateError, StateUnusable
from socialseed.state.location import StateLocation
from socialseed.state.pg.database import PgDatabase
from socialseed.state.upgrade import pending

MIGRATE_LOCK = 0x50C1A15EE0  # pg_advisory_lock key: "migrating the state"
CONNECT_TIMEOUT = 10


def connect(location: StateLocation, *, read_only: bool = False) -> PgDatabase:
    """A connection to the database at ``location`` (autocommit), or a ``StateError``."""
    try:
        raw: psycopg.Connection[Any] = psycopg.connect(
            location.dsn,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT,
            application_name="socialseed",
        )
    except psycopg.Error as exc:
        reason = _reason(exc, location)
        raise StateError(
            f"state database {location.shown} cannot be reached: {reason}",
            hint="check that the server runs and the URL's host, port, database and user are "
            "right (the password comes from PGPASSWORD or ~/.pgpass); nothing was changed",
        ) from None
    if read_only:
        raw.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    return PgDatabase(raw, location.shown)


def _reason(exc: psycopg.Error, location: StateLocation) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if location.url:
        text = text.replace(location.url, location.shown)
        from urllib.parse import urlsplit

        password = urlsplit(location.url).password
        if password:
            text = text.replace(password, "***")
    return text


def open_pg(
    location: StateLocation, *, now: datetime | None = None, read_only: bool = False
) -> PgDatabase:
    """Open (migrating if needed) the state in a PostgreSQL database."""
    db = connect(location, read_only=read_only)
    try:
        done = check_schema(db)
        if not read_only and pending(done):
            migrate_locked(db, now=now)
    except BaseException:
        db.close()
        raise
    return db


def migrate_locked(db: PgDatabase, *, now: datetime | None = None) -> list[str]:
    """Run the pending migrations, one process at a time."""
    from socialseed.state.upgrade import migrate

    db.conn.raw.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
    try:
        check_schema(db)
        return migrate(db, now=now)
    finally:
        db.conn.raw.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])


def check_schema(db: PgDatabase) -> list[str]:
    """Refuse a newer or incomplete schema; return the migrations this database has run."""
    from socialseed.state.integrity import MIGRATIONS_TABLE, applied_migrations, expected_schema
    from socialseed.state.migrations import MIGRATIONS

    tables = set(db.table_names())
    if not tables:
        return []
    if MIGRATIONS_TABLE not in tables:
        raise StateUnusable(
            f"state database {db.shown} has tables but no {MIGRATIONS_TABLE} table: it is not "
            "a SocialSeed state",
            hint="point SOCIALSEED_STATE at an empty database (or one SocialSeed made); "
            "nothing was changed",
        )
    done = applied_migrations(db)
    newer = sorted(set(done) - {name for name, _ in MIGRATIONS})
    if newer:
        raise StateUnusable(
            f"state database {db.shown} was written by a newer SocialSeed (migration "
            f"{newer[-1]} is unknown to this version)",
            hint="upgrade SocialSeed (pipx upgrade socialseed); the database was left untouched",
        )
    expected = expected_schema(tuple(name for name, _ in MIGRATIONS if name in set(done)))
    problems = []
    for table, columns in expected.items():
        if table not in tables:
            problems.append(f"table {table} is missing")
            continue
        lost = sorted(columns - set(db.columns(table)))
        if lost:
            problems.append(f"table {table} lacks column(s) {', '.join(lost)}")
    if problems:
        raise StateUnusable(
            f"state database {db.shown} is incomplete: {'; '.join(problems)}",
            hint="restore it from the database's backup (pg_dump or the provider's "
            "snapshots); the database was left untouched",
        )
    return done
