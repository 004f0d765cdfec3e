"""``socialseed metrics``: the state as Prometheus metrics (prometheus-client).

Per account (labels ``account`` and ``platform``, both from the config, so bounded): the health
light, pause, phase and day, followers and following, today's cap, used and remaining per verb,
the credentials' expiry, the last apply; then counters of actions by verb and outcome, apply's
waits and the platforms' 429s, block signals, API and AI requests and cost, notifications.
No label ever carries a target handle or free text.

``families`` builds every family from one state read; ``StateCollector`` rebuilds them on each
scrape. Unanswered messages and the pool runway appear only when the status row carries them
(they are built elsewhere); nothing is invented when it does not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from socialseed.config.schema import Config
from socialseed.model.health import Light, OutcomeRow, Signal
from socialseed.model.status import StatusRow
from socialseed.observe.health import is_block, is_block_signal, is_rate_limit
from socialseed.observe.status import HardCaps, platform_hard_caps, status_rows
from socialseed.state import counters
from socialseed.state.handle import StateDB

PREFIX = "socialseed_"
ACCOUNT = ["account", "platform"]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LEVEL = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}
DAY_SECONDS = 86400.0
# Figures other flows add to the status row, exposed only when the row has them:
# (name, the row's attributes, the factor to base units, help).
OPTIONAL_GAUGES = (
    (
        "unanswered_messages",
        ("unanswered", "unanswered_messages"),
        1.0,
        "Messages awaiting a reply.",
    ),
    (
        "pool_runway_seconds",
        ("runway_days", "pool_runway_days"),
        DAY_SECONDS,
        "How long the candidate pool lasts at today's pace, in seconds.",
    ),
)


@dataclass(frozen=True)
class Inputs:
    """What the families are built from: the status rows and the state's totals."""

    rows: Sequence[StatusRow]
    config: Config
    now: datetime
    actions: Sequence[counters.ActionCount]
    failures: Sequence[counters.FailedOutcome]
    audits: Sequence[counters.AuditCount]
    waits: Sequence[counters.WaitTotal]
    ai: Sequence[counters.AiTotal]
    last_plan_cost: float | None
    notifications: Sequence[tuple[str, str, int]]
    token_expiry: dict[str, datetime]
    counts: dict[str, tuple[int | None, int | None]]


def gather(
    db: StateDB, config: Config, *, now: datetime, hard_caps: HardCaps = platform_hard_caps
) -> Inputs:
    return Inputs(
        rows=status_rows(db, config, now=now, hard_caps=hard_caps),
        config=config,
        now=now,
        actions=counters.action_counts(db),
        failures=counters.failed_outcomes(db),
        audits=counters.audit_counts(db),
        waits=counters.wait_totals(db),
        ai=counters.ai_totals(db),
        last_plan_cost=counters.last_plan_cost(db),
        notifications=counters.notification_counts(db),
        token_expiry=counters.token_expiry(db),
        counts=counters.latest_counts(db),
    )


def families(inputs: Inputs) -> list[Metric]:
    platforms: dict[str, str] = {a.id: a.platform for a in inputs.config.accounts}
    return [
        *_account_gauges(inputs),
        *_budget_gauges(inputs.rows),
        *_optional_gauges(inputs.rows),
        *_action_counters(inputs.actions, platforms),
        *_signal_counters(inputs, platforms),
        *_wait_counters(inputs.waits, platforms),
        *_ai_families(inputs),
        _notification_counter(inputs.notifications),
    ]


def _gauge(name: str, doc: str, labels: Sequence[str] = ACCOUNT) -> GaugeMetricFamily:
    return GaugeMetricFamily(PREFIX + name, doc, labels=list(labels))


def _counter(name: str, doc: str, labels: Sequence[str] = ACCOUNT) -> CounterMetricFamily:
    return CounterMetricFamily(PREFIX + name, doc, labels=list(labels))  # adds _total


def _account_gauges(inputs: Inputs) -> list[Metric]:
    light = _gauge("account_health", "1 for the account's current light.", [*ACCOUNT, "light"])
    level = _gauge("account_health_level", "The light as a number: 0 green, 1 yellow, 2 red.")
    paused = _gauge("account_paused", "1 while the account is paused.")
    enabled = _gauge("account_enabled", "1 when the account is enabled in the config.")
    phase = _gauge("account_phase_info", "1 for the account's current phase.", [*ACCOUNT, "phase"])
    day = _gauge("account_phase_day", "Day of the current phase (1 is the first).")
    followers = _gauge("account_followers", "Followers at the newest sync snapshot.")
    following = _gauge("account_following", "Accounts followed at the newest sync snapshot.")
    last = _gauge("account_last_apply_timestamp_seconds", "When apply last executed something.")
    token = _gauge("token_expiry_timestamp_seconds", "When the stored credentials stop working.")
    for row in inputs.rows:
        key = [row.account, row.platform]
        for each in Light:
            light.add_metric([*key, each.value], 1.0 if row.health.light is each else 0.0)
        level.add_metric(key, LEVEL[row.health.light])
        paused.add_metric(key, 1.0 if row.pause else 0.0)
        enabled.add_metric(key, 1.0 if row.enabled else 0.0)
        phase.add_metric([*key, row.phase], 1.0)
        day.add_metric(key, row.phase_day)
        fo, fg = inputs.counts.get(row.account, (None, None))
        _maybe(followers, key, fo)
        _maybe(following, key, fg)
        _maybe(last, key, row.last_apply.timestamp() if row.last_apply else None)
        expiry = inputs.token_expiry.get(row.account)
        _maybe(token, key, expiry.timestamp() if expiry else None)
    return [light, level, paused, enabled, phase, day, followers, following, last, token]


def _maybe(family: GaugeMetricFamily, labels: list[str], value: float | None) -> None:
    if value is not None:
        family.add_metric(labels, float(value))


def _budget_gauges(rows: Iterable[StatusRow]) -> list[Metric]:
    labels = [*ACCOUNT, "verb"]
    cap = _gauge("today_cap_actions", "Today's cap per verb (phase and platform caps).", labels)
    used = _gauge("today_used_actions", "Actions executed today per verb.", labels)
    left = _gauge("today_remaining_actions", "Actions still allowed today per verb.", labels)
    for row in rows:
        for b in row.budget:
            key = [row.account, row.platform, b.verb]
            _maybe(cap, key, b.cap)
            used.add_metric(key, b.used)
            left.add_metric(key, b.remaining)
    return [cap, used, left]


def _optional_gauges(rows: Sequence[StatusRow]) -> list[Metric]:
    found: list[Metric] = []
    for name, attributes, factor, doc in OPTIONAL_GAUGES:
        family = _gauge(name, doc)
        for row in rows:
            value = next((getattr(row, a) for a in attributes if hasattr(row, a)), None)
            if isinstance(value, int | float) and not isinstance(value, bool):
                family.add_metric([row.account, row.platform], float(value) * factor)
        if family.samples:
            found.append(family)
    return found


def _action_counters(
    actions: Iterable[counters.ActionCount], platforms: dict[str, str]
) -> list[Metric]:
    by_outcome: dict[tuple[str, str, str], int] = defaultdict(int)
    by_code: dict[tuple[str, str], int] = defaultdict(int)
    for a in actions:
        if a.account not in platforms:
            continue
        by_outcome[(a.account, a.verb, a.status)] += a.count
        if a.status != "skipped":  # a skipped action never reached the platform
            by_code[(a.account, _code(a.http_status))] += a.count
    done = _counter(
        "actions", "Actions by verb and outcome (journal).", [*ACCOUNT, "verb", "outcome"]
    )
    for (account, verb, status), n in sorted(by_outcome.items()):
        done.add_metric([account, platforms[account], verb, status], n)
    api = _counter("api_requests", "Platform write calls by HTTP status class.", [*ACCOUNT, "code"])
    for (account, code), n in sorted(by_code.items()):
        api.add_metric([account, platforms[account], code], n)
    return [done, api]


def _code(status: int | None) -> str:
    return f"{status // 100}xx" if status and status != 429 else ("429" if status else "none")


def _signal_counters(inputs: Inputs, platforms: dict[str, str]) -> list[Metric]:
    limited: dict[str, int] = defaultdict(int)
    blocks: dict[str, int] = defaultdict(int)
    for f in inputs.failures:
        row = _outcome_row(f)
        limited[f.account] += is_rate_limit(row)
        blocks[f.account] += is_block(row)
    for a in inputs.audits:
        if _is_block_kind(a.kind):
            blocks[a.account] += a.count
    r429 = _counter("rate_limited", "Actions a platform answered with a rate limit (429).")
    block = _counter("block_signals", "Block or restriction signals (refusals, circuit trips).")
    for family, values in ((r429, limited), (block, blocks)):
        for account in sorted(platforms):
            family.add_metric([account, platforms[account]], values.get(account, 0))
    return [r429, block]


def _outcome_row(f: counters.FailedOutcome) -> OutcomeRow:
    return OutcomeRow(_EPOCH, f.verb, f.status, f.http_status, f.error)  # time plays no part


def _is_block_kind(kind: str) -> bool:
    return is_block_signal(Signal(_EPOCH, kind))


def _wait_counters(waits: Iterable[counters.WaitTotal], platforms: dict[str, str]) -> list[Metric]:
    labels = [*ACCOUNT, "cause"]
    count = _counter("apply_waits", "Sleeps during apply, by cause (pacing, rate_limit).", labels)
    seconds = _counter("apply_wait_seconds", "Seconds slept during apply, by cause.", labels)
    for w in sorted(waits, key=lambda w: (w.account, w.cause)):
        if w.account in platforms:
            key = [w.account, platforms[w.account], w.cause]
            count.add_metric(key, w.count)
            seconds.add_metric(key, w.seconds)
    return [count, seconds]


def _ai_families(inputs: Inputs) -> list[Metric]:
    labels = ["provider", "model"]
    requests = _counter("ai_requests", "AI scoring requests by outcome.", [*labels, "outcome"])
    cost = _counter("ai_cost_usd", "AI scoring cost in US dollars.", labels)
    tokens = _counter("ai_tokens", "AI tokens by direction (in, out).", [*labels, "direction"])
    spent: dict[tuple[str, str], float] = defaultdict(float)
    used: dict[tuple[str, str, str], int] = defaultdict(int)
    for t in inputs.ai:
        requests.add_metric([t.provider, t.model, t.outcome], t.requests)
        spent[(t.provider, t.model)] += t.cost_usd
        used[(t.provider, t.model, "in")] += t.tokens_in
        used[(t.provider, t.model, "out")] += t.tokens_out
    for key, usd in sorted(spent.items()):
        cost.add_metric(list(key), usd)
    for tkey, n in sorted(used.items()):
        tokens.add_metric(list(tkey), n)
    found: list[Metric] = [requests, cost, tokens]
    budget = inputs.config.scoring.max_cost_usd
    if budget is not None:
        found.append(
            _single("ai_plan_budget_usd", "AI budget per plan (scoring.max_cost_usd).", budget)
        )
    if inputs.last_plan_cost is not None:
        found.append(
            _single("ai_last_plan_cost_usd", "AI cost of the newest plan.", inputs.last_plan_cost)
        )
    return found


def _single(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(PREFIX + name, doc, value=value)


def _notification_counter(rows: Iterable[tuple[str, str, int]]) -> Metric:
    family = _counter(
        "notifications", "Notifications by target and outcome.", ["target", "outcome"]
    )
    for target, outcome, n in sorted(rows):
        family.add_metric([target, outcome], n)
    return family


class StateCollector(Collector):
    """A prometheus-client collector that reads the state afresh on every scrape."""

    def __init__(self, build: Callable[[], list[Metric]]) -> None:
        self._build = build

    def collect(self) -> Iterator[Metric]:
        yield from self._build()
