"""AI reply drafts for 100 inbox messages through a local fake provider (an httpx
MockTransport answering in each provider's documented shape): requests made, messages per
request, and the cost per 100 drafts at each provider's reference model, priced by the
genai-prices library from the token counts the fake reports (about 4 characters a token of
what was really sent and answered: 3 alternatives of about 100 characters per message)."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta

import httpx

from socialseed.clock import FakeClock
from socialseed.config.schema import Scoring
from socialseed.model.conversations import Author, Message, MessageSource, ThreadPost
from socialseed.scoring.drafts import BLOCK_CLOSE, BLOCK_OPEN, DraftRequest
from socialseed.scoring.router import ScoringDeps, build_drafter
from socialseed.scoring.store import MemoryScoringStore

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
MESSAGES = 100
MODELS = {  # the reference model per provider kind (as in docs/scoring.md)
    "openai": "gpt-4o-mini",
    "deepseek": "deepseek-chat",
    "groq": "llama-3.1-8b-instant",
    "anthropic": "claude-haiku-4-5",
}
REPLY = "Thank you, {name}! It was shot on Portra 400 at dusk and developed at home this week."


def _requests() -> list[DraftRequest]:
    return [
        DraftRequest(
            Message(
                id=f"m-{i}",
                platform="sandbox",
                account="demo-studio",
                source=MessageSource.REPLY,
                author=Author(f"u{i}", f"user{i}", f"User {i}", 100, NOW - timedelta(days=500)),
                text=f"Which film stock and lens did you use for this one? Asking for a trip #{i}",
                created_at=NOW - timedelta(minutes=i),
                post_excerpt="Dusk at the harbour, Portra 400, pushed one stop.",
            ),
            (ThreadPost("p", "demo.studio", "Dusk at the harbour, Portra 400.", mine=True),),
        )
        for i in range(MESSAGES)
    ]


class FakeProvider:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.sizes: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        user = body["messages"][-1]["content"]
        data = user.split(BLOCK_OPEN + "\n", 1)[1].removesuffix("\n" + BLOCK_CLOSE)
        entries = json.loads(data)
        self.sizes.append(len(entries))
        drafts = [
            {"id": e["id"], "replies": [REPLY.format(name=e["from"]) + s for s in ("", " :)", "!")]}
            for e in entries
        ]
        text = json.dumps({"drafts": drafts})
        tokens_in, tokens_out = len(request.content) // 4, len(text) // 4
        if self.kind == "anthropic":
            answer = {
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn",
                "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out},
            }
        else:
            answer = {
                "choices": [{"message": {"content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out},
            }
        return httpx.Response(200, json=answer)


def _run(kind: str) -> tuple[FakeProvider, float, float, int, float, float]:
    fake = FakeProvider(kind)
    settings = Scoring.model_validate(
        {"providers": {kind: {"kind": kind, "model": MODELS[kind], "api_key": "env/KEY"}}}
    )
    deps = ScoringDeps(
        env={"KEY": "sk-bench"},
        clock=FakeClock(NOW),
        store=MemoryScoringStore(),
        transport=httpx.MockTransport(fake),
    )
    drafter = build_drafter(kind, settings, deps)
    wall, cpu = time.perf_counter(), time.process_time()
    result = asyncio.run(
        drafter.draft(_requests(), voice="Warm, brief and concrete.", alternatives=3, limit=300)
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    estimated = sum(e.usd or 0.0 for e in drafter.report.estimates)
    per_100 = 100 / len(result.texts)
    return (
        fake,
        wall,
        cpu,
        len(result.texts),
        drafter.report.cost_usd * per_100,
        estimated * per_100,
    )


def main() -> None:
    for kind in MODELS:
        fake, wall, cpu, drafted, per_100, worst = _run(kind)
        low = min(fake.sizes)
        verdict = "ok" if low >= 10 else "TOO SMALL"
        print(
            f"   AI drafts, {kind} ({MODELS[kind]}): {drafted} messages in {len(fake.sizes)} "
            f"requests ({', '.join(map(str, fake.sizes))} messages each; >= 10: {verdict}); "
            f"${per_100:.4f} per 100 drafts (genai-prices; plan-time worst-case estimate "
            f"${worst:.4f}); {wall:.3f} s wall, {cpu:.3f} s CPU"
        )


if __name__ == "__main__":
    main()
