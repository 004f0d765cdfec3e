"""The versioned scoring prompt: what is sent about each profile, and how an answer is read.

Privacy: only the profile fields in ``send_fields`` and up to ``recent_posts`` post texts leave
the machine. Profiles are named ``p1``, ``p2``... in a request, never by their remote id.
Prompts are files (``prompts/score_v1.txt``); a shipped prompt is never edited: a change is a new
file and a new ``PROMPT_VERSION``, which also invalidates the cache.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from socialseed.config.schema import SENDABLE_FIELDS
from socialseed.model import Post, Profile, digest
from socialseed.scoring.base import Topic

PROMPT_VERSION = "score_v1"
MAX_TEXT = {"bio": 600, "display_name": 100, "post": 300}
RETRY_NOTE = (
    "\n\nYour previous answer could not be used. Answer with the JSON object only, "
    "one entry per profile id, values between 0 and 1."
)


@cache
def system_prompt(version: str = PROMPT_VERSION) -> str:
    """The prompt text of ``version`` (a file in ``socialseed/scoring/prompts``)."""
    return (resources.files("socialseed.scoring") / "prompts" / f"{version}.txt").read_text(
        encoding="utf-8"
    )


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _field(profile: Profile, name: str) -> Any:
    value = getattr(profile, name)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, str) and name in MAX_TEXT:
        return _clip(value, MAX_TEXT[name])
    return value


def _recent(posts: Sequence[Post], limit: int) -> list[str]:
    ordered = sorted(posts, key=lambda p: p.created_at.timestamp() if p.created_at else 0.0)
    texts = [_clip(p.text, MAX_TEXT["post"]) for p in reversed(ordered) if p.text.strip()]
    return texts[:limit]


def profile_view(profile: Profile, fields: Sequence[str], recent_posts: int) -> dict[str, Any]:
    """Exactly what a provider may see of ``profile``: the allowed fields and recent post texts."""
    view = {name: _field(profile, name) for name in fields if name in SENDABLE_FIELDS}
    if recent_posts > 0:
        view["recent_posts"] = _recent(profile.recent_posts, recent_posts)
    return view


def topic_view(topic: Topic) -> dict[str, Any]:
    return {
        "description": topic.description,
        "keywords": list(topic.keywords),
        "hashtags": list(topic.hashtags),
    }


def user_message(topic: Topic, views: Sequence[dict[str, Any]]) -> str:
    """The user message of one request: the topic and the profiles as ``p1``, ``p2``..."""
    profiles = [{"id": f"p{i}", **view} for i, view in enumerate(views, start=1)]
    body = {"topic": topic_view(topic), "profiles": profiles}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def view_digest(view: dict[str, Any], topic: Topic) -> str:
    """A stable digest of what is sent about one profile for one topic."""
    return digest({"profile": view, "topic": topic_view(topic)})


class AnswerScore(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    authenticity: float = Field(ge=0, le=1)
    relevance: float = Field(ge=0, le=1)
    recommendation: Literal["engage", "caution", "avoid"]
    reasons: list[str] = Field(default_factory=list)


class Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    scores: list[AnswerScore]


class MalformedAnswer(ValueError):
    """The model's text is not a usable answer for this batch (internal; never reaches the CLI)."""


_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


def parse_answer(text: str, count: int) -> list[AnswerScore]:
    """The answer's entries in profile order (``p1`` first); ``MalformedAnswer`` if unusable."""
    cleaned = _FENCE.sub("", text.strip())
    start, end = cleaned.find("{"), cleaned.rfind("}")
    if start < 0 or end < start:
        raise MalformedAnswer("no JSON object in the answer")
    try:
        answer = Answer.model_validate(json.loads(cleaned[start : end + 1]))
    except (ValueError, ValidationError) as exc:
        raise MalformedAnswer(_first_line(exc)) from exc
    by_id = {entry.id: entry for entry in answer.scores}
    wanted = [f"p{i}" for i in range(1, count + 1)]
    missing = [pid for pid in wanted if pid not in by_id]
    if missing:
        raise MalformedAnswer(f"no score for {', '.join(missing[:5])}")
    return [by_id[pid] for pid in wanted]


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__


def clean_reasons(reasons: Sequence[str]) -> tuple[str, ...]:
    """At most three short, single-line reasons."""
    kept = [_clip(r, 160) for r in reasons if isinstance(r, str) and r.strip()]
    return tuple(kept[:3])
