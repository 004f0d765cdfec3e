"""The plan's AI line says what took the AI's place when it was not used."""

from __future__ import annotations

from socialseed.model.plan import AICost
from socialseed.model.scoring import CostEstimate
from socialseed.report.plan_render import ai_summary

OVER = "over the budget (scoring.max_cost_usd 0.001)"


def estimate(unit: str) -> CostEstimate:
    return CostEstimate("openai", "gpt-4o-mini", 12, 1, 0.01, "genai-prices", OVER, "a/b", unit)


def test_refused_drafting_says_replies_come_from_templates_not_the_heuristic() -> None:
    line = ai_summary(AICost((estimate("message"),), 0.0, 0.001))
    assert line == (
        "AI scoring and reply drafts: not used (see below), replies come from templates only "
        "(a message without one goes to a person); spent $0.0000; "
        "budget scoring.max_cost_usd = 0.001"
    )


def test_refused_scoring_and_drafting_name_both_stand_ins() -> None:
    line = ai_summary(AICost((estimate("profile"), estimate("message")), 0.0, 0.001))
    assert "not used (see below), the heuristic scored instead; replies come from templates" in line


def test_refused_scoring_alone_keeps_the_heuristic_line() -> None:
    line = ai_summary(AICost((estimate("profile"),), 0.0, 0.001))
    assert line.startswith("AI scoring: not used (see below), the heuristic scored instead; spent")
