"""Run the migrations a state lacks, on either backend, each in its own transaction."""

from __future__ import annotations

from datetime import datetime

from socialseed.clock import iso
from socialseed.state.handle import StateDB
from socialseed.state.integrity import MIGRATIONS_TABLE, applied_migrations
from socialseed.state.migrations import MIGRATIONS


def pending(done: list[str]) -> list[str]:
    """Migrations not yet run, in the order they will run."""
    ran = set(done)
    return [name for name, _ in MIGRATIONS if name not in ran]


def migrate(db: StateDB, *, now: datetime | None = None) -> list[str]:
    """Run the migrations this database lacks; return their names."""
    if MIGRATIONS_TABLE not in db.table_names():
        db.table(MIGRATIONS_TABLE).create({"name": str, "applied_at": str}, pk="name")
    done = set(applied_migrations(db))
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
