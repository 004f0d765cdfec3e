"""The exact requests sent to OpenAI-compatible and Anthropic APIs, and how answers are read."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from socialseed.clock import FakeClock
from socialseed.errors import ProviderError
from socialseed.model import Score
from socialseed.scoring.prompt import RETRY_NOTE, system_prompt
from socialseed.scoring.providers import Prompt, ProviderSpec, build_provider
from socialseed.scoring.router import build_scorer
from socialseed.scoring.store import MemoryScoringStore
from tests.scoring.fakes import (
    ANTHROPIC_KEY,
    KEY,
    NOW,
    TOPIC,
    by_host,
    deps,
    fixture,
    openai_provider,
    pair,
    settings,
)

EXPECTED_USER = {
    "topic": {
        "description": "People who shoot and develop analog film.",
        "keywords": ["film", "35mm"],
        "hashtags": ["filmphotography"],
    },
    "profiles": [
        {
            "id": "p1",
            "handle": "ana.film",
            "display_name": "Ana Silver",
            "bio": "Shooting 35mm and developing at home. #filmphotography",
            "followers": 840,
            "following": 310,
            "posts": 1200,
            "recent_posts": ["Developing HP5 at home tonight.", "Roll 12: Portra 400 at dusk."],
        },
        {
            "id": "p2",
            "handle": "win.big.4821",
            "display_name": "WIN BIG",
            "bio": "Giveaway every day! Crypto signals, DM for promo",
            "followers": 12,
            "following": 4900,
            "posts": 3,
            "recent_posts": ["Follow back for a free giveaway!"],
        },
    ],
}
MAX_TOKENS_FOR_TWO = 256 + 160 * 2


def _reply(name: str, seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=fixture(name))

    return httpx.MockTransport(handler)


async def test_openai_request_is_exact_and_answer_becomes_scores() -> None:
    seen: list[httpx.Request] = []
    config = settings({"gpt": openai_provider()}, recent_posts=2)
    scorer = build_scorer("gpt", config, deps(_reply("openai_chat.json", seen)))

    scores = await scorer.score(pair(), TOPIC)

    assert len(seen) == 1
    request = seen[0]
    assert request.method == "POST"
    assert str(request.url) == "https://api.openai.com/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["content-type"] == "application/json"
    assert "x-api-key" not in request.headers
    body = json.loads(request.content)
    assert body == {
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": system_prompt()},
            {"role": "user", "content": body["messages"][1]["content"]},
        ],
        "response_format": {"type": "json_object"},
        "max_completion_tokens": MAX_TOKENS_FOR_TWO,
    }
    assert json.loads(body["messages"][1]["content"]) == EXPECTED_USER
    assert scores == [
        Score(
            0.92,
            0.81,
            "engage",
            ("posts original film scans", "steady, human posting rhythm"),
            "gpt",
            "score_v1",
            "gpt-4o-mini",
        ),
        Score(
            0.18,
            0.05,
            "avoid",
            ("giveaway and crypto promotion", "follows far more than followed"),
            "gpt",
            "score_v1",
            "gpt-4o-mini",
        ),
    ]


async def test_anthropic_request_is_exact_and_answer_becomes_scores() -> None:
    seen: list[httpx.Request] = []
    provider = {
        "kind": "anthropic",
        "model": "claude-haiku-4-5",
        "api_key": "env/ANTHROPIC_API_KEY",
    }
    config = settings({"claude": provider}, recent_posts=2)
    env = {"ANTHROPIC_API_KEY": ANTHROPIC_KEY}
    scorer = build_scorer("claude", config, deps(_reply("anthropic_messages.json", seen), env=env))

    scores = await scorer.score(pair(), TOPIC)

    request = seen[0]
    assert str(request.url) == "https://api.anthropic.com/v1/messages"
    assert request.headers["x-api-key"] == ANTHROPIC_KEY
    assert request.headers["anthropic-version"] == "2023-06-01"
    assert request.headers["content-type"] == "application/json"
    assert "authorization" not in request.headers
    body = json.loads(request.content)
    assert body == {
        "model": "claude-haiku-4-5",
        "max_tokens": MAX_TOKENS_FOR_TWO,
        "system": system_prompt(),
        "messages": [{"role": "user", "content": body["messages"][0]["content"]}],
    }
    assert json.loads(body["messages"][0]["content"]) == EXPECTED_USER
    assert [s.authenticity for s in scores] == [0.88, 0.21]
    assert [s.recommendation for s in scores] == ["engage", "avoid"]
    assert scores[1].reasons == ("promotes giveaways and crypto", "no original content")
    assert {(s.scorer, s.model) for s in scores} == {("claude", "claude-haiku-4-5")}


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("deepseek", "https://api.deepseek.com/chat/completions"),
        ("groq", "https://api.groq.com/openai/v1/chat/completions"),
    ],
)
async def test_deepseek_and_groq_use_their_base_urls_and_max_tokens(kind: str, url: str) -> None:
    seen: list[httpx.Request] = []
    provider = {"kind": kind, "model": "m1", "api_key": "env/OPENAI_API_KEY", "temperature": 0}
    scorer = build_scorer("p", settings({"p": provider}), deps(_reply("openai_chat.json", seen)))

    await scorer.score(pair(), TOPIC)

    body = json.loads(seen[0].content)
    assert str(seen[0].url) == url
    assert body["max_tokens"] == MAX_TOKENS_FOR_TWO
    assert "max_completion_tokens" not in body
    assert body["temperature"] == 0
    assert body["response_format"] == {"type": "json_object"}


async def test_base_url_from_config_is_used() -> None:
    seen: list[httpx.Request] = []
    provider = openai_provider(base_url="http://127.0.0.1:8080/v1/")
    scorer = build_scorer(
        "local", settings({"local": provider}), deps(_reply("openai_chat.json", seen))
    )

    await scorer.score(pair(), TOPIC)

    assert str(seen[0].url) == "http://127.0.0.1:8080/v1/chat/completions"


@pytest.mark.parametrize(
    ("refusal", "provider"),
    [
        ("openai_refusal.json", openai_provider()),
        (
            "anthropic_refusal.json",
            {"kind": "anthropic", "model": "c", "api_key": "env/OPENAI_API_KEY"},
        ),
    ],
)
async def test_a_refused_answer_is_retried_once_with_a_reminder(
    refusal: str, provider: dict[str, Any]
) -> None:
    answers = [fixture(refusal), fixture("openai_chat.json")]
    if provider["kind"] == "anthropic":
        answers[1] = fixture("anthropic_messages.json")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=answers[len(seen) - 1])

    store = MemoryScoringStore()
    scorer = build_scorer(
        "p", settings({"p": provider}), deps(httpx.MockTransport(handler), store=store)
    )

    scores = await scorer.score(pair(), TOPIC)

    assert len(seen) == 2
    first, second = (json.loads(r.content) for r in seen)
    system_of = (
        (lambda b: b["system"])
        if provider["kind"] == "anthropic"
        else (lambda b: b["messages"][0]["content"])
    )
    assert system_of(first) == system_prompt()
    assert system_of(second) == system_prompt() + RETRY_NOTE
    assert {s.scorer for s in scores} == {"p"}
    assert [u.outcome for u in store.usage] == ["refused", "ok"]
    assert any("the model refused" in n and "retrying once" in n for n in scorer.report.notes)


async def test_the_api_key_never_appears_in_errors_or_notes() -> None:
    echoed = json.dumps(fixture("openai_error_401.json")).replace("{key}", KEY)
    seen: list[httpx.Request] = []
    transport = by_host(
        {"api.openai.com": lambda r: httpx.Response(401, content=echoed.encode())}, seen
    )
    scorer = build_scorer("gpt", settings({"gpt": openai_provider()}), deps(transport))

    scores = await scorer.score(pair(), TOPIC)

    notes = "\n".join(scorer.report.notes)
    assert KEY not in notes
    assert "HTTP 401" in notes
    assert "Incorrect API key provided: [redacted]" in notes
    assert "hint: check the API key in env/OPENAI_API_KEY (the key is not shown)" in notes
    assert {s.scorer for s in scores} == {"heuristic"}


async def test_provider_error_message_and_repr_hide_the_key() -> None:
    spec = ProviderSpec("gpt", "openai", "gpt-4o-mini", api_key=KEY, key_ref="env/OPENAI_API_KEY")
    echoed = json.dumps(fixture("openai_error_401.json")).replace("{key}", KEY)
    transport = httpx.MockTransport(lambda r: httpx.Response(401, content=echoed.encode()))

    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(ProviderError) as caught:
            await build_provider(spec, FakeClock(NOW)).complete(client, Prompt("s", "u", 10))

    text = str(caught.value)
    assert KEY not in text and KEY not in repr(spec)
    assert text.startswith("scoring provider 'gpt' (openai, gpt-4o-mini) answered HTTP 401")
    assert "hint: check the API key in env/OPENAI_API_KEY (the key is not shown)" in text
    assert caught.value.status == 401


async def test_timeout_is_a_provider_error_that_says_what_to_do() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    spec = ProviderSpec("slow", "groq", "m", api_key=KEY, timeout=2.5)
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(ProviderError) as caught:
            await build_provider(spec, FakeClock(NOW)).complete(client, Prompt("s", "u", 10))

    assert str(caught.value) == (
        "scoring provider 'slow' (groq, m) timed out after 2.5 s\n"
        "  hint: raise its timeout in the config, or let the fallback order take over"
    )


async def test_request_carries_the_provider_timeout() -> None:
    seen: list[httpx.Request] = []
    provider = openai_provider(timeout=7)
    scorer = build_scorer(
        "gpt", settings({"gpt": provider}), deps(_reply("openai_chat.json", seen))
    )

    await scorer.score(pair(), TOPIC)

    assert seen[0].extensions["timeout"] == {"connect": 7, "read": 7, "write": 7, "pool": 7}
