"""Scoring with a language model: requests per 1,000 candidates by batch size, cache, concurrency.

Runs against a local fake OpenAI-compatible provider (an httpx MockTransport with a simulated
latency); nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime

import httpx

from socialseed.clock import FakeClock
from socialseed.config.schema import Scoring
from socialseed.model import Candidate, Profile
from socialseed.scoring.base import Topic
from socialseed.scoring.router import ScoringDeps, build_scorer
from socialseed.scoring.store import MemoryScoringStore

CANDIDATES = 1000
LATENCY_S = 0.02
TOPIC = Topic("Analog film photography.", ("film", "35mm"), ("filmphotography",))


class FakeProvider:
    """Answers every profile of a chat-completions request after ``latency`` seconds."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.requests = 0
        self.profiles = 0
        self.tokens_in = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(self.latency)
        body = json.loads(request.content)
        count = len(json.loads(body["messages"][1]["content"])["profiles"])
        self.requests += 1
        self.profiles += count
        tokens_in = len(request.content) // 4
        self.tokens_in += tokens_in
        scores = [
            {
                "id": f"p{i}",
                "authenticity": 0.8,
                "relevance": 0.5,
                "recommendation": "engage",
                "reasons": ["fake"],
            }
            for i in range(1, count + 1)
        ]
        answer = {
            "model": "fake",
            "choices": [
                {"message": {"content": json.dumps({"scores": scores})}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": tokens_in, "completion_tokens": 30 * count},
        }
        return httpx.Response(200, json=answer)


def _candidates(n: int) -> list[Candidate]:
    return [
        Candidate(
            Profile(
                "sandbox",
                f"u{i}",
                f"person{i}.example",
                f"Person {i}",
                f"Film photographer {i}; 35mm, darkroom, scans.",
                100 + i,
                80 + i,
                40 + i,
            ),
            "hashtag:filmphotography",
        )
        for i in range(n)
    ]


def _settings(batch_size: int, concurrency: int) -> Scoring:
    provider = {
        "kind": "openai",
        "model": "fake",
        "api_key": "env/FAKE_KEY",
        "base_url": "http://127.0.0.1:9/v1",
        "concurrency": concurrency,
        "price_in_per_mtok": 0.15,
        "price_out_per_mtok": 0.6,
    }
    return Scoring.model_validate({"providers": {"fake": provider}, "batch_size": batch_size})


async def _run(
    batch_size: int, concurrency: int, store: MemoryScoringStore
) -> tuple[FakeProvider, float, float]:
    fake = FakeProvider(LATENCY_S)
    deps = ScoringDeps(
        env={"FAKE_KEY": "fake-key-0000"},
        clock=FakeClock(datetime(2026, 1, 1, tzinfo=UTC)),
        store=store,
        transport=httpx.MockTransport(fake),
    )
    scorer = build_scorer("fake", _settings(batch_size, concurrency), deps)
    started = time.perf_counter()
    await scorer.score(_candidates(CANDIDATES), TOPIC)
    report = getattr(scorer, "report", None)  # a RoutedScorer has one
    cost = report.cost_usd if report is not None else 0.0
    return fake, time.perf_counter() - started, cost


PRICED_MODELS = (
    ("openai", "gpt-4o-mini"),
    ("openai", "gpt-5-mini"),
    ("openai", "o4-mini"),
    ("deepseek", "deepseek-chat"),
    ("deepseek", "deepseek-reasoner"),
    ("groq", "llama-3.1-8b-instant"),
    ("anthropic", "claude-haiku-4-5"),
    ("anthropic", "claude-sonnet-4-5"),
)


async def _estimate(kind: str, model: str, count: int) -> tuple[float | None, int]:
    """The plan-time estimate for ``count`` candidates (a zero budget: nothing is sent)."""
    settings = Scoring.model_validate(
        {
            "providers": {"p": {"kind": kind, "model": model, "api_key": "env/FAKE_KEY"}},
            "batch_size": 10,
            "max_cost_usd": 0,
        }
    )
    deps = ScoringDeps(
        env={"FAKE_KEY": "fake-key-0000"},
        clock=FakeClock(datetime(2026, 1, 1, tzinfo=UTC)),
        store=MemoryScoringStore(),
        transport=httpx.MockTransport(lambda r: httpx.Response(500)),
    )
    scorer = build_scorer("p", settings, deps)
    await scorer.score(_candidates(count), TOPIC)
    report = getattr(scorer, "report", None)  # a RoutedScorer has one
    assert report is not None
    (estimate,) = report.estimates
    return estimate.usd, estimate.requests


def price_table() -> None:
    """Estimated cost per 100 scored candidates, at the genai-prices library's prices."""
    from socialseed.scoring.prices import library_version

    started, cpu = time.perf_counter(), time.process_time()
    print(
        f"   estimated cost per 100 scored candidates (batch 10, worst case: prompt chars/3 in, "
        f"whole allowance out; genai-prices {library_version()})"
    )
    print("   kind       model                  requests  estimate USD")
    for kind, model in PRICED_MODELS:
        usd, requests = asyncio.run(_estimate(kind, model, 100))
        shown = "unknown" if usd is None else f"{usd:.4f}"
        print(f"   {kind:<9}  {model:<21}  {requests:>8}  {shown:>12}")
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    print(f"   (estimates: wall {wall:.2f} s, CPU {used:.2f} s, library load included)")


def main() -> None:
    price_table()
    print(
        f"   {CANDIDATES} candidates, fake provider latency {LATENCY_S * 1000:.0f} ms per request"
    )
    print("   batch  conc  requests  profiles/request  tokens in/profile  cost USD  wall s")
    for batch_size, concurrency in ((1, 4), (5, 4), (10, 4), (20, 4), (50, 4), (10, 1), (10, 8)):
        store = MemoryScoringStore()
        fake, wall, cost = asyncio.run(_run(batch_size, concurrency, store))
        print(
            f"   {batch_size:>5}  {concurrency:>4}  {fake.requests:>8}  "
            f"{fake.profiles / fake.requests:>16.1f}  {fake.tokens_in / fake.profiles:>17.0f}"
            f"  {cost:>8.4f}  {wall:>6.2f}"
        )
    store = MemoryScoringStore()
    asyncio.run(_run(10, 4, store))
    again, wall, _ = asyncio.run(_run(10, 4, store))
    print(f"   re-plan within the cache: {again.requests} requests, {wall:.2f} s")


if __name__ == "__main__":
    main()
