"""The review session: one reviewer deciding on one plan; every decision goes to state at once.

Red actions are approved only with an explicit override and a reason (recorded, override=1);
bulk approval covers only what the platform's pack allows; ids may be unique prefixes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from socialseed.clock import Clock
from socialseed.errors import ApprovalError
from socialseed.model import Action, Decision, Risk, Verb
from socialseed.model.plan import Plan
from socialseed.model.review import Progress, ReplyText
from socialseed.review import replies
from socialseed.review.replies import ReplyCap, ReplyGuard
from socialseed.review.rules import GateFn
from socialseed.state import decisions as decision_state
from socialseed.state import rejections as rejection_state
from socialseed.state.decisions import POLICY_REVIEWER
from socialseed.state.rejections import Rejection

if TYPE_CHECKING:
    from socialseed.auth.approvals import Refusal as TeamRefusal
    from socialseed.auth.approvals import Team
    from socialseed.auth.signing import Signer
    from socialseed.state.handle import StateDB


# -- progress and results --------------------------------------------------------------------


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
        db: StateDB,
        plan: Plan,
        *,
        clock: Clock,
        reviewer: str,
        approval_ttl: timedelta,
        gate: GateFn,
        check: Callable[[datetime], None] | None = None,
        reply_guard: ReplyGuard | None = None,
        reply_cap: ReplyCap | None = None,
        team: Team | None = None,
        signer: Signer | None = None,
    ) -> None:
        self.db = db
        self.plan = plan
        self.clock = clock
        self.reviewer = reviewer
        self.approval_ttl = approval_ttl
        self.gate = gate
        self._check = check or (lambda now: None)
        self.reply_guard = reply_guard  # None: no rule set known, so no reply is approved
        self.reply_cap = reply_cap  # the replies-per-author-per-day guard, across plans
        self.team = team  # policy.reviewers (None: any name decides, unverified)
        self.signer = signer  # the reviewer's key: every decision recorded is signed with it
        self.notes: list[str] = []  # what a person should know about decisions just recorded
        self.plan_id = plan.id  # computed once: a plan's id hashes all of it
        self._latest = decision_state.latest_decisions(db, self.plan_id)
        self._rejected = {r.action_id: r for r in rejection_state.rejections(db)}

    def check_fresh(self, now: datetime) -> None:
        """Raise ``StalePlanError`` (exit 5) when the plan went stale."""
        self._check(now)

    # -- queries -----------------------------------------------------------------------------
    def latest(self, action_id: str) -> Decision | None:
        """The newest decision on an action, expired or not."""
        return self._latest.get(action_id)

    def live(self, action_id: str) -> Decision | None:
        decision = self._latest.get(action_id)
        return decision if decision is not None and decision.is_live(self.clock.now()) else None

    def standing_rejection(self, action: Action) -> Rejection | None:
        """A person's earlier rejection of this account, verb and target (any plan)."""
        return self._rejected.get(action.id)

    def is_pending(self, action: Action) -> bool:
        """No live decision: apply would not run it. An action the plan marks auto-approved
        is pending too when its policy approval is not recorded in this state (a plan file
        made elsewhere) or has expired: then a person decides. A target a person rejected
        is never pending again (until the rejection is lifted)."""
        if action.id in self._rejected:
            return False
        return self.live(action.id) is None or self._awaits_second(action)

    def _awaits_second(self, action: Action) -> bool:
        """Under the two-person rule: approved, but not yet by two reviewers, and not by
        this one (so the second reviewer sees it as pending)."""
        if self.team is None or self.team.needed(action)[0] < 2:
            return False
        decisions = decision_state.decisions_on(self.db, self.plan_id, action.id)
        counted = self.team.count(action, decisions, self.plan.author, self.clock.now())
        return len(counted.approvers) < counted.needed and self.reviewer not in counted.approvers

    def pending(self) -> list[Action]:
        return [a for a in self.plan.actions if self.is_pending(a)]

    def progress(self) -> Progress:
        now = self.clock.now()
        approved = rejected = by_policy = 0
        for action in self.plan.actions:
            decision = self._latest.get(action.id)
            if action.id in self._rejected and not (decision and decision.verdict == "reject"):
                rejected += 1  # remembered from an earlier plan
                continue
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
    def check_approvable(
        self, action: Action, *, reason: str, override: bool, team: bool = True
    ) -> None:
        """Raise ``ApprovalError`` when the rules refuse approving ``action`` this way
        (``team=False``: the caller checks policy.reviewers itself, on a signed decision)."""
        if team:
            self._check_team(action)
        standing = self._rejected.get(action.id)
        if standing is not None:
            raise ApprovalError(
                f"{action.id} ({action.verb.value} {action.target.handle}, {action.account}) "
                f"was {standing.describe()}; a rejection stands for the target in every plan",
                hint=lift_hint(standing),
            )
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

    def _check_team(self, action: Action) -> None:
        """Under ``policy.reviewers``: is this reviewer listed, in scope, not the plan's
        author, and signing with their own key where one is listed?"""
        if self.team is None or self.reviewer == POLICY_REVIEWER:
            return
        refused = self.team.check_person(action, self.reviewer, self.plan.author)
        listed = self.team.reviewers.get(self.reviewer)
        if refused is None and listed is not None and listed.key is not None:
            refused = self._key_refusal(action, listed.key)
        elif refused is None:  # listed without a key: up to policy.approvals.unsigned
            unsigned = Decision(self.plan_id, action.id, "approve", self.reviewer, self.clock.now())
            refused = self.team.check(action, unsigned, self.plan.author)
        if refused is not None:
            self.refuse(action, refused)

    def _key_refusal(self, action: Action, listed_key: str) -> TeamRefusal | None:
        from socialseed.auth import approvals, signing

        key = signing.public_key(listed_key)
        if self.signer is None:
            return approvals.Refusal(
                approvals.MISSING,
                f"{self.reviewer} is listed with a key in policy.reviewers "
                f"({signing.fingerprint(key)}), so each decision must be signed; "
                f"{action.id} was not approved",
                self.reviewer,
            )
        if signing.fingerprint(self.signer.public) != signing.fingerprint(key):
            return approvals.Refusal(
                approvals.INVALID,
                f"the key in {self.signer.path} ({signing.fingerprint(self.signer.public)}) "
                f"is not {self.reviewer}'s key in policy.reviewers ({signing.fingerprint(key)}); "
                f"{action.id} was not approved",
                self.reviewer,
            )
        return None

    def refuse(self, action: Action, refused: TeamRefusal) -> None:
        """Audit the refusal, then raise it (exit 1), naming the rule."""
        from socialseed.state.accounts import audit

        detail: dict[str, object] = {
            "rule": refused.rule,
            "plan_id": self.plan_id,
            "action_id": action.id,
            "verb": action.verb.value,
            "by": "socialseed review",
            "message": refused.message,
        }
        now = self.clock.now()
        audit(
            self.db,
            account=action.account,
            kind="approval_refused",
            actor=self.reviewer,
            now=now,
            detail=detail,
        )
        hint = {
            "signature_missing": "sign it: socialseed review PLAN --approve ID --sign-with "
            "~/.ssh/id_ed25519 (the key whose .pub is listed for you)",
            "signature_invalid": "sign with your own key, the one listed for you in "
            "policy.reviewers",
            "self_approval": "ask another reviewer listed in policy.reviewers to approve it",
        }.get(refused.rule, "see policy.reviewers in the config for who may approve what")
        raise ApprovalError(f"refused ({refused.rule}): {refused.message}", hint=hint)

    def approve(
        self,
        action: Action,
        *,
        reason: str = "",
        override: bool = False,
        reply: ReplyText | None = None,
    ) -> Decision:
        """Approve ``action``; a reply is approved with its text (``reply``, else its first
        alternative), which must pass the guards and is recorded with the decision."""
        self.check_approvable(action, reason=reason, override=override)
        text = self.reply_text(action, reply)
        return self._record(action, "approve", reason, override and action.risk is Risk.RED, text)

    def reply_text(self, action: Action, reply: ReplyText | None) -> ReplyText | None:
        """The text a reply approval records, checked against the guards (None: not a reply)."""
        if action.verb is not Verb.REPLY:
            if reply is not None:
                replies.pick(action, reply.choice)  # raises: only replies carry a text
            return None
        chosen = reply or replies.pick(action, 1)
        if self.reply_guard is None:
            raise ApprovalError(
                f"reply {action.id}: the account's conversation guards are not known here, "
                "so no reply text can be approved",
                hint="run review with the config the plan was made from (-c FILE)",
            )
        problem = replies.refused(action, chosen, self.reply_guard)
        if problem is not None:
            raise problem
        capped = self.reply_cap(action) if self.reply_cap is not None else None
        if capped is not None:
            raise ApprovalError(
                f"reply {action.id} cannot be approved: {capped}",
                hint="reject it, or approve it tomorrow (a new plan proposes it again)",
            )
        return chosen

    def reply_refusal(self, action: Action, reply: ReplyText) -> str | None:
        """Why ``reply`` could not be approved for ``action`` (None: it could)."""
        try:
            self.reply_text(action, reply)
        except ApprovalError as exc:
            return exc.message
        return None

    def reject(self, action: Action, *, reason: str = "") -> Decision:
        return self._record(action, "reject", reason, False)

    def _record(
        self,
        action: Action,
        verdict: str,
        reason: str,
        override: bool,
        reply: ReplyText | None = None,
    ) -> Decision:
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
            text=reply.text if reply else None,
            choice=reply.choice if reply else None,
            edited=reply.edited if reply else False,
        )
        if self.reviewer != POLICY_REVIEWER:
            decision = self._signed(action, decision)
        return self.write(action, decision)

    def write(self, action: Action, decision: Decision) -> Decision:
        """Record a decision as it is (a rejection is remembered for the target)."""
        now, verdict = decision.decided_at, decision.verdict
        if verdict == "reject" and decision.reviewer != POLICY_REVIEWER:
            rejection_state.record_rejection(self.db, decision, action)
            self._rejected[action.id] = Rejection(
                action_id=action.id,
                account=action.account,
                verb=action.verb.value,
                target_id=action.target.id,
                target_handle=action.target.handle,
                plan_id=self.plan_id,
                reviewer=decision.reviewer,
                reason=decision.reason,
                rejected_at=now,
            )
        else:
            decision_state.record_decision(self.db, decision)
        self._latest[action.id] = decision
        if verdict == "approve":
            self.note_second(action)
        return decision

    def _signed(self, action: Action, decision: Decision) -> Decision:
        """The decision about the action's verb and target, signed where a key was given, and
        (under policy.reviewers) checked as apply will check it."""
        from socialseed.auth import approvals, signing

        decision = approvals.stamp(decision, action)
        if self.signer is not None:
            signature = self.signer.sign(signing.payload(decision))
            decision = replace(decision, signature=signature)
        if self.team is not None and decision.verdict == "approve":
            refused = self.team.check(action, decision, self.plan.author)
            if refused is not None:
                self.refuse(action, refused)
        return decision

    def note_second(self, action: Action) -> None:
        """Tell the reviewer when the two-person rule still waits for another approval."""
        if self.team is None:
            return
        decisions = decision_state.decisions_on(self.db, self.plan_id, action.id)
        counted = self.team.count(action, decisions, self.plan.author, self.clock.now())
        if len(counted.approvers) < counted.needed:
            _, why = self.team.needed(action)
            self.notes.append(
                f"{action.id}: {len(counted.approvers)} of {counted.needed} approvals "
                f"(two-person rule: {why}); apply runs it once another reviewer approves it"
            )

    def decide(
        self,
        *,
        approve: Iterable[str] = (),
        reject: Iterable[str] = (),
        reason: str = "",
        override: bool = False,
        choice: int | None = None,
        text: str | None = None,
    ) -> list[Decision]:
        """Decide on actions named by id. All are checked before any is recorded.

        ``choice`` (an alternative, 1-based) and ``text`` (the person's own text, edited from
        ``choice`` or the first) go with the approval of exactly one reply.
        """
        to_approve = _unique(self.resolve(r) for r in approve)
        to_reject = _unique(self.resolve(r) for r in reject)
        chosen = self._flag_reply(to_approve, choice, text)
        both = sorted({a.id for a in to_approve} & {a.id for a in to_reject})
        if both:
            raise ApprovalError(
                f"{', '.join(both)}: asked to approve and reject the same action",
                hint="name each action in --approve or --reject, not both",
            )
        for action in to_approve:
            self.check_approvable(action, reason=reason, override=override)
            self.reply_text(action, chosen)
        self._check(self.clock.now())
        decided = [
            self.approve(a, reason=reason, override=override, reply=chosen) for a in to_approve
        ]
        return decided + [self.reject(a, reason=reason) for a in to_reject]

    def _flag_reply(
        self, to_approve: list[Action], choice: int | None, text: str | None
    ) -> ReplyText | None:
        if choice is None and text is None:
            return None
        if len(to_approve) != 1:
            raise ApprovalError(
                f"--choice and --text-file go with the approval of one reply; "
                f"{len(to_approve)} actions were named with --approve",
                hint="approve each reply in its own command: --approve ID --choice N",
            )
        base = replies.pick(to_approve[0], choice or 1)
        return base if text is None else replies.edit(to_approve[0], base, text)

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


def lift_hint(found: Rejection) -> str:
    """How a person lifts a standing rejection."""
    target = found.target_handle or found.target_id
    return (
        f"if it should run after all, lift it first: socialseed review --lift "
        f"{found.account} {found.verb} {target} --reason 'why'"
    )


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
