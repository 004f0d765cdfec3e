"""Totals over the journal, the audit log and the AI ledger, for ``socialseed metrics``.

Each query groups the whole table once, so that the exposition of a hundred accounts with a
month of history costs a handful of scans, not a few per account. Values are since the
oldest row kept: ``prune`` deletes old rows, which Prometheus treats as a counter reset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from socialseed.clock import iso, parse_instant
from socialseed.state.handle import StateDB

WAIT = "wait"  # audit kind of a sleep during apply (pacing or a platform's rate limit)


@dataclass(frozen=True)
class ActionCount:
    account: str
    verb: str
    status: str  # done | already | failed | skipped
    http_status: int | None
    count: int


@dataclass(frozen=True)
class FailedOutcome:
    """A failed (or 429) journal outcome, for telling blocks and rate limits apart."""

    account: str
    verb: str
    status: str
    http_status: int | None
    error: str


@dataclass(frozen=True)
class AuditCount:
    account: str
    kind: str
    count: int


@dataclass(frozen=True)
class WaitTotal:
    account: str
    cause: str  # rate_limit | pacing
    count: int
    seconds: float


@dataclass(frozen=True)
class AiTotal:
    provider: str
    model: str
    outcome: str
    requests: int
    tokens_in: int
    tokens_out: int
    cost_usd: float


def action_counts(db: StateDB) -> list[ActionCount]:
    rows = db.execute(
        "select account, verb, status, http_status, count(*) from journal "
        "where kind = 'outcome' group by account, verb, status, http_status"
    ).fetchall()
    return [ActionCount(str(a), str(v or ""), str(s or ""), h, int(n)) for a, v, s, h, n in rows]


def failed_outcomes(db: StateDB) -> list[FailedOutcome]:
    rows = db.execute(
        "select account, verb, status, http_status, error from journal "
        "where kind = 'outcome' and (status = 'failed' or http_status = 429)"
    ).fetchall()
    return [FailedOutcome(str(a), str(v or ""), str(s), h, str(e or "")) for a, v, s, h, e in rows]


def audit_counts(db: StateDB) -> list[AuditCount]:
    rows = db.execute("select account, kind, count(*) from audit group by account, kind")
    return [AuditCount(str(a), str(k), int(n)) for a, k, n in rows.fetchall()]


def record_wait(
    db: StateDB, account: str, *, cause: str, seconds: float, reason: str, now: datetime
) -> None:
    """Append one apply sleep to the audit log (its reason names no target)."""
    detail = {"cause": cause, "seconds": round(seconds, 3), "reason": reason}
    with db.conn:
        db.table("audit").insert(
            {
                "at": iso(now),
                "account": account,
                "kind": WAIT,
                "actor": "socialseed apply",
                "detail": json.dumps(detail, sort_keys=True),
            }
        )


def wait_totals(db: StateDB) -> list[WaitTotal]:
    rows = db.execute(
        "select account, json_extract(detail, '$.cause'), count(*), "
        "sum(coalesce(json_extract(detail, '$.seconds'), 0)) from audit where kind = ? "
        "group by 1, 2",
        [WAIT],
    ).fetchall()
    return [WaitTotal(str(a), str(c or "pacing"), int(n), float(s or 0)) for a, c, n, s in rows]


def ai_totals(db: StateDB) -> list[AiTotal]:
    rows = db.execute(
        "select provider, model, coalesce(outcome, 'ok'), count(*), sum(coalesce(tokens_in, 0)), "
        "sum(coalesce(tokens_out, 0)), sum(coalesce(cost_usd, 0)) from ai_usage group by 1, 2, 3"
    ).fetchall()
    return [
        AiTotal(str(p or ""), str(m or ""), str(o), int(n), int(ti or 0), int(to or 0), float(c))
        for p, m, o, n, ti, to, c in rows
    ]


def last_plan_cost(db: StateDB) -> float | None:
    """What the AI cost for the newest plan that used it (``None`` without any)."""
    row = db.execute(
        "select plan_id, sum(coalesce(cost_usd, 0)) from ai_usage where plan_id is not null "
        "group by plan_id order by max(at) desc limit 1"
    ).fetchone()
    return float(row[1]) if row else None


def notification_counts(db: StateDB) -> list[tuple[str, str, int]]:
    """(target, outcome, count) of notifications, from the audit log's ``notify_*`` lines."""
    rows = db.execute(
        "select json_extract(detail, '$.target'), kind, count(*) from audit "
        "where kind in ('notify_sent', 'notify_failed') group by 1, 2"
    ).fetchall()
    return [(str(t or ""), str(k).removeprefix("notify_"), int(n)) for t, k, n in rows]


def token_expiry(db: StateDB) -> dict[str, datetime]:
    """When each account's stored credentials stop working without a new login.

    A refreshable token lasts until its refresh token expires (no date: no expiry known);
    otherwise until the access token expires.
    """
    found: dict[str, datetime] = {}
    for account, meta_text in db.execute("select account, meta from tokens").fetchall():
        meta = json.loads(meta_text or "{}")
        if not isinstance(meta, dict):
            continue
        key = "refresh_expires_at" if meta.get("refreshable") else "expires_at"
        if meta.get(key):
            found[str(account)] = parse_instant(str(meta[key]))
    return found


def latest_counts(db: StateDB) -> dict[str, tuple[int | None, int | None]]:
    """Each account's newest snapshot: (followers, following)."""
    rows = db.execute(
        "select s.account, s.followers, s.following from snapshots s join "
        "(select account, max(taken_at) as t from snapshots group by account) m "
        "on s.account = m.account and s.taken_at = m.t"
    ).fetchall()
    return {str(a): (fo, fg) for a, fo, fg in rows}


def failures_since(db: StateDB, since: datetime) -> dict[str, int]:
    """Failed outcomes per account since ``since`` (rate limits are not failures of apply)."""
    rows = db.execute(
        "select account, count(*) from journal where kind = 'outcome' and status = 'failed' "
        "and coalesce(http_status, 0) != 429 and at >= ? group by account",
        [iso(since)],
    ).fetchall()
    return {str(a): int(n) for a, n in rows}
