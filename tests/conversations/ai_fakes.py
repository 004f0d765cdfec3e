"""Fake AI providers for reply drafts: documented answer shapes, recorded requests."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from socialseed.clock import FakeClock
from socialseed.config.schema import Scoring
from socialseed.model.conversations import Author, Message, MessageSource
from socialseed.scoring.drafter import Drafter
from socialseed.scoring.drafts import BLOCK_CLOSE, BLOCK_OPEN
from socialseed.scoring.router import ScoringDeps, build_drafter
from socialseed.scoring.store import MemoryScoringStore

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
KEY = "sk-test-Dr4ft5Kq9Lm2Np7Rs1Tv"
MODELS = {
    "openai": "gpt-4o-mini",
    "deepseek": "deepseek-chat",
    "groq": "llama-3.1-8b-instant",
    "anthropic": "claude-3-5-haiku-latest",
}


def message(i: int, text: str | None = None) -> Message:
    return Message(
        id=f"remote-{i}",
        platform="sandbox",
        account="studio",
        source=MessageSource.MENTION,
        author=Author(f"u{i}", f"person{i}.example", f"Person {i}", 100, NOW - timedelta(days=400)),
        text=text if text is not None else f"Which film did you use for shot {i}?",
        created_at=NOW - timedelta(minutes=i),
        post_excerpt="Dusk on Portra 400",
    )


def settings(kind: str = "openai", **extra: Any) -> Scoring:
    providers = {
        kind: {"kind": kind, "model": MODELS[kind], "api_key": "env/AI_KEY"},
        **extra.pop("providers", {}),
    }
    return Scoring.model_validate({"providers": providers, **extra})


def drafter(
    kind: str, transport: httpx.AsyncBaseTransport, store: MemoryScoringStore, **extra: Any
) -> Drafter:
    deps = ScoringDeps(env={"AI_KEY": KEY}, clock=FakeClock(NOW), store=store, transport=transport)
    return build_drafter(kind, settings(kind, **extra), deps)


def sent(request: httpx.Request) -> tuple[str, str]:
    """The (system, user) text of a chat-completions or messages request."""
    body = json.loads(request.content)
    if "system" in body:
        return body["system"], body["messages"][0]["content"]
    system = next(m["content"] for m in body["messages"] if m["role"] == "system")
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    return system, user


def block(user: str) -> list[dict[str, Any]]:
    """The messages of the delimited data block (exactly one, at the end)."""
    assert user.count(BLOCK_OPEN) == 1 and user.count(BLOCK_CLOSE) == 1
    inside = user.split(BLOCK_OPEN + "\n", 1)[1]
    assert inside.endswith("\n" + BLOCK_CLOSE)
    data: list[dict[str, Any]] = json.loads(inside.removesuffix("\n" + BLOCK_CLOSE))
    return data


def answer(kind: str, text: str, tokens_in: int = 1000, tokens_out: int = 400) -> dict[str, Any]:
    """The provider's documented answer shape carrying ``text``."""
    if kind == "anthropic":
        return {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": MODELS[kind],
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out},
        }
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "model": MODELS[kind],
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out},
    }


Reply = Callable[[dict[str, Any]], list[str]]


def polite(entry: dict[str, Any]) -> list[str]:
    return [f"Thanks {entry['from']}, it was Portra 400.", "Portra 400, developed at home."]


@dataclass
class FakeDrafts:
    """Answers each request with ``reply(entry)`` per message id, in ``kind``'s shape."""

    kind: str = "openai"
    reply: Reply = polite
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        _, user = sent(request)
        drafts = [{"id": e["id"], "replies": self.reply(e)} for e in block(user)]
        return httpx.Response(200, json=answer(self.kind, json.dumps({"drafts": drafts})))

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)
