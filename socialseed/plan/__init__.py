"""The plan flow: from config and state to a reviewable Plan.

- ``discovery``: read each targeting's sources through the platform, deeper each plan (cursors
  and the pool in state; only new profiles count toward a source's limit).
- ``expand``: widen a targeting (follow-backs' followers, commenters, related hashtags).
- ``funnel``: each targeting's funnel and sources as plan notes (pure).
- ``reads``: the account's relationships, and the guard against empty or shrinking reads.
- ``filters``: every filter of a targeting, each giving a reason (pure).
- ``scoring``: choose the scorer and score candidates through the scoring cache.
- ``policy``: the platform's capabilities and policy pack applied to a targeting; risk (pure).
- ``planner``: the pure planner: ranked, filtered candidates fitted to today's budget.
- ``run``: orchestration of one ``socialseed plan``: accounts side by side, then record.
- ``tune``: config changes the judged follows support, with their evidence (pure);
  ``tune_inputs`` reads those follows from the state.

The Plan value itself lives in ``socialseed.model.plan``: review, apply and report read it too.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialseed.plan.discovery import Discovered, discover_account
    from socialseed.plan.filters import FilterContext, FilterResult, Relationship, apply_filters
    from socialseed.plan.planner import (
        AccountPart,
        Existing,
        Scored,
        assemble_plan,
        build_plan,
        plan_account,
        rank_key,
    )
    from socialseed.plan.reads import Reads, read_relationships
    from socialseed.plan.run import PlanOptions, Runtime, make_plan, record
    from socialseed.plan.scoring import score_cached, select_scorer, topic_of

# The face is lazy: ``import socialseed.plan.X`` loads X alone, not the whole package.
_EXPORTS = {
    "Discovered": "discovery",
    "discover_account": "discovery",
    "FilterContext": "filters",
    "FilterResult": "filters",
    "Relationship": "filters",
    "apply_filters": "filters",
    "AccountPart": "planner",
    "Existing": "planner",
    "Scored": "planner",
    "assemble_plan": "planner",
    "build_plan": "planner",
    "plan_account": "planner",
    "rank_key": "planner",
    "Reads": "reads",
    "read_relationships": "reads",
    "PlanOptions": "run",
    "Runtime": "run",
    "make_plan": "run",
    "record": "run",
    "score_cached": "scoring",
    "select_scorer": "scoring",
    "topic_of": "scoring",
}
__all__ = [
    "AccountPart",
    "Discovered",
    "Existing",
    "FilterContext",
    "FilterResult",
    "PlanOptions",
    "Reads",
    "Relationship",
    "Runtime",
    "Scored",
    "apply_filters",
    "assemble_plan",
    "build_plan",
    "discover_account",
    "make_plan",
    "plan_account",
    "rank_key",
    "read_relationships",
    "record",
    "score_cached",
    "select_scorer",
    "topic_of",
]


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
