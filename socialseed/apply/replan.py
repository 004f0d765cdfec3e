"""Apply on merge: what of a stale reviewed plan may still run, checked against a fresh plan.

A plan reviewed in a pull request can go stale before it is applied (another apply, drift, a
config change merged meanwhile). ``apply --replan-if-stale`` then makes a fresh plan against
the current config and state, and runs only the reviewed plan's actions that are in both:
the same id (a hash of account, verb and target) with what the person approved unchanged
(risk and whether it needs a person), and an approval that is still live. Everything else the
person approved is *dropped*, each with its reason; the fresh plan's actions that nobody
reviewed never run. Pure: it is handed the plans, the decisions and ``now``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from socialseed.clock import iso
from socialseed.model import Action, Decision
from socialseed.model.plan import Plan

NOT_REVIEWED = "new in the fresh plan: nobody reviewed it, so it does not run"


@dataclass(frozen=True)
class Dropped:
    """An action that does not run, and why (shown and recorded per action id)."""

    action_id: str
    account: str
    verb: str
    target: str
    reason: str

    def to_data(self) -> dict[str, str]:
        return {
            "action_id": self.action_id,
            "account": self.account,
            "verb": self.verb,
            "target": self.target,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Intersection:
    """The reviewed actions to run, the approved ones dropped, the fresh ones not reviewed."""

    keep: tuple[str, ...]
    dropped: tuple[Dropped, ...]
    not_reviewed: tuple[Dropped, ...]


def intersect(
    reviewed: Plan,
    fresh: Plan,
    decisions: Mapping[str, Decision],
    now: datetime,
    done_elsewhere: frozenset[str] = frozenset(),
    unplanned: Mapping[str, str] | None = None,
) -> Intersection:
    """Split the reviewed plan's approved actions into those that still run and those dropped
    (``done_elsewhere``: the ids another plan's run already carried out, from the journal;
    ``unplanned``: why an account could not be planned now, e.g. it could not authenticate)."""
    fresh_by_id = {a.id: a for a in fresh.actions}
    fresh_accounts = {s.account: "" for s in fresh.accounts}
    missing = dict(unplanned or {})
    keep: list[str] = []
    dropped: list[Dropped] = []
    for action in reviewed.actions:
        decision = decisions.get(action.id)
        if decision is None or decision.verdict != "approve":
            continue  # never approved: it was not going to run, nothing is dropped
        why = _why_dropped(action, decision, fresh_by_id.get(action.id), fresh_accounts, now)
        if action.account in missing and action.account not in fresh_accounts and why:
            why = f"account {action.account} could not be planned now: {missing[action.account]}"
        if why and action.id in done_elsewhere:
            why = "already carried out by another plan's apply (the journal has it)"
        if why:
            dropped.append(_dropped(action, why))
        else:
            keep.append(action.id)
    reviewed_ids = {a.id for a in reviewed.actions}
    unreviewed = [_dropped(a, NOT_REVIEWED) for a in fresh.actions if a.id not in reviewed_ids]
    return Intersection(tuple(keep), tuple(dropped), tuple(unreviewed))


def _why_dropped(
    action: Action,
    decision: Decision,
    fresh: Action | None,
    fresh_accounts: Mapping[str, str],
    now: datetime,
) -> str:
    if not decision.is_live(now):
        expired = iso(decision.expires_at) if decision.expires_at else "already"
        return f"its approval by {decision.reviewer} expired ({expired}): review it again"
    if fresh is None:
        if action.account not in fresh_accounts:
            return (
                f"account {action.account} is not in the fresh plan (removed from the config, "
                "or disabled)"
            )
        return (
            "not in the fresh plan: against the current config and state it is no longer "
            "proposed (over today's cap, filtered out, blocklisted or rejected)"
        )
    changes = _changes(action, fresh)
    if changes:
        return f"changed since the review ({'; '.join(changes)}): review the fresh plan"
    return ""


def _changes(reviewed: Action, fresh: Action) -> list[str]:
    out: list[str] = []
    if reviewed.risk != fresh.risk:
        out.append(f"risk {reviewed.risk.value} -> {fresh.risk.value}")
    if reviewed.requires_human != fresh.requires_human:
        now_needs = "needs" if fresh.requires_human else "no longer needs"
        out.append(f"it {now_needs} a person's approval")
    return out


def _dropped(action: Action, reason: str) -> Dropped:
    return Dropped(
        action_id=action.id,
        account=action.account,
        verb=action.verb.value,
        target=action.target.handle or action.target.id,
        reason=reason,
    )
