"""What scoring remembers, as values: a cached provider answer and one ledger row per request.

``scoring.store.ScoringStore`` is the protocol that keeps them; ``state.ai`` keeps them in SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from socialseed.model.values import Score


@dataclass(frozen=True)
class CachedScore:
    """One provider answer for one profile, keyed by provider, model, prompt and profile digest."""

    key: str
    provider: str
    model: str
    prompt_version: str
    digest: str
    score: Score


@dataclass(frozen=True)
class UsageRecord:
    """One request to a provider: tokens from the answer's usage fields, cost from the price table.

    ``outcome`` is ``ok``, ``malformed``, ``refused`` or ``error``.
    """

    at: datetime
    provider: str
    model: str
    tokens_in: int
    tokens_out: int
    cost_usd: float
    profiles: int
    outcome: str
    plan_id: str | None = None
