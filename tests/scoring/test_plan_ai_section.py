"""The plan's AI section: saved with the plan, checksummed, and absent without AI scoring."""

from __future__ import annotations

import json
from datetime import timedelta

from socialseed.model.plan import AICost, Plan
from socialseed.model.scoring import CostEstimate
from tests.scoring.fakes import NOW

USED = CostEstimate("gpt", "gpt-4o-mini", 40, 4, 0.0128, "$0.15 in / $0.6 out", step="a/film")
SKIPPED = CostEstimate("claude", "claude-haiku-4-5", 40, 4, 0.1036, "…", "over budget", "a/film")


def _plan(ai: AICost | None) -> Plan:
    return Plan(
        [],
        created_at=NOW,
        expires_at=NOW + timedelta(hours=24),
        config_sha256="0" * 64,
        accounts=[],
        ai=ai,
    )


def test_the_ai_section_round_trips_through_the_plan_file() -> None:
    ai = AICost((SKIPPED, USED), spent_usd=0.004, max_cost_usd=0.05)
    plan = _plan(ai)

    loaded = Plan.from_json(plan.to_json())

    assert loaded.ai == ai and loaded.checksum == plan.checksum
    data = json.loads(plan.to_json())["ai"]
    assert (data["estimated_usd"], data["spent_usd"], data["max_cost_usd"]) == (0.0128, 0.004, 0.05)
    assert [e["refused"] for e in data["estimates"]] == ["over budget", ""]


def test_a_plan_without_ai_scoring_has_no_ai_section() -> None:
    assert "ai" not in json.loads(_plan(None).to_json())


def test_an_unknown_price_makes_the_estimate_unknown() -> None:
    unknown = CostEstimate("local", "fake-model", 10, 1, None, "unknown price", step="a/film")

    assert AICost((USED, unknown)).estimated_usd is None
    assert AICost((SKIPPED,)).estimated_usd == 0
