"""Load the rows that ``observe.health`` judges, and store its verdict on the account."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from socialseed.clock import iso, parse_instant
from socialseed.model.health import FollowRow, Health, OutcomeRow, Signal
from socialseed.state.relationships import SOCIALSEED

if TYPE_CHECKING:
    from socialseed.state.handle import StateDB, StateReads

FOLLOW_BACK_DAYS = 30  # health judges the follow-back rate of the last month's follows


def outcomes(db: StateReads, account: str, *, since: datetime) -> list[OutcomeRow]:
    rows = db.conn.execute(  # tuples, not dicts: status and metrics read this for every account
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


def signals(db: StateReads, account: str, *, since: datetime) -> list[Signal]:
    rows = db.conn.execute(
        "select at, kind, detail from audit where account = ? and at >= ? order by at",
        [account, iso(since)],
    )
    return [
        Signal(at=parse_instant(str(at)), kind=str(kind), detail=str(detail or ""))
        for at, kind, detail in rows
    ]


def last_resume(db: StateReads, account: str) -> datetime | None:
    row = db.conn.execute(
        "select at from audit where account in (?, '*') and kind = 'resume' "
        "order by at desc limit 1",
        [account],
    ).fetchone()
    return parse_instant(str(row[0])) if row else None


def follows(db: StateReads, account: str, *, since: datetime) -> list[FollowRow]:
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
