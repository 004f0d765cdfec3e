"""Standing rejections: list them, and lift one (a person's explicit, audited decision).

A rejection stands for an account, verb and target in every later plan (the planner leaves it
out, the policy never approves it, apply never runs it) until a person lifts it here, saying
why; the lift is written to the audit log with who and when.
"""

from __future__ import annotations

from datetime import datetime

from socialseed.config.schema import VERBS
from socialseed.errors import ApprovalError
from socialseed.state import rejections as rejection_state
from socialseed.state.handle import StateDB
from socialseed.state.rejections import Rejection


def standing(db: StateDB, account: str | None = None) -> list[Rejection]:
    """The rejections nobody lifted, per account, oldest first."""
    return sorted(rejection_state.rejections(db, account), key=lambda r: r.account)


def lift_rejection(
    db: StateDB, account: str, verb: str, target: str, *, by: str, reason: str, now: datetime
) -> Rejection:
    """Lift the standing rejection of ``account``'s ``verb`` on ``target``; return it."""
    if verb not in VERBS:
        raise ApprovalError(
            f"--lift: {verb!r} is not a verb", hint=f"use one of: {', '.join(VERBS)}"
        )
    if not reason.strip():
        raise ApprovalError(
            "lifting a rejection needs a reason",
            hint=f"add --reason 'why {account} may {verb} {target} after all'; it is recorded",
        )
    found = rejection_state.matching(db, account, verb, target)
    if not found:
        raise ApprovalError(
            f"no standing rejection of {verb} {target} for account {account!r}",
            hint="list the standing rejections with 'socialseed review --rejected'",
        )
    if len(found) > 1:
        ids = ", ".join(r.action_id for r in found)
        raise ApprovalError(
            f"{verb} {target} for {account!r} matches {len(found)} rejections ({ids})",
            hint="name the target by its action id, as listed by 'socialseed review --rejected'",
        )
    rejection_state.lift(db, found[0], by=by, reason=reason.strip(), now=now)
    return found[0]
