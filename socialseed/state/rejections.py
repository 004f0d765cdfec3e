"""Rejections: a person's "no" to a target, remembered per account, verb and target.

An action id hashes the account, the verb and the target, so it is the same in every plan;
a rejection is keyed by it and outlives the plan and ``approval_ttl``: the planner never
proposes it again, the policy never approves it, apply never runs it, until a person lifts it
(``socialseed review --lift``), which is audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from socialseed.clock import iso, parse_instant
from socialseed.model import Action, Decision
from socialseed.state.handle import StateDB
from socialseed.state.tx import atomic


@dataclass(frozen=True)
class Rejection:
    action_id: str
    account: str
    verb: str
    target_id: str
    target_handle: str
    plan_id: str
    reviewer: str
    reason: str
    rejected_at: datetime
    lifted_at: datetime | None = None
    lifted_by: str = ""
    lift_reason: str = ""

    @property
    def active(self) -> bool:
        return self.lifted_at is None

    def describe(self) -> str:
        why = f': "{self.reason}"' if self.reason else ""
        return f"rejected by {self.reviewer} on {iso(self.rejected_at)}{why}"

    def to_data(self) -> dict[str, object]:
        return {
            "action_id": self.action_id,
            "account": self.account,
            "verb": self.verb,
            "target_id": self.target_id,
            "target_handle": self.target_handle,
            "plan_id": self.plan_id,
            "reviewer": self.reviewer,
            "reason": self.reason,
            "rejected_at": iso(self.rejected_at),
            "lifted_at": iso(self.lifted_at) if self.lifted_at else None,
            "lifted_by": self.lifted_by or None,
            "lift_reason": self.lift_reason or None,
        }


_DECISION = (
    "insert into decisions (plan_id, action_id, verdict, reviewer, decided_at, reason, "
    "override, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?)"
)
_REMEMBER = (
    "insert into rejections (action_id, account, verb, target_id, target_handle, target, "
    "plan_id, reviewer, reason, rejected_at, lifted_at, lifted_by, lift_reason) "
    "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, null, null) on conflict (action_id) do update "
    "set plan_id = excluded.plan_id, reviewer = excluded.reviewer, reason = excluded.reason, "
    "rejected_at = excluded.rejected_at, lifted_at = null, lifted_by = null, lift_reason = null"
)


def record_rejection(db: StateDB, decision: Decision, action: Action) -> None:
    """Record a person's rejection and remember it for the target, in one transaction."""
    expires = iso(decision.expires_at) if decision.expires_at else None
    target = json.dumps(action.target.to_data(), sort_keys=True)
    with atomic(db) as conn:
        conn.execute(
            _DECISION,
            (
                decision.plan_id,
                decision.action_id,
                decision.verdict,
                decision.reviewer,
                iso(decision.decided_at),
                decision.reason,
                int(decision.override),
                expires,
            ),
        )
        conn.execute(
            _REMEMBER,
            (
                action.id,
                action.account,
                action.verb.value,
                action.target.id,
                action.target.handle,
                target,
                decision.plan_id,
                decision.reviewer,
                decision.reason,
                iso(decision.decided_at),
            ),
        )


def _when(value: object) -> datetime | None:
    return parse_instant(str(value)) if value else None


def _from_row(row: dict[str, object]) -> Rejection:
    return Rejection(
        action_id=str(row["action_id"]),
        account=str(row["account"]),
        verb=str(row["verb"]),
        target_id=str(row["target_id"]),
        target_handle=str(row.get("target_handle") or ""),
        plan_id=str(row.get("plan_id") or ""),
        reviewer=str(row.get("reviewer") or ""),
        reason=str(row.get("reason") or ""),
        rejected_at=parse_instant(str(row["rejected_at"])),
        lifted_at=_when(row.get("lifted_at")),
        lifted_by=str(row.get("lifted_by") or ""),
        lift_reason=str(row.get("lift_reason") or ""),
    )


def rejections(
    db: StateDB, account: str | None = None, *, include_lifted: bool = False
) -> list[Rejection]:
    """Remembered rejections (active ones unless ``include_lifted``), oldest first."""
    clauses, args = [], []
    if account is not None:
        clauses.append("account = ?")
        args.append(account)
    if not include_lifted:
        clauses.append("lifted_at is null")
    where = " and ".join(clauses) or None
    rows = db.table("rejections").rows_where(where, args, order_by="rejected_at, action_id")
    return [_from_row(row) for row in rows]


def rejected_ids(db: StateDB, account: str) -> frozenset[str]:
    """The action ids a person rejected for ``account`` and nobody lifted."""
    rows = db.conn.execute(
        "select action_id from rejections where account = ? and lifted_at is null", [account]
    )
    return frozenset(str(row[0]) for row in rows)


def active_rejection(db: StateDB, action_id: str) -> Rejection | None:
    """The standing rejection of this account, verb and target, if any."""
    cursor = db.conn.execute(  # on the connection: read before every call, so no savepoint
        "select * from rejections where action_id = ? and lifted_at is null limit 1", [action_id]
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return _from_row(dict(zip([d[0] for d in cursor.description], row, strict=True)))


def matching(db: StateDB, account: str, verb: str, target: str) -> list[Rejection]:
    """Standing rejections of ``account``'s ``verb`` on ``target`` (an id, a handle with or
    without ``@``, or the action id)."""
    wanted = target.strip().lstrip("@").lower()
    return [
        r
        for r in rejections(db, account)
        if r.verb == verb
        and wanted in {r.target_id.lower(), r.target_handle.lstrip("@").lower(), r.action_id}
    ]


def lift(db: StateDB, found: Rejection, *, by: str, reason: str, now: datetime) -> None:
    """Lift a standing rejection (a person's explicit decision), with an audit line."""
    detail = found.to_data() | {"lift_reason": reason}
    with atomic(db) as conn:
        conn.execute(
            "update rejections set lifted_at = ?, lifted_by = ?, lift_reason = ? "
            "where action_id = ?",
            (iso(now), by, reason, found.action_id),
        )
        conn.execute(
            "insert into audit (at, account, kind, actor, detail) values (?, ?, ?, ?, ?)",
            (iso(now), found.account, "rejection_lifted", by, json.dumps(detail, sort_keys=True)),
        )
