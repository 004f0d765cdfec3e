"""``socialseed show --list``: the saved plans, newest first."""

from __future__ import annotations

from typing import Any


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
