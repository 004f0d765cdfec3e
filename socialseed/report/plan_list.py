"""``socialseed show --list``: the saved plans, newest first."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database


def plan_rows(db: Database, limit: int = 50) -> list[dict[str, Any]]:
    """Id, times, action counts and accounts of the newest saved plans."""
    rows = db.conn.execute(
        "select id, created_at, expires_at, path, body from plans "
        "order by created_at desc, rowid desc limit ?",
        [limit],
    )
    out = []
    for plan_id, created, expires, path, body in rows:
        data = json.loads(body)
        summary = data.get("summary") or {}
        out.append(
            {
                "id": plan_id,
                "created_at": created,
                "expires_at": expires,
                "path": path or None,
                "actions": summary.get("total", 0),
                "accounts": sorted((summary.get("by_account") or {}).keys()),
            }
        )
    return out


def render_rows(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return ["No saved plans yet; make one with 'socialseed plan'."]
    lines = [f"{'id':<16} {'created':<21} {'expires':<21} {'actions':>7}  accounts"]
    for row in rows:
        lines.append(
            f"{row['id']:<16} {row['created_at']:<21} {row['expires_at']:<21} "
            f"{row['actions']:>7}  {', '.join(row['accounts']) or '-'}"
        )
    return lines
