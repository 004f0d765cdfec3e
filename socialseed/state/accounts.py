"""Per-account state: the row, the state serial, pauses (the kill switch) and the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from socialseed.clock import iso, parse_instant
from socialseed.state.tx import atomic

if TYPE_CHECKING:
    from socialseed.config.schema import Account
    from socialseed.config.view import AccountView
    from socialseed.state.handle import StateConnection, StateDB, StateReads


@dataclass(frozen=True)
class Pause:
    account: str
    until: datetime | None  # None: until resumed
    reason: str


ALL = "*"  # the account id that pauses every account


def ensure_account(db: StateDB, account: str, platform: str = "", handle: str = "") -> None:
    if db.table("accounts").count_where("id = ?", [account]) == 0:
        db.table("accounts").insert(
            {"id": account, "platform": platform, "handle": handle, "state_serial": 0},
            pk="id",
        )


def first_plan_on(db: StateReads, account: str) -> date | None:
    """The day ``account`` was first planned (day 1 when the config has no start_date)."""
    row = db.conn.execute("select first_plan_on from accounts where id = ?", [account]).fetchone()
    return date.fromisoformat(str(row[0])) if row and row[0] else None


def day_one(db: StateReads, account: Account | AccountView) -> date | None:
    """Day 1 of the account's first phase: the config's start_date, else its first plan."""
    return account.start_date or first_plan_on(db, account.id)


def note_first_plan(db: StateDB, account: str, day: date) -> date:
    """Remember the first day ``account`` was planned (kept once set); return that day."""
    with atomic(db) as conn:
        conn.execute(
            "update accounts set first_plan_on = ? where id = ? and first_plan_on is null",
            [day.isoformat(), account],
        )
    return first_plan_on(db, account) or day


def state_serial(db: StateDB, account: str) -> int:
    rows = list(db.table("accounts").rows_where("id = ?", [account], select="state_serial"))
    return int(rows[0]["state_serial"] or 0) if rows else 0


def bump_serial(db: StateDB, account: str, *, plan_id: str, reason: str, now: datetime) -> int:
    """Record that the account's world moved (an apply ran, a sync found drift)."""
    ensure_account(db, account)
    serial = state_serial(db, account) + 1
    with db.conn:
        db.table("accounts").update(account, {"state_serial": serial})
        db.table("serial_log").insert(
            {
                "account": account,
                "serial": serial,
                "plan_id": plan_id,
                "reason": reason,
                "at": iso(now),
            }
        )
    return serial


_ENSURE = (
    "insert or ignore into accounts (id, platform, handle, state_serial) values (?, '', '', 0)"
)


def bump_serial_in(
    conn: StateConnection, account: str, *, plan_id: str, reason: str, now: datetime
) -> None:
    """``bump_serial`` as statements of the caller's transaction (apply: with its first intent)."""
    conn.execute(_ENSURE, [account])
    conn.execute(
        "update accounts set state_serial = coalesce(state_serial, 0) + 1 where id = ?", [account]
    )
    conn.execute(
        "insert into serial_log (account, serial, plan_id, reason, at) "
        "select id, state_serial, ?, ?, ? from accounts where id = ?",
        [plan_id, reason, iso(now), account],
    )


def note_applied(db: StateDB, account: str, now: datetime) -> None:
    """Stamp the account's ``last_apply_at`` (its row made if missing), in one transaction."""
    with atomic(db) as conn:
        conn.execute(_ENSURE, [account])
        conn.execute("update accounts set last_apply_at = ? where id = ?", [iso(now), account])


def serial_moves_since(db: StateDB, account: str, serial: int) -> list[dict[str, object]]:
    """The serial bumps after ``serial``, oldest first (plan id and reason of each)."""
    rows = db.conn.execute(  # plain SQL: sqlite-utils lists the tables on every call
        f"select {', '.join(_SERIAL_LOG)} from serial_log where account = ? and serial > ? "
        "order by serial",
        [account, serial],
    )
    return [dict(zip(_SERIAL_LOG, row, strict=True)) for row in rows]


_SERIAL_LOG = ("id", "account", "serial", "plan_id", "reason", "at")


def pause(
    db: StateDB,
    account: str,
    *,
    reason: str,
    now: datetime,
    until: datetime | None = None,
    actor: str = "",
) -> None:
    ensure_account(db, account)
    with db.conn:
        db.table("accounts").update(
            account, {"paused_until": iso(until) if until else "forever", "pause_reason": reason}
        )
    audit(
        db,
        account=account,
        kind="pause",
        actor=actor,
        now=now,
        detail={"reason": reason, "until": iso(until) if until else None},
    )


def resume(db: StateDB, account: str, *, now: datetime, actor: str = "") -> None:
    ensure_account(db, account)
    with db.conn:
        db.table("accounts").update(account, {"paused_until": None, "pause_reason": None})
    audit(db, account=account, kind="resume", actor=actor, now=now, detail={})


def active_pause(db: StateReads, account: str, now: datetime) -> Pause | None:
    """The pause in force for ``account`` (its own, or the global one), if any."""
    rows = {  # one plain query: apply asks before every call
        str(key): (str(until), reason)
        for key, until, reason in db.conn.execute(
            "select id, paused_until, pause_reason from accounts where id in (?, ?) "
            "and paused_until is not null and paused_until != ''",
            [ALL, account],
        )
    }
    for key in (ALL, account):
        if key not in rows:
            continue
        until_text, reason = rows[key]
        until = None if until_text == "forever" else parse_instant(until_text)
        if until is None or now < until:
            return Pause(account=key, until=until, reason=str(reason or ""))
    return None


def audit(
    db: StateDB, *, account: str, kind: str, actor: str, now: datetime, detail: dict[str, object]
) -> None:
    """Append one line to the audit log."""
    db.table("audit").insert(
        {
            "at": iso(now),
            "account": account,
            "kind": kind,
            "actor": actor,
            "detail": json.dumps(detail, sort_keys=True),
        }
    )
