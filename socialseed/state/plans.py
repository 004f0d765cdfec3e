"""Saved plans: every plan made is recorded, so review and apply can find it by id."""

from __future__ import annotations

import json
from typing import Any

from socialseed.clock import iso
from socialseed.errors import PlanFileError
from socialseed.model.plan import Plan
from socialseed.state.handle import StateDB


def record_plan(db: StateDB, plan: Plan, *, path: str | None = None) -> str:
    """Store a plan (idempotent: the same plan is stored once) and return its id."""
    plan_id = plan.id  # hashes the whole plan: compute once, not once per action
    with db.conn:
        db.table("plans").upsert(
            {
                "id": plan.id,
                "checksum": plan.checksum,
                "created_at": iso(plan.created_at),
                "expires_at": iso(plan.expires_at),
                "config_sha256": plan.config_sha256,
                "path": path or "",
                "body": plan.to_json(include_profiles=True, compact=True),  # read, not shown
            },
            pk="id",
        )
        db.table("actions").upsert_all(
            (
                {
                    "plan_id": plan_id,
                    "action_id": a.id,
                    "seq": a.seq,
                    "account": a.account,
                    "verb": a.verb.value,
                    "risk": a.risk.value,
                    "data": json.dumps(a.to_data(), sort_keys=True),
                }
                for a in plan.actions
            ),
            pk=("plan_id", "action_id"),
        )
    return plan.id


def load_plan(db: StateDB, plan_id: str) -> Plan:
    rows = list(
        db.table("plans").rows_where("id = ? or id like ?", [plan_id, f"{plan_id}%"], limit=2)
    )
    if not rows:
        raise PlanFileError(
            f"no saved plan {plan_id!r} in the state file",
            hint="list plans with 'socialseed show --list' or make one with 'socialseed plan'",
        )
    if len(rows) > 1:
        raise PlanFileError(f"plan id {plan_id!r} is ambiguous; give more characters")
    return Plan.from_json(rows[0]["body"], source=f"saved plan {rows[0]['id']}")


def latest_plan(db: StateDB) -> Plan:
    rows = list(db.table("plans").rows_where(order_by="created_at desc, rowid desc", limit=1))
    if not rows:
        raise PlanFileError(
            "no plan has been made yet", hint="make one with 'socialseed plan -o plan.json'"
        )
    return Plan.from_json(rows[0]["body"], source=f"saved plan {rows[0]['id']}")


def saved_plans(db: StateDB, limit: int = 50) -> list[dict[str, Any]]:
    """Id, times, action counts and accounts of the newest saved plans."""
    rows = db.conn.execute(
        "select id, created_at, expires_at, path, body from plans "
        "order by created_at desc, rowid desc limit ?",
        [limit],
    )
    out = []
    for plan_id, created, expires, path, body in rows:
        data = json.loads(body)
        summary = data.get("summary") or {}
        out.append(
            {
                "id": plan_id,
                "created_at": created,
                "expires_at": expires,
                "path": path or None,
                "actions": summary.get("total", 0),
                "accounts": sorted((summary.get("by_account") or {}).keys()),
            }
        )
    return out
