"""``Drafter``: AI reply drafts through the scoring providers, batched, budgeted and ledgered.

The same providers, fallback order, back-off, ``max_cost_usd`` budget and ledger as scoring
(``router.build_drafter`` builds one). Messages go out in balanced batches of at most
``DRAFT_BATCH`` (so at least ``MIN_BATCH`` per request whenever there are that many). Before
the first request the step's worst-case cost is estimated per provider and reserved; a provider
over what is left of the budget, or with an unknown price while a budget is set, is not asked.
A malformed or refused answer is retried once, then the next provider is tried; a batch no
provider could draft loses nothing: its messages come back with the reason, and the plan sends
them to a person. The texts returned are raw: the caller passes each through the guards.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from socialseed.clock import Clock
from socialseed.errors import ProviderError
from socialseed.model.scoring import CostEstimate
from socialseed.scoring.base import ScoringReport
from socialseed.scoring.budget import SpendMeter
from socialseed.scoring.drafts import (
    RETRY_NOTE,
    DraftRequest,
    by_message,
    max_tokens_for,
    parse_drafts,
    system_prompt,
    user_message,
)
from socialseed.scoring.prompt import MalformedAnswer
from socialseed.scoring.providers import Completion, Prompt
from socialseed.scoring.routed import AUTH_STATUSES, Route, _borrowed, budget_refusal, ledger
from socialseed.scoring.store import ScoringStore

DRAFT_BATCH = 20  # messages per request, at most
MIN_BATCH = 10  # and at least this many whenever there are that many to draft


def batches(requests: Sequence[DraftRequest], size: int = DRAFT_BATCH) -> list[list[DraftRequest]]:
    """Balanced chunks of at most ``size``: 25 messages make 13 + 12, never 20 + 5."""
    if not requests:
        return []
    count = math.ceil(len(requests) / size)
    base, extra = divmod(len(requests), count)
    out, start = [], 0
    for i in range(count):
        end = start + base + (1 if i < extra else 0)
        out.append(list(requests[start:end]))
        start = end
    return out


@dataclass
class DraftResult:
    """Replies by message id (raw, before the guards), their origin, and why others have none."""

    texts: dict[str, list[str]] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # message id -> "ai:PROVIDER"
    problems: dict[str, str] = field(default_factory=dict)  # message id -> why no AI draft


@dataclass
class _Job:
    requests: list[DraftRequest]
    prompt: Prompt
    alternatives: int


@dataclass
class Drafter:
    """Drafts replies with the first provider of its chain that can; ``report`` accumulates."""

    routes: list[Route]
    store: ScoringStore
    clock: Clock
    meter: SpendMeter
    transport: httpx.AsyncBaseTransport | None = None
    plan_id: str | None = None
    report: ScoringReport = field(default_factory=ScoringReport)
    _held: dict[str, float] = field(default_factory=dict)

    async def draft(
        self,
        requests: Sequence[DraftRequest],
        *,
        voice: str,
        alternatives: int,
        limit: int,
        step: str = "",
    ) -> DraftResult:
        """Raw reply texts for ``requests`` (at most ``alternatives`` each, ``limit`` long)."""
        result = DraftResult()
        if not requests:
            return result
        system = system_prompt(voice, alternatives, limit)
        jobs = [
            _Job(
                chunk,
                Prompt(system, user_message(chunk), max_tokens_for(len(chunk), alternatives)),
                alternatives,
            )
            for chunk in batches(requests)
        ]
        routes = self._affordable(jobs, step)
        if not routes:
            why = self.report.notes[-1] if self.report.notes else "no AI provider is available"
            for r in requests:
                result.problems[r.message.id] = f"no AI draft: {why}"
            return result
        try:
            async with httpx.AsyncClient(transport=_borrowed(self.transport)) as client:
                await asyncio.gather(*(self._job(client, job, routes, result) for job in jobs))
        finally:
            self._release()
        return result

    # --- the estimate, before any request ---------------------------------------------------

    def _affordable(self, jobs: list[_Job], step: str) -> list[Route]:
        for i, route in enumerate(self.routes):
            if route.down:
                continue
            costs = [route.estimate(job.prompt) for job in jobs]
            usd = None if None in costs else sum(c for c in costs if c is not None)
            refused = self._refusal(route, usd, jobs)
            self.report.estimates.append(self._estimate(route, usd, jobs, refused, step))
            if refused:
                self._note(refused)
                continue
            if usd is not None:
                self._held[route.name] = usd
            return self.routes[i:]
        return []

    def _refusal(self, route: Route, usd: float | None, jobs: list[_Job]) -> str:
        messages = sum(len(j.requests) for j in jobs)
        return budget_refusal(
            self.meter,
            route,
            usd,
            what="AI drafts",
            counted=f"{messages} message(s) in {len(jobs)} request(s)",
            then="the messages get template drafts only",
        )

    def _estimate(
        self, route: Route, usd: float | None, jobs: list[_Job], refused: str, step: str
    ) -> CostEstimate:
        spec = route.provider.spec
        return CostEstimate(
            provider=spec.name,
            model=spec.model,
            profiles=sum(len(j.requests) for j in jobs),
            requests=len(jobs),
            usd=usd,
            prices=spec.pricing.describe() if spec.pricing else "unknown price",
            refused=refused,
            step=step,
            unit="message",
        )

    def _take_held(self, route: Route, estimate: float) -> bool:
        held = self._held.get(route.name, 0.0)
        if held + 1e-12 < estimate:
            return False
        self._held[route.name] = held - estimate
        return True

    def _release(self) -> None:
        for held in self._held.values():
            self.meter.settle(held, 0.0)
        self._held.clear()

    # --- requests ---------------------------------------------------------------------------

    async def _job(
        self, client: httpx.AsyncClient, job: _Job, routes: list[Route], result: DraftResult
    ) -> None:
        why = "no AI provider could draft them"
        for route in routes:
            if route.down:
                continue
            found, why = await self._try(client, route, job)
            if found is not None:
                texts = by_message(job.requests, found)
                for r in job.requests:
                    if r.message.id in texts:
                        result.texts[r.message.id] = texts[r.message.id]
                        result.origin[r.message.id] = f"ai:{route.name}"
                    else:
                        result.problems[r.message.id] = (
                            f"no AI draft: {route.provider.label} answered none for this message"
                        )
                return
        for r in job.requests:
            result.problems[r.message.id] = f"no AI draft: {why}"

    async def _try(
        self, client: httpx.AsyncClient, route: Route, job: _Job
    ) -> tuple[dict[str, list[str]] | None, str]:
        """Ask one provider, retrying once on a malformed or refused answer."""
        count = len(job.requests)
        why = ""
        for attempt in (1, 2):
            prompt = job.prompt
            if attempt == 2:
                prompt = Prompt(prompt.system + RETRY_NOTE, prompt.user, prompt.max_tokens)
            async with route.semaphore:
                completion, why = await self._request(client, route, prompt, count)
            if completion is None:
                return None, why
            try:
                if completion.problem is not None:
                    raise MalformedAnswer(completion.problem)
                found = parse_drafts(completion.text, count, job.alternatives)
            except MalformedAnswer as exc:
                outcome = "refused" if completion.refused else "malformed"
                self._ledger(route, completion, count, outcome)
                again = "retrying once" if attempt == 1 else "trying the next provider"
                why = f"{route.provider.label} gave an unusable answer ({exc})"
                self._note(f"{why}; {again}")
                continue
            self._ledger(route, completion, count, "ok")
            return found, ""
        return None, why

    async def _request(
        self, client: httpx.AsyncClient, route: Route, prompt: Prompt, messages: int
    ) -> tuple[Completion | None, str]:
        if route.down:
            return None, f"{route.provider.label} is skipped for this run"
        estimate = route.estimate(prompt) or 0.0
        if not self._take_held(route, estimate) and not self.meter.reserve(estimate):
            why = f"the AI budget is spent (scoring.max_cost_usd {self.meter.cap:g})"
            self._note(why)
            return None, why
        try:
            completion = await route.provider.complete(client, prompt)
        except ProviderError as exc:
            self.meter.settle(estimate, 0.0)
            self._record(route, 0, 0, 0.0, messages, "error")
            if exc.status in AUTH_STATUSES:
                route.down = True
            self._note(exc.message)
            return None, exc.message
        cost = route.provider.spec.cost(completion.tokens_in, completion.tokens_out) or 0.0
        self.meter.settle(estimate, cost)
        return completion, ""

    def _ledger(self, route: Route, completion: Completion, messages: int, outcome: str) -> None:
        cost = route.provider.spec.cost(completion.tokens_in, completion.tokens_out) or 0.0
        self.report.tokens_reasoning += completion.tokens_reasoning
        self._record(route, completion.tokens_in, completion.tokens_out, cost, messages, outcome)

    def _record(
        self,
        route: Route,
        tokens_in: int,
        tokens_out: int,
        cost: float,
        messages: int,
        outcome: str,
    ) -> None:
        spec = route.provider.spec
        ledger(self, route, tokens_in, tokens_out, cost, messages, outcome)
        self.report.by_scorer[spec.name] = self.report.by_scorer.get(spec.name, 0) + (
            messages if outcome == "ok" else 0
        )

    def _note(self, text: str) -> None:
        if text not in self.report.notes:
            self.report.notes.append(text)
