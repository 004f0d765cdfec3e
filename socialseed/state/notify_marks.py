"""Alerts already notified: one row per (target, event, account) while the alert is on.

A row is written when a notification went out and deleted when its alert clears, so the next
time the alert comes on it is notified again (one notification per red-turn, not per check).
"""

from __future__ import annotations

from datetime import datetime

from socialseed.clock import iso
from socialseed.state.handle import StateDB

Key = tuple[str, str, str]  # target, event, account ("" for the whole config)


def marked(db: StateDB) -> set[Key]:
    rows = db.execute("select target, event, account from notify_marks").fetchall()
    return {(str(t), str(e), str(a)) for t, e, a in rows}


def mark(db: StateDB, key: Key, *, now: datetime) -> None:
    target, event, account = key
    db.table("notify_marks").upsert(
        {
            "target": target,
            "event": event,
            "account": account,
            "since": iso(now),
            "notified_at": iso(now),
        },
        pk=("target", "event", "account"),
    )


def clear(db: StateDB, key: Key) -> None:
    db.execute("delete from notify_marks where target = ? and event = ? and account = ?", list(key))
