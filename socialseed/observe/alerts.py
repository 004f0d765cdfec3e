"""The alerts that are on right now, from the state: what ``notify`` tells its targets about.

The same conditions as the Prometheus rules in deploy/prometheus/alerts.yml, for users without
that stack: an account red or paused, failed actions in the last 24 hours, a block signal in the
health window, credentials expiring within 7 days, the newest plan's AI cost at 80% of
``scoring.max_cost_usd``, a candidate pool lasting under 3 days. Each alert is keyed by event
and account, so that it is notified once while it stays on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from socialseed.clock import iso
from socialseed.config.schema import Config
from socialseed.model.health import Light
from socialseed.model.status import StatusRow
from socialseed.observe.status import status_rows
from socialseed.state import counters
from socialseed.state.handle import StateDB

TOKEN_WARNING = timedelta(days=7)
FAILURE_WINDOW = timedelta(hours=24)
AI_BUDGET_SHARE = 0.8
RUNWAY_DAYS = 3.0


@dataclass(frozen=True)
class Alert:
    event: str
    account: str  # "" for an alert about the whole config (the AI budget)
    title: str
    body: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.event, self.account)


def active(
    db: StateDB, config: Config, *, now: datetime, rows: Sequence[StatusRow] | None = None
) -> list[Alert]:
    """Every alert that is on at ``now``."""
    rows = status_rows(db, config, now=now) if rows is None else rows
    failures = counters.failures_since(db, now - FAILURE_WINDOW)
    expiry = counters.token_expiry(db)
    found: list[Alert] = []
    for row in rows:
        if not row.enabled:
            continue
        found += _account_alerts(row, failures.get(row.account, 0), expiry.get(row.account), now)
    found += _budget_alert(config, counters.last_plan_cost(db))
    return found


def _account_alerts(
    row: StatusRow, failed: int, expires: datetime | None, now: datetime
) -> list[Alert]:
    who = f"{row.account} ({row.platform})"
    reasons = "; ".join(row.health.reasons) or "no reason recorded"
    found: list[Alert] = []
    if row.health.light is Light.RED:
        body = f"{who} turned red: {reasons}. Run 'socialseed status' and 'socialseed log'."
        found.append(Alert("account_red", row.account, f"SocialSeed: {row.account} is red", body))
    if row.pause:
        body = f"{who} is paused ({row.pause}); no action runs for it until the pause ends."
        found.append(
            Alert("account_paused", row.account, f"SocialSeed: {row.account} paused", body)
        )
    if failed:
        body = (
            f"{who}: {failed} action(s) failed in the last 24 hours. "
            f"See 'socialseed log --account {row.account} --since 1d'."
        )
        found.append(
            Alert("apply_failed", row.account, f"SocialSeed: {row.account} failures", body)
        )
    if row.health.block_signals:
        body = (
            f"{who}: {row.health.block_signals} block or restriction signal(s) in the last "
            f"{row.health.window_days} days; the account is paused for its cool-down."
        )
        found.append(Alert("block_signal", row.account, f"SocialSeed: {row.account} blocked", body))
    if expires is not None and expires - now < TOKEN_WARNING:
        body = (
            f"{who}: its credentials stop working at {iso(expires)}. "
            f"Log in again: 'socialseed auth login {row.account}'."
        )
        title = f"SocialSeed: {row.account} login expiring"
        found.append(Alert("token_expiring", row.account, title, body))
    runway = getattr(row, "runway_days", None)
    if isinstance(runway, int | float) and not isinstance(runway, bool) and runway < RUNWAY_DAYS:
        body = f"{who}: the candidate pool lasts {runway:.1f} more day(s); add sources."
        found.append(Alert("runway_low", row.account, f"SocialSeed: {row.account} pool low", body))
    return found


def _budget_alert(config: Config, cost: float | None) -> list[Alert]:
    budget = config.scoring.max_cost_usd
    if budget is None or cost is None or budget <= 0 or cost < AI_BUDGET_SHARE * budget:
        return []
    body = (
        f"The newest plan spent {cost:.2f} USD on AI scoring, {cost / budget:.0%} of "
        f"scoring.max_cost_usd ({budget:.2f} USD)."
    )
    return [Alert("ai_budget", "", "SocialSeed: AI budget 80% spent", body)]
