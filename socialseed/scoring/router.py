"""Choose the scorer for a targeting: the heuristic, one provider, or ``auto``.

The one entry point (keep this signature stable; the planner calls it)::

    from socialseed.scoring.router import ScoringDeps, build_scorer
    from socialseed.state.ai import SqliteScoringStore

    deps = ScoringDeps(env=app_ctx.env, clock=app_ctx.clock,
                       store=SqliteScoringStore(app_ctx.db), plan_id=None)
    scorer = build_scorer(targeting.scoring.provider, config.scoring, deps)
    scores = await scorer.score(candidates, topic)
    report = getattr(scorer, "report", None)   # ScoringReport: by_scorer, cached, cost, notes

``provider`` is ``"heuristic"``, a name under ``scoring.providers``, or ``"auto"``. A named
provider is tried first, then ``scoring.fallback`` in order; ``auto`` walks ``scoring.fallback``
(or, when it is empty, every provider, cheapest first by the price table). The heuristic always
comes last, so a provider that is down never makes a plan fail. Reuse one ``ScoringDeps`` for all
scorers of a plan: its ``meter`` holds the plan's ``max_cost_usd`` budget.

Errors: an unknown provider name is a ``ConfigError``; a provider whose ``env/NAME`` key is unset
is skipped with a note in the report.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import TypeVar, cast

import httpx

from socialseed.clock import Clock
from socialseed.config.schema import SENDABLE_FIELDS, Provider, Scoring
from socialseed.errors import ConfigError
from socialseed.redact import register
from socialseed.scoring.base import Scorer, ScoringReport
from socialseed.scoring.budget import SpendMeter
from socialseed.scoring.drafter import Drafter
from socialseed.scoring.prices import Pricing, price_for
from socialseed.scoring.providers import ProviderSpec, build_provider, reasoning_allowance
from socialseed.scoring.rationale import Rationale
from socialseed.scoring.routed import Route, RoutedScorer
from socialseed.scoring.store import ScoringStore

_Writer = TypeVar("_Writer", Drafter, Rationale)

HEURISTIC = "heuristic"
AUTO = "auto"


@dataclass
class ScoringDeps:
    """Everything a scorer needs from outside: environment, clock, store, network, budget."""

    env: Mapping[str, str]
    clock: Clock
    store: ScoringStore
    transport: httpx.AsyncBaseTransport | None = None
    plan_id: str | None = None
    heuristic: Scorer | None = None  # the last resort; the built-in HeuristicScorer when None
    meter: SpendMeter | None = None  # the plan's budget; created from max_cost_usd when None


def build_scorer(provider: str, settings: Scoring, deps: ScoringDeps) -> Scorer:
    """The scorer for ``provider`` (``heuristic``, a provider name, or ``auto``)."""
    heuristic = deps.heuristic or default_heuristic(deps.clock)
    if provider == HEURISTIC:
        return heuristic
    _check_send_fields(settings.send_fields)
    notes: list[str] = []
    routes = [_route(name, settings, deps, notes) for name in resolve_chain(provider, settings)]
    return RoutedScorer(
        name=provider,
        routes=[route for route in routes if route is not None],
        settings=settings,
        store=deps.store,
        clock=deps.clock,
        heuristic=heuristic,
        meter=_meter(settings, deps),
        transport=deps.transport,
        plan_id=deps.plan_id,
        report=ScoringReport(notes=notes),
    )


def build_drafter(provider: str, settings: Scoring, deps: ScoringDeps) -> Drafter:
    """The AI reply drafter for ``provider`` (a name under ``scoring.providers``), then
    ``scoring.fallback``; same keys, budget (``deps.meter``) and ledger as scoring."""
    return _routed(Drafter, provider, settings, deps)


def build_rationale(provider: str, settings: Scoring, deps: ScoringDeps) -> Rationale:
    """The writer of tune's rationale for ``provider``, then ``scoring.fallback``; same keys,
    budget and ledger as scoring."""
    return _routed(Rationale, provider, settings, deps)


def _routed(
    kind: Callable[..., _Writer], provider: str, settings: Scoring, deps: ScoringDeps
) -> _Writer:
    """A writer of ``kind`` over the provider chain, with the plan's store, clock, budget,
    transport and ledger."""
    notes: list[str] = []
    routes = [_route(name, settings, deps, notes) for name in resolve_chain(provider, settings)]
    return kind(
        routes=[route for route in routes if route is not None],
        store=deps.store,
        clock=deps.clock,
        meter=_meter(settings, deps),
        transport=deps.transport,
        plan_id=deps.plan_id,
        report=ScoringReport(notes=notes),
    )


def _meter(settings: Scoring, deps: ScoringDeps) -> SpendMeter:
    """The plan's budget: shared through ``deps``, counting what the plan already spent."""
    if deps.meter is None:
        deps.meter = SpendMeter(cap=settings.max_cost_usd)
        if deps.plan_id:
            deps.meter.spent = deps.store.spent(deps.plan_id)
    return deps.meter


def resolve_chain(provider: str, settings: Scoring) -> list[str]:
    """Provider names in the order they are tried (the heuristic, implicit, comes after)."""
    for name in settings.fallback:
        _known(name, settings, "scoring.fallback")
    if provider == AUTO:
        order = list(settings.fallback) or sorted(
            settings.providers, key=lambda n: (_price(settings.providers[n]), n)
        )
    else:
        _known(provider, settings, "targeting scoring.provider")
        order = [provider, *settings.fallback]
    chain: list[str] = []
    for name in order:
        if name == HEURISTIC:
            break
        if name not in chain:
            chain.append(name)
    return chain


def _price(provider: Provider) -> float:
    """A reference request's cost (1,000 tokens each way); an unknown price sorts last."""
    cost = pricing_of(provider).cost(1000, 1000)
    return float("inf") if cost is None else cost


def pricing_of(provider: Provider) -> Pricing:
    return price_for(
        provider.kind, provider.model, provider.price_in_per_mtok, provider.price_out_per_mtok
    )


def _known(name: str, settings: Scoring, where: str) -> None:
    if name == HEURISTIC or name in settings.providers:
        return
    choices = [HEURISTIC, AUTO, *settings.providers]
    close = get_close_matches(name, choices, n=1)
    guess = f" (did you mean {close[0]!r}?)" if close else ""
    raise ConfigError(
        [f"{where}: {name!r} is not a scoring provider{guess}"],
        hint=f"use one of: {', '.join(choices)}; providers are declared under scoring.providers",
    )


def _check_send_fields(fields: Sequence[str]) -> None:
    unknown = [f for f in fields if f not in SENDABLE_FIELDS]
    if unknown:
        raise ConfigError(
            [f"scoring.send_fields: {', '.join(map(repr, unknown))} cannot be sent"],
            hint=f"choose among: {', '.join(SENDABLE_FIELDS)}",
        )


def _route(name: str, settings: Scoring, deps: ScoringDeps, notes: list[str]) -> Route | None:
    config = settings.providers[name]
    env_name = config.api_key.removeprefix("env/")
    key = deps.env.get(env_name, "")
    if not key:
        notes.append(
            f"scoring provider {name!r} skipped: environment variable {env_name} is not set "
            f"(set it to use {config.kind}, or change targeting scoring.provider)"
        )
        return None
    register(key)
    spec = ProviderSpec(
        name=name,
        kind=config.kind,
        model=config.model,
        api_key=key,
        key_ref=config.api_key,
        base_url=config.base_url,
        timeout=config.timeout,
        concurrency=config.concurrency,
        pricing=pricing_of(config),
        temperature=config.temperature,
        reasoning_tokens=reasoning_allowance(config.kind, config.model, config.reasoning_tokens),
        max_wait=config.max_wait,
    )
    provider = build_provider(spec, deps.clock)
    return Route(provider, asyncio.Semaphore(config.concurrency))


def default_heuristic(clock: Clock) -> Scorer:
    """The built-in offline scorer, for "now" on ``clock``."""
    from socialseed.scoring.heuristic import HeuristicScorer

    # HeuristicScorer is frozen (read-only name/version); Scorer declares plain attributes.
    return cast(Scorer, HeuristicScorer(now=clock.now()))
