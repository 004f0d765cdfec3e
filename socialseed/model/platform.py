"""What a platform is and offers, as values: capabilities, policy packs, hard caps, rate info,
discovery sources and pages. Platforms build them; the planner, apply and reports read them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the hard caps and budgets load no value types
    from socialseed.model.values import Profile, SourceKind
    from socialseed.model.verbs import Verb


@dataclass(frozen=True)
class ForbiddenPattern:
    """A pattern a platform forbids, with the rule's source."""

    name: str  # e.g. "follow_unfollow_churn", "hashtag_auto_like"
    rule: str  # what the platform says
    source: str  # where it says it


@dataclass(frozen=True)
class HardCap:
    """A platform-wide limit that no config can raise."""

    verb: Verb
    limit: int
    window_seconds: int
    source: str = ""

    def as_budget(self) -> Budget:
        """This cap as a budget that only its verb draws from, one unit per action."""
        window = f"{self.window_seconds} s" if self.window_seconds else "in total"
        return Budget(
            f"{self.verb.value} per {window}",
            self.limit,
            self.window_seconds,
            {self.verb: 1},
            self.source,
        )


@dataclass(frozen=True, eq=False)
class Budget:
    """A named platform budget that several verbs may draw from, each at its own cost.

    Bluesky's repo writes are one budget of points per account (create 3, delete 1; 5,000 an
    hour); Mastodon's replies and boosts share the "statuses" family. ``window_seconds == 0``
    is a standing total (e.g. 7,500 accounts followed), not a rate.

    ``per_request``: the budget counts every request the account sends, reads included
    (Mastodon's 300 requests per 5 minutes per token); a verb's cost is then the requests one
    action is expected to send (a reply: the thread read and the post), and apply charges the
    requests actually sent once they are known.
    """

    name: str
    limit: int
    window_seconds: int
    costs: Mapping[Verb, int]
    source: str = ""
    per_request: bool = False

    def cost(self, verb: Verb | str) -> int:
        """What one ``verb`` spends of this budget (0: the verb does not draw from it)."""
        return next((c for v, c in self.costs.items() if v == verb), 0)

    def verbs(self) -> list[str]:
        return sorted(v.value for v in self.costs)


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
