"""Load the rows that ``observe.health`` judges, and store its verdict on the account."""

from __future__ import annotations

import json
from datetime import datetime

from socialseed.clock import iso, parse_instant
from socialseed.model.health import FollowRow, Health, OutcomeRow, Signal
from socialseed.state.handle import StateDB
from socialseed.state.relationships import SOCIALSEED

FOLLOW_BACK_DAYS = 30  # health judges the follow-back rate of the last month's follows


def outcomes(db: StateDB, account: str, *, since: datetime) -> list[OutcomeRow]:
    rows = db.execute(  # tuples, not dicts: status and metrics read this for every account
        "select at, verb, status, http_status, error from journal "
        "where account = ? and kind = 'outcome' and at >= ? order by at",
        [account, iso(since)],
    ).fetchall()
    return [
        OutcomeRow(
            at=parse_instant(str(at)),
            verb=str(verb or ""),
            status=str(status or ""),
            http_status=http_status,
            error=str(error or ""),
        )
        for at, verb, status, http_status, error in rows
    ]


def signals(db: StateDB, account: str, *, since: datetime) -> list[Signal]:
    rows = db.table("audit").rows_where(
        "account = ? and at >= ?", [account, iso(since)], order_by="at"
    )
    return [
        Signal(at=parse_instant(str(r["at"])), kind=str(r["kind"]), detail=str(r["detail"] or ""))
        for r in rows
    ]


def last_resume(db: StateDB, account: str) -> datetime | None:
    rows = list(
        db.table("audit").rows_where(
            "account in (?, '*') and kind = 'resume'", [account], order_by="at desc", limit=1
        )
    )
    return parse_instant(str(rows[0]["at"])) if rows else None


def follows(db: StateDB, account: str, *, since: datetime) -> list[FollowRow]:
    """SocialSeed's follows made since ``since``, with their follow-back times."""
    rows = db.conn.execute(
        "select since, followed_back_at from relationships where account = ? and origin = ? "
        "and since >= ?",
        [account, SOCIALSEED, iso(since)],
    )
    return [
        FollowRow(
            since=parse_instant(str(made)) if made else None,
            followed_back_at=parse_instant(str(back)) if back else None,
        )
        for made, back in rows
    ]


def store_health(db: StateDB, account: str, health: Health, *, now: datetime) -> None:
    """Remember the verdict on the account's row (``status`` reads it back)."""
    with db.conn:
        db.table("accounts").update(
            account,
            {
                "health": health.light.value,
                "health_reasons": json.dumps(list(health.reasons)),
                "health_at": iso(now),
            },
        )
