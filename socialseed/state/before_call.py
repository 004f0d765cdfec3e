"""What could stop an approved action at the last moment, as apply reads it.

A newer decision on the action (a revoke, a rejection), a standing rejection of its target, a
pause of its account or of every account. Apply reads them for all its accounts when a run
begins (``rejected_among``, ``paused_among``), has the intent's statement check them
(``journal.intent_if_standing``), and asks for one action in one statement (``probe``) when
that check fails or memory says the action may not run.
"""

from __future__ import annotations

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
