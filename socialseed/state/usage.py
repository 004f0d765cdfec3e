"""What an account has already done today, from the journal (the source of truth)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import TYPE_CHECKING

from socialseed.clock import iso

if TYPE_CHECKING:
    from socialseed.state.handle import StateReads

DONE_STATUSES = ("done", "already")


def utc_midnight(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)


def used_since(db: StateReads, account: str, since: datetime) -> dict[str, int]:
    """Executed actions per verb (journal outcomes done/already) since ``since``."""
    rows = db.conn.execute(
        "select verb, count(*) from journal where account = ? and kind = 'outcome' "
        "and status in (?, ?) and at >= ? group by verb",
        [account, *DONE_STATUSES, iso(since)],
    )
    return {str(verb): int(count) for verb, count in rows}


def written_since(db: StateReads, account: str, since: datetime) -> dict[str, int]:
    """Actions per verb that changed something on the platform (outcome ``done``) after
    ``since``: what a platform's write budgets count ("already" wrote nothing)."""
    rows = db.conn.execute(
        "select verb, count(*) from journal where account = ? and kind = 'outcome' "
        "and status = 'done' and at > ? group by verb",
        [account, iso(since)],
    )
    return {str(verb): int(count) for verb, count in rows}


def done_action_ids(db: StateReads, account: str, verbs: tuple[str, ...]) -> frozenset[str]:
    """Ids of the account's actions of these verbs that are in effect (done or already)."""
    marks = ", ".join("?" for _ in verbs)
    rows = db.conn.execute(
        "select distinct action_id from journal where account = ? and kind = 'outcome' "
        f"and status in (?, ?) and verb in ({marks})",
        [account, *DONE_STATUSES, *verbs],
    )
    return frozenset(str(row[0]) for row in rows)


def used_today(db: StateReads, account: str, now: datetime) -> dict[str, int]:
    """Executed actions per verb since UTC midnight."""
    return used_since(db, account, utc_midnight(now))


def relationships(db: StateReads, account: str) -> list[dict[str, str | None]]:
    """The account's known relationships (who it follows or followed, origin, since when)."""
    rows = db.conn.execute(
        "select target_id, target_handle, origin, since, unfollowed_at, followed_back_at "
        "from relationships where account = ? order by target_id",
        [account],
    )
    keys = ("target_id", "target_handle", "origin", "since", "unfollowed_at", "followed_back_at")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def last_snapshot(db: StateReads, account: str) -> tuple[int | None, int | None] | None:
    """The newest (followers, following) snapshot of the account, if any."""
    row = db.conn.execute(
        "select followers, following from snapshots where account = ? "
        "order by taken_at desc limit 1",
        [account],
    ).fetchone()
    return (row[0], row[1]) if row else None


def phase_override(db: StateReads, account: str) -> tuple[str, str] | None:
    """The (phase, since) an account was moved to by a health regression, if any."""
    row = db.conn.execute(
        "select phase_override, phase_override_at from accounts where id = ?", [account]
    ).fetchone()
    if not row or not row[0]:
        return None
    return str(row[0]), str(row[1] or "")
