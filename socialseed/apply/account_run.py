"""One account's part of an apply run: lock, reconcile, pace, execute, break the circuit.

For each action, in plan order: the kill switch and the lock are checked, an interrupted
earlier attempt is reconciled through ``Platform.verify``, pacing waits (or skips past
``--max-wait``), then an intent row is committed, the platform is called, and the outcome row
is committed. 429s wait for the reset; 5xx and timeouts back off and retry; the first block
signal marks the account red and pauses it for the policy's cool-down.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from socialseed.apply import pacing, replies, team
from socialseed.clock import iso
from socialseed.config.schema import parse_duration
from socialseed.errors import (
    AccountRestricted,
    ActionBlocked,
    AuthExpired,
    LockedError,
    PausedError,
    PlatformError,
    RateLimited,
    SocialSeedError,
    Transient,
    UsageCapped,
    WorkerStopping,
)
from socialseed.model import Action, Decision, Outcome, RateInfo, Risk, Verb
from socialseed.platforms.base import Platform
from socialseed.redact import scrub
from socialseed.state import journal, locks
from socialseed.state.accounts import (
    active_pause,
    audit,
    bump_serial_in,
    ensure_account,
    note_applied,
    pause,
)
from socialseed.state.decisions import POLICY_REVIEWER
from socialseed.state.handle import StateConnection, StateDB
from socialseed.state.rejections import active_rejection
from socialseed.state.tx import atomic

if TYPE_CHECKING:
    from socialseed.apply.context import RunContext

_RED, _REPLY = Risk.RED, Verb.REPLY  # module constants: an enum's class attribute is slow
_EVENT_OF = {"done": "action_done", "already": "action_done", "failed": "action_failed"}
MAX_RATE_RETRIES = 5  # 429s in a row on one action before it counts as failed
MIN_ATTEMPTS_FOR_RATIO = 5  # attempts before policy.max_failure_ratio can stop an account
LOCK_POLL_SECONDS = 1.0


@dataclass
class Result:
    """What became of one approved action in this run."""

    action: Action
    status: str  # done | already | failed | skipped
    detail: str = ""
    deliberate: bool = False  # a skip the rules or the person chose (not a failure)
    earlier: bool = False  # finished by an earlier run
    unstarted: bool = False  # its account never started (its error says why, once)


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


def approval_of(action: Action, decision: Decision | None, now: datetime) -> tuple[bool, str]:
    """May this action run now? ``(False, why)`` when not."""
    if decision is None:
        return False, "not approved"
    if decision.verdict != "approve":
        why = f": {decision.reason}" if decision.reason else ""
        return False, f"{decision.verdict}ed by {decision.reviewer}{why}"
    if not decision.is_live(now):
        assert decision.expires_at is not None
        return False, (
            f"approval expired at {iso(decision.expires_at)}; "
            f"approve it again with 'socialseed review'"
        )
    if action.requires_human and decision.reviewer == POLICY_REVIEWER:
        return False, f"{action.verb.value} needs a person's approval, not the policy's"
    if action.risk is _RED and not decision.override:
        return False, "red risk needs an explicit override in review"
    return True, ""


def paused_error(account: str, reason: str, until: datetime | None) -> PausedError:
    when = f" until {iso(until)}" if until else " until resumed"
    return PausedError(
        f"{account}: paused{when} ({reason or 'no reason given'}); its actions were not run",
        hint=f"resume it with 'socialseed resume {account}' when it is safe, then apply again",
    )


class AccountRun:
    """One account's part of a run: lock, reconcile, pace, execute, break the circuit."""

    def __init__(self, applier: RunContext, name: str, report: AccountReport) -> None:
        self.a = applier
        self.name = name
        self.report = report
        self.account = applier.config.account(name)
        self.ttl = timedelta(seconds=parse_duration(applier.config.policy.lock_ttl))
        self.max_failure_ratio = applier.config.policy.max_failure_ratio
        self.bumped = False
        self.stop: str = ""  # why the remaining actions are not run
        self.attempted = 0
        self.failed = 0
        self.buckets: dict[str, set[str]] = {}  # verb -> rate buckets its calls update
        self.charged: int | None = None  # requests sent and charged to pacing (None: uncounted)
        self.renewed: datetime | None = None  # when the lock's expiry was last pushed forward
        self.elsewhere: set[str] = set()  # actions another plan already tried (read once)
        self.changed = False  # the intent was not written: what was decided on changed
        # a finished action's outcome, not yet written: it goes in the transaction of the next
        # action's intent when that call follows at once, else alone (``_flush``) before
        # anything else: before any wait, read or other write, and when the account stops
        self.pending: tuple[Action, Outcome, int, datetime] | None = None

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
        # under the lock, no other run writes this account's journal: read once what other
        # plans already tried (``_check_first``), not once per action
        ids = [a.id for a in actions]
        self.elsewhere = journal.tried_elsewhere_among(self.a.db, ids, self.a.plan_id)
        try:
            await self._with_platform(actions)
        finally:
            locks.release(self.a.db, self.name, self.a.me)

    def _stop_all(self, actions: list[Action], error: SocialSeedError) -> None:
        """The account never started (paused, locked): its error is told once, not per action."""
        self.report.error = error
        why = f"not run: {self.name} did not start (see its error)"
        self.report.results += [Result(a, "skipped", why, unstarted=True) for a in actions]

    async def _lock(self) -> None:
        """Take the account's lock, waiting up to --lock-timeout (real) seconds for it."""
        waiting = self.a.lock_clock
        started = waiting.now()
        while True:
            now = self.a.clock.now()
            holder = locks.try_acquire(
                self.a.db, self.name, self.a.me, now=now, ttl=self.ttl, alive=self.a.alive
            )
            if holder is None:
                self.renewed = now
                return
            waited = (waiting.now() - started).total_seconds()
            if waited >= self.a.options.lock_timeout:
                raise locks.locked_error(holder, waited=waited)
            await waiting.sleep(min(LOCK_POLL_SECONDS, self.a.options.lock_timeout - waited))

    async def _with_platform(self, actions: list[Action]) -> None:
        platform = self.a.platform_for(self.account)
        try:
            self.pacer = self.a.pacer_for(self.account, platform.capabilities)
            self.charged = platform.requests_sent()
            await self._each(platform, actions)
        except SocialSeedError as exc:  # e.g. a missing token: the rest cannot run
            self.report.error = exc
            seen = {r.action.id for r in self.report.results}
            for action in actions:
                if action.id not in seen:
                    self._result(action, "skipped", f"not run: {exc.message}")
        finally:
            await platform.aclose()
        if self.bumped:
            note_applied(self.a.db, self.name, self.a.clock.now())

    async def _each(self, platform: Platform, actions: list[Action]) -> None:
        history = journal.history(self.a.db, self.a.plan_id, self.name)
        try:
            for i, action in enumerate(actions):
                entries = history.get(action.id, [])
                if entries and journal.is_finished(entries):
                    self._result(action, "done", "done by an earlier run", earlier=True)
                    continue
                await self._one(platform, action, entries)
                if self.stop:
                    for rest in actions[i + 1 :]:
                        self._result(rest, "skipped", self.stop)
                    return
        finally:
            self._flush()

    def _flush(self) -> None:
        """Write the finished action's outcome now (when no intent follows it at once)."""
        if self.pending is None:
            return
        action, outcome, attempt, at = self.pending
        self.pending = None
        journal.record_finish(self.a.db, self.a.plan_id, action, outcome, attempt=attempt, now=at)

    def _may_call(self, action: Action, *, renew: bool = True, unpaused: bool = False) -> bool:
        """Just before a call: is the kill switch off and the lock still ours? (Before a
        write, ``_call``'s intent statement checks the lock, and the pause when
        ``unpaused``, memory knowing of none: ``renew=False``.) Before a read call
        (``renew``) both are read and the lock renewed."""
        if not renew and unpaused and not self.a.stopping():
            return True  # nothing to read or renew here: the intent's statement checks
        now = self.a.clock.now()
        if renew:
            self._flush()  # a read call follows: the last outcome is written first
            unpaused = not self.a.standing.confirm(action)[2]
        paused = None if unpaused else active_pause(self.a.db, self.name, now)
        try:
            if self.a.stopping():
                raise WorkerStopping(
                    f"{self.name}: the worker is stopping; its run ended before this call",
                    hint="the job goes back to the queue; a worker resumes it where it stopped",
                )
            if paused is not None:
                raise paused_error(self.name, paused.reason, paused.until)
            if renew:
                locks.renew(self.a.db, self.name, self.a.me, now=now, ttl=self.ttl)
                self.renewed = now
        except (PausedError, LockedError, WorkerStopping) as exc:
            self._not_run(action, exc)
            return False
        return True

    def _not_run(self, action: Action, exc: PausedError | LockedError | WorkerStopping) -> None:
        self.report.error = exc
        self.stop = exc.message
        self._result(action, "skipped", exc.message)

    # -- one action --------------------------------------------------------------------------
    async def _one(self, platform: Platform, action: Action, entries: list[journal.Entry]) -> None:
        transient = rate = 0
        while True:
            # the newest decision, and whether a rejection or a pause is set: as kept in
            # memory (the intent's statement checks they still hold), read again before
            # memory's "no" is taken for an answer
            decision, rejected, pause_set = self.a.standing.known(action)
            now = self.a.clock.now()
            ok, why = approval_of(action, decision, now)
            if not ok or rejected:
                decision, rejected, pause_set = self.a.standing.confirm(action)
                ok, why = approval_of(action, decision, now)
            standing = active_rejection(self.a.db, action.id) if rejected else None
            if ok and standing is not None:
                ok, why = False, f"{standing.describe()} (a decision about the target)"
            refused = (
                None
                if self.a.team is None  # no policy.reviewers: nothing to count again
                else team.refusal(
                    self.a.db, self.a.team, self.a.plan_id, action, self.a.plan_author, now
                )
            )
            if ok and refused is not None:  # checked again: the rows may have changed
                team.record(
                    self.a.db, self.a.plan_id, action, refused, by="socialseed apply", now=now
                )
                self._skip(action, f"not run: {refused}", deliberate=False)
                return
            if not ok:
                self._skip(action, why, deliberate=True)
                return
            assert decision is not None  # approval_of refuses a missing decision
            sent = action
            if action.verb is _REPLY:
                tampered = replies.problem(action, decision, self.a.reply_guard)
                if tampered is not None:
                    self._skip(action, f"not sent: {tampered}", deliberate=False)
                    return
                capped = self._over_author_cap(action)
                if capped is not None:
                    self._skip(action, f"not sent: {capped}", deliberate=True)
                    return
                sent = replies.with_text(action, decision)
            try:
                # paced before any request: the reads that check first are calls too
                if not await self._pace(platform, action):
                    return
                check = self._check_first(action, entries)
                # renewed here before a read call
                if not self._may_call(action, renew=check, unpaused=not pause_set):
                    return
                if check:
                    started = self.charged
                    if await self._reconcile(platform, sent, entries):
                        return
                    read = self._charge(platform) - (started or 0)
                    if not await self._pace(platform, action, read):
                        return
                    if not self._may_call(action, renew=False):
                        return
                attempt = journal.next_attempt(entries) if entries else 1
                outcome = await self._call(platform, sent, attempt)
                if outcome is None:
                    if self.changed:  # a decision, rejection or pause since: decide again
                        self.changed = False
                        continue
                    return
            except UsageCapped as exc:
                self._capped(action, exc)
                return
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
            finally:
                self._charge(platform)
            entries = journal.history(self.a.db, self.a.plan_id, self.name).get(action.id, [])

    def _over_author_cap(self, action: Action) -> str | None:
        """Why a reply would pass ``max_replies_per_author_per_day`` (replies sent today)."""
        if action.verb is not Verb.REPLY or self.a.reply_cap is None:
            return None
        self._flush()  # the cap counts replies in the journal: the last one included
        return self.a.reply_cap(action)

    async def _call(self, platform: Platform, action: Action, attempt: int) -> Outcome | None:
        """Intent, call, and (on a refusal) the failed outcome; the caller records success.

        The intent is written only while the lock is ours, committed before the call, in one
        transaction with the outcome of the action finished just before (``pending``), if
        any; once half the lock's time is gone the lock is renewed in it too, and the run's
        first call moves the account's state serial in it (``bump_serial_in``). ``None``
        (nothing sent, no intent written, the pending outcome written) when the lock was
        taken away."""
        db, plan_id, standing = self.a.db, self.a.plan_id, self.a.standing
        now = self.a.clock.now()
        bump = not self.bumped  # the first call of the run moves the account's state serial
        me, pending = self.a.me, self.pending
        self.pending = None
        renew = self.renewed is None or now - self.renewed >= self.ttl / 2
        holder = (me.owner, me.host, me.pid)
        decision_id = standing.decision_id(action)
        assert decision_id is not None  # approved: its decision is kept
        unpaused = not standing.known(action)[2]  # else active_pause was read just before

        def intent(conn: StateConnection) -> bool:
            return journal.intent_if_standing(
                conn,
                plan_id,
                action,
                attempt=attempt,
                now=now,
                holder=holder,
                decision_id=decision_id,
                unpaused=unpaused,
            )

        if pending is None and not renew and not bump:  # one statement, committed alone
            with db.conn:
                held = intent(db.conn)
        else:
            with atomic(db) as conn:
                if bump:
                    reason = f"apply {plan_id}"
                    bump_serial_in(conn, self.name, plan_id=plan_id, reason=reason, now=now)
                if pending is not None:  # the last action's outcome lands whatever follows
                    done, outcome, tried, at = pending
                    journal.finish_in(conn, plan_id, done, outcome, attempt=tried, now=at)
                renewed = not renew or locks.extend_in(conn, self.name, me, now=now, ttl=self.ttl)
                held = renewed and intent(conn)
            if renewed and renew:
                self.renewed = now
            self.bumped = True
        if not held:
            current = locks.holder(db, self.name)
            if current is None or (current.owner, current.host, current.pid) != holder:
                self._not_run(action, locks.taken_away(db.conn, self.name))
            else:
                standing.confirm(action)
                self.changed = True
            return None
        if self.a.on_event is not None:
            self.a.emit("action_started", action)
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
            self.buckets[action.verb._value_] = touched

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
        """Count the outcome; it is written with the next intent or by ``_flush``, before
        anything else touches the state or the platform."""
        now = self.a.clock.now()
        if self.pending is not None:
            self._flush()  # one pending outcome at most (a reconciled action after a finished one)
        self.pending = (action, outcome, attempt, now)
        if outcome.status in journal.FINISHED:
            wrote, counted = outcome.status == "done", self.charged is not None
            self.pacer.record(action.verb._value_, now, wrote=wrote, counted=counted)
        self._result(action, outcome.status, outcome.detail)
        self._count(failed=outcome.status == "failed")

    def _check_first(self, action: Action, entries: list[journal.Entry]) -> bool:
        """Ask the platform before writing? After an interrupted attempt of this plan, or
        when another plan already tried the same action (check before create)."""
        if action.verb is _REPLY:
            return True  # one reply per message: look in the thread before every reply
        if journal.needs_verify(entries):
            return True
        return not entries and action.id in self.elsewhere

    async def _reconcile(
        self, platform: Platform, action: Action, entries: list[journal.Entry]
    ) -> bool:
        """An earlier attempt may have landed: ask the platform. True when it is in effect.

        A reply found in the thread that no attempt of ours can explain was written by other
        means since the plan (someone answered by hand): it is skipped as already answered.
        """
        outcome = await platform.confirm(action)
        if outcome is None:
            return False
        ours = journal.was_attempted(entries) or journal.tried_elsewhere(
            self.a.db, action, self.a.plan_id
        )
        if action.verb is Verb.REPLY and not ours:
            where = f" ({outcome.remote_ref})" if outcome.remote_ref else ""
            self._skip(
                action,
                f"already answered: the account's reply to this message is there{where}, "
                "written by other means since the plan; nothing sent",
                deliberate=True,
            )
            return True
        self._finish(action, outcome, max((e.attempt for e in entries), default=1))
        return True

    def _charge(self, platform: Platform) -> int:
        """Charge pacing with the requests sent since the last charge; the count so far."""
        sent = platform.requests_sent()
        if sent is None or self.charged is None:
            return 0
        self.pacer.sent(sent - self.charged, self.a.clock.now())
        self.charged = sent
        return sent

    async def _pace(self, platform: Platform, action: Action, already: int = 0) -> bool:
        """Wait for room for ``action`` (``already``: requests it has sent, its reads)."""
        now = self.a.clock.now()
        verb = action.verb._value_  # ``.value`` is a descriptor call
        wait = pacing.later(
            self.pacer.wait_for(verb, now, already=already),
            pacing.rate_wait(platform.last_rate, now, only=self.buckets.get(verb)),
        )
        return True if wait is None else await self._wait(action, wait)

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
            self._flush()
            self.a.emit("waiting", action, detail=wait.reason, wait=seconds)
            await self.a.clock.sleep(seconds)
        return True

    async def _after_rate_limit(self, action: Action, exc: RateLimited, tries: int) -> bool:
        now = self.a.clock.now()
        self.a.emit(
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

    def _capped(self, action: Action, exc: UsageCapped) -> None:
        """The platform says the budget is gone until a date: pause the account until then
        (``plan`` notes it and proposes nothing) and run none of its remaining actions."""
        now, until = self.a.clock.now(), exc.reset_at
        reason = f"{action.platform} budget spent until {iso(until)}: {exc.message}"
        pause(self.a.db, self.name, reason=reason, now=now, until=until, actor="socialseed apply")
        self.a.emit("rate_limited", action, detail=reason, wait=(until - now).total_seconds())
        self._result(action, "skipped", f"not run: {reason}")
        self.stop = f"not run: account paused until {iso(until)} ({reason})"
        self.report.error = PausedError(
            f"{self.name}: stopped: {reason}",
            hint=f"its approved actions stay approved; apply again after {iso(until)} "
            f"('socialseed resume {self.name}' lifts the pause early)",
        )

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
        self.a.emit("blocked", action, detail=reason)
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
        ratio = self.max_failure_ratio
        if self.attempted >= MIN_ATTEMPTS_FOR_RATIO and self.failed / self.attempted >= ratio:
            self.stop = (
                f"not run: {self.failed} of {self.attempted} attempts failed "
                f"(policy.max_failure_ratio is {ratio:g})"
            )
            self.report.error = self.report.error or SocialSeedError(
                f"{self.name}: stopped after {self.failed} of {self.attempted} actions failed",
                hint="look at the failures above; fix the cause, then apply again",
            )

    # -- results ---------------------------------------------------------------------------
    def _skip(self, action: Action, why: str, *, deliberate: bool) -> None:
        self._flush()
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
        if not earlier and self.a.on_event is not None:
            self.a.emit(_EVENT_OF.get(status, "skipped"), action, status=status, detail=detail)


def _failure_text(exc: PlatformError) -> str:
    """The journal's error text (scrubbed); names blocks and rate limits for health."""
    text = exc.message
    if isinstance(exc, ActionBlocked):
        kind = "restricted" if isinstance(exc, AccountRestricted) else "blocked"
        text = f"{kind}: {exc.message}"
    elif isinstance(exc, RateLimited):
        text = f"rate limited until {iso(exc.reset_at)}: {exc.message}"
    return scrub(text)


def _mark_red(db: StateDB, account: str, reasons: list[str], now: datetime) -> None:
    ensure_account(db, account)
    with db.conn:
        db.table("accounts").update(
            account, {"health": "red", "health_reasons": json.dumps(reasons), "health_at": iso(now)}
        )
    audit(
        db,
        account=account,
        kind="health_red",
        actor="socialseed apply",
        now=now,
        detail={"reasons": reasons},
    )
