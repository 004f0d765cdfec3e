"""Snapshots: an account's follower and following counts, taken by ``socialseed sync``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from socialseed.clock import iso, parse_instant

if TYPE_CHECKING:
    from socialseed.state.handle import StateDB, StateReads


@dataclass(frozen=True)
class Snapshot:
    account: str
    taken_at: datetime
    followers: int | None
    following: int | None


def record_snapshot(
    db: StateDB, account: str, *, taken_at: datetime, followers: int | None, following: int | None
) -> Snapshot:
    """Store one snapshot (a second one at the same instant replaces the first)."""
    with db.conn:
        db.table("snapshots").upsert(
            {
                "account": account,
                "taken_at": iso(taken_at),
                "followers": followers,
                "following": following,
            },
            pk=("account", "taken_at"),
        )
    return Snapshot(account, parse_instant(iso(taken_at)), followers, following)


def _from_row(row: dict[str, object]) -> Snapshot:
    followers, following = row.get("followers"), row.get("following")
    return Snapshot(
        account=str(row["account"]),
        taken_at=parse_instant(str(row["taken_at"])),
        followers=int(followers) if isinstance(followers, int) else None,
        following=int(following) if isinstance(following, int) else None,
    )


def snapshots(
    db: StateReads, account: str | None = None, *, since: datetime | None = None
) -> list[Snapshot]:
    """Snapshots, oldest first, optionally of one account and after ``since``."""
    where, args = [], []
    if account is not None:
        where.append("account = ?")
        args.append(account)
    if since is not None:
        where.append("taken_at >= ?")
        args.append(iso(since))
    condition = f"where {' and '.join(where)}" if where else ""
    cursor = db.conn.execute(
        f"select * from snapshots {condition} order by account, taken_at",
        args,
    )
    names = [d[0] for d in cursor.description]
    return [_from_row(dict(zip(names, row, strict=True))) for row in cursor]


def latest_snapshot(
    db: StateDB, account: str, *, before: datetime | None = None
) -> Snapshot | None:
    """The newest snapshot of ``account`` (taken before ``before`` when given)."""
    where, args = "account = ?", [account]
    if before is not None:
        where += " and taken_at < ?"
        args.append(iso(before))
    rows = list(db.table("snapshots").rows_where(where, args, order_by="taken_at desc", limit=1))
    return _from_row(rows[0]) if rows else None
