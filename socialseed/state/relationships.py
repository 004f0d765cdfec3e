"""Relationships: whom each managed account follows, since when, made by whom (origin).

``origin`` is ``socialseed`` for follows SocialSeed made and ``manual`` for follows found by
``socialseed sync`` that SocialSeed did not make. A row is never deleted: an unfollow sets
``unfollowed_at``, and a later follow clears it again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from socialseed.clock import iso, parse_instant
from socialseed.state.tx import atomic

if TYPE_CHECKING:
    from socialseed.state.handle import StateDB

SOCIALSEED = "socialseed"
MANUAL = "manual"
DONE_STATUSES = ("done", "already")


@dataclass(frozen=True)
class Relationship:
    account: str
    target_id: str
    target_handle: str
    origin: str
    since: datetime | None
    unfollowed_at: datetime | None
    followed_back_at: datetime | None

    @property
    def active(self) -> bool:
        return self.unfollowed_at is None


def _when(value: object) -> datetime | None:
    return parse_instant(value) if isinstance(value, str) and value else None


def _from_row(row: dict[str, object]) -> Relationship:
    return Relationship(
        account=str(row["account"]),
        target_id=str(row["target_id"]),
        target_handle=str(row.get("target_handle") or ""),
        origin=str(row.get("origin") or MANUAL),
        since=_when(row.get("since")),
        unfollowed_at=_when(row.get("unfollowed_at")),
        followed_back_at=_when(row.get("followed_back_at")),
    )


def relationships(db: StateDB, account: str | None = None) -> list[Relationship]:
    """Every relationship row (active and ended), of one account or all."""
    where = "account = ?" if account is not None else None
    args = [account] if account is not None else []
    rows = db.table("relationships").rows_where(where, args, order_by="account, target_id")
    return [_from_row(row) for row in rows]


def active_following(db: StateDB, account: str) -> dict[str, Relationship]:
    """Whom ``account`` follows now, as far as the state knows, by target id."""
    return {r.target_id: r for r in relationships(db, account) if r.active}


def active_ids(db: StateDB, account: str) -> set[str]:
    """The target ids ``account`` follows now, as far as the state knows (fast: ids only)."""
    rows = db.conn.execute(
        "select target_id from relationships where account = ? and unfollowed_at is null",
        [account],
    )
    return {str(target) for (target,) in rows}


def awaiting_follow_back(db: StateDB, account: str) -> dict[str, str]:
    """Active follows not yet followed back: target id -> origin."""
    rows = db.conn.execute(
        "select target_id, origin from relationships where account = ? "
        "and unfollowed_at is null and followed_back_at is null",
        [account],
    )
    return {str(target): str(origin or MANUAL) for target, origin in rows}


def follow_starts(db: StateDB, account: str, targets: set[str]) -> dict[str, datetime]:
    """When each active follow of ``targets`` started (targets without a known start left out)."""
    rows = db.conn.execute(
        "select target_id, since from relationships where account = ? "
        "and unfollowed_at is null and since is not null",
        [account],
    )
    return {str(t): parse_instant(str(at)) for t, at in rows if str(t) in targets}


def record_follow(
    db: StateDB, account: str, target_id: str, *, origin: str, at: datetime, handle: str = ""
) -> None:
    """Record that ``account`` follows ``target_id`` (re-following clears ``unfollowed_at``)."""
    record_follows(db, account, [(target_id, origin, at)], handle=handle)


def record_follows(
    db: StateDB, account: str, follows: list[tuple[str, str, datetime]], *, handle: str = ""
) -> None:
    """Record many ``(target_id, origin, since)`` follows in one transaction."""
    sql = (
        "insert into relationships (account, target_id, target_handle, origin, since) "
        "values (?, ?, ?, ?, ?) on conflict (account, target_id) do update set "
        "origin = excluded.origin, since = excluded.since, unfollowed_at = null, "
        "target_handle = coalesce(nullif(excluded.target_handle, ''), target_handle)"
    )
    rows = [(account, target, handle, origin, iso(at)) for target, origin, at in follows]
    with atomic(db) as conn:  # one transaction: the connection commits each statement alone
        conn.executemany(sql, rows)


def record_unfollow(db: StateDB, account: str, target_id: str, *, at: datetime) -> None:
    record_unfollows(db, account, [(target_id, at)])


def record_unfollows(db: StateDB, account: str, ended: list[tuple[str, datetime]]) -> None:
    """Record many ``(target_id, when)`` ended follows in one transaction."""
    sql = "update relationships set unfollowed_at = ? where account = ? and target_id = ?"
    with atomic(db) as conn:  # one transaction: the connection commits each statement alone
        conn.executemany(sql, [(iso(at), account, target) for target, at in ended])


def mark_followed_back(db: StateDB, account: str, target_id: str, *, at: datetime) -> None:
    mark_followed_back_many(db, account, [target_id], at=at)


def mark_followed_back_many(db: StateDB, account: str, targets: list[str], *, at: datetime) -> None:
    sql = "update relationships set followed_back_at = ? where account = ? and target_id = ?"
    with atomic(db) as conn:  # one transaction: the connection commits each statement alone
        conn.executemany(sql, [(iso(at), account, target) for target in targets])


def journal_target_id(target: object) -> str:
    """The target id in a journal row's ``target`` column (JSON of a Target, or a bare id)."""
    text = str(target or "")
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return text
        if isinstance(data, dict) and "id" in data:
            return str(data["id"])
    return text


def executed_targets(db: StateDB, account: str, verb: str) -> dict[str, datetime]:
    """Targets on which SocialSeed executed ``verb`` for ``account`` (newest time per target)."""
    rows = db.table("journal").rows_where(
        "account = ? and verb = ? and kind = 'outcome' and status in (?, ?)",
        [account, verb, *DONE_STATUSES],
        order_by="at",
        select="target, at",
    )
    return {journal_target_id(row["target"]): parse_instant(str(row["at"])) for row in rows}
