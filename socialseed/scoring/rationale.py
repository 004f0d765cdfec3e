"""``Rationale``: a short written explanation of tune's changes, through the scoring providers.

The same providers, fallback order, ``max_cost_usd`` budget and ledger as scoring and drafting
(``router.build_rationale`` builds one). One request: the changes tune computed from the
account's outcomes (its own words and numbers, no remote text) travel as one JSON list between
``<changes>`` lines, ``<`` and ``>`` escaped. The answer is remote text: it is clipped to
``MAX_CHARS``, shown to a person beside the changes, and never changes what tune proposes or
writes. Offline, over budget, or when every provider fails, there is no rationale and a note
says why; tune works the same without it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import httpx

from socialseed.clock import Clock
from socialseed.errors import ProviderError
from socialseed.scoring.base import ScoringReport
from socialseed.scoring.budget import SpendMeter
from socialseed.scoring.providers import Completion, Prompt
from socialseed.scoring.routed import AUTH_STATUSES, Route, _borrowed, budget_refusal, ledger
from socialseed.scoring.store import ScoringStore

RATIONALE_PROMPT_VERSION = "tune_v1"
MAX_CHARS = 600
MAX_TOKENS = 400
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


@cache
def system_prompt() -> str:
    path = resources.files("socialseed.scoring") / "prompts" / f"{RATIONALE_PROMPT_VERSION}.txt"
    return path.read_text(encoding="utf-8")


def user_message(changes: Sequence[str]) -> str:
    """The changes as a JSON list inside the block; no ``<``/``>`` can close it."""
    block = json.dumps(list(changes), ensure_ascii=False, indent=1)
    block = block.replace("<", "\\u003c").replace(">", "\\u003e")
    return f"<changes>\n{block}\n</changes>"


def parse_rationale(text: str) -> str:
    """The explanation from an answer, one paragraph, at most ``MAX_CHARS`` (``ValueError``
    when the answer is not the JSON object asked for)."""
    data = json.loads(_FENCE.sub("", text.strip()))
    if not isinstance(data, dict) or not isinstance(data.get("rationale"), str):
        raise ValueError('not a JSON object with a "rationale" string')
    flat = " ".join(data["rationale"].split())
    if not flat:
        raise ValueError("an empty rationale")
    return flat if len(flat) <= MAX_CHARS else flat[: MAX_CHARS - 1] + "…"


@dataclass
class RationaleResult:
    text: str | None  # None: no rationale (``report.notes`` says why)
    provider: str = ""


@dataclass
class Rationale:
    """Writes the rationale with the first provider of its chain that can."""

    routes: list[Route]
    store: ScoringStore
    clock: Clock
    meter: SpendMeter
    transport: httpx.AsyncBaseTransport | None = None
    plan_id: str | None = None
    report: ScoringReport = field(default_factory=ScoringReport)

    async def write(self, changes: Sequence[str]) -> RationaleResult:
        prompt = Prompt(system_prompt(), user_message(changes), MAX_TOKENS)
        async with httpx.AsyncClient(transport=_borrowed(self.transport)) as client:
            for route in self.routes:
                if route.down or not self._affordable(route, prompt):
                    continue
                text = await self._ask(client, route, prompt)
                if text is not None:
                    return RationaleResult(text, route.name)
        if not self.routes:
            self._note("no AI provider is available")
        return RationaleResult(None)

    def _affordable(self, route: Route, prompt: Prompt) -> bool:
        refused = budget_refusal(
            self.meter,
            route,
            route.estimate(prompt),
            what="the tune rationale",
            counted="1 request",
            then="tune shows its changes without one",
        )
        if refused:
            self._note(refused)
        return not refused

    async def _ask(self, client: httpx.AsyncClient, route: Route, prompt: Prompt) -> str | None:
        estimate = route.estimate(prompt) or 0.0
        try:
            completion = await route.provider.complete(client, prompt)
        except ProviderError as exc:
            self.meter.settle(estimate, 0.0)
            ledger(self, route, 0, 0, 0.0, 1, "error")
            route.down = exc.status in AUTH_STATUSES
            self._note(exc.message)
            return None
        cost = route.provider.spec.cost(completion.tokens_in, completion.tokens_out) or 0.0
        self.meter.settle(estimate, cost)
        return self._read(route, completion, cost)

    def _read(self, route: Route, completion: Completion, cost: float) -> str | None:
        try:
            if completion.problem is not None:
                raise ValueError(completion.problem)
            text = parse_rationale(completion.text)
        except ValueError as exc:
            outcome = "refused" if completion.refused else "malformed"
            ledger(self, route, completion.tokens_in, completion.tokens_out, cost, 1, outcome)
            self._note(f"{route.provider.label} gave an unusable rationale ({exc})")
            return None
        ledger(self, route, completion.tokens_in, completion.tokens_out, cost, 1, "ok")
        return text

    def _note(self, text: str) -> None:
        if text not in self.report.notes:
            self.report.notes.append(text)
