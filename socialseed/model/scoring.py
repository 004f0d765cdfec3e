"""What scoring remembers, as values: a cached provider answer and one ledger row per request.

``scoring.store.ScoringStore`` is the protocol that keeps them; ``state.ai`` keeps them in SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


@dataclass(frozen=True)
class CostEstimate:
    """What one provider would cost for a scoring step, worked out before any request is sent.

    The worst case for the profiles left after the cache: each request's prompt at 3 characters
    a token in, its whole output allowance (answer plus reasoning headroom) out, at the
    provider's prices. ``refused`` says why the provider was not used (over the budget, or an
    unknown price while a budget is set); empty when it was.
    """

    provider: str
    model: str
    profiles: int
    requests: int
    usd: float | None  # None: the price is unknown
    prices: str  # where the prices come from, for people
    refused: str = ""
    step: str = ""  # account/targeting, set by the planner
    unit: str = "profile"  # what ``profiles`` counts: profiles scored, or messages drafted

    def to_data(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "profiles": self.profiles,
            "requests": self.requests,
            "estimated_usd": None if self.usd is None else round(self.usd, 6),
            "prices": self.prices,
            "refused": self.refused,
            "step": self.step,
            "unit": self.unit,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CostEstimate:
        usd = data.get("estimated_usd")
        return cls(
            provider=str(data["provider"]),
            model=str(data["model"]),
            profiles=int(data["profiles"]),
            requests=int(data["requests"]),
            usd=None if usd is None else float(usd),
            prices=str(data.get("prices") or ""),
            refused=str(data.get("refused") or ""),
            step=str(data.get("step") or ""),
            unit=str(data.get("unit") or "profile"),
        )

    def usd_text(self) -> str:
        return "unknown" if self.usd is None else f"${self.usd:.4f}"
