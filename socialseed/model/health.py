"""The traffic light of one account's health and the rows it is judged from: values only.

``observe.health`` judges; ``state.health_rows`` loads the rows; renderers show the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True)
class OutcomeRow:
    """One journal outcome: what happened when an action ran."""

    at: datetime
    verb: str
    status: str  # done | already | failed | skipped
    http_status: int | None = None
    error: str = ""


@dataclass(frozen=True)
class Signal:
    """An audit-log line that tells something about health (a block, a circuit break)."""

    at: datetime
    kind: str
    detail: str = ""


@dataclass(frozen=True)
class FollowRow:
    """A follow SocialSeed made, and whether and when it was followed back."""

    since: datetime | None
    followed_back_at: datetime | None


@dataclass(frozen=True)
class Counts:
    at: datetime
    followers: int | None


@dataclass(frozen=True)
class Thresholds:
    window_days: int = 7
    min_attempts: int = 4
    red_error_rate: float = 0.5
    yellow_error_rate: float = 0.2
    yellow_rate_limit_hits: int = 3
    low_follow_back_rate: float = 0.02
    follow_back_min_follows: int = 30
    follow_back_grace_days: int = 3
    low_runway_days: float = 3.0  # a shorter runway (the filtered pool, in days) is yellow


@dataclass(frozen=True)
class Runway:
    """How many more days of follows the last plan's filtered pool holds, and its note (which
    names the config change that would widen the pool when the runway is short)."""

    days: float
    note: str


@dataclass(frozen=True)
class Health:
    light: Light
    reasons: tuple[str, ...]
    attempts: int
    failures: int
    rate_limit_hits: int
    block_signals: int
    follows: int
    followed_back: int
    net_growth: int | None
    window_days: int = 7
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def error_rate(self) -> float:
        return self.failures / self.attempts if self.attempts else 0.0

    @property
    def follow_back_rate(self) -> float | None:
        return self.followed_back / self.follows if self.follows else None

    def to_data(self) -> dict[str, object]:
        rate = self.follow_back_rate
        return {
            "light": self.light.value,
            "reasons": list(self.reasons),
            "window_days": self.window_days,
            "attempts": self.attempts,
            "failures": self.failures,
            "error_rate": round(self.error_rate, 4),
            "rate_limit_hits": self.rate_limit_hits,
            "block_signals": self.block_signals,
            "follows": self.follows,
            "followed_back": self.followed_back,
            "follow_back_rate": round(rate, 4) if rate is not None else None,
            "net_growth": self.net_growth,
        }
