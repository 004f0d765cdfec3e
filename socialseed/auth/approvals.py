"""Team approvals: whose decision counts for which action, under ``policy.reviewers``.

A name anyone can type proves nothing, so a reviewer listed with a key counts only with a
valid signature over the decision (``signing.payload``); an unsigned decision (a reviewer
listed without a key) counts only up to ``policy.approvals.unsigned``. A plan's author may not
approve it (``policy.approvals.self_approval``), and a red override or an action of a
``sensitive`` account needs two distinct reviewers. Without ``policy.reviewers`` none of this
applies (``Team.of`` is None): any name decides, unverified.

Pure: decisions in, a verdict out. ``review`` checks each decision as it is made; ``apply``
checks them all again, from state, before it counts an approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from socialseed.auth import signing
from socialseed.config.schema import Config, Reviewer
from socialseed.model import Action, Decision, Risk

POLICY = "policy:auto_approve"  # the reviewer name of the policy's own approvals (state)
_RANK = {"never": -1, "green": 0, "yellow": 1, "red": 2}

# the rules a refusal names (README and docs/review.md list them)
NOT_LISTED = "reviewer_not_listed"
SCOPE = "reviewer_scope"
MISSING = "signature_missing"
INVALID = "signature_invalid"
UNSIGNED = "unsigned_not_allowed"
SELF = "self_approval"
TWO_PERSON = "two_person"


@dataclass(frozen=True)
class Refusal:
    """Why a decision does not count: the rule, and the message a person reads."""

    rule: str
    message: str
    reviewer: str = ""

    def __str__(self) -> str:
        return f"{self.message} [rule: {self.rule}]"


@dataclass(frozen=True)
class Count:
    """The approvals of one action that count, and why the action may not run (None: it may)."""

    approvers: tuple[str, ...]
    needed: int
    refusal: Refusal | None


@dataclass(frozen=True)
class Team:
    """``policy.reviewers`` and ``policy.approvals`` of a config."""

    reviewers: dict[str, Reviewer]
    unsigned: str
    self_approval: bool
    two_person_red: bool
    sensitive: frozenset[str]

    @classmethod
    def of(cls, config: Config | None) -> Team | None:
        if config is None or not config.policy.reviewers:
            return None
        approvals = config.policy.approvals
        return cls(
            reviewers={r.id: r for r in config.policy.reviewers},
            unsigned=approvals.unsigned,
            self_approval=approvals.self_approval,
            two_person_red=approvals.two_person_red,
            sensitive=frozenset(a.id for a in config.accounts if a.sensitive),
        )

    # -- one decision ------------------------------------------------------------------------
    def needed(self, action: Action) -> tuple[int, str]:
        """How many distinct reviewers must approve ``action``, and why two."""
        if action.account in self.sensitive:
            return 2, f"account {action.account} is sensitive"
        if action.risk is Risk.RED and self.two_person_red:
            return 2, "a red override (policy.approvals.two_person_red)"
        return 1, ""

    def check_person(self, action: Action, who: str, author: str | None) -> Refusal | None:
        """May ``who`` approve ``action`` at all (listed, in scope, not the plan's author)?"""
        what = f"{action.verb.value} on {action.account}"
        reviewer = self.reviewers.get(who)
        if reviewer is None:
            return Refusal(
                NOT_LISTED,
                f"{who} is not in policy.reviewers, so their approval of {action.id} does not "
                f"count (listed: {', '.join(sorted(self.reviewers))})",
                who,
            )
        accounts, verbs = set(reviewer.accounts), set(reviewer.verbs)
        in_scope = ("*" in accounts or action.account in accounts) and (
            "*" in verbs or action.verb.value in verbs
        )
        if not in_scope or _RANK[action.risk.value] > _RANK[reviewer.max_risk]:
            return Refusal(
                SCOPE,
                f"policy.reviewers does not let {who} approve {what} at {action.risk.value} "
                f"risk (accounts {', '.join(reviewer.accounts)}; verbs "
                f"{', '.join(reviewer.verbs)}; max_risk {reviewer.max_risk})",
                who,
            )
        if author and who == author and not self.self_approval:
            return Refusal(
                SELF,
                f"{who} made this plan, and a plan's author may not approve its actions "
                f"({action.id}; policy.approvals.self_approval is false)",
                who,
            )
        return None

    def check(self, action: Action, decision: Decision, author: str | None) -> Refusal | None:
        """Does this approval count? Person, scope, signature, and that it is about ``action``."""
        who = decision.reviewer
        refused = self.check_person(action, who, author)
        if refused is not None:
            return refused
        reviewer = self.reviewers[who]
        if reviewer.key is None:
            if _RANK[action.risk.value] > _RANK[self.unsigned]:
                return Refusal(
                    UNSIGNED,
                    f"{who} is listed without a key, and unsigned approvals count only up to "
                    f"{self.unsigned} risk (policy.approvals.unsigned); {action.id} is "
                    f"{action.risk.value}",
                    who,
                )
            return None
        key = signing.public_key(reviewer.key)
        if not decision.signature:
            return Refusal(
                MISSING,
                f"{who} is listed with a key in policy.reviewers, so each of their decisions "
                f"must be signed; the approval of {action.id} is not",
                who,
            )
        problem = signing.verify(key, signing.payload(decision), decision.signature)
        if problem is None and (decision.verb, decision.target) != _about(action):
            problem = (
                f"the signed decision is about {decision.verb} {decision.target}, not the "
                f"plan's {action.verb.value} {signing.target_key(action.target)}"
            )
        if problem is not None:
            return Refusal(
                INVALID,
                f"the signature on {who}'s approval of {action.id} does not verify against "
                f"their key in policy.reviewers ({signing.fingerprint(key)}): {problem}; "
                "a forged decision, or one changed after it was signed",
                who,
            )
        return None

    # -- all decisions on an action ----------------------------------------------------------
    def count(
        self, action: Action, decisions: list[Decision], author: str | None, now: datetime
    ) -> Count:
        """The approvals that count for ``action``: the newest decision per reviewer, if a live
        approval (with the override, for a red action); the text sent (a reply's) must be the
        one each of them approved."""
        newest: dict[str, Decision] = {}
        for decision in decisions:
            newest[decision.reviewer] = decision
        latest = decisions[-1] if decisions else None
        needed, why = self.needed(action)
        approvers: list[str] = []
        first_refusal: Refusal | None = None
        for who, decision in newest.items():
            if decision.verdict != "approve" or not decision.is_live(now):
                continue
            if (latest and decision.text != latest.text) or (
                action.risk is Risk.RED and not decision.override
            ):
                continue
            if who == POLICY:
                if needed == 1:
                    approvers.append(who)
                continue
            refused = self.check(action, decision, author)
            if refused is None:
                approvers.append(who)
            elif first_refusal is None or decision is latest:
                first_refusal = refused
        if len(approvers) >= needed:
            return Count(tuple(approvers), needed, None)
        if first_refusal is not None:
            return Count(tuple(approvers), needed, first_refusal)
        have = f"has {len(approvers)}" + (f": {', '.join(approvers)}" if approvers else "")
        return Count(
            tuple(approvers),
            needed,
            Refusal(
                TWO_PERSON,
                f"two-person rule: {why}, so {action.id} needs approvals from {needed} "
                f"distinct reviewers ({have})",
            ),
        )


def _about(action: Action) -> tuple[str, str]:
    return action.verb.value, signing.target_key(action.target)


def stamp(decision: Decision, action: Action) -> Decision:
    """The decision with the action's verb and target filled in (what is signed)."""
    from dataclasses import replace

    verb, target = _about(action)
    return replace(decision, verb=verb, target=target)
