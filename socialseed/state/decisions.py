"""Decisions: who approved or rejected which action of which plan, when, why, until when.

Append-only: a later decision on the same action supersedes an earlier one.
"""

from __future__ import annotations

from datetime import datetime

from socialseed.clock import iso, parse_instant
from socialseed.model import Decision
from socialseed.state.handle import StateDB

POLICY_REVIEWER = "policy:auto_approve"


def record_decision(db: StateDB, decision: Decision) -> None:
    with db.conn:
        db.table("decisions").insert(
            {
                "plan_id": decision.plan_id,
                "action_id": decision.action_id,
                "verdict": decision.verdict,
                "reviewer": decision.reviewer,
                "decided_at": iso(decision.decided_at),
                "reason": decision.reason,
                "override": int(decision.override),
                "expires_at": iso(decision.expires_at) if decision.expires_at else None,
                "text": decision.text,
                "choice": decision.choice,
                "edited": int(decision.edited),
                "verb": decision.verb or None,
                "target": decision.target or None,
                "signature": decision.signature,
            }
        )


def _from_row(row: dict[str, object]) -> Decision:
    expires = row.get("expires_at")
    return Decision(
        plan_id=str(row["plan_id"]),
        action_id=str(row["action_id"]),
        verdict=str(row["verdict"]),
        reviewer=str(row["reviewer"]),
        decided_at=parse_instant(str(row["decided_at"])),
        reason=str(row.get("reason") or ""),
        override=bool(row.get("override")),
        expires_at=parse_instant(str(expires)) if expires else None,
        text=str(row["text"]) if row.get("text") is not None else None,
        choice=int(str(row["choice"])) if row.get("choice") is not None else None,
        edited=bool(row.get("edited")),
        verb=str(row.get("verb") or ""),
        target=str(row.get("target") or ""),
        signature=str(row["signature"]) if row.get("signature") else None,
    )


def latest_decisions(db: StateDB, plan_id: str) -> dict[str, Decision]:
    """The newest decision per action of a plan (expired ones included)."""
    return {action_id: d for action_id, (_, d) in newest_decisions(db, plan_id).items()}


def newest_decisions(db: StateDB, plan_id: str) -> dict[str, tuple[int, Decision]]:
    """``latest_decisions`` with each decision's row id, read in the same statement (a later
    decision has a higher id: apply compares ids to know that what it read still stands)."""
    out: dict[str, tuple[int, Decision]] = {}
    for row in db.table("decisions").rows_where("plan_id = ?", [plan_id], order_by="id"):
        out[str(row["action_id"])] = (int(row["id"]), _from_row(row))
    return out


def decisions_after(db: StateDB, after_id: int) -> list[tuple[int, Decision]]:
    """Every decision recorded after row ``after_id`` (any plan), oldest first, with its id."""
    cursor = db.conn.execute(  # the row id's range: only the new rows are looked at
        "select * from decisions where id > ? order by id", [after_id]
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor]
    return [(int(row["id"]), _from_row(row)) for row in rows]


def latest_decision(db: StateDB, plan_id: str, action_id: str) -> Decision | None:
    """The newest decision on one action of a plan (apply re-reads it before each call)."""
    cursor = db.conn.execute(  # on the connection: read before every call, so no savepoint
        "select * from decisions where plan_id = ? and action_id = ? order by id desc limit 1",
        [plan_id, action_id],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return _from_row(dict(zip([d[0] for d in cursor.description], row, strict=True)))


def decisions_on(db: StateDB, plan_id: str, action_id: str) -> list[Decision]:
    """Every decision on one action of a plan, oldest first (team approvals count reviewers)."""
    rows = db.table("decisions").rows_where(
        "plan_id = ? and action_id = ?", [plan_id, action_id], order_by="id"
    )
    return [_from_row(row) for row in rows]


def live_approvals(db: StateDB, plan_id: str, now: datetime) -> dict[str, Decision]:
    """Actions of a plan whose newest decision is an unexpired approval."""
    return {
        action_id: d
        for action_id, d in latest_decisions(db, plan_id).items()
        if d.verdict == "approve" and d.is_live(now)
    }


def describe(decision: Decision, now: datetime) -> str:
    """A short label for renderers (``show``, reports): verdict, who, override, reason, expiry."""
    verdict = "approved" if decision.verdict == "approve" else "rejected"
    text = f"{verdict} by {decision.reviewer}"
    if decision.override:
        text += " (red override)"
    if decision.reason:
        text += f': "{decision.reason}"'
    if decision.text is not None:
        how = "edited from" if decision.edited else "as"
        text += f" (reply text {how} alternative {decision.choice})"
    if not decision.is_live(now) and decision.expires_at is not None:
        text += f" (expired {iso(decision.expires_at)})"
    return text


def decision_labels(db: StateDB, plan_id: str, now: datetime) -> dict[str, str]:
    """``describe`` of the newest decision on each decided action of a plan."""
    return {aid: describe(d, now) for aid, d in latest_decisions(db, plan_id).items()}
