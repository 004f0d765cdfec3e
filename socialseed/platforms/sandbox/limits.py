"""Rate limits like a real platform's: N writes per window per verb, plus a daily total.

Windows are fixed and aligned to the epoch (a 15-minute window resets at :00, :15, :30,
:45); the day resets at midnight UTC. Only writes that changed the world count; they are read
from the ``events`` table, so several processes share one budget.

Every write answer carries ``X-RateLimit-Limit/Remaining/Reset`` (the binding limit: the verb's
window, or the day when that is tighter; reset in epoch seconds) and
``X-RateLimit-Daily-Limit/Remaining/Reset``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace

from socialseed.config.schema import SandboxLimits

DAY = 86400


@dataclass(frozen=True)
class Budget:
    limit: int
    remaining: int
    reset_ts: int


@dataclass(frozen=True)
class LimitState:
    """The budget of one actor and verb at one instant."""

    window: Budget
    daily: Budget
    verb: str

    @property
    def binding(self) -> Budget:
        return self.daily if self.daily.remaining <= self.window.remaining else self.window

    @property
    def exceeded(self) -> bool:
        return self.binding.remaining <= 0

    def reason(self, limits: SandboxLimits) -> str:
        if self.daily.remaining <= 0:
            return f"daily limit of {limits.daily} writes reached"
        return (
            f"{self.verb} limit of {limits.per_window} per {limits.window_minutes} minutes reached"
        )

    def after_write(self) -> LimitState:
        return LimitState(
            replace(self.window, remaining=self.window.remaining - 1),
            replace(self.daily, remaining=self.daily.remaining - 1),
            self.verb,
        )

    def headers(self) -> dict[str, str]:
        binding, daily = self.binding, self.daily
        return {
            "x-ratelimit-limit": str(binding.limit),
            "x-ratelimit-remaining": str(max(0, binding.remaining)),
            "x-ratelimit-reset": str(binding.reset_ts),
            "x-ratelimit-daily-limit": str(daily.limit),
            "x-ratelimit-daily-remaining": str(max(0, daily.remaining)),
            "x-ratelimit-daily-reset": str(daily.reset_ts),
        }


def check(
    conn: sqlite3.Connection, actor: str, verb: str, now_ts: int, limits: SandboxLimits
) -> LimitState:
    """What ``actor`` may still do with ``verb`` now."""
    size = limits.window_minutes * 60
    start = now_ts - now_ts % size
    day_start = now_ts - now_ts % DAY
    used = _count(conn, "actor = ? AND verb = ? AND ts >= ?", actor, verb, start)
    used_today = _count(conn, "actor = ? AND ts >= ?", actor, day_start)
    return LimitState(
        window=Budget(limits.per_window, limits.per_window - used, start + size),
        daily=Budget(limits.daily, limits.daily - used_today, day_start + DAY),
        verb=verb,
    )


def _count(conn: sqlite3.Connection, where: str, *params: object) -> int:
    row = conn.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()
    return int(row[0])
