"""Reasoning models: an output allowance that covers their thinking, and a cost that counts it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from socialseed.config.schema import Provider
from socialseed.scoring.router import build_scorer
from socialseed.scoring.store import MemoryScoringStore
from tests.scoring.fakes import ANTHROPIC_KEY, KEY, TOPIC, deps, fixture, pair, settings

ANSWER_ALLOWANCE_FOR_TWO = 256 + 160 * 2


def _replying(name: str, seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=fixture(name))

    return httpx.MockTransport(handler)


def _body(request: httpx.Request) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(request.content)
    return body


async def test_an_openai_reasoning_model_gets_headroom_and_pays_for_its_reasoning() -> None:
    seen: list[httpx.Request] = []
    store = MemoryScoringStore()
    provider = {"kind": "openai", "model": "o4-mini", "api_key": "env/OPENAI_API_KEY"}
    scorer = build_scorer(
        "o4",
        settings({"o4": provider}),
        deps(_replying("openai_reasoning.json", seen), store=store),
    )

    scores = await scorer.score(pair(), TOPIC)

    assert _body(seen[0])["max_completion_tokens"] == ANSWER_ALLOWANCE_FOR_TWO + 4096
    assert "temperature" not in _body(seen[0])
    assert [s.scorer for s in scores] == ["o4", "o4"]
    (row,) = store.usage
    # completion_tokens (900) includes the 768 reasoning tokens; o4-mini: $1.10 in, $4.40 out
    assert (row.tokens_in, row.tokens_out) == (1200, 900)
    assert row.cost_usd == pytest.approx((1200 * 1.10 + 900 * 4.40) / 1e6)
    assert scorer.report.tokens_reasoning == 768
    (estimate,) = scorer.report.estimates
    assert estimate.usd is not None and estimate.usd > row.cost_usd  # the worst case


async def test_deepseek_reasoner_gets_headroom_in_max_tokens() -> None:
    seen: list[httpx.Request] = []
    store = MemoryScoringStore()
    provider = {
        "kind": "deepseek",
        "model": "deepseek-reasoner",
        "api_key": "env/OPENAI_API_KEY",
        "price_in_per_mtok": 0.55,
        "price_out_per_mtok": 2.19,
    }
    scorer = build_scorer(
        "r1",
        settings({"r1": provider}),
        deps(_replying("deepseek_reasoner.json", seen), store=store),
    )

    scores = await scorer.score(pair(), TOPIC)

    body = _body(seen[0])
    assert str(seen[0].url) == "https://api.deepseek.com/chat/completions"
    assert body["max_tokens"] == ANSWER_ALLOWANCE_FOR_TWO + 4096
    assert "max_completion_tokens" not in body
    assert [s.authenticity for s in scores] == [0.85, 0.15]  # reasoning_content is not read
    (row,) = store.usage
    assert (row.tokens_in, row.tokens_out) == (1000, 1500)
    assert row.cost_usd == pytest.approx((1000 * 0.55 + 1500 * 2.19) / 1e6)
    assert scorer.report.tokens_reasoning == 1400


async def test_anthropic_extended_thinking_is_sent_and_its_tokens_are_paid_for() -> None:
    seen: list[httpx.Request] = []
    store = MemoryScoringStore()
    provider = {
        "kind": "anthropic",
        "model": "claude-sonnet-4-5",
        "api_key": "env/ANTHROPIC_API_KEY",
        "reasoning_tokens": 2048,
        "temperature": 0,  # not sent: thinking does not take a temperature
        "price_in_per_mtok": 3,
        "price_out_per_mtok": 15,
    }
    env = {"ANTHROPIC_API_KEY": ANTHROPIC_KEY}
    scorer = build_scorer(
        "claude",
        settings({"claude": provider}),
        deps(_replying("anthropic_thinking.json", seen), env=env, store=store),
    )

    scores = await scorer.score(pair(), TOPIC)

    body = _body(seen[0])
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert body["max_tokens"] == ANSWER_ALLOWANCE_FOR_TWO + 2048
    assert "temperature" not in body
    assert [s.relevance for s in scores] == [0.83, 0.02]  # the thinking block is not read
    (row,) = store.usage
    assert (row.tokens_in, row.tokens_out) == (700, 1650)  # output_tokens include thinking
    assert row.cost_usd == pytest.approx((700 * 3 + 1650 * 15) / 1e6)


async def test_a_chat_model_gets_no_reasoning_headroom() -> None:
    seen: list[httpx.Request] = []
    provider = {"kind": "openai", "model": "gpt-4o-mini", "api_key": "env/OPENAI_API_KEY"}
    env = {"OPENAI_API_KEY": KEY}
    scorer = build_scorer(
        "gpt", settings({"gpt": provider}), deps(_replying("openai_chat.json", seen), env=env)
    )

    await scorer.score(pair(), TOPIC)

    assert _body(seen[0])["max_completion_tokens"] == ANSWER_ALLOWANCE_FOR_TWO


def test_an_anthropic_thinking_budget_below_1024_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="below Anthropic's smallest extended-thinking budget"):
        Provider.model_validate(
            {"kind": "anthropic", "model": "c", "api_key": "env/K", "reasoning_tokens": 500}
        )
