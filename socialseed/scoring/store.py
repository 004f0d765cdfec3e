"""What the scoring router remembers: a cache of answers and a ledger of what each request cost.

``ScoringStore`` is the protocol; ``socialseed.state.ai.SqliteScoringStore`` keeps it in the state
database (tables ``scores`` and ``ai_usage``), ``MemoryScoringStore`` keeps it in a dict (tests,
benchmarks). No I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from socialseed.model import Score
from socialseed.model.scoring import CachedScore, UsageRecord


class ScoringStore(Protocol):
    def cached(self, keys: Sequence[str]) -> dict[str, Score]:
        """The cached scores among ``keys`` (missing keys are absent)."""
        ...

    def remember(self, entries: Iterable[CachedScore], now: datetime) -> None:
        """Cache provider answers."""
        ...

    def record_usage(self, record: UsageRecord) -> None:
        """Append one row to the ledger."""
        ...

    def spent(self, plan_id: str) -> float:
        """Dollars already spent for ``plan_id``."""
        ...


@dataclass
class MemoryScoringStore:
    """A ``ScoringStore`` in memory."""

    scores: dict[str, CachedScore] = field(default_factory=dict)
    usage: list[UsageRecord] = field(default_factory=list)

    def cached(self, keys: Sequence[str]) -> dict[str, Score]:
        return {key: self.scores[key].score for key in keys if key in self.scores}

    def remember(self, entries: Iterable[CachedScore], now: datetime) -> None:
        for entry in entries:
            self.scores[entry.key] = entry

    def record_usage(self, record: UsageRecord) -> None:
        self.usage.append(record)

    def spent(self, plan_id: str) -> float:
        return sum(r.cost_usd for r in self.usage if r.plan_id == plan_id)
