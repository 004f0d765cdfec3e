"""Review: a person decides on each proposed action of a plan; every decision is kept at once.

The core of ``socialseed review``, with no terminal in it. ``ReviewSession`` holds one plan,
the reviewer, the clock and the rules, and records decisions (``approve``, ``reject``, by id
or in bulk where the platform's policy pack allows). ``walk`` drives an interactive review
through an injected ``Prompter`` (the terminal one lives in the CLI; tests script one).

Rules enforced here, whoever calls:
- a decision is written to state the moment it is made, so quitting and resuming loses nothing;
- a plan that expired, whose config changed, or whose accounts' state serial moved is refused
  (``StalePlanError``), checked before every decision;
- red actions are approved only with an explicit override and a reason (recorded, override=1);
- verbs the platform's pack marks ``requires_human`` are never approved in bulk: each needs a
  decision naming its id; where a platform's pack is not available, every outbound verb is
  treated as ``requires_human`` and bulk approval is off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from socialseed.clock import Clock, iso
from socialseed.errors import ApprovalError, PlanFileError, StalePlanError
from socialseed.model import OUTBOUND_VERBS, Action, Decision, Risk
from socialseed.plan import Plan
from socialseed.state import accounts as account_state
from socialseed.state import decisions as decision_state
from socialseed.state import plans as plan_state
from socialseed.state.decisions import POLICY_REVIEWER

if TYPE_CHECKING:
    from sqlite_utils import Database

    from socialseed.config.schema import Config
    from socialseed.platforms.base import Capabilities

HELP = (
    "a approve   r reject (asks for an optional reason)   s skip   b back   d details\n"
    "g approve every remaining green action (only where the platform's pack allows it)\n"
    "q quit: every decision made so far is kept; run review again to resume   ? this help"
)


# -- the platform's rules, per action --------------------------------------------------------
@dataclass(frozen=True)
class Gate:
    """What the platform's policy pack says about approving one action."""

    requires_human: bool
    bulk_ok: bool
    rule: str = ""  # why bulk approval is refused ("" when allowed)


GateFn = Callable[[Action], Gate]
CapsLookup = Callable[[str, "Config | None", str], "Capabilities | None"]


def gate_for(action: Action, caps: Capabilities | None) -> Gate:
    """The approval rules for ``action`` under its platform's capabilities (None: unknown)."""
    verb, platform = action.verb.value, action.platform
    if caps is None:
        human = action.requires_human or action.verb in OUTBOUND_VERBS
        why = f"{platform}'s policy pack is not available, so"
        rule = (
            f"{why} every {verb} needs a person's decision naming its id"
            if human
            else f"{why} bulk approval is off; approve each action by id"
        )
        return Gate(requires_human=human, bulk_ok=False, rule=rule)
    human = action.requires_human or action.verb in caps.pack.requires_human
    if human:
        rule = (
            f"{platform}'s policy pack marks {verb} as requires_human: each {verb} needs a "
            f"person's decision naming its id (interactively, or --approve {action.id})"
        )
        return Gate(requires_human=True, bulk_ok=False, rule=rule)
    if not caps.pack.bulk_approve:
        rule = f"{platform}'s policy pack does not allow bulk approval; approve each action by id"
        return Gate(requires_human=False, bulk_ok=False, rule=rule)
    return Gate(requires_human=False, bulk_ok=True)


def registry_capabilities(
    platform: str, config: Config | None, account: str
) -> Capabilities | None:
    """The platform's capabilities from the registry; ``None`` when its module is not there."""
    from socialseed.platforms import registry

    account_cfg = None
    if config is not None:
        account_cfg = next((a for a in config.accounts if a.id == account), None)
    try:
        return registry.capabilities(platform, account_cfg)
    except (KeyError, ImportError, AttributeError):
        return None  # unknown or not built yet: the strict fallback applies


def platform_gates(config: Config | None, lookup: CapsLookup = registry_capabilities) -> GateFn:
    """A cached ``Action -> Gate`` built from each platform's capabilities."""
    cache: dict[tuple[str, str], Capabilities | None] = {}

    def gate(action: Action) -> Gate:
        key = (action.platform, action.account)
        if key not in cache:
            cache[key] = lookup(action.platform, config, action.account)
        return gate_for(action, cache[key])

    return gate


# -- staleness -------------------------------------------------------------------------------
def stale_reasons(
    db: Database, plan: Plan, *, now: datetime, config_sha256: str | None
) -> list[str]:
    """Why ``plan`` may no longer be decided on (empty: it is fresh)."""
    return _stale(db, plan, plan.id, now=now, config_sha256=config_sha256)


def _stale(
    db: Database, plan: Plan, plan_id: str, *, now: datetime, config_sha256: str | None
) -> list[str]:
    problems: list[str] = []
    if plan.is_expired(now):
        problems.append(f"the plan expired at {iso(plan.expires_at)}")
    if config_sha256 is not None and config_sha256 != plan.config_sha256:
        problems.append(
            f"the config changed since the plan was made "
            f"(plan made with {plan.config_sha256[:12]}, config is now {config_sha256[:12]})"
        )
    for acc in plan.accounts:
        moves = [
            m
            for m in account_state.serial_moves_since(db, acc.account, acc.state_serial)
            if m.get("plan_id") != plan_id  # the plan's own (partial) apply does not count
        ]
        if moves:
            last = moves[-1]
            problems.append(
                f"account {acc.account}'s state moved since the plan was made (serial "
                f"{acc.state_serial} -> {last['serial']}: {last['reason']}"
                f"{_by_plan(last)} at {last['at']})"
            )
    return problems


def _by_plan(move: Mapping[str, object]) -> str:
    return f" by plan {move['plan_id']}" if move.get("plan_id") else ""


def freshness_guard(
    db: Database, plan: Plan, *, config_sha256: str | None
) -> Callable[[datetime], None]:
    """A check that raises ``StalePlanError`` (exit 5) when the plan went stale."""

    plan_id = plan.id  # the checksum is computed once, not per decision

    def check(now: datetime) -> None:
        problems = _stale(db, plan, plan_id, now=now, config_sha256=config_sha256)
        if problems:
            raise StalePlanError(
                f"plan {plan_id} is stale; no decision was recorded:\n  - "
                + "\n  - ".join(problems),
                hint="make a fresh plan with 'socialseed plan -o plan.json' and review that one",
            )

    return check


# -- finding the plan ------------------------------------------------------------------------
def open_plan(db: Database, ref: str | None) -> Plan:
    """A plan file path, a saved plan id (a unique prefix will do), or the latest plan.

    A plan file that the state does not know yet is recorded, so decisions attach to its id.
    """
    if ref is None:
        return plan_state.latest_plan(db)
    path = Path(ref)
    if path.is_file():
        plan = Plan.from_json(_read(path), source=str(path))
        plan_id = plan.id
        if db.table("plans").count_where("id = ?", [plan_id]) == 0:
            plan_state.record_plan(db, plan, path=str(path))
            return plan
        stored = plan_state.load_plan(db, plan_id)  # it may carry the profiles the file lacks
        return stored if _has_profiles(stored) or not _has_profiles(plan) else plan
    if ref.startswith("a_"):
        raise PlanFileError(
            f"{ref!r} looks like an action id, not a plan",
            hint="repeat the flag for each id (--approve a_1 --approve a_2) or join them "
            "with commas (--approve a_1,a_2)",
        )
    if "/" in ref or ref.endswith(".json"):
        raise PlanFileError(
            f"{ref}: no such plan file", hint="make one with 'socialseed plan -o plan.json'"
        )
    return plan_state.load_plan(db, ref)


def _has_profiles(plan: Plan) -> bool:
    return any(a.profile is not None for a in plan.actions)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(
            f"{path}: cannot read the plan file ({exc})", hint="check the path and permissions"
        ) from exc


# -- progress and results --------------------------------------------------------------------
@dataclass(frozen=True)
class Progress:
    """Where a plan's review stands; ``by_policy`` counts live approvals recorded by the
    policy (``policy.auto_approve`` at plan time), which are among ``approved``."""

    total: int
    reviewed: int
    approved: int
    rejected: int
    by_policy: int

    @property
    def pending(self) -> int:
        return self.total - self.reviewed

    def __str__(self) -> str:
        policy = f" ({self.by_policy} by policy)" if self.by_policy else ""
        return (
            f"{self.reviewed}/{self.total} reviewed, {self.approved} approved{policy}, "
            f"{self.rejected} rejected, {self.pending} pending"
        )

    def to_data(self) -> dict[str, int]:
        return {
            "total": self.total,
            "reviewed": self.reviewed,
            "approved": self.approved,
            "rejected": self.rejected,
            "by_policy": self.by_policy,
            "pending": self.pending,
        }


@dataclass(frozen=True)
class Refusal:
    action: Action
    rule: str


@dataclass(frozen=True)
class BulkResult:
    approved: list[Decision] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


# -- the session -----------------------------------------------------------------------------
class ReviewSession:
    """One reviewer deciding on one plan; every decision goes to state at once."""

    def __init__(
        self,
        db: Database,
        plan: Plan,
        *,
        clock: Clock,
        reviewer: str,
        approval_ttl: timedelta,
        gate: GateFn,
        check: Callable[[datetime], None] | None = None,
    ) -> None:
        self.db = db
        self.plan = plan
        self.clock = clock
        self.reviewer = reviewer
        self.approval_ttl = approval_ttl
        self.gate = gate
        self._check = check or (lambda now: None)
        self.plan_id = plan.id  # computed once: a plan's id hashes all of it
        self._latest = decision_state.latest_decisions(db, self.plan_id)

    # -- queries -----------------------------------------------------------------------------
    def latest(self, action_id: str) -> Decision | None:
        """The newest decision on an action, expired or not."""
        return self._latest.get(action_id)

    def live(self, action_id: str) -> Decision | None:
        decision = self._latest.get(action_id)
        return decision if decision is not None and decision.is_live(self.clock.now()) else None

    def is_pending(self, action: Action) -> bool:
        """No live decision: apply would not run it. An action the plan marks auto-approved
        is pending too when its policy approval is not recorded in this state (a plan file
        made elsewhere) or has expired: then a person decides."""
        return self.live(action.id) is None

    def pending(self) -> list[Action]:
        return [a for a in self.plan.actions if self.is_pending(a)]

    def progress(self) -> Progress:
        now = self.clock.now()
        approved = rejected = by_policy = 0
        for action in self.plan.actions:
            decision = self._latest.get(action.id)
            if decision is None or not decision.is_live(now):
                continue
            approved += decision.verdict == "approve"
            rejected += decision.verdict == "reject"
            by_policy += decision.reviewer == POLICY_REVIEWER
        return Progress(
            total=len(self.plan),
            reviewed=approved + rejected,
            approved=approved,
            rejected=rejected,
            by_policy=by_policy,
        )

    def resolve(self, ref: str) -> Action:
        """The action whose id is ``ref`` or starts with it (with or without ``a_``)."""
        ref = ref.strip()
        exact = [a for a in self.plan.actions if a.id == ref]
        if exact:
            return exact[0]
        hits = [a for a in self.plan.actions if ref and a.id.startswith((ref, f"a_{ref}"))]
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise ApprovalError(
                f"no action {ref!r} in plan {self.plan_id}",
                hint=f"list the pending actions with 'socialseed review {self.plan_id} --list'",
            )
        ids = ", ".join(a.id for a in hits[:5])
        raise ApprovalError(
            f"action id {ref!r} is ambiguous in plan {self.plan_id} (matches {ids})",
            hint="give more characters of the id",
        )

    # -- decisions ---------------------------------------------------------------------------
    def check_approvable(self, action: Action, *, reason: str, override: bool) -> None:
        """Raise ``ApprovalError`` when the rules refuse approving ``action`` this way."""
        if action.risk is not Risk.RED:
            return
        what = f"{action.id} ({action.verb.value} {action.target.handle}, {action.account})"
        why = "; ".join(action.risk_reasons) or "no reason given by the planner"
        if not override:
            raise ApprovalError(
                f"{what} is red ({why}); red actions are approved only with an explicit "
                "override, which is recorded",
                hint=f"socialseed review {self.plan_id} --approve {action.id} --override "
                "--reason 'why this is safe'",
            )
        if not reason.strip():
            raise ApprovalError(
                f"approving red {what} with --override needs a reason",
                hint="add --reason 'why this is safe'; it is recorded with the decision",
            )

    def approve(self, action: Action, *, reason: str = "", override: bool = False) -> Decision:
        self.check_approvable(action, reason=reason, override=override)
        return self._record(action, "approve", reason, override and action.risk is Risk.RED)

    def reject(self, action: Action, *, reason: str = "") -> Decision:
        return self._record(action, "reject", reason, False)

    def _record(self, action: Action, verdict: str, reason: str, override: bool) -> Decision:
        now = self.clock.now()
        self._check(now)
        decision = Decision(
            plan_id=self.plan_id,
            action_id=action.id,
            verdict=verdict,
            reviewer=self.reviewer,
            decided_at=now,
            reason=reason.strip(),
            override=override,
            expires_at=now + self.approval_ttl,
        )
        decision_state.record_decision(self.db, decision)
        self._latest[action.id] = decision
        return decision

    def decide(
        self,
        *,
        approve: Iterable[str] = (),
        reject: Iterable[str] = (),
        reason: str = "",
        override: bool = False,
    ) -> list[Decision]:
        """Decide on actions named by id. All are checked before any is recorded."""
        to_approve = _unique(self.resolve(r) for r in approve)
        to_reject = _unique(self.resolve(r) for r in reject)
        both = sorted({a.id for a in to_approve} & {a.id for a in to_reject})
        if both:
            raise ApprovalError(
                f"{', '.join(both)}: asked to approve and reject the same action",
                hint="name each action in --approve or --reject, not both",
            )
        for action in to_approve:
            self.check_approvable(action, reason=reason, override=override)
        self._check(self.clock.now())
        decided = [self.approve(a, reason=reason, override=override) for a in to_approve]
        return decided + [self.reject(a, reason=reason) for a in to_reject]

    def approve_up_to(self, level: Risk, actions: Iterable[Action] | None = None) -> BulkResult:
        """Approve pending actions at ``level`` or below, where the platform allows bulk."""
        if level is Risk.RED:
            raise ApprovalError(
                "red actions are never approved in bulk",
                hint="approve each one with --approve ID --override --reason R",
            )
        pool = self.pending() if actions is None else [a for a in actions if self.is_pending(a)]
        result = BulkResult()
        for action in pool:
            if action.risk.rank > level.rank:
                continue
            gate = self.gate(action)
            if gate.bulk_ok:
                result.approved.append(self.approve(action))
            else:
                result.refused.append(Refusal(action, gate.rule))
        return result


def _unique(actions: Iterable[Action]) -> list[Action]:
    seen: dict[str, Action] = {}
    for action in actions:
        seen.setdefault(action.id, action)
    return list(seen.values())


def split_ids(values: Iterable[str] | None) -> list[str]:
    """Ids from repeated flags, each possibly a comma- or space-separated list."""
    out: list[str] = []
    for value in values or ():
        out.extend(part for part in value.replace(",", " ").split() if part)
    return out


# -- the interactive walk --------------------------------------------------------------------
@dataclass(frozen=True)
class Card:
    """Everything a prompter needs to show one action."""

    action: Action
    position: int  # 1-based, in this walk
    count: int
    progress: Progress
    decision: Decision | None  # the newest decision on it (maybe expired), when revisiting
    gate: Gate
    now: datetime


class Prompter(Protocol):
    """The person at the keyboard. ``key`` and ``reason`` raise EOFError or KeyboardInterrupt
    when the person leaves (Ctrl-D, Ctrl-C); the walk then stops, keeping what was recorded."""

    def show(self, card: Card) -> None: ...

    def details(self, card: Card) -> None: ...

    def key(self, prompt: str) -> str: ...

    def reason(self, prompt: str) -> str: ...

    def say(self, text: str) -> None: ...


@dataclass(frozen=True)
class WalkResult:
    progress: Progress
    recorded: int
    finished: bool  # reached the end (False: the person quit)
    interrupted: bool = False  # Ctrl-C


class _Walk:
    """The state of one interactive walk; one method per key."""

    def __init__(
        self, session: ReviewSession, prompter: Prompter, *, override: bool, override_reason: str
    ) -> None:
        self.s = session
        self.p = prompter
        self.override = override
        self.override_reason = override_reason
        self.queue = session.pending()
        self.i = 0
        self.recorded = 0

    def card(self) -> Card:
        action = self.queue[self.i]
        return Card(
            action=action,
            position=self.i + 1,
            count=len(self.queue),
            progress=self.s.progress(),
            decision=self.s.latest(action.id),
            gate=self.s.gate(action),
            now=self.s.clock.now(),
        )

    def next_pending(self) -> None:
        self.i += 1
        while self.i < len(self.queue) and not self.s.is_pending(self.queue[self.i]):
            self.i += 1

    def approve(self) -> None:
        action = self.queue[self.i]
        reason = ""
        if action.risk is Risk.RED:
            if not self.override:
                self.p.say(
                    f"{action.id} is red ({'; '.join(action.risk_reasons) or 'no reason given'})"
                    ": red actions are approved only with an explicit override. Nothing "
                    f"recorded. To approve it, quit (q) and run 'socialseed review "
                    f"{self.s.plan_id} --override'."
                )
                return
            reason = self.override_reason or self.p.reason("override reason (required): ")
            if not reason.strip():
                self.p.say("an override needs a reason; nothing recorded")
                return
        self.s.approve(action, reason=reason, override=self.override)
        self.recorded += 1
        self.next_pending()

    def reject(self) -> None:
        reason = self.p.reason("reason (optional, Enter to skip): ")
        self.s.reject(self.queue[self.i], reason=reason)
        self.recorded += 1
        self.next_pending()

    def back(self) -> None:
        if self.i == 0:
            self.p.say("this is the first action")
        else:
            self.i -= 1

    def bulk_green(self) -> None:
        rest = [a for a in self.queue[self.i :] if a.risk is Risk.GREEN and self.s.is_pending(a)]
        allowed = [a for a in rest if self.s.gate(a).bulk_ok]
        if not allowed:
            why = self.s.gate(rest[0]).rule if rest else "no green action remains"
            self.p.say(f"no bulk approval here: {why}")
            return
        others = len(rest) - len(allowed)
        note = f" ({others} other green actions need one decision each)" if others else ""
        answer = self.p.key(f"approve {len(allowed)} remaining green actions{note}? [y/N] ")
        if answer.lower() != "y":
            self.p.say("nothing recorded")
            return
        result = self.s.approve_up_to(Risk.GREEN, allowed)
        self.recorded += len(result.approved)
        self.p.say(f"approved {len(result.approved)} green actions")
        self.i -= 1
        self.next_pending()

    def step(self, key: str) -> bool:
        """Handle one key; False when the person quits."""
        handlers: dict[str, Callable[[], None]] = {
            "a": self.approve,
            "r": self.reject,
            "s": self.next_pending,
            "b": self.back,
            "g": self.bulk_green,
            "d": lambda: self.p.details(self.card()),
            "?": lambda: self.p.say(HELP),
        }
        if key in {"q", "Q"}:
            return False
        handler = handlers.get(key.lower() if len(key) == 1 else key)
        if handler is None:
            self.p.say(f"unknown key {key!r}: nothing recorded; press ? for help")
        else:
            handler()
        return True


def walk(
    session: ReviewSession,
    prompter: Prompter,
    *,
    override: bool = False,
    override_reason: str = "",
) -> WalkResult:
    """Show each pending action and record the person's decision on it, one key each."""
    state = _Walk(session, prompter, override=override, override_reason=override_reason)
    last_shown = -1
    try:
        while state.i < len(state.queue):
            if state.i != last_shown:
                prompter.show(state.card())
                last_shown = state.i
            if not state.step(prompter.key("a/r/s/b/d/g/q/? > ")):
                return WalkResult(session.progress(), state.recorded, finished=False)
    except EOFError:
        return WalkResult(session.progress(), state.recorded, finished=False)
    except KeyboardInterrupt:
        return WalkResult(session.progress(), state.recorded, finished=False, interrupted=True)
    return WalkResult(session.progress(), state.recorded, finished=True)
