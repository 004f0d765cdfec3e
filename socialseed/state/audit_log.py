"""The audit trail: decisions, journal outcomes and audit-log lines merged into one timeline.

Each entry says when, which account, what kind (``decision``, ``execution``, ``pause``,
``resume``, ...), who (the reviewer, or ``socialseed`` for executions), the action and its
target, the outcome, the platform's request id, and for executions who approved them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from socialseed.clock import iso, parse_instant
from socialseed.state.handle import StateDB

COLUMNS = (
    "at",
    "account",
    "kind",
    "actor",
    "plan_id",
    "action_id",
    "verb",
    "target",
    "outcome",
    "request_id",
    "approved_by",
    "detail",
)


@dataclass(frozen=True)
class Entry:
    at: datetime
    account: str
    kind: str
    actor: str
    plan_id: str = ""
    action_id: str = ""
    verb: str = ""
    target: str = ""
    outcome: str = ""
    request_id: str = ""
    approved_by: str = ""
    detail: str = ""

    def to_data(self) -> dict[str, str]:
        data = {name: str(getattr(self, name)) for name in COLUMNS}
        data["at"] = iso(self.at)
        return data


def trail(db: StateDB, *, account: str | None = None, since: datetime | None = None) -> list[Entry]:
    """The whole trail (or one account's, or since a time), oldest first."""
    actions = _actions(db)
    approvers = _approvers(db)
    entries = [
        *_decisions(db, actions, since),
        *_executions(db, approvers, since),
        *_audit_lines(db, since),
    ]
    if account is not None:
        entries = [e for e in entries if e.account in (account, "*")]
    return sorted(entries, key=lambda e: (e.at, _KIND_ORDER.get(e.kind, 9)))


_KIND_ORDER = {"decision": 0, "execution": 1}


def _since(column: str, since: datetime | None) -> tuple[str | None, list[str]]:
    return (f"{column} >= ?", [iso(since)]) if since else (None, [])


def _actions(db: StateDB) -> dict[tuple[str, str], dict[str, object]]:
    out = {}
    for row in db.table("actions").rows_where(select="plan_id, action_id, account, verb, data"):
        out[(str(row["plan_id"]), str(row["action_id"]))] = row
    return out


def _approvers(db: StateDB) -> dict[tuple[str, str], str]:
    """The newest approver per (plan, action)."""
    out: dict[tuple[str, str], str] = {}
    for row in db.table("decisions").rows_where("verdict = 'approve'", order_by="id"):
        out[(str(row["plan_id"]), str(row["action_id"]))] = str(row["reviewer"])
    return out


def _target_text(raw: object) -> str:
    """A readable target: the handle (and post id) from a Target's data or its JSON."""
    data = raw
    if isinstance(raw, str) and raw.startswith("{"):
        try:
            data = json.loads(raw)
        except ValueError:
            return raw
    if not isinstance(data, dict):
        return str(raw or "")
    handle = str(data.get("handle") or data.get("id") or "")
    return f"{handle} post {data['post_id']}" if data.get("post_id") else handle


def _decisions(
    db: StateDB, actions: dict[tuple[str, str], dict[str, object]], since: datetime | None
) -> list[Entry]:
    where, args = _since("decided_at", since)
    out = []
    for row in db.table("decisions").rows_where(where, args, order_by="id"):
        key = (str(row["plan_id"]), str(row["action_id"]))
        action = actions.get(key, {})
        data = json.loads(str(action.get("data") or "{}"))
        detail = str(row.get("reason") or "")
        if row.get("override"):
            detail = ("override; " + detail).strip("; ")
        out.append(
            Entry(
                at=parse_instant(str(row["decided_at"])),
                account=str(action.get("account") or data.get("account") or ""),
                kind="decision",
                actor=str(row["reviewer"]),
                plan_id=key[0],
                action_id=key[1],
                verb=str(action.get("verb") or ""),
                target=_target_text(data.get("target")),
                outcome=str(row["verdict"]),
                detail=detail,
            )
        )
    return out


def _executions(
    db: StateDB, approvers: dict[tuple[str, str], str], since: datetime | None
) -> list[Entry]:
    where = "kind = 'outcome'" + (" and at >= ?" if since else "")
    args = [iso(since)] if since else []
    out = []
    for row in db.table("journal").rows_where(where, args, order_by="id"):
        key = (str(row["plan_id"]), str(row["action_id"]))
        out.append(
            Entry(
                at=parse_instant(str(row["at"])),
                account=str(row["account"]),
                kind="execution",
                actor="socialseed",
                plan_id=key[0],
                action_id=key[1],
                verb=str(row.get("verb") or ""),
                target=_target_text(row.get("target")),
                outcome=_outcome_text(row),
                request_id=str(row.get("request_id") or ""),
                approved_by=approvers.get(key, ""),
                detail=str(row.get("error") or ""),
            )
        )
    return out


def _outcome_text(row: dict[str, object]) -> str:
    status = str(row.get("status") or "")
    return f"{status} (HTTP {row['http_status']})" if row.get("http_status") else status


def _audit_lines(db: StateDB, since: datetime | None) -> list[Entry]:
    where, args = _since("at", since)
    out = []
    for row in db.table("audit").rows_where(where, args, order_by="id"):
        if row["kind"] == "rejection_lifted":
            out.append(_lift_entry(row))
            continue
        if row["kind"] == "approval_refused":
            out.append(_refusal_entry(row))
            continue
        if row["kind"] == "replan_dropped":
            out.append(_dropped_entry(row))
            continue
        out.append(
            Entry(
                at=parse_instant(str(row["at"])),
                account=str(row["account"]),
                kind=str(row["kind"]),
                actor=str(row.get("actor") or ""),
                detail=_detail_text(row.get("detail")),
            )
        )
    return out


def _lift_entry(row: dict[str, object]) -> Entry:
    """A lifted rejection: which action it was, who lifted it and why, and the "no" it ends."""
    data = json.loads(str(row.get("detail") or "{}"))
    said = f': "{data["reason"]}"' if data.get("reason") else ""
    return Entry(
        at=parse_instant(str(row["at"])),
        account=str(row["account"]),
        kind="rejection_lifted",
        actor=str(row.get("actor") or ""),
        plan_id=str(data.get("plan_id") or ""),
        action_id=str(data.get("action_id") or ""),
        verb=str(data.get("verb") or ""),
        target=str(data.get("target_handle") or data.get("target_id") or ""),
        outcome="lifted",
        detail=f"{data.get('lift_reason') or ''} (rejected by {data.get('reviewer')} on "
        f"{data.get('rejected_at')}{said})",
    )


def _refusal_entry(row: dict[str, object]) -> Entry:
    """An approval that did not count (policy.reviewers): the rule, whose, and why."""
    data = json.loads(str(row.get("detail") or "{}"))
    return Entry(
        at=parse_instant(str(row["at"])),
        account=str(row["account"]),
        kind="approval_refused",
        actor=str(row.get("actor") or ""),
        plan_id=str(data.get("plan_id") or ""),
        action_id=str(data.get("action_id") or ""),
        verb=str(data.get("verb") or ""),
        outcome=f"refused: {data.get('rule')}",
        detail=f"{data.get('message') or ''} (by {data.get('by') or 'socialseed'})",
    )


def _dropped_entry(row: dict[str, object]) -> Entry:
    """An approved action that ``apply --replan-if-stale`` did not run: which, and why."""
    data = json.loads(str(row.get("detail") or "{}"))
    return Entry(
        at=parse_instant(str(row["at"])),
        account=str(row["account"]),
        kind="replan_dropped",
        actor=str(row.get("actor") or ""),
        plan_id=str(data.get("plan_id") or ""),
        action_id=str(data.get("action_id") or ""),
        verb=str(data.get("verb") or ""),
        target=str(data.get("target") or ""),
        outcome="dropped",
        detail=f"{data.get('reason') or ''} (fresh plan {data.get('fresh_plan_id') or '?'})",
    )


def _detail_text(raw: object) -> str:
    text = str(raw or "")
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if isinstance(data, dict):
        return ", ".join(f"{k}={v}" for k, v in sorted(data.items()) if v not in (None, ""))
    return text
