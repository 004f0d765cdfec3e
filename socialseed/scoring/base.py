"""The scorer interface: a batch of candidates in, one ``Score`` per candidate out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from socialseed.model import Candidate, Score
from socialseed.model.scoring import CostEstimate


@dataclass(frozen=True)
class Topic:
    """What the targeting is about, for relevance: a description, keywords and hashtags."""

    description: str = ""
    keywords: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()


@dataclass
class ScoringReport:
    """What a scoring run did: which scorer scored how many, spend, fallbacks and notes."""

    by_scorer: dict[str, int] = field(default_factory=dict)
    cached: int = 0
    requests: int = 0
    cost_usd: float = 0.0
    tokens_reasoning: int = 0
    notes: list[str] = field(default_factory=list)
    estimates: list[CostEstimate] = field(default_factory=list)  # before requests, per step


class Scorer(Protocol):
    """Scores candidates for authenticity and relevance. Must not raise for one bad profile."""

    name: str
    version: str

    async def score(self, candidates: Sequence[Candidate], topic: Topic) -> list[Score]:
        """One score per candidate, in the same order."""
        ...
