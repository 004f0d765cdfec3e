"""The router: fallback order, cache, budget, ledger, privacy and configuration errors."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from socialseed.errors import ConfigError
from socialseed.scoring.heuristic import HeuristicScorer
from socialseed.scoring.router import build_scorer
from socialseed.scoring.store import MemoryScoringStore
from socialseed.state.ai import SqliteScoringStore, usage_totals
from socialseed.state.db import open_state
from tests.scoring.fakes import (
    KEY,
    NOW,
    TOPIC,
    FakeLLM,
    by_host,
    candidates,
    deps,
    fixture,
    openai_answer,
    openai_provider,
    pair,
    scores_json,
    sent_profiles,
    settings,
)


def _three_failing() -> dict[str, dict[str, object]]:
    return {
        "slow": openai_provider(base_url="http://slow.test/v1", timeout=3),
        "broken": {
            "kind": "deepseek",
            "model": "deepseek-chat",
            "api_key": "env/OPENAI_API_KEY",
            "base_url": "http://broken.test",
            "max_wait": 0,  # no back-off: the next provider at once
        },
        "garbled": {
            "kind": "groq",
            "model": "llama-3.1-8b-instant",
            "api_key": "env/OPENAI_API_KEY",
            "base_url": "http://garbled.test/openai/v1",
        },
    }


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


async def test_three_failing_providers_end_at_the_heuristic_and_the_report_says_so() -> None:
    seen: list[httpx.Request] = []
    transport = by_host(
        {
            "slow.test": _timeout,
            "broken.test": lambda r: httpx.Response(500, json={"error": {"message": "overloaded"}}),
            "garbled.test": lambda r: httpx.Response(200, json=fixture("openai_malformed.json")),
        },
        seen,
    )
    store = MemoryScoringStore()
    config = settings(_three_failing(), fallback=["slow", "broken", "garbled"])
    scorer = build_scorer("auto", config, deps(transport, store=store))

    scores = await scorer.score(pair(), TOPIC)

    expected = await HeuristicScorer(now=NOW).score(pair(), TOPIC)
    assert scores == expected
    assert [r.url.host for r in seen] == [
        "slow.test",
        "broken.test",
        "garbled.test",
        "garbled.test",
    ]
    report = scorer.report
    assert report.by_scorer == {"heuristic": 2}
    notes = "\n".join(report.notes)
    assert "scoring provider 'slow' (openai, gpt-4o-mini) timed out after 3 s" in notes
    assert (
        "scoring provider 'broken' (deepseek, deepseek-chat) answered HTTP 500: overloaded "
        "(after 0 retries and 0 s of waiting; it asked for 1 s more, past max_wait 0 s)" in notes
    )
    assert "'garbled' (groq, llama-3.1-8b-instant) gave an unusable answer" in notes
    assert "retrying once" in notes and "trying the next scorer" in notes
    assert report.notes[-1] == (
        "2 of 2 profiles were scored by the heuristic scorer "
        "(fallback: no provider could score them)"
    )
    assert [(u.provider, u.outcome) for u in store.usage] == [
        ("slow", "error"),
        ("broken", "error"),
        ("garbled", "malformed"),
        ("garbled", "malformed"),
    ]
    assert [(u.tokens_in, u.tokens_out) for u in store.usage[2:]] == [(598, 24), (598, 24)]


async def test_a_named_provider_falls_back_to_the_next_one_that_works() -> None:
    seen: list[httpx.Request] = []
    fake = FakeLLM()
    transport = by_host({"slow.test": _timeout, "api.openai.com": fake}, seen)
    providers = {"slow": openai_provider(base_url="http://slow.test/v1"), "gpt": openai_provider()}
    scorer = build_scorer("slow", settings(providers, fallback=["gpt"]), deps(transport))

    scores = await scorer.score(candidates(3), TOPIC)

    assert {s.scorer for s in scores} == {"gpt"}
    assert scorer.report.by_scorer == {"gpt": 3}
    assert any("'slow'" in n and "timed out" in n for n in scorer.report.notes)


async def test_replan_within_the_cache_makes_zero_provider_requests(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    config = settings({"gpt": openai_provider()}, batch_size=2)
    first_fake = FakeLLM()
    first = build_scorer(
        "gpt", config, deps(first_fake.transport, store=SqliteScoringStore(open_state(path)))
    )
    before = await first.score(candidates(5), TOPIC)
    assert len(first_fake.requests) == 3

    again_fake = FakeLLM()
    store = SqliteScoringStore(open_state(path))
    again = build_scorer("gpt", config, deps(again_fake.transport, store=store))
    after = await again.score(candidates(5), TOPIC)

    assert again_fake.requests == []
    assert after == before
    assert again.report.cached == 5 and again.report.requests == 0
    assert again.report.by_scorer == {"gpt": 5}


async def test_cache_ignores_what_is_not_sent_and_rescoring_only_what_changed() -> None:
    store = MemoryScoringStore()
    config = settings({"gpt": openai_provider()}, batch_size=10)
    await build_scorer("gpt", config, deps(FakeLLM().transport, store=store)).score(
        candidates(4), TOPIC
    )
    changed = candidates(4)
    changed[0] = replace(changed[0], profile=replace(changed[0].profile, has_avatar=False))
    changed[1] = replace(changed[1], profile=replace(changed[1].profile, bio="new bio"))

    fake = FakeLLM()
    await build_scorer("gpt", config, deps(fake.transport, store=store)).score(changed, TOPIC)

    assert [[p["handle"] for p in sent_profiles(r)] for r in fake.requests] == [["person2.example"]]


async def test_the_same_profile_twice_is_sent_once() -> None:
    fake = FakeLLM()
    scorer = build_scorer("gpt", settings({"gpt": openai_provider()}), deps(fake.transport))

    scores = await scorer.score(candidates(1) * 3, TOPIC)

    assert len(fake.requests) == 1 and len(sent_profiles(fake.requests[0])) == 1
    assert len(scores) == 3 and len(set(scores)) == 1


async def test_an_estimate_over_the_budget_skips_the_ai_step_and_says_so() -> None:
    # price: $1000 per million output tokens; a request's worst case is its max_tokens
    # (576 for 2 profiles) = $0.576, so 10 profiles in 5 requests are estimated at $2.88.
    fake = FakeLLM(tokens_in=lambda n: 0, tokens_out=lambda n: 500)
    provider = openai_provider(price_out_per_mtok=1000, concurrency=1)
    config = settings({"gpt": provider}, batch_size=2, max_cost_usd=1.728)
    store = MemoryScoringStore()
    scorer = build_scorer("gpt", config, deps(fake.transport, store=store))

    scores = await scorer.score(candidates(10), TOPIC)

    assert fake.requests == [] and store.usage == []
    assert {s.scorer for s in scores} == {"heuristic"}
    assert scorer.report.notes[0] == (
        "AI scoring skipped with scoring provider 'gpt' (openai, gpt-4o-mini): the estimated "
        "cost $2.8800 for 10 profile(s) in 5 request(s) is more than the $1.7280 left of the "
        "budget scoring.max_cost_usd = 1.728; the heuristic scores them instead "
        "(raise scoring.max_cost_usd to allow it)"
    )
    (estimate,) = scorer.report.estimates
    assert (estimate.provider, estimate.profiles, estimate.requests) == ("gpt", 10, 5)
    assert estimate.usd == pytest.approx(2.88)
    assert estimate.prices == "$0 in / $1000 out per million tokens (config)"


async def test_targetings_of_one_plan_share_the_budget() -> None:
    fake = FakeLLM(tokens_in=lambda n: 0, tokens_out=lambda n: 500)
    provider = openai_provider(price_out_per_mtok=1000, concurrency=1)
    config = settings({"gpt": provider}, batch_size=2, max_cost_usd=1.728)
    store = MemoryScoringStore()
    shared = deps(fake.transport, store=store)

    first = await build_scorer("gpt", config, shared).score(candidates(2), TOPIC)

    assert len(fake.requests) == 1 and {s.scorer for s in first} == {"gpt"}
    assert sum(u.cost_usd for u in store.usage) == pytest.approx(0.5)
    # $1.228 left; 6 more profiles are estimated at 3 x $0.576 = $1.728: skipped
    other = build_scorer("gpt", config, shared)
    scores = await other.score(candidates(8)[2:], TOPIC)
    assert len(fake.requests) == 1
    assert {s.scorer for s in scores} == {"heuristic"}
    assert "more than the $1.2280 left of the budget" in other.report.notes[0]
    assert shared.meter is not None and shared.meter.reserved == 0


async def test_the_budget_still_stops_requests_the_estimate_did_not_foresee() -> None:
    # the first answer is malformed: its retry was not in the estimate, so it must fit too
    answers = iter(
        [
            httpx.Response(200, json=fixture("openai_malformed.json")),
            httpx.Response(200, json=openai_answer(scores_json(2), 0, 500)),
        ]
    )
    seen: list[httpx.Request] = []
    transport = by_host({"api.openai.com": lambda r: next(answers)}, seen)
    provider = openai_provider(price_out_per_mtok=1000)
    config = settings({"gpt": provider}, batch_size=2, max_cost_usd=0.59)
    scorer = build_scorer("gpt", config, deps(transport))

    scores = await scorer.score(candidates(2), TOPIC)

    assert len(seen) == 1  # $0.576 reserved for the first, $0.024 billed: the retry does not fit
    assert {s.scorer for s in scores} == {"heuristic"}
    assert any(
        n.startswith("scoring budget reached (max_cost_usd 0.59") for n in scorer.report.notes
    )


async def test_budget_counts_what_the_plan_already_spent(tmp_path: Path) -> None:
    db = open_state(tmp_path / "s.sqlite")
    store = SqliteScoringStore(db)
    config = settings({"gpt": openai_provider(price_out_per_mtok=1000)}, max_cost_usd=1.0)
    fake = FakeLLM(tokens_in=lambda n: 0, tokens_out=lambda n: 900)
    await build_scorer("gpt", config, deps(fake.transport, store=store, plan_id="p1")).score(
        candidates(2), TOPIC
    )
    assert store.spent("p1") == pytest.approx(0.9)

    later = FakeLLM()
    scorer = build_scorer("gpt", config, deps(later.transport, store=store, plan_id="p1"))
    await scorer.score(candidates(4)[2:], TOPIC)

    assert later.requests == []
    assert scorer.report.by_scorer == {"heuristic": 2}


async def test_ledger_totals_equal_the_answers_usage_fields(tmp_path: Path) -> None:
    db = open_state(tmp_path / "s.sqlite")
    fake = FakeLLM(tokens_in=lambda n: 311 * n + 7, tokens_out=lambda n: 43 * n + 1)
    provider = openai_provider(price_in_per_mtok=0.15, price_out_per_mtok=0.6)
    config = settings({"gpt": provider}, batch_size=4)
    scorer = build_scorer(
        "gpt", config, deps(fake.transport, store=SqliteScoringStore(db), plan_id="plan-1")
    )

    await scorer.score(candidates(11), TOPIC)

    (total,) = usage_totals(db, None)
    assert total.requests == len(fake.requests) == 3
    assert total.tokens_in == sum(u[0] for u in fake.usage)
    assert total.tokens_out == sum(u[1] for u in fake.usage)
    expected_cost = (total.tokens_in * 0.15 + total.tokens_out * 0.6) / 1_000_000
    assert total.cost_usd == pytest.approx(expected_cost)
    assert scorer.report.cost_usd == pytest.approx(expected_cost)
    assert (total.provider, total.model, total.profiles, total.failed) == (
        "gpt",
        "gpt-4o-mini",
        11,
        0,
    )
    rows = list(db["ai_usage"].rows)
    assert {r["plan_id"] for r in rows} == {"plan-1"}
    assert {r["at"] for r in rows} == {"2026-11-25T18:00:00Z"}


async def test_auto_without_fallback_tries_the_cheapest_provider_first() -> None:
    seen: list[httpx.Request] = []
    fake = FakeLLM()
    transport = by_host({"dear.test": fake, "cheap.test": fake}, seen)
    providers = {
        "dear": openai_provider(base_url="http://dear.test/v1", price_in_per_mtok=5),
        "cheap": openai_provider(base_url="http://cheap.test/v1", price_in_per_mtok=0.1),
    }
    scorer = build_scorer("auto", settings(providers), deps(transport))

    scores = await scorer.score(candidates(2), TOPIC)

    assert [r.url.host for r in seen] == ["cheap.test"]
    assert {s.scorer for s in scores} == {"cheap"}


async def test_a_provider_without_its_key_is_skipped_with_a_note() -> None:
    fake = FakeLLM()
    providers = {
        "claude": {"kind": "anthropic", "model": "c", "api_key": "env/ANTHROPIC_API_KEY"},
        "gpt": openai_provider(),
    }
    scorer = build_scorer("claude", settings(providers, fallback=["gpt"]), deps(fake.transport))

    scores = await scorer.score(candidates(2), TOPIC)

    assert {s.scorer for s in scores} == {"gpt"}
    assert scorer.report.notes[0] == (
        "scoring provider 'claude' skipped: environment variable ANTHROPIC_API_KEY is not set "
        "(set it to use anthropic, or change targeting scoring.provider)"
    )


async def test_a_provider_that_keeps_failing_is_skipped_for_the_rest_of_the_run() -> None:
    seen: list[httpx.Request] = []
    fake = FakeLLM()
    transport = by_host(
        {"down.test": lambda r: httpx.Response(503, text="unavailable"), "api.openai.com": fake},
        seen,
    )
    providers = {
        "down": openai_provider(base_url="http://down.test/v1", concurrency=1, max_wait=0),
        "gpt": openai_provider(),
    }
    config = settings(providers, fallback=["gpt"], batch_size=1)
    scorer = build_scorer("down", config, deps(transport))

    scores = await scorer.score(candidates(8), TOPIC)

    assert [r.url.host for r in seen].count("down.test") == 3
    assert {s.scorer for s in scores} == {"gpt"}
    assert any("failed 3 times in a row; skipped for this run" in n for n in scorer.report.notes)


async def test_a_refused_key_stops_that_provider_at_once() -> None:
    seen: list[httpx.Request] = []
    transport = by_host({"api.openai.com": lambda r: httpx.Response(401, json={})}, seen)
    config = settings({"gpt": openai_provider(concurrency=1)}, batch_size=1)
    scorer = build_scorer("gpt", config, deps(transport))

    await scorer.score(candidates(4), TOPIC)

    assert len(seen) == 1
    assert scorer.report.by_scorer == {"heuristic": 4}


async def test_only_allowed_fields_and_recent_post_texts_are_sent() -> None:
    fake = FakeLLM()
    config = settings({"gpt": openai_provider()}, send_fields=["handle", "bio"], recent_posts=1)
    scorer = build_scorer("gpt", config, deps(fake.transport, env={"OPENAI_API_KEY": KEY}))

    await scorer.score(pair(), TOPIC)

    body = json.loads(fake.requests[0].content)
    assert sent_profiles(fake.requests[0]) == [
        {
            "id": "p1",
            "handle": "ana.film",
            "bio": "Shooting 35mm and developing at home. #filmphotography",
            "recent_posts": ["Developing HP5 at home tonight."],
        },
        {
            "id": "p2",
            "handle": "win.big.4821",
            "bio": "Giveaway every day! Crypto signals, DM for promo",
            "recent_posts": ["Follow back for a free giveaway!"],
        },
    ]
    text = fake.requests[0].content.decode()
    for private in ("u1", "u2", "ana-2", "sandbox", KEY, "like_count"):
        assert f'"{private}"' not in text and KEY not in json.dumps(body)


async def test_heuristic_provider_is_the_offline_scorer() -> None:
    scorer = build_scorer("heuristic", settings({}), deps())

    assert scorer.name == "heuristic"
    assert isinstance(scorer, HeuristicScorer)


@pytest.mark.parametrize(
    ("provider", "fallback", "message"),
    [
        (
            "gtp",
            [],
            "targeting scoring.provider: 'gtp' is not a scoring provider (did you mean 'gpt'?)",
        ),
        ("auto", ["gpt", "claud"], "scoring.fallback: 'claud' is not a scoring provider"),
    ],
)
def test_unknown_provider_names_are_config_errors(
    provider: str, fallback: list[str], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        build_scorer(provider, settings({"gpt": openai_provider()}, fallback=fallback), deps())

    assert str(caught.value).startswith(message)
    assert "hint: use one of: heuristic, auto, gpt" in str(caught.value)


def test_fields_that_may_not_be_sent_are_config_errors() -> None:
    config = settings({"gpt": openai_provider()}, send_fields=["handle", "email"])

    with pytest.raises(ConfigError) as caught:
        build_scorer("gpt", config, deps())

    assert str(caught.value).startswith("scoring.send_fields: 'email' cannot be sent")


async def test_heuristic_in_the_fallback_list_ends_the_chain() -> None:
    seen: list[httpx.Request] = []
    transport = by_host({"api.openai.com": lambda r: httpx.Response(500)}, seen)
    providers = {
        "gpt": openai_provider(max_wait=0),
        "other": openai_provider(base_url="http://o.test/v1"),
    }
    config = settings(providers, fallback=["heuristic", "other"])
    scorer = build_scorer("gpt", config, deps(transport))

    await scorer.score(candidates(1), TOPIC)

    assert [r.url.host for r in seen] == ["api.openai.com"]


async def test_requests_in_flight_never_exceed_the_provider_concurrency() -> None:
    fake = FakeLLM()
    state = {"now": 0, "peak": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        state["now"] += 1
        state["peak"] = max(state["peak"], state["now"])
        for _ in range(3):
            await asyncio.sleep(0)
        state["now"] -= 1
        return fake(request)

    config = settings({"gpt": openai_provider(concurrency=3)}, batch_size=1)
    scorer = build_scorer("gpt", config, deps(httpx.MockTransport(handler)))

    await scorer.score(candidates(12), TOPIC)

    assert len(fake.requests) == 12
    assert state["peak"] == 3
