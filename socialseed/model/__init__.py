"""The value types every layer shares: the bottom of the house.

- ``values``: verbs, risk, sources, profiles, posts, candidates, scores, targets, actions,
  decisions and outcomes.
- ``caps``: a platform's hard caps and shared budgets (``platform`` re-exports them).
- ``platform``: what a platform offers, as data: capabilities, policy packs, hard caps,
  shared budgets (several verbs drawing from one named limit),
  rate-limit info, discovery sources and pages.
- ``plan``: the Plan value (sorted, counted, checksummed, versioned JSON).
- ``health``: the traffic light and the rows it is judged from.
- ``review``: what a review walk shows (the approval gate of an action).
- ``status``: one account's status row (phase, today's budget, health, pause, lock).
- ``rates``: two follow-back rates compared (the rate ratio and its 95% interval).

Nothing here does I/O or imports anything above ``errors`` and ``clock``. The face is lazy:
``import socialseed.model.health`` loads that module alone, not every value type.
"""

from __future__ import annotations

from importlib import import_module  # bound here: a test may replace importlib's
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialseed.model.caps import Budget, HardCap
    from socialseed.model.platform import (
        Capabilities,
        ForbiddenPattern,
        Page,
        PolicyPack,
        RateInfo,
        Source,
    )
    from socialseed.model.values import (
        OUTBOUND_VERBS,
        OWN_SPACE_VERBS,
        Action,
        Candidate,
        Decision,
        Outcome,
        Post,
        Profile,
        Risk,
        Score,
        SourceKind,
        Target,
        Verb,
        action_id,
        days_ago,
        digest,
    )

_EXPORTS = {
    "Budget": "caps",
    "Capabilities": "platform",
    "ForbiddenPattern": "platform",
    "HardCap": "caps",
    "Page": "platform",
    "PolicyPack": "platform",
    "RateInfo": "platform",
    "Source": "platform",
    "OUTBOUND_VERBS": "values",
    "OWN_SPACE_VERBS": "values",
    "Action": "values",
    "Candidate": "values",
    "Decision": "values",
    "Outcome": "values",
    "Post": "values",
    "Profile": "values",
    "Risk": "values",
    "Score": "values",
    "SourceKind": "values",
    "Target": "values",
    "Verb": "values",
    "action_id": "values",
    "days_ago": "values",
    "digest": "values",
}
__all__ = [
    "OUTBOUND_VERBS",
    "OWN_SPACE_VERBS",
    "Action",
    "Budget",
    "Candidate",
    "Capabilities",
    "Decision",
    "ForbiddenPattern",
    "HardCap",
    "Outcome",
    "Page",
    "PolicyPack",
    "Post",
    "Profile",
    "RateInfo",
    "Risk",
    "Score",
    "Source",
    "SourceKind",
    "Target",
    "Verb",
    "action_id",
    "days_ago",
    "digest",
]


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
