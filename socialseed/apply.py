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
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from socialseed import pacing
from socialseed.clock import Clock, iso
from socialseed.config.digest import config_digest
from socialseed.config.schema import Account, Config, parse_duration
from socialseed.errors import (
    EXIT_AUTH,
    EXIT_ERROR,
    EXIT_OK,
    AccountRestricted,
    ActionBlocked,
    ApprovalError,
    AuthExpired,
    LockedError,
    PausedError,
    PlatformError,
    RateLimited,
    SocialSeedError,
    StalePlanError,
    Transient,
)
from socialseed.model import Action, Decision, Outcome, Verb
from socialseed.phases import current_phase
from socialseed.plan import Plan
from socialseed.platforms.base import Capabilities, Platform, RateInfo
from socialseed.state import journal, locks
from socialseed.state.accounts import active_pause, bump_serial, ensure_account, pause
from socialseed.state.accounts import audit as audit_log
from socialseed.state.decisions import POLICY_REVIEWER, latest_decisions

MAX_RATE_RETRIES = 5
MIN_ATTEMPTS_FOR_RATIO = 5
LOCK_POLL_SECONDS = 1.0

PlatformFactory = Callable[[Account], Platform]
CapabilitiesFor = Callable[[Account], Capabilities | None]
EventSink = Callable[["Event"], None]


@dataclass(frozen=True)
class Options:
    """What the person asked for on the command line."""

    only: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    account: str | None = None
    dry_run: bool = False
    lock_timeout: float = 0.0
    max_wait: float = 6 * 3600.0
    transient_retries: int = 4
    backoff_base: float = 2.0


@dataclass(frozen=True)
class Event:
    """One line of progress (``--json`` prints each as a JSON object)."""

    kind: str
    at: datetime
    account: str
    action_id: str | None = None
    verb: str | None = None
    target: str | None = None
    status: str | None = None
    detail: str = ""
    wait_seconds: float | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"event": self.kind, "at": iso(self.at), "account": self.account}
        for key in ("action_id", "verb", "target", "status", "wait_seconds"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.detail:
            data["detail"] = self.detail
        return data


@dataclass
class Result:
    """What became of one approved action in this run."""

    action: Action
    status: str  # done | already | failed | skipped
    detail: str = ""
    deliberate: bool = False  # a skip the rules or the person chose (not a failure)
    earlier: bool = False  # finished by an earlier run


@dataclass
class AccountReport:
    account: str
    results: list[Result] = field(default_factory=list)
    error: SocialSeedError | None = None
    slots: list[pacing.Slot] = field(default_factory=list)  # dry run only
    verify_first: set[str] = field(default_factory=set)  # dry run: interrupted attempts

    @property
    def ok(self) -> bool:
        return self.error is None and all(
            r.status in journal.FINISHED or (r.status == "skipped" and r.deliberate)
            for r in self.results
        )


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
        if any(isinstance(a.error, AuthExpired) for a in self.accounts):
            return EXIT_AUTH
        return EXIT_OK if all(a.ok for a in self.accounts) else EXIT_ERROR

    def counts(self) -> dict[str, int]:
        out = {"done": 0, "already": 0, "failed": 0, "skipped": 0, "done_earlier": 0}
        for r in self.results:
            out[r.status] += 1
            out["done_earlier"] += int(r.earlier)
        return out


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


def check_fresh(
    db: Database, plan: Plan, config: Config, accounts: set[str], now: datetime
) -> None:
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


def _serial_problems(db: Database, plan: Plan, plan_id: str, account: str) -> list[str]:
    ap = plan.account_plan(account)
    base = ap.state_serial if ap else 0
    moves = [m for m in journal_moves(db, account, base) if m.get("plan_id") != plan_id]
    if not moves:
        return []
    last = moves[-1]
    return [
        f"account {account}'s state moved since the plan (serial {base} -> {last['serial']}: "
        f"{last.get('reason') or 'changed'})"
    ]


def journal_moves(db: Database, account: str, serial: int) -> list[dict[str, object]]:
    from socialseed.state.accounts import serial_moves_since

    return serial_moves_since(db, account, serial)


def approval_of(action: Action, decision: Decision | None, now: datetime) -> tuple[bool, str]:
    """May this action run now? ``(False, why)`` when not."""
    if decision is None or decision.verdict != "approve":
        return False, "not approved"
    if not decision.is_live(now):
        assert decision.expires_at is not None
        return False, (
            f"approval expired at {iso(decision.expires_at)}; "
            f"approve it again with 'socialseed review'"
        )
    if action.requires_human and decision.reviewer == POLICY_REVIEWER:
        return False, f"{action.verb.value} needs a person's approval, not the policy's"
    if action.risk.value == "red" and not decision.override:
        return False, "red risk needs an explicit override in review"
    return True, ""


# -- the run -----------------------------------------------------------------------------------
class Applier:
    """Runs one plan. Everything with side effects is injected."""

    def __init__(
        self,
        db: Database,
        plan: Plan,
        config: Config,
        *,
        clock: Clock,
        rng: random.Random,
        platform_for: PlatformFactory,
        me: locks.Me,
        capabilities_for: CapabilitiesFor = lambda account: None,
        on_event: EventSink = lambda event: None,
        options: Options = Options(),
        alive: locks.PidAlive = locks.pid_alive,
    ) -> None:
        self.db, self.plan, self.config, self.clock, self.rng = db, plan, config, clock, rng
        self.platform_for, self.capabilities_for = platform_for, capabilities_for
        self.me, self.on_event, self.options, self.alive = me, on_event, options, alive
        self.started = clock.now()
        self.deadline = self.started + timedelta(seconds=options.max_wait)
        self.plan_id = plan.id  # computed once: a plan's id hashes all of it
        self.decisions = latest_decisions(db, self.plan_id)

    # -- entry -----------------------------------------------------------------------------
    def prepare(self) -> Prepared:
        """Select, check freshness and approvals; nothing is changed. Raises when stale."""
        chosen = select(self.plan, self.options)
        runnable, excluded, not_approved = self._split(chosen)
        check_fresh(self.db, self.plan, self.config, set(runnable), self.started)
        if chosen and not runnable:
            raise _nothing_approved(self.plan, len(chosen), excluded)
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
        work = [
            self._account(n, ready.runnable.get(n, []), ready.excluded.get(n, [])) for n in names
        ]
        reports = list(await asyncio.gather(*work))
        return Report(self.plan_id, self.options.dry_run, reports, ready.not_approved)

    def _split(
        self, chosen: Sequence[Action]
    ) -> tuple[dict[str, list[Action]], dict[str, list[Result]], int]:
        runnable: dict[str, list[Action]] = {}
        excluded: dict[str, list[Result]] = {}
        not_approved = 0
        for action in chosen:
            ok, why = approval_of(action, self.decisions.get(action.id), self.started)
            if ok:
                runnable.setdefault(action.account, []).append(action)
            elif why == "not approved":
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
            self._emit("skipped", r.action, detail=r.detail)
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
        done = journal.done_times(self.db, account.id, pacing.history_since(now, caps))
        return pacing.Pacer(caps, done)

    def caps_for(
        self, account: Account, capabilities: Capabilities | None, now: datetime
    ) -> pacing.Caps:
        phase = current_phase(
            self.config.phases[account.phases],
            start=account.start_date,
            today=now.date(),
            override=_phase_override(self.db, account.id),
        )
        hard = capabilities.hard_caps if capabilities else ()
        return pacing.Caps(daily=phase.daily, hourly=phase.hourly, hard=hard, phase=phase.name)

    def _emit(
        self,
        kind: str,
        action: Action | None = None,
        *,
        account: str = "",
        status: str | None = None,
        detail: str = "",
        wait: float | None = None,
    ) -> None:
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


def _nothing_approved(plan: Plan, chosen: int, excluded: dict[str, list[Result]]) -> ApprovalError:
    reasons = sorted({r.detail for rs in excluded.values() for r in rs})
    why = f" ({'; '.join(reasons)})" if reasons else ""
    return ApprovalError(
        f"nothing to apply: none of the {chosen} selected actions of plan {plan.id} has a live "
        f"approval{why}",
        hint=f"review it first: socialseed review {plan.id}",
    )


def _phase_override(db: Database, account: str) -> tuple[str, Any] | None:
    rows = list(
        db["accounts"].rows_where("id = ?", [account], select="phase_override, phase_override_at")
    )
    if not rows or not rows[0]["phase_override"] or not rows[0]["phase_override_at"]:
        return None
    from socialseed.clock import parse_instant

    return str(rows[0]["phase_override"]), parse_instant(str(rows[0]["phase_override_at"])).date()


def paused_error(account: str, reason: str, until: datetime | None) -> PausedError:
    when = f" until {iso(until)}" if until else " until resumed"
    return PausedError(
        f"{account}: paused{when} ({reason or 'no reason given'}); its actions were not run",
        hint=f"resume it with 'socialseed resume {account}' when it is safe, then apply again",
    )


class AccountRun:
    """One account's part of a run: lock, reconcile, pace, execute, break the circuit."""

    def __init__(self, applier: Applier, name: str, report: AccountReport) -> None:
        self.a = applier
        self.name = name
        self.report = report
        self.account = applier.config.account(name)
        self.ttl = timedelta(seconds=parse_duration(applier.config.policy.lock_ttl))
        self.bumped = False
        self.stop: str = ""  # why the remaining actions are not run
        self.attempted = 0
        self.failed = 0
        self.buckets: dict[str, set[str]] = {}  # verb -> rate buckets its calls update

    async def run(self, actions: list[Action]) -> None:
        paused = active_pause(self.a.db, self.name, self.a.clock.now())
        if paused is not None:
            self._stop_all(actions, paused_error(self.name, paused.reason, paused.until))
            return
        try:
            await self._lock()
        except LockedError as exc:
            self._stop_all(actions, exc)
            return
        try:
            await self._with_platform(actions)
        finally:
            locks.release(self.a.db, self.name, self.a.me)

    def _stop_all(self, actions: list[Action], error: SocialSeedError) -> None:
        self.report.error = error
        for action in actions:
            self._result(action, "skipped", error.message)

    async def _lock(self) -> None:
        started = self.a.clock.now()
        while True:
            now = self.a.clock.now()
            holder = locks.try_acquire(
                self.a.db, self.name, self.a.me, now=now, ttl=self.ttl, alive=self.a.alive
            )
            if holder is None:
                return
            waited = (now - started).total_seconds()
            if waited >= self.a.options.lock_timeout:
                raise locks.locked_error(holder, waited=waited)
            await self.a.clock.sleep(min(LOCK_POLL_SECONDS, self.a.options.lock_timeout - waited))

    async def _with_platform(self, actions: list[Action]) -> None:
        platform = self.a.platform_for(self.account)
        try:
            self.pacer = self.a.pacer_for(self.account, platform.capabilities)
            await self._each(platform, actions)
        except SocialSeedError as exc:
            self.report.error = exc
        finally:
            await platform.aclose()
        if self.bumped:
            ensure_account(self.a.db, self.name)
            stamp = iso(self.a.clock.now())
            self.a.db.table("accounts").update(self.name, {"last_apply_at": stamp})

    async def _each(self, platform: Platform, actions: list[Action]) -> None:
        history = journal.history(self.a.db, self.a.plan_id, self.name)
        for i, action in enumerate(actions):
            entries = history.get(action.id, [])
            if journal.is_finished(entries):
                self._result(action, "done", "done by an earlier run", earlier=True)
                continue
            stop = self._check_stop()
            if stop is not None:
                self.report.error = stop
                for rest in actions[i:]:
                    self._result(rest, "skipped", stop.message)
                return
            await self._one(platform, action, entries)
            if self.stop:
                for rest in actions[i + 1 :]:
                    self._result(rest, "skipped", self.stop)
                return

    def _check_stop(self) -> SocialSeedError | None:
        now = self.a.clock.now()
        paused = active_pause(self.a.db, self.name, now)
        if paused is not None:
            return paused_error(self.name, paused.reason, paused.until)
        locks.renew(self.a.db, self.name, self.a.me, now=now, ttl=self.ttl)
        return None

    # -- one action --------------------------------------------------------------------------
    async def _one(self, platform: Platform, action: Action, entries: list[journal.Entry]) -> None:
        transient = rate = 0
        while True:
            ok, why = approval_of(action, self.a.decisions.get(action.id), self.a.clock.now())
            if not ok:
                self._skip(action, why, deliberate=True)
                return
            try:
                if journal.needs_verify(entries) and await self._reconcile(
                    platform, action, entries
                ):
                    return
                if not await self._pace(platform, action):
                    return
                attempt = journal.next_attempt(entries)
                outcome = await self._call(platform, action, attempt)
            except RateLimited as exc:
                rate += 1
                if not await self._after_rate_limit(action, exc, rate):
                    return
            except Transient as exc:
                transient += 1
                if not await self._after_transient(action, exc, transient):
                    return
            except PlatformError as exc:
                self._refused(action, exc)
                return
            else:
                self._finish(action, outcome, attempt)
                return
            entries = journal.history(self.a.db, self.a.plan_id, self.name).get(action.id, [])

    async def _call(self, platform: Platform, action: Action, attempt: int) -> Outcome:
        """Intent, call, and (on a refusal) the failed outcome; the caller records success."""
        db, plan_id = self.a.db, self.a.plan_id
        if not self.bumped:
            bump_serial(
                db, self.name, plan_id=plan_id, reason=f"apply {plan_id}", now=self.a.clock.now()
            )
            self.bumped = True
        journal.record_intent(db, plan_id, action, attempt=attempt, now=self.a.clock.now())
        self.a._emit("action_started", action)
        before = dict(platform.last_rate)
        try:
            return await platform.execute(action)
        except PlatformError as exc:
            failed = Outcome("failed", _failure_text(exc), exc.status, exc.request_id)
            journal.record_outcome(
                db, plan_id, action, failed, attempt=attempt, now=self.a.clock.now()
            )
            raise
        finally:
            self._learn_buckets(action, before, platform.last_rate)

    def _learn_buckets(
        self, action: Action, before: dict[str, RateInfo], after: dict[str, RateInfo]
    ) -> None:
        """Remember which rate buckets this verb's calls report on."""
        touched = {name for name, info in after.items() if before.get(name) is not info}
        if touched:
            self.buckets[action.verb.value] = touched

    def _refused(self, action: Action, exc: PlatformError) -> None:
        """A definite refusal: fail the action; blocks and expired auth stop the account."""
        self._result(action, "failed", exc.message)
        if isinstance(exc, ActionBlocked):
            self._trip(action, exc)
        elif isinstance(exc, AuthExpired):
            self.stop = f"stopped: {exc.message}"
            self.report.error = exc
        else:
            self._count(failed=True)

    def _finish(self, action: Action, outcome: Outcome, attempt: int) -> None:
        now = self.a.clock.now()
        journal.record_outcome(self.a.db, self.a.plan_id, action, outcome, attempt=attempt, now=now)
        journal.note_relationship(self.a.db, action, outcome, now=now)
        if outcome.status in journal.FINISHED:
            self.pacer.record(action.verb.value, now)
        self._result(action, outcome.status, outcome.detail)
        self._count(failed=outcome.status == "failed")

    async def _reconcile(
        self, platform: Platform, action: Action, entries: list[journal.Entry]
    ) -> bool:
        """An earlier attempt may have landed: ask the platform. True when it is in effect."""
        if not await platform.verify(action):
            return False
        outcome = Outcome("done", "confirmed by the platform after an interrupted attempt")
        self._finish(action, outcome, max((e.attempt for e in entries), default=1))
        return True

    async def _pace(self, platform: Platform, action: Action) -> bool:
        now = self.a.clock.now()
        wait = pacing.later(
            self.pacer.wait_for(action.verb.value, now),
            pacing.rate_wait(platform.last_rate, now, only=self.buckets.get(action.verb.value)),
        )
        return await self._wait(action, wait)

    async def _wait(self, action: Action, wait: pacing.Wait | None) -> bool:
        """Sleep through ``wait``; False (and the action skipped) if it ends past the deadline."""
        if wait is None:
            return True
        now = self.a.clock.now()
        if wait.until > self.a.deadline:
            self._skip(
                action,
                f"would wait past {iso(self.a.deadline)} ({wait.reason}); "
                "it stays approved for a later run",
                deliberate=True,
            )
            return False
        seconds = wait.seconds(now)
        if seconds > 0:
            self.a._emit("waiting", action, detail=wait.reason, wait=seconds)
            await self.a.clock.sleep(seconds)
        return True

    async def _after_rate_limit(self, action: Action, exc: RateLimited, tries: int) -> bool:
        now = self.a.clock.now()
        self.a._emit(
            "rate_limited", action, detail=exc.message, wait=(exc.reset_at - now).total_seconds()
        )
        if tries > MAX_RATE_RETRIES:
            self._result(action, "failed", f"still rate limited after {tries} waits: {exc.message}")
            self._count(failed=True)
            return False
        return await self._wait(action, pacing.reset_wait(exc.reset_at, now))

    async def _after_transient(self, action: Action, exc: Transient, tries: int) -> bool:
        if tries > self.a.options.transient_retries:
            self._result(action, "failed", f"gave up after {tries} tries: {exc.message}")
            self._count(failed=True)
            return False
        delay = pacing.backoff(tries, self.a.rng, base=self.a.options.backoff_base)
        until = self.a.clock.now() + timedelta(seconds=delay)
        return await self._wait(action, pacing.Wait(until, f"retry {tries} after: {exc.message}"))

    # -- circuit breaker -------------------------------------------------------------------
    def _trip(self, action: Action, exc: ActionBlocked) -> None:
        now = self.a.clock.now()
        cooldown = timedelta(seconds=parse_duration(self.a.config.policy.cooldown))
        kind = "restricted" if isinstance(exc, AccountRestricted) else "blocked"
        reason = (
            f"{kind} by the platform on {action.verb.value} {action.target.handle}: {exc.message}"
        )
        _mark_red(self.a.db, self.name, [reason], now)
        pause(
            self.a.db,
            self.name,
            reason=f"circuit breaker: {reason}",
            now=now,
            until=now + cooldown,
            actor="socialseed apply",
        )
        self.a._emit("blocked", action, detail=reason)
        self.stop = f"not run: account paused until {iso(now + cooldown)} after a block signal"
        self.report.error = PausedError(
            f"{self.name}: stopped at the first block signal and paused until "
            f"{iso(now + cooldown)} ({reason})",
            hint=f"check the account on {action.platform}; 'socialseed resume {self.name}' "
            "lifts the pause early",
        )

    def _count(self, *, failed: bool) -> None:
        self.attempted += 1
        self.failed += int(failed)
        ratio = self.a.config.policy.max_failure_ratio
        if self.attempted >= MIN_ATTEMPTS_FOR_RATIO and self.failed / self.attempted >= ratio:
            self.stop = (
                f"not run: {self.failed} of {self.attempted} attempts failed "
                f"(policy.max_failure_ratio is {ratio:g})"
            )
            self.report.error = self.report.error or PausedError(
                f"{self.name}: stopped after {self.failed} of {self.attempted} actions failed",
                hint="look at the failures above; fix the cause, then apply again",
            )

    # -- results ---------------------------------------------------------------------------
    def _skip(self, action: Action, why: str, *, deliberate: bool) -> None:
        journal.record_outcome(
            self.a.db,
            self.a.plan_id,
            action,
            Outcome("skipped", why),
            attempt=0,
            now=self.a.clock.now(),
        )
        self._result(action, "skipped", why, deliberate=deliberate)

    def _result(
        self,
        action: Action,
        status: str,
        detail: str,
        *,
        deliberate: bool = False,
        earlier: bool = False,
    ) -> None:
        self.report.results.append(Result(action, status, detail, deliberate, earlier))
        kind = {"done": "action_done", "already": "action_done", "failed": "action_failed"}
        if not earlier:
            self.a._emit(kind.get(status, "skipped"), action, status=status, detail=detail)


def _failure_text(exc: PlatformError) -> str:
    """The journal's error text; names blocks and rate limits so health can count them."""
    if isinstance(exc, ActionBlocked):
        kind = "restricted" if isinstance(exc, AccountRestricted) else "blocked"
        return f"{kind}: {exc.message}"
    if isinstance(exc, RateLimited):
        return f"rate limited until {iso(exc.reset_at)}: {exc.message}"
    return exc.message


def _mark_red(db: Database, account: str, reasons: list[str], now: datetime) -> None:
    ensure_account(db, account)
    with db.conn:
        db.table("accounts").update(
            account, {"health": "red", "health_reasons": json.dumps(reasons), "health_at": iso(now)}
        )
    audit_log(
        db,
        account=account,
        kind="health_red",
        actor="socialseed apply",
        now=now,
        detail={"reasons": reasons},
    )


__all__ = ["Applier", "Event", "Options", "Report", "Result", "Verb", "check_fresh", "select"]
