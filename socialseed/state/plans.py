"""Saved plans: every plan made is recorded, so review and apply can find it by id."""

from __future__ import annotations

import json
from typing import Any

from socialseed.clock import iso
from socialseed.errors import PlanFileError
from socialseed.model.plan import Plan
from socialseed.state.handle import StateDB
from socialseed.state.tx import atomic


def record_plan(db: StateDB, plan: Plan, *, path: str | None = None) -> str:
    """Store a plan (idempotent: the same plan is stored once) and return its id; the plan
    and its actions in one transaction (the connection commits each statement alone)."""
    plan_id = plan.id  # hashes the whole plan: compute once, not once per action
    row = (
        plan_id,
        plan.checksum,
        iso(plan.created_at),
        iso(plan.expires_at),
        plan.config_sha256,
        path or "",
        plan.to_json(include_profiles=True, compact=True),  # read, not shown
    )
    actions = [
        (plan_id, a.id, a.seq, a.account, a.verb.value, a.risk.value, _ACTION_JSON(data))
        for a, data in zip(plan.actions, plan.action_data(), strict=True)
    ]
    with atomic(db) as conn:
        conn.execute(_UPSERT_PLAN, row)
        if actions:
            conn.executemany(_UPSERT_ACTION, actions)
    return plan_id


# an action's data as json.dumps(..., sort_keys=True) writes it (one encoder, made once)
_ACTION_JSON = json.JSONEncoder(sort_keys=True).encode
_UPSERT_PLAN = (
    "insert into plans (id, checksum, created_at, expires_at, config_sha256, path, body) "
    "values (?, ?, ?, ?, ?, ?, ?) on conflict (id) do update set "
    "checksum = excluded.checksum, created_at = excluded.created_at, "
    "expires_at = excluded.expires_at, config_sha256 = excluded.config_sha256, "
    "path = excluded.path, body = excluded.body"
)
_UPSERT_ACTION = (
    "insert into actions (plan_id, action_id, seq, account, verb, risk, data) "
    "values (?, ?, ?, ?, ?, ?, ?) on conflict (plan_id, action_id) do update set "
    "seq = excluded.seq, account = excluded.account, verb = excluded.verb, "
    "risk = excluded.risk, data = excluded.data"
)


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
