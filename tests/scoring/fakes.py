"""Shared test data for scoring: profiles, settings, recorded answers and a fake provider."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from socialseed.clock import FakeClock
from socialseed.config.schema import Scoring
from socialseed.model import Candidate, Post, Profile
from socialseed.scoring.base import Topic
from socialseed.scoring.router import ScoringDeps
from socialseed.scoring.store import MemoryScoringStore, ScoringStore

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "llm"
NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
KEY = "sk-test-Zq8v3LkP0wXr7NmB2cYd"
ANTHROPIC_KEY = "sk-ant-test-Hh5Jk2Lm9Nn4Pp7Qq1Rr"
TOPIC = Topic(
    description="People who shoot and develop analog film.",
    keywords=("film", "35mm"),
    hashtags=("filmphotography",),
)


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def ana() -> Profile:
    posts = (
        Post("ana-1", "u1", "Roll 12: Portra 400 at dusk.", NOW - timedelta(days=3), like_count=4),
        Post("ana-2", "u1", "Developing HP5 at home tonight.", NOW - timedelta(days=1)),
        Post("ana-3", "u1", "   ", NOW),
        Post("ana-4", "u1", "Old scan from 2019.", NOW - timedelta(days=30)),
    )
    return Profile(
        platform="sandbox",
        id="u1",
        handle="ana.film",
        display_name="Ana Silver",
        bio="Shooting 35mm and developing at home. #filmphotography",
        followers=840,
        following=310,
        posts=1200,
        last_active=NOW - timedelta(hours=5),
        created_at=datetime(2019, 4, 2, tzinfo=UTC),
        has_avatar=True,
        language="en",
        recent_posts=posts,
    )


def spammer() -> Profile:
    return Profile(
        platform="sandbox",
        id="u2",
        handle="win.big.4821",
        display_name="WIN BIG",
        bio="Giveaway every day! Crypto signals, DM for promo",
        followers=12,
        following=4900,
        posts=3,
        has_avatar=False,
        recent_posts=(Post("spam-1", "u2", "Follow back for a free giveaway!", NOW),),
    )


def person(i: int) -> Profile:
    return Profile(
        platform="sandbox",
        id=f"u{i}",
        handle=f"person{i}.example",
        display_name=f"Person {i}",
        bio=f"Film photographer number {i}, 35mm and medium format.",
        followers=100 + i,
        following=90 + i,
        posts=50 + i,
        has_avatar=True,
        last_active=NOW - timedelta(days=1),
        created_at=datetime(2020, 1, 1, tzinfo=UTC),
    )


def candidates(n: int) -> list[Candidate]:
    return [Candidate(person(i), "hashtag:filmphotography", "film") for i in range(1, n + 1)]


def pair() -> list[Candidate]:
    return [
        Candidate(ana(), "hashtag:filmphotography", "film"),
        Candidate(spammer(), "search:35mm film", "film"),
    ]


def settings(providers: dict[str, dict[str, Any]], **extra: Any) -> Scoring:
    return Scoring.model_validate({"providers": providers, **extra})


def openai_provider(**extra: Any) -> dict[str, Any]:
    return {"kind": "openai", "model": "gpt-4o-mini", "api_key": "env/OPENAI_API_KEY", **extra}


def deps(
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    env: dict[str, str] | None = None,
    store: ScoringStore | None = None,
    plan_id: str | None = None,
) -> ScoringDeps:
    return ScoringDeps(
        env=env if env is not None else {"OPENAI_API_KEY": KEY},
        clock=FakeClock(NOW),
        store=store if store is not None else MemoryScoringStore(),
        transport=transport,
        plan_id=plan_id,
    )


def sent_profiles(request: httpx.Request) -> list[dict[str, Any]]:
    """The profiles in a chat-completions or messages request's user message."""
    body = json.loads(request.content)
    messages = body["messages"]
    user = next(m["content"] for m in messages if m["role"] == "user")
    profiles: list[dict[str, Any]] = json.loads(user)["profiles"]
    return profiles


def scores_json(count: int, authenticity: float = 0.8, relevance: float = 0.6) -> str:
    entries = [
        {
            "id": f"p{i}",
            "authenticity": authenticity,
            "relevance": relevance,
            "recommendation": "engage",
            "reasons": [f"reason for p{i}"],
        }
        for i in range(1, count + 1)
    ]
    return json.dumps({"scores": entries})


def openai_answer(text: str, tokens_in: int = 100, tokens_out: int = 50) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "model": "fake-model",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out},
    }


Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class FakeLLM:
    """An OpenAI-compatible fake: answers every profile, with the given usage; records requests."""

    tokens_in: Callable[[int], int] = lambda profiles: 100 + 10 * profiles
    tokens_out: Callable[[int], int] = lambda profiles: 20 * profiles
    requests: list[httpx.Request] = field(default_factory=list)
    usage: list[tuple[int, int]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        count = len(sent_profiles(request))
        tin, tout = self.tokens_in(count), self.tokens_out(count)
        self.usage.append((tin, tout))
        return httpx.Response(200, json=openai_answer(scores_json(count), tin, tout))

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def by_host(handlers: dict[str, Handler], seen: list[httpx.Request]) -> httpx.MockTransport:
    """A transport routing each request to the handler of its host, recording every request."""

    def route(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handlers[request.url.host](request)

    return httpx.MockTransport(route)
