"""What a platform is and offers, as values: capabilities, policy packs, hard caps, rate info,
discovery sources and pages. Platforms build them; the planner, apply and reports read them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from socialseed.model.caps import Budget, HardCap

if TYPE_CHECKING:  # annotations only: the hard caps and budgets load no value types
    from socialseed.model.values import Profile, SourceKind
    from socialseed.model.verbs import Verb

__all__ = [
    "Budget",
    "Capabilities",
    "ForbiddenPattern",
    "HardCap",
    "Page",
    "PolicyPack",
    "RateInfo",
    "Source",
]


@dataclass(frozen=True)
class ForbiddenPattern:
    """A pattern a platform forbids, with the rule's source."""

    name: str  # e.g. "follow_unfollow_churn", "hashtag_auto_like"
    rule: str  # what the platform says
    source: str  # where it says it


@dataclass(frozen=True)
class PolicyPack:
    """A platform's rules, encoded: which verbs always need a person, what is forbidden."""

    requires_human: frozenset[Verb]
    forbidden: tuple[ForbiddenPattern, ...] = ()
    unfollow_non_followers: bool = True  # may we unfollow accounts that did not follow back
    bulk_approve: bool = False  # may "approve all remaining green" be offered
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Capabilities:
    """What a platform (at a given access tier) can do, as data."""

    platform: str
    supports: frozenset[Verb]
    sources: frozenset[SourceKind]
    pack: PolicyPack
    hard_caps: tuple[HardCap, ...] = ()
    rate_limit_model: str = ""
    auth_method: str = ""
    unsupported_reasons: Mapping[Verb, str] = field(default_factory=dict)
    cost_usd: Mapping[Verb, float] = field(default_factory=dict)  # pay-per-use estimates
    write_points: Mapping[Verb, int] = field(default_factory=dict)  # e.g. Bluesky create=3
    budgets: tuple[Budget, ...] = ()  # shared budgets; ``hard_caps`` are one-verb budgets
    summoned_replies_only: str = ""  # the rule, when replies need the author's mention/quote

    def all_budgets(self) -> tuple[Budget, ...]:
        """Every limit the platform sets, as budgets: the shared ones, then the hard caps."""
        return self.budgets + tuple(cap.as_budget() for cap in self.hard_caps)

    def offers(self) -> str:
        return ", ".join(sorted(v.value for v in self.supports)) or "nothing"


@dataclass(frozen=True)
class Page:
    """One page of discovery results and the cursor for the next (``None``: last page)."""

    profiles: list[Profile]
    cursor: str | None = None


@dataclass(frozen=True)
class RateInfo:
    """What the platform's rate-limit headers said on the last call."""

    limit: int | None
    remaining: int | None
    reset_at: datetime | None
    bucket: str = ""
    margin: float | None = None  # seconds to wait past ``reset_at`` (None: pacing's default)


@dataclass(frozen=True)
class Source:
    """A discovery source from the targeting config."""

    kind: SourceKind
    value: str  # hashtag, query, handle, or post id

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.value}"
