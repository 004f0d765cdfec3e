"""What a review shows, as values: the approval gate of an action, the review's progress,
and the card a prompter draws. ``review`` builds them; ``report.review_card`` renders them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from socialseed.model.values import Action, Decision, Verb


@dataclass(frozen=True)
class Gate:
    """What the platform's policy pack says about approving one action."""

    requires_human: bool
    bulk_ok: bool
    rule: str = ""  # why bulk approval is refused ("" when allowed)


@dataclass(frozen=True)
class Progress:
    """Where a plan's review stands; ``by_policy`` counts live approvals recorded by the
    policy (``policy.auto_approve`` at plan time), which are among ``approved``."""

    total: int
    reviewed: int
    approved: int
    rejected: int
    by_policy: int

    @property
    def pending(self) -> int:
        return self.total - self.reviewed

    def __str__(self) -> str:
        policy = f" ({self.by_policy} by policy)" if self.by_policy else ""
        return (
            f"{self.reviewed}/{self.total} reviewed, {self.approved} approved{policy}, "
            f"{self.rejected} rejected, {self.pending} pending"
        )

    def to_data(self) -> dict[str, int]:
        return {
            "total": self.total,
            "reviewed": self.reviewed,
            "approved": self.approved,
            "rejected": self.rejected,
            "by_policy": self.by_policy,
            "pending": self.pending,
        }


@dataclass(frozen=True)
class ReplyText:
    """The text a person is about to approve for a reply: which drafted alternative it came
    from (1-based) and whether they edited it."""

    text: str
    choice: int
    edited: bool = False


def alternatives(action: Action) -> tuple[str, ...]:
    """A reply's drafted alternatives, in the plan's order (the first is the default text)."""
    if action.verb is not Verb.REPLY:
        return ()
    if action.conversation is not None and action.conversation.drafts:
        return tuple(d.text for d in action.conversation.drafts)
    return (action.target.text,) if action.target.text else ()


@dataclass(frozen=True)
class Card:
    """Everything a prompter needs to show one action."""

    action: Action
    position: int  # 1-based, in this walk
    count: int
    progress: Progress
    decision: Decision | None  # the newest decision on it (maybe expired), when revisiting
    gate: Gate
    now: datetime
    reply: ReplyText | None = None  # a reply's text as chosen (or edited) so far
