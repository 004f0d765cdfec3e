"""The executor: runs a plan's approved actions, crash-safe, paced, behind a circuit breaker.

Before anything runs: the plan's checksum (``Plan.from_json``), staleness (config digest,
state serials, expiry: ``StalePlanError``), approvals (newest decision an unexpired approve).
Then, per account and concurrently, in plan order: the kill switch, the account lock, a
reconcile of interrupted attempts through ``Platform.verify``, pacing, and for each call an
intent row before and an outcome row after it. The first block signal stops the account,
marks it red and pauses it for the policy's cool-down.
"""

from __future__ import annotations

import asyncio
import gc
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from socialseed.apply import pacing, replies, team
from socialseed.apply.account_run import (
    AccountReport,
    AccountRun,
    Result,
    approval_of,
    paused_error,
)
from socialseed.apply.context import (
    CapabilitiesFor,
    Event,
    EventSink,
    Options,
    PlatformFactory,
    ReplyCap,
    TextGuard,
)
from socialseed.apply.standing import Standing
from socialseed.auth.approvals import Team
from socialseed.clock import Clock, SystemClock, iso, parse_instant
from socialseed.config.digest import config_digest
from socialseed.config.schema import Account, Config
from socialseed.errors import (
    EXIT_AUTH,
    EXIT_ERROR,
    EXIT_OK,
    ApprovalError,
    StalePlanError,
)
from socialseed.limits.phases import current_phase
from socialseed.model import Action, Capabilities
from socialseed.model.plan import Plan
from socialseed.state import journal, locks
from socialseed.state.accounts import active_pause, day_one, serial_moves_since
from socialseed.state.counters import record_wait
from socialseed.state.handle import StateDB


@dataclass
class Report:
    """The whole run: per account, plus approved actions left out and why."""

    plan_id: str
    dry_run: bool
    accounts: list[AccountReport]
    not_approved: int = 0

    @property
    def results(self) -> list[Result]:
        return [r for a in self.accounts for r in a.results]

    @property
    def exit_code(self) -> int:
        if any(a.error is not None and a.error.exit_code == EXIT_AUTH for a in self.accounts):
            return EXIT_AUTH
        return EXIT_OK if all(a.ok for a in self.accounts) else EXIT_ERROR

    def counts(self) -> dict[str, int]:
        out = {"done": 0, "already": 0, "failed": 0, "skipped": 0, "done_earlier": 0}
        for r in self.results:
            out[r.status] += 1
            out["done_earlier"] += int(r.earlier)
        return out

    def __repr__(self) -> str:
        """Counts, not every result: ``asyncio.run`` formats its task's result on the way out
        (restoring the SIGINT handler), and a field-by-field repr of a thousand results cost
        a few percent of the whole apply."""
        accounts = [a.account for a in self.accounts]
        return f"Report(plan_id={self.plan_id!r}, accounts={accounts!r}, counts={self.counts()})"


@dataclass(frozen=True)
class Prepared:
    """What a run will do, per account, before it starts (for the confirmation)."""

    runnable: dict[str, list[Action]]
    excluded: dict[str, list[Result]]
    not_approved: int
    finished: set[str]  # runnable actions an earlier run already finished

    def to_run(self) -> dict[str, int]:
        return {
            name: sum(1 for a in acts if a.id not in self.finished)
            for name, acts in sorted(self.runnable.items())
        }


# -- selection and checks (shared by the dry run and the real run) ----------------------------
def select(plan: Plan, options: Options) -> list[Action]:
    """The plan's actions the person asked for (``--account``, ``--only``, ``--exclude``)."""
    unknown = sorted((options.only | options.exclude) - {a.id for a in plan.actions})
    if unknown:
        raise ApprovalError(
            f"plan {plan.id} has no action {', '.join(unknown)}",
            hint=f"list its actions with 'socialseed show {plan.id}'",
        )
    if options.account and not any(a.account == options.account for a in plan.actions):
        raise ApprovalError(
            f"plan {plan.id} has no actions for account {options.account!r}",
            hint=f"list its accounts with 'socialseed show {plan.id}'",
        )
    return [
        a
        for a in plan.actions
        if (not options.account or a.account == options.account)
        and (not options.only or a.id in options.only)
        and a.id not in options.exclude
    ]


def check_fresh(db: StateDB, plan: Plan, config: Config, accounts: set[str], now: datetime) -> None:
    """Refuse a plan whose world moved: expiry, config, or an account's state serial."""
    problems: list[str] = []
    if plan.is_expired(now):
        problems.append(f"the plan expired at {iso(plan.expires_at)}")
    if config_digest(config) != plan.config_sha256:
        problems.append(
            f"the config changed since the plan was made (plan made with "
            f"{plan.config_sha256[:12]}, config is now {config_digest(config)[:12]})"
        )
    plan_id = plan.id
    for name in sorted(accounts):
        problems += _serial_problems(db, plan, plan_id, name)
    if problems:
        raise StalePlanError(
            f"plan {plan_id} is stale: " + "; ".join(problems),
            hint="make a new plan with 'socialseed plan -o plan.json', review it, then apply it",
        )


def _serial_problems(db: StateDB, plan: Plan, plan_id: str, account: str) -> list[str]:
    ap = plan.account_plan(account)
    base = ap.state_serial if ap else 0
    moves = [m for m in serial_moves_since(db, account, base) if m.get("plan_id") != plan_id]
    if not moves:
        return []
    last = moves[-1]
    return [
        f"account {account}'s state moved since the plan (serial {base} -> {last['serial']}: "
        f"{last.get('reason') or 'changed'})"
    ]


# -- the run -----------------------------------------------------------------------------------
class Applier:
    """Runs one plan. Everything with side effects is injected."""

    def __init__(
        self,
        db: StateDB,
        plan: Plan,
        config: Config,
        *,
        clock: Clock,
        rng: random.Random,
        platform_for: PlatformFactory,
        me: locks.Me,
        capabilities_for: CapabilitiesFor = lambda account: None,
        on_event: EventSink | None = None,
        options: Options = Options(),
        alive: locks.PidAlive = locks.pid_alive,
        lock_clock: Clock | None = None,
        reply_guard: TextGuard | None = None,
        reply_cap: ReplyCap | None = None,
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        self.db, self.plan, self.config, self.clock, self.rng = db, plan, config, clock, rng
        self.platform_for, self.capabilities_for = platform_for, capabilities_for
        self.me, self.options, self.alive = me, options, alive
        self.on_event = on_event  # None: nobody listens, and no event is made
        # waiting for another process's lock takes real time, even when the run's is simulated
        self.lock_clock: Clock = lock_clock or SystemClock()
        self.reply_guard = reply_guard  # the guards an approved reply text is checked against
        self.reply_cap = reply_cap  # replies per author per day, counted from the journal
        self.stopping = stopping  # a queue worker shutting down: the run ends before a call
        self.started = clock.now()
        self.deadline = self.started + timedelta(seconds=options.max_wait)
        self.plan_id = plan.id  # computed once: a plan's id hashes all of it
        self.standing = Standing(db, self.plan_id)  # decisions read once, kept up to date
        self.decisions = self.standing.decisions
        self.team = Team.of(config)  # None: no policy.reviewers, any name decides
        self.plan_author = plan.author

    # -- entry -----------------------------------------------------------------------------
    def prepare(self) -> Prepared:
        """Select, check freshness and approvals; nothing is changed. Raises when stale."""
        chosen = select(self.plan, self.options)
        runnable, excluded, not_approved = self._split(chosen)
        if not self.options.revalidated:
            check_fresh(self.db, self.plan, self.config, set(runnable), self.started)
        if chosen and not runnable:
            raise _nothing_approved(self.plan, len(chosen), excluded)
        replies.refuse_tampered(
            self.plan_id,
            ((a, self.decisions[a.id]) for acts in runnable.values() for a in acts),
            self.reply_guard,
        )
        history = journal.history(self.db, self.plan_id)
        finished = {
            a.id
            for acts in runnable.values()
            for a in acts
            if journal.is_finished(history.get(a.id, []))
        }
        return Prepared(runnable, excluded, not_approved, finished)

    async def run(self, prepared: Prepared | None = None) -> Report:
        ready = prepared or self.prepare()
        names = sorted(set(ready.runnable) | set(ready.excluded))
        if not self.options.dry_run:
            self.standing.watch_accounts(ready.runnable)
        work = [
            self._account(n, ready.runnable.get(n, []), ready.excluded.get(n, [])) for n in names
        ]
        with _long_lived_frozen():
            reports = list(await asyncio.gather(*work))
        return Report(self.plan_id, self.options.dry_run, reports, ready.not_approved)

    def _split(
        self, chosen: Sequence[Action]
    ) -> tuple[dict[str, list[Action]], dict[str, list[Result]], int]:
        runnable: dict[str, list[Action]] = {}
        excluded: dict[str, list[Result]] = {}
        not_approved = 0
        for action in chosen:
            decision = self.decisions.get(action.id)
            ok, why = approval_of(action, decision, self.started)
            refused = team.refusal(
                self.db, self.team, self.plan_id, action, self.plan_author, self.started
            )
            if ok and refused is not None:
                if not self.options.dry_run:
                    by = "socialseed apply"
                    team.record(self.db, self.plan_id, action, refused, by=by, now=self.started)
                excluded.setdefault(action.account, []).append(
                    Result(action, "skipped", f"not run: {refused}", deliberate=False)
                )
            elif ok:
                runnable.setdefault(action.account, []).append(action)
            elif decision is None or decision.verdict != "approve":
                not_approved += 1
            else:
                excluded.setdefault(action.account, []).append(
                    Result(action, "skipped", why, deliberate=True)
                )
        return runnable, excluded, not_approved

    async def _account(
        self, name: str, actions: list[Action], excluded: list[Result]
    ) -> AccountReport:
        report = AccountReport(name, results=list(excluded))
        for r in excluded:
            self.emit("skipped", r.action, detail=r.detail)
        if not actions:
            return report
        if self.options.dry_run:
            self._dry_run(report, actions)
            return report
        await AccountRun(self, name, report).run(actions)
        return report

    # -- dry run ---------------------------------------------------------------------------
    def _dry_run(self, report: AccountReport, actions: list[Action]) -> None:
        account = self.config.account(report.account)
        now = self.started
        paused = active_pause(self.db, report.account, now)
        if paused is not None:
            report.error = paused_error(report.account, paused.reason, paused.until)
        history = journal.history(self.db, self.plan_id, report.account)
        todo = []
        for action in actions:
            entries = history.get(action.id, [])
            if journal.is_finished(entries):
                report.results.append(
                    Result(action, "done", "done by an earlier run", earlier=True)
                )
                continue
            if journal.needs_verify(entries):
                report.verify_first.add(action.id)
            todo.append(action)
        pacer = self.pacer_for(account, None)
        steps = [(a.id, a.verb.value) for a in todo]
        report.slots = pacing.schedule(steps, pacer, start=now, deadline=self.deadline)

    # -- shared helpers ----------------------------------------------------------------------
    def pacer_for(self, account: Account, capabilities: Capabilities | None) -> pacing.Pacer:
        now = self.clock.now()
        caps = self.caps_for(account, capabilities or self.capabilities_for(account), now)
        since = pacing.history_since(now, caps)
        done = journal.done_times(self.db, account.id, since)
        written = journal.done_times(self.db, account.id, since, ("done",))
        return pacing.Pacer(caps, done, written)

    def caps_for(
        self, account: Account, capabilities: Capabilities | None, now: datetime
    ) -> pacing.Caps:
        phase = current_phase(
            self.config.phases[account.phases],
            start=day_one(self.db, account),
            today=now.date(),
            override=_phase_override(self.db, account.id),
        )
        hard = capabilities.hard_caps if capabilities else ()
        shared = capabilities.budgets if capabilities else ()
        return pacing.Caps(
            daily=phase.daily, hourly=phase.hourly, hard=hard, phase=phase.name, budgets=shared
        )

    def emit(
        self,
        kind: str,
        action: Action | None = None,
        *,
        account: str = "",
        status: str | None = None,
        detail: str = "",
        wait: float | None = None,
    ) -> None:
        if self.on_event is not None:
            self.on_event(
                Event(
                    kind=kind,
                    at=self.clock.now(),
                    account=action.account if action else account,
                    action_id=action.id if action else None,
                    verb=action.verb.value if action else None,
                    target=action.target.handle if action else None,
                    status=status,
                    detail=detail,
                    wait_seconds=round(wait, 3) if wait is not None else None,
                )
            )
        if kind == "waiting" and action is not None and wait:  # counted by `metrics`
            rate = detail.startswith(("rate limited", "platform rate limit"))
            cause = "rate_limit" if rate else "pacing"
            record_wait(
                self.db,
                action.account,
                cause=cause,
                seconds=wait,
                reason=detail,
                now=self.clock.now(),
            )


_frozen_runs = 0  # runs under way in this process (a worker may run several at once)


@contextmanager
def _long_lived_frozen() -> Iterator[None]:
    """What is alive when a run starts (modules, config, the plan) outlives it: frozen
    (``gc.freeze``), the collector's full passes stop rescanning it, ~45 ms each at the
    65,000 objects of an apply on the sandbox. Thawed when the last run of the process ends."""
    global _frozen_runs
    if _frozen_runs == 0:
        gc.freeze()
    _frozen_runs += 1
    try:
        yield
    finally:
        _frozen_runs -= 1
        if _frozen_runs == 0:
            gc.unfreeze()


def _nothing_approved(plan: Plan, chosen: int, excluded: dict[str, list[Result]]) -> ApprovalError:
    reasons = sorted({r.detail for rs in excluded.values() for r in rs})
    why = f" ({'; '.join(reasons)})" if reasons else ""
    return ApprovalError(
        f"nothing to apply: none of the {chosen} selected actions of plan {plan.id} has a live "
        f"approval{why}",
        hint=f"review it first: socialseed review {plan.id}",
    )


def _phase_override(db: StateDB, account: str) -> tuple[str, Any] | None:
    row = db.conn.execute(
        "select phase_override, phase_override_at from accounts where id = ?", [account]
    ).fetchone()
    if row is None or not row[0] or not row[1]:
        return None
    return str(row[0]), parse_instant(str(row[1])).date()


__all__ = [
    "AccountReport",
    "Applier",
    "Event",
    "Options",
    "Prepared",
    "Report",
    "Result",
    "approval_of",
    "check_fresh",
    "paused_error",
    "select",
]
