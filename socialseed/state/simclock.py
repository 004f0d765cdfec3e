"""Simulated time that carries on from one command to the next.

Under ``SOCIALSEED_NOW`` an ``apply`` fast-forwards through hours of pacing. Each simulated
run records how far it got here, and the next command resumes from there (never earlier than
``SOCIALSEED_NOW``): ``status`` after ``make demo`` then sees every action the demo ran, and an
apply resumed after a crash does not start before the actions it already journalled.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from socialseed.clock import iso, parse_instant
from socialseed.state.tx import atomic

if TYPE_CHECKING:
    from socialseed.state.handle import StateDB

ROW = 1


def simulated_until(db: StateDB) -> datetime | None:
    """The latest simulated instant a command reached, if any ran."""
    row = db.conn.execute("select now from sim_clock where id = ?", [ROW]).fetchone()
    return parse_instant(str(row[0])) if row and row[0] else None


def advance(db: StateDB, now: datetime) -> None:
    """Record that simulated time reached ``now`` (it never moves back)."""
    with atomic(db) as conn:
        conn.execute(
            "insert into sim_clock (id, now) values (?, ?) on conflict(id) do update "
            "set now = excluded.now where excluded.now > sim_clock.now",
            [ROW, iso(now)],
        )


def resumed_from_file(start: datetime, path: Path) -> datetime:
    """Where a simulated command starts: ``start``, or later if time already got further;
    read straight from the state file, read-only and without the state checks:
    choosing the clock must never stop a command (``state restore`` of a damaged file, for one).
    A file that cannot be read gives ``start``; the command's own open then says what is wrong."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return start
    try:
        row = conn.execute("select now from sim_clock where id = ?", [ROW]).fetchone()
    except sqlite3.Error:
        return start
    finally:
        conn.close()
    if not row or not row[0]:
        return start
    try:
        return max(start, parse_instant(str(row[0])))
    except ValueError:
        return start
