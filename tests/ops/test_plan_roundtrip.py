"""Found by the 30-day simulation: a plan in which one account had no actions (its cost an
int 0) failed its own checksum when read back, so review and apply refused it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialseed.model import Score
from socialseed.model.plan import AccountPlan, Plan

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_a_plan_with_an_idle_account_reads_back() -> None:
    idle = AccountPlan("demo-cafe", "sandbox", "growth", 3, None, 0, cost_usd=sum([]))
    plan = Plan(
        [], created_at=NOW, expires_at=NOW + timedelta(days=1), config_sha256="0", accounts=[idle]
    )
    assert Plan.from_json(plan.to_json()).checksum == plan.checksum


def test_integer_scores_serialise_as_floats() -> None:
    score = Score(1, 0, "engage", (), "heuristic", "1")
    assert Score.from_data(score.to_data()).to_data() == score.to_data()
