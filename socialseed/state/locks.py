"""Per-account locks, so that two applies never work on one account at the same time.

A lock names its holder (owner, host, pid, started). It is stale, and taken over, when its
``expires_at`` has passed or when its process is gone on this same host. ``force_unlock``
removes one by hand and records that in the audit log.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from socialseed.clock import iso, parse_instant
from socialseed.errors import LockedError
from socialseed.state.accounts import audit

if TYPE_CHECKING:
    from socialseed.state.handle import StateConnection, StateDB, StateReads

PidAlive = Callable[[int], bool]


def pid_alive(pid: int) -> bool:
    """Is a process with this id running on this host?"""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class Holder:
    """Who holds an account's lock."""

    account: str
    owner: str
    host: str
    pid: int
    started_at: datetime
    expires_at: datetime

    def describe(self) -> str:
        return (
            f"{self.owner} (pid {self.pid} on {self.host}, since {iso(self.started_at)}, "
            f"expires {iso(self.expires_at)})"
        )


@dataclass(frozen=True)
class Me:
    """This process, as a lock holder."""

    owner: str
    host: str
    pid: int


def holder(db: StateReads, account: str) -> Holder | None:
    row = db.conn.execute(
        "select owner, host, pid, started_at, expires_at from locks where account = ?", [account]
    ).fetchone()
    if row is None:
        return None
    owner, host, pid, started_at, expires_at = row
    return Holder(
        account=account,
        owner=str(owner),
        host=str(host),
        pid=int(pid or 0),
        started_at=parse_instant(str(started_at)),
        expires_at=parse_instant(str(expires_at)),
    )


def is_stale(lock: Holder, *, host: str, now: datetime, alive: PidAlive = pid_alive) -> bool:
    """Expired, or its process is gone on this host."""
    if now >= lock.expires_at:
        return True
    return lock.host == host and not alive(lock.pid)


def try_acquire(
    db: StateDB,
    account: str,
    me: Me,
    *,
    now: datetime,
    ttl: timedelta,
    alive: PidAlive = pid_alive,
) -> Holder | None:
    """Take the lock; return ``None`` on success, or the live holder that keeps it."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = holder(db, account)
        live = current is not None and not is_stale(current, host=me.host, now=now, alive=alive)
        if current is not None and live and not _mine(current, me):
            conn.execute("ROLLBACK")
            return current
        conn.execute(
            "insert or replace into locks (account, owner, host, pid, started_at, expires_at) "
            "values (?, ?, ?, ?, ?, ?)",
            [account, me.owner, me.host, me.pid, iso(now), iso(now + ttl)],
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    if current is not None and not _mine(current, me):
        audit(
            db,
            account=account,
            kind="lock_taken_over",
            actor=me.owner,
            now=now,
            detail={"stale_holder": current.describe()},
        )
    return None


def _mine(lock: Holder, me: Me) -> bool:
    return (lock.owner, lock.host, lock.pid) == (me.owner, me.host, me.pid)


def renew(db: StateDB, account: str, me: Me, *, now: datetime, ttl: timedelta) -> None:
    """Push the expiry forward; ``LockedError`` if the lock was taken away meanwhile."""
    with db.conn:
        renew_in(db.conn, account, me, now=now, ttl=ttl)


def renew_in(conn: StateConnection, account: str, me: Me, *, now: datetime, ttl: timedelta) -> None:
    """``renew`` as a statement of the caller's transaction (apply's, with the intent row)."""
    if not extend_in(conn, account, me, now=now, ttl=ttl):
        raise taken_away(conn, account)


def extend_in(
    conn: StateConnection, account: str, me: Me, *, now: datetime, ttl: timedelta
) -> bool:
    """Push the expiry forward in the caller's transaction; False: the lock is not ours."""
    cursor = conn.execute(
        "update locks set expires_at = ? where account = ? and owner = ? and host = ? and pid = ?",
        [iso(now + ttl), account, me.owner, me.host, me.pid],
    )
    return bool(cursor.rowcount == 1)


def taken_away(conn: StateConnection, account: str) -> LockedError:
    """The error of a run whose lock another run (or ``force-unlock``) took."""
    current = holder(_On(conn), account)
    who = current.describe() if current else "nobody"
    return LockedError(
        f"{account}: the apply lock was taken away during the run (now held by {who})",
        hint="someone ran 'socialseed force-unlock'; check 'socialseed status' and run "
        "apply again when the other run is finished",
    )


@dataclass(frozen=True)
class _On:
    """A connection, as a handle to read through."""

    conn: StateConnection


def release(db: StateDB, account: str, me: Me) -> None:
    with db.conn:
        db.conn.execute(
            "delete from locks where account = ? and owner = ? and host = ? and pid = ?",
            [account, me.owner, me.host, me.pid],
        )


def force_unlock(db: StateDB, account: str, *, actor: str, now: datetime) -> Holder | None:
    """Remove an account's lock whoever holds it; recorded in the audit log."""
    current = holder(db, account)
    if current is None:
        return None
    with db.conn:
        db.conn.execute("delete from locks where account = ?", [account])
    audit(
        db,
        account=account,
        kind="force_unlock",
        actor=actor,
        now=now,
        detail={"holder": current.describe()},
    )
    return current


def locked_error(lock: Holder, *, waited: float) -> LockedError:
    shown = round(waited, 1)  # real seconds: a first try that failed at once waited none
    waited_text = f" after waiting {shown:g} s" if shown else ""
    return LockedError(
        f"{lock.account}: another apply holds the lock{waited_text}: {lock.describe()}",
        hint=f"wait for it to finish, pass --lock-timeout SECONDS to wait longer, or if that "
        f"run is dead, 'socialseed force-unlock {lock.account}'",
    )
