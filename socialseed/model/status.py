"""One account's status as values: phase, today's budget per verb, health, pause, lock.

``observe.status`` builds the rows from state; renderers show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from socialseed.clock import iso
from socialseed.model.health import Health, Runway


@dataclass(frozen=True)
class VerbBudget:
    verb: str
    cap: int | None  # None: no cap for this verb in the phase (it was used anyway)
    used: int
    remaining: int


@dataclass(frozen=True)
class SharedUse:
    """A platform budget several verbs draw from: what its rolling window holds now."""

    name: str
    limit: int
    window_seconds: int
    used: int

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)

    def text(self) -> str:
        window = _window_text(self.window_seconds)
        return f"platform budget {self.name!r}: {self.used:,} used, {self.left:,} left ({window})"


def _window_text(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"rolling {seconds // 86400 * 24} h"
    if seconds % 3600 == 0:
        return f"rolling {seconds // 3600} h"
    return f"rolling {seconds // 60} min" if seconds % 60 == 0 else f"rolling {seconds} s"


@dataclass(frozen=True)
class StatusRow:
    account: str
    platform: str
    handle: str
    enabled: bool
    phase: str
    phase_day: int
    phase_days: int | None
    phase_overridden: bool
    budget: tuple[VerbBudget, ...]
    health: Health
    pause: str  # "" when not paused
    lock: str  # "" when not locked
    last_apply: datetime | None
    shared: tuple[SharedUse, ...] = ()  # the platform's shared budgets, used and left
    day_one: date | None = None  # day 1 of the first phase (None: not planned yet)
    day_one_from: str = ""  # "start_date" (the config) or "first plan" (the state)
    unanswered: int | None = None  # messages awaiting a reply (None: no conversations)
    runway: Runway | None = None  # the last plan's runway (None: none measured)

    @property
    def runway_days(self) -> float | None:
        """Days of follows the last plan's filtered pool holds (metrics and alerts read it)."""
        return self.runway.days if self.runway else None

    @property
    def phase_text(self) -> str:
        total = f" of {self.phase_days}" if self.phase_days else ""
        lowered = " (lowered)" if self.phase_overridden else ""
        return f"{self.phase} day {self.phase_day}{total}{lowered}"

    def day_text(self, today: date) -> str:
        """'day 6 since 2026-11-20 (start_date)': counted from day 1 of the first phase."""
        if self.day_one is None:
            return "not planned yet: day 1 is its first plan"
        n = (today - self.day_one).days + 1
        return f"day {n} since {self.day_one.isoformat()} ({self.day_one_from})"

    def to_data(self) -> dict[str, object]:
        return {
            "account": self.account,
            "platform": self.platform,
            "handle": self.handle,
            "enabled": self.enabled,
            "phase": {
                "name": self.phase,
                "day": self.phase_day,
                "days": self.phase_days,
                "overridden": self.phase_overridden,
                "day_one": self.day_one.isoformat() if self.day_one else None,
                "day_one_from": self.day_one_from or None,
            },
            "today": {
                b.verb: {"cap": b.cap, "used": b.used, "remaining": b.remaining}
                for b in self.budget
            },
            "health": self.health.to_data(),
            "paused": self.pause or None,
            "locked": self.lock or None,
            "last_apply": iso(self.last_apply) if self.last_apply else None,
            "platform_budgets": [
                {
                    "name": u.name,
                    "limit": u.limit,
                    "window_seconds": u.window_seconds,
                    "used": u.used,
                    "left": u.left,
                }
                for u in self.shared
            ],
            "unanswered": self.unanswered,
            "runway": {"days": self.runway.days, "note": self.runway.note} if self.runway else None,
        }
