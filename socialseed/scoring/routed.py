"""``RoutedScorer``: language-model scoring with cache, fallback order, budget and ledger.

For each call of ``score``: answers cached for the same provider, model, prompt version and
profile view are reused (no request); the rest go out in batches of ``batch_size`` to the first
provider of the chain that can take them. Before the first request the step's cost is
estimated (worst case) per provider; a provider whose estimate is above what is left of
``max_cost_usd`` (or whose price is unknown while a budget is set) is not asked at all. A
malformed or refused answer is retried once, then the next provider is tried, and the heuristic
scores whatever no provider could. Every request writes one ledger row; ``report`` says who
scored what, what it cost, and why anything fell back.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any, Protocol

import httpx

from socialseed.clock import Clock
from socialseed.config.schema import Scoring
from socialseed.errors import ProviderError
from socialseed.model import Candidate, Score, digest
from socialseed.model.scoring import CachedScore, CostEstimate, UsageRecord
from socialseed.scoring.base import Scorer, ScoringReport, Topic
from socialseed.scoring.budget import SpendMeter
from socialseed.scoring.prompt import (
    PROMPT_VERSION,
    RETRY_NOTE,
    AnswerScore,
    MalformedAnswer,
    clean_reasons,
    parse_answer,
    profile_view,
    system_prompt,
    user_message,
    view_digest,
)
from socialseed.scoring.providers import ChatProvider, Completion, Prompt
from socialseed.scoring.store import ScoringStore

FAILURES_BEFORE_DOWN = 3  # failed batches in a row before a provider is skipped for the run
AUTH_STATUSES = (401, 403)


def max_tokens_for(profiles: int) -> int:
    return min(8192, 256 + 160 * profiles)


@dataclass
class Route:
    """One provider in the chain, with its concurrency limit and health for this run."""

    provider: ChatProvider
    semaphore: asyncio.Semaphore
    failures: int = 0
    down: bool = False

    @property
    def name(self) -> str:
        return self.provider.spec.name

    def cache_key(self, view_key: str) -> str:
        spec = self.provider.spec
        return digest([spec.kind, spec.url_base, spec.model, PROMPT_VERSION, view_key])

    def estimate(self, prompt: Prompt) -> float | None:
        """The worst case of one request (``None``: unknown price)."""
        chars = len(prompt.system) + len(prompt.user)
        return self.provider.spec.cost(math.ceil(chars / 3), self.provider.allowance(prompt))

    def estimate_all(self, batches: Sequence[_Batch]) -> float | None:
        costs = [
            self.estimate(Prompt(system_prompt(), b.user, max_tokens_for(len(b.keys))))
            for b in batches
        ]
        return None if None in costs else sum(c for c in costs if c is not None)


@dataclass
class _Batch:
    keys: list[str]  # view digests, in p1, p2... order
    user: str


@dataclass
class RoutedScorer:
    """A ``Scorer`` over a chain of providers; ``report`` accumulates over calls."""

    name: str
    routes: list[Route]
    settings: Scoring
    store: ScoringStore
    clock: Clock
    heuristic: Scorer
    meter: SpendMeter
    transport: httpx.AsyncBaseTransport | None = None
    plan_id: str | None = None
    report: ScoringReport = field(default_factory=ScoringReport)
    version: str = PROMPT_VERSION
    _held: dict[str, float] = field(default_factory=dict)  # pre-flight reservations, by route

    async def score(self, candidates: Sequence[Candidate], topic: Topic) -> list[Score]:
        views = [self._view(c) for c in candidates]
        keys = [view_digest(v, topic) for v in views]
        hits = self._cached(keys)
        results: list[Score | None] = [hits.get(k) for k in keys]
        self.report.cached += sum(1 for r in results if r is not None)
        missing = list(dict.fromkeys(k for k, r in zip(keys, results, strict=True) if r is None))
        batches = self._batches(missing, dict(zip(keys, views, strict=True)), topic)
        routes = self._affordable(batches)
        try:
            fresh = await self._fresh(batches, routes)
        finally:
            self._release()
        results = [r if r is not None else fresh.get(k) for k, r in zip(keys, results, strict=True)]
        final = await self._fill(candidates, results, topic)
        for score in final:
            self.report.by_scorer[score.scorer] = self.report.by_scorer.get(score.scorer, 0) + 1
        return final

    def _view(self, candidate: Candidate) -> dict[str, Any]:
        s = self.settings
        return profile_view(candidate.profile, s.send_fields, s.recent_posts)

    # --- cache ------------------------------------------------------------------------------

    def _cached(self, keys: Sequence[str]) -> dict[str, Score]:
        """Cached scores by view digest, from the first route (in chain order) that has one."""
        unique = list(dict.fromkeys(keys))
        wanted = {route.cache_key(k): (route, k) for route in self.routes for k in unique}
        found = self.store.cached(list(wanted))
        hits: dict[str, Score] = {}
        for cache_key, (route, k) in wanted.items():  # chain order: the first route wins
            score = found.get(cache_key)
            if score is not None and k not in hits:
                hits[k] = replace(score, scorer=route.name)
        return hits

    def _remember(self, route: Route, batch: _Batch, scores: Sequence[Score]) -> None:
        spec = route.provider.spec
        entries = [
            CachedScore(route.cache_key(k), spec.name, spec.model, PROMPT_VERSION, k, score)
            for k, score in zip(batch.keys, scores, strict=True)
        ]
        self.store.remember(entries, self.clock.now())

    # --- requests ---------------------------------------------------------------------------

    def _batches(
        self, keys: list[str], views: dict[str, dict[str, Any]], topic: Topic
    ) -> list[_Batch]:
        size = self.settings.batch_size
        return [
            _Batch(chunk, user_message(topic, [views[k] for k in chunk]))
            for chunk in (keys[i : i + size] for i in range(0, len(keys), size))
        ]

    # --- the estimate, before any request ---------------------------------------------------

    def _affordable(self, batches: list[_Batch]) -> list[Route]:
        """The routes to use: from the first whose estimate fits the budget (it is reserved)."""
        if not batches:
            return []
        for i, route in enumerate(self.routes):
            if route.down:
                continue
            usd = route.estimate_all(batches)
            refused = self._refusal(route, usd, batches, last=i == len(self.routes) - 1)
            self.report.estimates.append(self._estimate(route, usd, batches, refused))
            if refused:
                self._note(refused)
                continue
            if usd is not None:
                self._held[route.name] = usd
            elif self.meter.cap is None:
                self._note(unknown_price(route) + "; its cost is not counted")
            return self.routes[i:]
        return []

    def _refusal(
        self, route: Route, usd: float | None, batches: list[_Batch], *, last: bool
    ) -> str:
        """Why ``route`` may not take this step ("" when it may); reserves its estimate."""
        profiles = sum(len(b.keys) for b in batches)
        return budget_refusal(
            self.meter,
            route,
            usd,
            what="AI scoring",
            counted=f"{profiles} profile(s) in {len(batches)} request(s)",
            then="the heuristic scores them instead" if last else "trying the next provider",
        )

    def _estimate(
        self, route: Route, usd: float | None, batches: list[_Batch], refused: str
    ) -> CostEstimate:
        spec = route.provider.spec
        return CostEstimate(
            provider=spec.name,
            model=spec.model,
            profiles=sum(len(b.keys) for b in batches),
            requests=len(batches),
            usd=usd,
            prices=spec.pricing.describe() if spec.pricing else "unknown price",
            refused=refused,
        )

    def _take_held(self, route: Route, estimate: float) -> bool:
        """Use the pre-flight reservation for a request, when it still covers it."""
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

    async def _fresh(self, batches: list[_Batch], routes: list[Route]) -> dict[str, Score]:
        if not batches or not routes:
            return {}
        async with httpx.AsyncClient(transport=_borrowed(self.transport)) as client:
            answers = await asyncio.gather(*(self._batch(client, b, routes) for b in batches))
        fresh: dict[str, Score] = {}
        for batch, scores in zip(batches, answers, strict=True):
            if scores is not None:
                fresh.update(zip(batch.keys, scores, strict=True))
        return fresh

    async def _batch(
        self, client: httpx.AsyncClient, batch: _Batch, routes: list[Route]
    ) -> list[Score] | None:
        for route in routes:
            if route.down:
                continue
            entries = await self._try(client, route, batch)
            if entries is not None:
                route.failures = 0
                scores = [self._to_score(route, e) for e in entries]
                self._remember(route, batch, scores)
                return scores
            self._failed(route)
        return None

    async def _try(
        self, client: httpx.AsyncClient, route: Route, batch: _Batch
    ) -> list[AnswerScore] | None:
        """Ask one provider, retrying once on a malformed or refused answer."""
        count = len(batch.keys)
        for attempt in (1, 2):
            system = system_prompt() + (RETRY_NOTE if attempt == 2 else "")
            prompt = Prompt(system, batch.user, max_tokens_for(count))
            async with route.semaphore:
                completion = await self._request(client, route, prompt, count)
            if completion is None:
                return None
            try:
                entries = self._usable(completion, count)
            except MalformedAnswer as exc:
                self._answered(
                    route, completion, count, "refused" if completion.refused else "malformed"
                )
                again = "retrying once" if attempt == 1 else "trying the next scorer"
                self._note(f"{route.provider.label} gave an unusable answer ({exc}); {again}")
                continue
            self._answered(route, completion, count, "ok")
            return entries
        return None

    async def _request(
        self, client: httpx.AsyncClient, route: Route, prompt: Prompt, profiles: int
    ) -> Completion | None:
        if route.down:
            return None
        estimate = route.estimate(prompt) or 0.0
        if not self._take_held(route, estimate) and not self.meter.reserve(estimate):
            self._note(self._budget_note())
            return None
        try:
            completion = await route.provider.complete(client, prompt)
        except ProviderError as exc:
            self.meter.settle(estimate, 0.0)
            self._ledger(route, 0, 0, profiles, "error")
            hint = f" (hint: {exc.hint})" if exc.hint else ""
            self._note(f"{exc.message}; trying the next scorer{hint}")
            if exc.status in AUTH_STATUSES:
                route.down = True
            return None
        self.meter.settle(
            estimate, route.provider.spec.cost(completion.tokens_in, completion.tokens_out) or 0.0
        )
        return completion

    def _answered(self, route: Route, completion: Completion, profiles: int, outcome: str) -> None:
        tokens_in, tokens_out = completion.tokens_in, completion.tokens_out
        cost = route.provider.spec.cost(tokens_in, tokens_out) or 0.0
        self.report.tokens_reasoning += completion.tokens_reasoning
        self._ledger(route, tokens_in, tokens_out, profiles, outcome, cost)

    def _usable(self, completion: Completion, count: int) -> list[AnswerScore]:
        if completion.problem is not None:
            raise MalformedAnswer(completion.problem)
        return parse_answer(completion.text, count)

    def _failed(self, route: Route) -> None:
        if self.meter.exhausted and route.provider.spec.priced:
            return  # not the provider's fault
        route.failures += 1
        if route.failures >= FAILURES_BEFORE_DOWN and not route.down:
            route.down = True
            self._note(
                f"{route.provider.label} failed {route.failures} times in a row; "
                "skipped for this run"
            )

    def _to_score(self, route: Route, entry: AnswerScore) -> Score:
        return Score(
            authenticity=entry.authenticity,
            relevance=entry.relevance,
            recommendation=entry.recommendation,
            reasons=clean_reasons(entry.reasons),
            scorer=route.name,
            version=PROMPT_VERSION,
            model=route.provider.spec.model,
        )

    # --- fallback, ledger, notes ------------------------------------------------------------

    async def _fill(
        self, candidates: Sequence[Candidate], results: list[Score | None], topic: Topic
    ) -> list[Score]:
        left = [i for i, r in enumerate(results) if r is None]
        if left:
            scored = await self.heuristic.score([candidates[i] for i in left], topic)
            for i, score in zip(left, scored, strict=True):
                results[i] = score
            self._note(
                f"{len(left)} of {len(candidates)} profiles were scored by the "
                f"{self.heuristic.name} scorer (fallback: no provider could score them)"
            )
        return [r for r in results if r is not None]

    def _ledger(
        self,
        route: Route,
        tokens_in: int,
        tokens_out: int,
        profiles: int,
        outcome: str,
        cost: float = 0.0,
    ) -> None:
        ledger(self, route, tokens_in, tokens_out, cost, profiles, outcome)

    def _budget_note(self) -> str:
        return (
            f"scoring budget reached (max_cost_usd {self.meter.cap:g}; spent or reserved by "
            f"requests in flight ${self.meter.spent + self.meter.reserved:.4f}); no more paid "
            "requests for this plan"
        )

    def _note(self, text: str) -> None:
        if text not in self.report.notes:
            self.report.notes.append(text)


class _Borrowed(httpx.AsyncBaseTransport):
    """An injected transport that our short-lived client must not close."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        return None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        return None


def _borrowed(transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncBaseTransport | None:
    return _Borrowed(transport) if transport is not None else None


class _Ledgered(Protocol):
    """A scorer or drafter: where its requests are recorded."""

    @property
    def store(self) -> ScoringStore: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def plan_id(self) -> str | None: ...
    @property
    def report(self) -> ScoringReport: ...


def ledger(
    owner: _Ledgered,
    route: Route,
    tokens_in: int,
    tokens_out: int,
    cost: float,
    count: int,
    outcome: str,
) -> None:
    """One provider request in the usage ledger (``socialseed usage``) and in the report:
    ``count`` profiles scored or messages drafted."""
    spec = route.provider.spec
    owner.store.record_usage(
        UsageRecord(
            owner.clock.now(),
            spec.name,
            spec.model,
            tokens_in,
            tokens_out,
            cost,
            count,
            outcome,
            owner.plan_id,
        )
    )
    owner.report.requests += 1
    owner.report.cost_usd += cost


def unknown_price(route: Route) -> str:
    spec = route.provider.spec
    return (
        f"its price is unknown (genai-prices has no price for {spec.kind} model "
        f"{spec.model!r}; set scoring.providers.{spec.name}.price_in_per_mtok and "
        "price_out_per_mtok, 0 for a free local model)"
    )


def budget_refusal(
    meter: SpendMeter, route: Route, usd: float | None, *, what: str, counted: str, then: str
) -> str:
    """Why ``route`` may not take a step of ``usd`` under scoring.max_cost_usd ("" when it
    may: its estimate is then reserved). ``counted`` says what the step holds, ``then`` what
    happens instead."""
    cap = meter.cap
    if usd is None:
        if cap is None:
            return ""
        return (
            f"{what} skipped with {route.provider.label}: {unknown_price(route)} "
            f"and scoring.max_cost_usd ({cap:g}) is set; {then}"
        )
    left = max(0.0, (cap or 0.0) - meter.spent - meter.reserved)
    if meter.reserve(usd):
        return ""
    return (
        f"{what} skipped with {route.provider.label}: the estimated cost ${usd:.4f} "
        f"for {counted} is more than the ${left:.4f} left of the budget "
        f"scoring.max_cost_usd = {cap:g}; {then} (raise scoring.max_cost_usd to allow it)"
    )
