"""``socialseed status``: one row per account — phase, today's budget, health, pause, lock.

The rows are built from a ``ConfigView`` (``config.view``): the command hands in the one the
config cache keeps, so that ``status`` on an unchanged config builds no pydantic model; a
``Config`` is turned into its view here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from socialseed.clock import iso, parse_instant
from socialseed.config.view import AccountView, ConfigView, view_of
from socialseed.limits.phases import budget
from socialseed.model.caps import Budget, HardCap
from socialseed.model.health import Counts, Health, Thresholds
from socialseed.model.status import SharedUse, StatusRow, VerbBudget
from socialseed.observe.health import assess
from socialseed.observe.recovery import phase_of
from socialseed.state import health_rows as rows
from socialseed.state.accounts import active_pause, day_one
from socialseed.state.inbox import unanswered_count
from socialseed.state.locks import holder
from socialseed.state.snapshots import snapshots
from socialseed.state.sources import last_runway
from socialseed.state.usage import used_today, written_since

if TYPE_CHECKING:
    from socialseed.config.schema import Account, Config
    from socialseed.state.handle import StateReads

HardCaps = Callable[[AccountView], Sequence[HardCap]]
SharedBudgets = Callable[[AccountView], Sequence[Budget]]


def platform_limits(account: Account) -> tuple[Sequence[HardCap], Sequence[Budget]]:
    """The platform's hard caps and shared budgets for ``account`` (none when its module is
    not available): what a ``ConfigView`` keeps of each account."""
    from socialseed.platforms import registry

    try:
        found = registry.capabilities(account.platform, account)
    except (KeyError, ImportError):
        return (), ()
    return found.hard_caps, found.budgets


def platform_hard_caps(account: AccountView) -> Sequence[HardCap]:
    """The platform's hard caps, as the view holds them."""
    return account.hard_caps


def platform_budgets(account: AccountView) -> Sequence[Budget]:
    """The platform's shared budgets, as the view holds them."""
    return account.budgets


def status_rows(
    db: StateReads,
    config: Config | ConfigView,
    *,
    now: datetime,
    hard_caps: HardCaps = platform_hard_caps,
    shared: SharedBudgets = platform_budgets,
) -> list[StatusRow]:
    view = config if isinstance(config, ConfigView) else view_of(config, platform_limits)
    return [_row(db, view, account, now, hard_caps, shared) for account in view.accounts]


def shared_use(
    db: StateReads, account: str, budgets: Sequence[Budget], now: datetime
) -> tuple[SharedUse, ...]:
    """Each rolling budget's spending now, from the writes the journal shows done."""
    out = []
    for b in budgets:
        if b.window_seconds <= 0:
            continue  # a standing total: the planner reads it, not a window
        written = written_since(db, account, now - timedelta(seconds=b.window_seconds))
        used = sum(b.cost(verb) * n for verb, n in written.items())
        out.append(SharedUse(b.name, b.limit, b.window_seconds, used))
    return tuple(out)


def _row(
    db: StateReads,
    config: ConfigView,
    account: AccountView,
    now: datetime,
    hard_caps: HardCaps,
    shared: SharedBudgets,
) -> StatusRow:
    phase = phase_of(db, account, config.phases[account.phases], now)
    today = budget(phase, used_today(db, account.id, now), hard_caps(account))
    verbs = sorted(set(today.caps) | set(today.used))
    return StatusRow(
        account=account.id,
        platform=account.platform,
        handle=account.handle,
        enabled=account.enabled,
        phase=phase.name,
        phase_day=phase.day,
        phase_days=phase.days,
        phase_overridden=phase.overridden,
        budget=tuple(
            VerbBudget(v, today.caps.get(v), today.used.get(v, 0), today.remaining(v))
            for v in verbs
        ),
        health=account_health(db, account.id, now=now),
        pause=_pause_text(db, account.id, now),
        lock=_lock_text(db, account.id, now),
        last_apply=last_apply(db, account.id),
        shared=shared_use(db, account.id, shared(account), now),
        day_one=day_one(db, account),
        day_one_from="start_date" if account.start_date else "first plan",
        unanswered=unanswered_count(db, account.id) if account.conversations else None,
        runway=last_runway(db, account.id),
    )


def _pause_text(db: StateReads, account: str, now: datetime) -> str:
    found = active_pause(db, account, now)
    if found is None:
        return ""
    scope = "all accounts" if found.account == "*" else "paused"
    until = f" until {iso(found.until)}" if found.until else ""
    return f"{scope}{until}: {found.reason}".strip()


def _lock_text(db: StateReads, account: str, now: datetime) -> str:
    lock = holder(db, account)
    if lock is None:
        return ""
    stale = " (expired)" if now >= lock.expires_at else ""
    return f"locked by {lock.describe()}{stale}"


def last_apply(db: StateReads, account: str) -> datetime | None:
    """When SocialSeed last executed something for the account."""
    row = db.conn.execute(
        "select max(at) from journal where account = ? and kind = 'outcome'", [account]
    ).fetchone()
    stamps = [row[0]] if row and row[0] else []
    stamps += [
        str(at)
        for (at,) in db.conn.execute("select last_apply_at from accounts where id = ?", [account])
        if at
    ]
    return max((parse_instant(s) for s in stamps), default=None)


def account_health(
    db: StateReads, account: str, *, now: datetime, thresholds: Thresholds = Thresholds()
) -> Health:
    """The health of ``account`` at ``now``, from the state."""
    since = now - timedelta(days=thresholds.window_days)
    return assess(
        rows.outcomes(db, account, since=since),
        now=now,
        follows=rows.follows(db, account, since=now - timedelta(days=rows.FOLLOW_BACK_DAYS)),
        counts=[Counts(s.taken_at, s.followers) for s in snapshots(db, account)],
        signals=rows.signals(db, account, since=since),
        resumed_at=rows.last_resume(db, account),
        thresholds=thresholds,
        runway=last_runway(db, account),
    )
