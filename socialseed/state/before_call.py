"""What apply asks the state before every call: has anything appeared that could stop it?

A newer decision on the action (a revoke, a rejection), a standing rejection of its target, a
pause of its account or of every account. Apply reads them once per run and keeps them; before
each call it asks whether the state changed since it read them:

- on a SQLite file, ``Watch`` answers without reading a table: SQLite's ``data_version`` moves
  when another connection commits, and the connection's ``total_changes`` when it writes rows
  (apply's own writes, which touch none of these, are told to the watch and not counted);
- otherwise, or when something changed, one indexed statement (``probe``) answers for the
  action, and only what it flags is read in full.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from socialseed.state.accounts import ALL

if TYPE_CHECKING:
    from collections.abc import Collection

    from socialseed.state.handle import StateReads

_PROBE = (
    "select (select max(id) from decisions where plan_id = ? and action_id = ?), "
    "exists (select 1 from rejections where action_id = ? and lifted_at is null), "
    "exists (select 1 from accounts where id in (?, ?) and paused_until is not null "
    "and paused_until != '')"
)


def probe(
    db: StateReads, plan_id: str, action_id: str, account: str
) -> tuple[int | None, bool, bool]:
    """``(newest decision id, a rejection stands, a pause is set)`` for one action, in one
    statement. A pause may have run out (a timed pause lifts by itself): ``active_pause``
    decides."""
    newest, rejected, paused = db.conn.execute(
        _PROBE, [plan_id, action_id, action_id, ALL, account]
    ).fetchone()
    return (None if newest is None else int(newest)), bool(rejected), bool(paused)


def rejected_among(db: StateReads, accounts: Collection[str]) -> set[str]:
    """The action ids of these accounts a standing rejection names."""
    names = sorted(accounts)
    marks = ", ".join("?" for _ in names)
    rows = db.conn.execute(
        f"select action_id from rejections where account in ({marks}) and lifted_at is null",
        names,
    )
    return {str(row[0]) for row in rows}


def paused_among(db: StateReads, accounts: Collection[str]) -> set[str]:
    """Which of these accounts (and ``*``, every account) have a pause set."""
    names = sorted({ALL, *accounts})
    marks = ", ".join("?" for _ in names)
    rows = db.conn.execute(
        f"select id from accounts where id in ({marks}) and paused_until is not null "
        "and paused_until != ''",
        names,
    )
    return {str(row[0]) for row in rows}


class Watch:
    """Has the state changed since ``mark``? Only a SQLite connection can say it has not."""

    def __init__(self, db: StateReads) -> None:
        conn = db.conn
        self._conn = conn if isinstance(conn, sqlite3.Connection) else None
        self._version: object = None
        self._changes = -1

    @property
    def works(self) -> bool:
        return self._conn is not None

    def mark(self) -> None:
        """Call just before reading what is kept: changes from here on are noticed."""
        if self._conn is not None:
            self._changes = self._conn.total_changes
            self._version = self._conn.execute("pragma data_version").fetchone()[0]

    def unchanged(self) -> bool:
        """True only when no other connection committed and no row was written here since
        ``mark``, apart from the writes ``own`` was told of."""
        conn = self._conn
        if conn is None or self._version is None or conn.total_changes != self._changes:
            return False
        return bool(conn.execute("pragma data_version").fetchone()[0] == self._version)

    def before_own(self) -> int:
        """Before a write of the run's own (a journal row, a lock): pass the result to ``own``."""
        return self._conn.total_changes if self._conn is not None else -1

    def own(self, before: int) -> None:
        """The run's own write is done: not a change (unless another came first)."""
        if self._conn is not None and before == self._changes:
            self._changes = self._conn.total_changes
