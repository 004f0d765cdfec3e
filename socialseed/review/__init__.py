"""Review: a person decides on each proposed action of a plan; every decision is kept at once.

The core of ``socialseed review``, with no terminal in it. ``ReviewSession`` holds one plan,
the reviewer, the clock and the rules, and records decisions (``approve``, ``reject``, by id
or in bulk where the platform's policy pack allows). ``walk`` drives an interactive review
through an injected ``Prompter`` (the terminal one lives in the CLI; tests script one).

Rules enforced here, whoever calls:
- a decision is written to state the moment it is made, so quitting and resuming loses nothing;
- a plan that expired, whose config changed, or whose accounts' state serial moved is refused
  (``StalePlanError``), checked before every decision;
- red actions are approved only with an explicit override and a reason (recorded, override=1);
- verbs the platform's pack marks ``requires_human`` are never approved in bulk: each needs a
  decision naming its id; where a platform's pack is not available, every outbound verb is
  treated as ``requires_human`` and bulk approval is off.
"""

from socialseed.model.review import Card, Gate, Progress
from socialseed.review.rules import (
    GateFn,
    freshness_guard,
    gate_for,
    open_plan,
    platform_gates,
    registry_capabilities,
    stale_reasons,
)
from socialseed.review.session import BulkResult, Refusal, ReviewSession, split_ids
from socialseed.review.walk import HELP, Prompter, WalkResult, walk

__all__ = [
    "HELP",
    "BulkResult",
    "Card",
    "Gate",
    "GateFn",
    "Progress",
    "Prompter",
    "Refusal",
    "ReviewSession",
    "WalkResult",
    "freshness_guard",
    "gate_for",
    "open_plan",
    "platform_gates",
    "registry_capabilities",
    "split_ids",
    "stale_reasons",
    "walk",
]
