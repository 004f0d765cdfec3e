"""429 and 5xx answers: waits that honour the provider's headers, bounded, then the next one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from socialseed.clock import FakeClock
from socialseed.scoring.router import build_scorer
from socialseed.scoring.store import MemoryScoringStore
from tests.scoring.fakes import (
    ANTHROPIC_KEY,
    KEY,
    TOPIC,
    FakeLLM,
    by_host,
    deps,
    fixture,
    openai_provider,
    pair,
    settings,
)

OPENAI_429 = {
    "error": {
        "message": "Rate limit reached for gpt-4o-mini in organization org-x on requests per min "
        "(RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    }
}
OPENAI_QUOTA = {
    "error": {
        "message": "You exceeded your current quota, please check your plan and billing details.",
        "type": "insufficient_quota",
        "param": None,
        "code": "insufficient_quota",
    }
}
ANTHROPIC_429 = {
    "type": "error",
    "error": {"type": "rate_limit_error", "message": "Number of request tokens has exceeded"},
}
ANTHROPIC_529 = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}


def _answers(*responses: httpx.Response) -> Any:
    queue: Iterator[httpx.Response] = iter(responses)
    return lambda request: next(queue)


def _clock(d: Any) -> FakeClock:
    assert isinstance(d.clock, FakeClock)
    return d.clock


async def test_openai_429_waits_for_the_exhausted_limit_then_retries_the_same_request() -> None:
    seen: list[httpx.Request] = []
    limited = httpx.Response(
        429,
        json=OPENAI_429,
        headers={
            "x-ratelimit-limit-requests": "3",
            "x-ratelimit-remaining-requests": "0",
            "x-ratelimit-reset-requests": "20s",
            "x-ratelimit-limit-tokens": "150000",
            "x-ratelimit-remaining-tokens": "149984",
            "x-ratelimit-reset-tokens": "6m0s",
        },
    )
    transport = by_host(
        {
            "api.openai.com": _answers(
                limited, httpx.Response(200, json=fixture("openai_chat.json"))
            )
        },
        seen,
    )
    d = deps(transport)
    scorer = build_scorer("gpt", settings({"gpt": openai_provider()}), d)

    scores = await scorer.score(pair(), TOPIC)

    assert _clock(d).slept == [20.0]  # the requests limit ran out; not the 6 min tokens reset
    assert len(seen) == 2 and seen[0].content == seen[1].content
    assert seen[1].headers["authorization"] == f"Bearer {KEY}"
    assert [s.scorer for s in scores] == ["gpt", "gpt"]


async def test_anthropic_retry_after_then_overloaded_with_no_headers() -> None:
    seen: list[httpx.Request] = []
    transport = by_host(
        {
            "api.anthropic.com": _answers(
                httpx.Response(
                    429,
                    json=ANTHROPIC_429,
                    headers={
                        "retry-after": "7",
                        "anthropic-ratelimit-requests-remaining": "0",
                        "anthropic-ratelimit-requests-reset": "2026-11-25T18:00:40Z",
                    },
                ),
                httpx.Response(529, json=ANTHROPIC_529),
                httpx.Response(200, json=fixture("anthropic_messages.json")),
            )
        },
        seen,
    )
    provider = {"kind": "anthropic", "model": "claude-haiku-4-5", "api_key": "env/ANTHROPIC_KEY"}
    d = deps(transport, env={"ANTHROPIC_KEY": ANTHROPIC_KEY})
    scorer = build_scorer("claude", settings({"claude": provider}), d)

    scores = await scorer.score(pair(), TOPIC)

    assert _clock(d).slept == [7.0, 2.0]  # retry-after wins; then 2 s for the second retry
    assert [str(r.url) for r in seen] == ["https://api.anthropic.com/v1/messages"] * 3
    assert {r.headers["x-api-key"] for r in seen} == {ANTHROPIC_KEY}
    assert [s.scorer for s in scores] == ["claude", "claude"]


async def test_anthropic_reset_instants_without_retry_after() -> None:
    # NOW is 2026-11-25T18:00:00Z: the exhausted output-tokens limit resets 12 s later
    limited = httpx.Response(
        429,
        json=ANTHROPIC_429,
        headers={
            "anthropic-ratelimit-requests-remaining": "40",
            "anthropic-ratelimit-requests-reset": "2026-11-25T18:00:50Z",
            "anthropic-ratelimit-output-tokens-remaining": "0",
            "anthropic-ratelimit-output-tokens-reset": "2026-11-25T18:00:12Z",
        },
    )
    seen: list[httpx.Request] = []
    transport = by_host(
        {
            "api.anthropic.com": _answers(
                limited, httpx.Response(200, json=fixture("anthropic_messages.json"))
            )
        },
        seen,
    )
    provider = {"kind": "anthropic", "model": "claude-haiku-4-5", "api_key": "env/ANTHROPIC_KEY"}
    d = deps(transport, env={"ANTHROPIC_KEY": ANTHROPIC_KEY})

    await build_scorer("claude", settings({"claude": provider}), d).score(pair(), TOPIC)

    assert _clock(d).slept == [12.0] and len(seen) == 2


async def test_a_wait_past_max_wait_moves_on_to_the_next_provider_at_once() -> None:
    seen: list[httpx.Request] = []
    fake = FakeLLM()
    transport = by_host(
        {
            "api.openai.com": lambda r: httpx.Response(
                429, json=OPENAI_429, headers={"retry-after": "120"}
            ),
            "backup.test": fake,
        },
        seen,
    )
    providers = {
        "gpt": openai_provider(max_wait=30),
        "backup": openai_provider(base_url="http://backup.test/v1", price_in_per_mtok=0),
    }
    d = deps(transport)
    scorer = build_scorer("gpt", settings(providers, fallback=["backup"]), d)

    scores = await scorer.score(pair(), TOPIC)

    assert _clock(d).slept == []
    assert [r.url.host for r in seen] == ["api.openai.com", "backup.test"]
    assert {s.scorer for s in scores} == {"backup"}
    assert scorer.report.notes[0].startswith(
        "scoring provider 'gpt' (openai, gpt-4o-mini) answered HTTP 429: Rate limit reached"
    )
    assert scorer.report.notes[0].endswith(
        "(after 0 retries and 0 s of waiting; it asked for 120 s more, past max_wait 30 s); "
        "trying the next scorer (hint: the provider's rate limit or quota is reached; "
        "lower concurrency or wait)"
    )


async def test_a_provider_still_failing_after_the_retries_leaves_it_to_the_heuristic() -> None:
    seen: list[httpx.Request] = []
    transport = by_host({"api.openai.com": lambda r: httpx.Response(503, text="busy")}, seen)
    store = MemoryScoringStore()
    d = deps(transport, store=store)
    scorer = build_scorer("gpt", settings({"gpt": openai_provider()}), d)

    scores = await scorer.score(pair(), TOPIC)

    assert _clock(d).slept == [1.0, 2.0, 4.0]  # no headers: 1, 2, 4 s (7 s within max_wait 30)
    assert len(seen) == 4
    assert {s.scorer for s in scores} == {"heuristic"}
    assert (
        "answered HTTP 503: busy (still, after 3 retries and 7 s of waiting)"
        in (scorer.report.notes[0])
    )
    assert [u.outcome for u in store.usage] == ["error"]


async def test_insufficient_quota_is_not_retried() -> None:
    seen: list[httpx.Request] = []
    transport = by_host({"api.openai.com": lambda r: httpx.Response(429, json=OPENAI_QUOTA)}, seen)
    d = deps(transport)
    scorer = build_scorer("gpt", settings({"gpt": openai_provider()}), d)

    await scorer.score(pair(), TOPIC)

    assert len(seen) == 1 and _clock(d).slept == []
    assert "You exceeded your current quota" in scorer.report.notes[0]


async def test_retry_after_as_an_http_date_and_retry_after_ms() -> None:
    seen: list[httpx.Request] = []
    transport = by_host(
        {
            "api.openai.com": _answers(
                httpx.Response(503, headers={"retry-after": "Wed, 25 Nov 2026 18:00:05 GMT"}),
                httpx.Response(429, json=OPENAI_429, headers={"retry-after-ms": "1500"}),
                httpx.Response(200, json=fixture("openai_chat.json")),
            )
        },
        seen,
    )
    d = deps(transport)

    await build_scorer("gpt", settings({"gpt": openai_provider()}), d).score(pair(), TOPIC)

    assert _clock(d).slept == [5.0, 1.5] and len(seen) == 3
