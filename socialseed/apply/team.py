"""Apply's side of team approvals: before an approval counts, every decision on the action is
read from state and checked against ``policy.reviewers`` (signatures verified); a refusal skips
the action (the run exits 1) and is written to the audit log, naming the rule."""

from __future__ import annotations

from datetime import datetime

from socialseed.auth.approvals import Refusal, Team
from socialseed.model import Action
from socialseed.state.accounts import audit
from socialseed.state.decisions import decisions_on
from socialseed.state.handle import StateDB

AUDIT_KIND = "approval_refused"


def refusal(
    db: StateDB,
    team: Team | None,
    plan_id: str,
    action: Action,
    author: str | None,
    now: datetime,
) -> Refusal | None:
    """Why the approvals of ``action`` do not count (None: they do, or no team policy)."""
    if team is None:
        return None
    return team.count(action, decisions_on(db, plan_id, action.id), author, now).refusal


def record(
    db: StateDB, plan_id: str, action: Action, refused: Refusal, *, by: str, now: datetime
) -> None:
    """One audit line per refusal: the rule, the action, whose decision, and the message."""
    audit(
        db,
        account=action.account,
        kind=AUDIT_KIND,
        actor=refused.reviewer or by,
        now=now,
        detail={
            "rule": refused.rule,
            "plan_id": plan_id,
            "action_id": action.id,
            "verb": action.verb.value,
            "by": by,
            "message": refused.message,
        },
    )
