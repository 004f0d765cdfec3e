"""The report's data: one JSON-ready dict that every renderer (text, Markdown, HTML) reads.

Built from the state alone: snapshots (followers over time), the journal (actions per day by
verb), relationships (follow-backs), decisions (approvals), action costs and the AI ledger.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime, timedelta
from itertools import pairwise
from statistics import median
from typing import Any

from socialseed.clock import iso, parse_instant
from socialseed.config.schema import Account, Config
from socialseed.limits.phases import current_phase
from socialseed.observe.experiment import experiment
from socialseed.observe.status import account_health
from socialseed.state.accounts import day_one
from socialseed.state.decisions import POLICY_REVIEWER
from socialseed.state.handle import StateDB
from socialseed.state.inbox import received
from socialseed.state.relationships import SOCIALSEED
from socialseed.state.retention import audit_horizon
from socialseed.state.snapshots import snapshots
from socialseed.state.sources import last_runway, yields
from socialseed.state.usage import phase_override

OUTBOUND = ("follow", "like", "repost", "reply")
NOT_STARTED = "not started"
ENGAGEMENT_FORMULA = (
    "engagement rate = followers gained ÷ outbound actions done "
    "(follow, like, repost, reply) in the period"
)
FOLLOW_BACK_FORMULA = (
    "follow-back rate = follows made in the period that were followed back ÷ follows made"
)


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def build_report(
    db: StateDB,
    *,
    now: datetime,
    since: datetime,
    accounts: Sequence[str] | None = None,
    config: Config | None = None,
) -> dict[str, Any]:
    """The report for ``accounts`` (default: all known) from ``since`` to ``now``.

    A period reaching back before the audit horizon (``prune --include-audit``) starts at the
    horizon instead, so that every figure counts the same days (a note says so).
    """
    ids = list(accounts) if accounts else known_accounts(db, config)
    since, notes = clip_to_horizon(db, since)
    days = days_between(since.date(), now.date())
    per_account = [_account(db, a, since, now, days, config) for a in ids]
    return {
        "generated_at": iso(now),
        "since": iso(since),
        "until": iso(now),
        "days": [d.isoformat() for d in days],
        "formulas": {
            "engagement_rate": ENGAGEMENT_FORMULA,
            "follow_back_rate": FOLLOW_BACK_FORMULA,
        },
        "accounts": per_account,
        "ai": ai_costs(db, since, now),
        "totals": _totals(per_account),
        "notes": notes,
    }


def clip_to_horizon(db: StateDB, since: datetime) -> tuple[datetime, list[str]]:
    """``since``, moved up to the audit horizon when it is earlier; and the note saying so."""
    horizon = audit_horizon(db)
    if horizon is None or since >= horizon:
        return since, []
    return horizon, [
        f"the period starts at {iso(horizon)}, not {iso(since)}: the audit trail before it "
        "was deleted by 'socialseed prune --include-audit', so every figure here counts only "
        "the days since"
    ]


def known_accounts(db: StateDB, config: Config | None) -> list[str]:
    if config is not None:
        return [a.id for a in config.accounts]
    return [str(r["id"]) for r in db.table("accounts").rows_where("id != '*'", order_by="id")]


def _account(
    db: StateDB,
    account: str,
    since: datetime,
    now: datetime,
    days: list[date],
    config: Config | None,
) -> dict[str, Any]:
    follows_made, backs = follow_backs(db, account, since, now)
    growth = followers_series(db, account, since, now)
    actions = actions_per_day(db, account, since, now, days)
    outbound = sum(n for verb, n in actions["totals"].items() if verb in OUTBOUND)
    gained = growth["gained"]
    return {
        "account": account,
        "platform": _platform(db, account, config),
        "followers": growth,
        "actions": actions,
        "follow_backs": {
            "follows_made": follows_made,
            "followed_back": backs,
            "rate": round(backs / follows_made, 4) if follows_made else None,
        },
        "approvals": approvals(db, account, since, now),
        "api_cost_usd": api_cost(db, account, since, now),
        "engagement_rate": round(gained / outbound, 4) if outbound and gained is not None else None,
        "phases": phases_by_day(db, config, account, days),
        "health": account_health(db, account, now=now).to_data(),
        "conversations": conversations(db, account, since, now),
        "experiment": experiment(db, account, since, now),
        "discovery": discovery(db, account),
    }


def discovery(db: StateDB, account: str) -> dict[str, Any]:
    """The last plan's runway and each source's yield, summed over plans."""
    runway = last_runway(db, account)
    return {
        "runway": {"days": runway.days, "note": runway.note} if runway else None,
        "sources": [asdict(y) for y in yields(db, [account])[account]],
    }


def conversations(db: StateDB, account: str, since: datetime, now: datetime) -> dict[str, Any]:
    """Messages received in the period, answered, hidden; the median first response (hours,
    from the message to our reply); questions asked, those answered within a day, and those
    still unanswered after a day."""
    got = [r for r in received(db, account) if since <= r.item.message.created_at <= now]
    waits = sorted(
        (r.answered_at - r.item.message.created_at).total_seconds() / 3600
        for r in got
        if r.answered_at is not None
    )
    questions = [r for r in got if r.question]
    old_questions = sum(
        1 for r in questions if r.unanswered and now - r.item.message.created_at > timedelta(days=1)
    )
    return {
        "received": len(got),
        "answered": len(waits),
        "questions": len(questions),
        "questions_answered_within_a_day": sum(
            1
            for r in questions
            if r.answered_at is not None
            and r.answered_at - r.item.message.created_at <= timedelta(days=1)
        ),
        "hidden": sum(1 for r in got if r.hidden_at is not None),
        "median_first_response_hours": round(median(waits), 2) if waits else None,
        "unanswered_questions_over_a_day": old_questions,
    }


def _platform(db: StateDB, account: str, config: Config | None) -> str:
    if config is not None:
        found = [a.platform for a in config.accounts if a.id == account]
        if found:
            return found[0]
    rows = list(db.table("accounts").rows_where("id = ?", [account], select="platform"))
    return str(rows[0]["platform"] or "") if rows else ""


def followers_series(db: StateDB, account: str, since: datetime, now: datetime) -> dict[str, Any]:
    """The last snapshot of each day, and gains and losses between consecutive days."""
    daily: dict[str, dict[str, Any]] = {}
    for snap in snapshots(db, account, since=since):
        if snap.taken_at <= now and snap.followers is not None:
            daily[snap.taken_at.date().isoformat()] = {
                "date": snap.taken_at.date().isoformat(),
                "followers": snap.followers,
                "following": snap.following,
            }
    points = [daily[k] for k in sorted(daily)]
    deltas = [b["followers"] - a["followers"] for a, b in pairwise(points)]
    return {
        "points": points,
        "start": points[0]["followers"] if points else None,
        "end": points[-1]["followers"] if points else None,
        "net": points[-1]["followers"] - points[0]["followers"] if points else None,
        "gained": sum(d for d in deltas if d > 0) if points else None,
        "lost": -sum(d for d in deltas if d < 0) if points else None,
    }


def actions_per_day(
    db: StateDB, account: str, since: datetime, now: datetime, days: list[date]
) -> dict[str, Any]:
    """Executed actions (journal outcomes ``done``) per day and verb; failures counted apart."""
    rows = db.conn.execute(
        "select substr(at, 1, 10), verb, status, count(*) from journal where account = ? "
        "and kind = 'outcome' and at >= ? and at <= ? group by 1, 2, 3",
        [account, iso(since), iso(now)],
    )
    done: dict[str, Counter[str]] = defaultdict(Counter)
    failed = 0
    for day, verb, status, count in rows:
        if status == "done":
            done[str(day)][str(verb)] += int(count)
        elif status == "failed":
            failed += int(count)
    verbs = sorted({v for c in done.values() for v in c})
    per_day = [{"date": d.isoformat(), **{v: done[d.isoformat()][v] for v in verbs}} for d in days]
    totals = {v: sum(c[v] for c in done.values()) for v in verbs}
    return {"verbs": verbs, "per_day": per_day, "totals": totals, "failed": failed}


def follow_backs(db: StateDB, account: str, since: datetime, now: datetime) -> tuple[int, int]:
    """(follows SocialSeed made in the period, how many of them followed back)."""
    made, back = db.conn.execute(
        "select count(*), count(followed_back_at) from relationships where account = ? "
        "and origin = ? and since >= ? and since <= ?",
        [account, SOCIALSEED, iso(since), iso(now)],
    ).fetchone()
    return int(made), int(back)


def approvals(db: StateDB, account: str, since: datetime, now: datetime) -> dict[str, int]:
    """Decisions on the account's actions: by a person, by policy, rejected, overridden."""
    rows = db.conn.execute(
        "select d.verdict, d.reviewer, d.override from decisions d join actions a "
        "on a.plan_id = d.plan_id and a.action_id = d.action_id "
        "where a.account = ? and d.decided_at >= ? and d.decided_at <= ?",
        [account, iso(since), iso(now)],
    )
    out = {"approved": 0, "auto_approved": 0, "rejected": 0, "overridden": 0}
    for verdict, reviewer, override in rows:
        if verdict == "reject":
            out["rejected"] += 1
        elif reviewer == POLICY_REVIEWER:
            out["auto_approved"] += 1
        else:
            out["approved"] += 1
        out["overridden"] += int(bool(override))
    return out


def api_cost(db: StateDB, account: str, since: datetime, now: datetime) -> float:
    """Estimated platform cost (pay-per-use) of the actions executed in the period."""
    rows = db.conn.execute(
        "select a.data from journal j join actions a on a.plan_id = j.plan_id "
        "and a.action_id = j.action_id where j.account = ? and j.kind = 'outcome' "
        "and j.status = 'done' and j.at >= ? and j.at <= ?",
        [account, iso(since), iso(now)],
    )
    total = 0.0
    for (data,) in rows:
        total += float(json.loads(data).get("cost_usd") or 0.0)
    return round(total, 4)


def ai_costs(db: StateDB, since: datetime, now: datetime) -> dict[str, Any]:
    """The AI scoring ledger in the period, in total and per provider and model."""
    rows = db.conn.execute(
        "select provider, model, count(*), coalesce(sum(tokens_in), 0), "
        "coalesce(sum(tokens_out), 0), coalesce(sum(cost_usd), 0) from ai_usage "
        "where at >= ? and at <= ? group by 1, 2 order by 1, 2",
        [iso(since), iso(now)],
    )
    by: list[dict[str, Any]] = [
        {
            "provider": str(p),
            "model": str(m or ""),
            "requests": int(n),
            "tokens_in": int(ti),
            "tokens_out": int(to),
            "cost_usd": round(float(c), 4),
        }
        for p, m, n, ti, to, c in rows
    ]
    return {
        "requests": sum(int(b["requests"]) for b in by),
        "tokens_in": sum(int(b["tokens_in"]) for b in by),
        "tokens_out": sum(int(b["tokens_out"]) for b in by),
        "cost_usd": round(sum(float(b["cost_usd"]) for b in by), 4),
        "by_model": by,
    }


def phases_by_day(
    db: StateDB, config: Config | None, account: str, days: list[date]
) -> list[dict[str, str]]:
    """The phase the account was in on each day (needs the config; [] without it)."""
    found = [a for a in config.accounts if a.id == account] if config is not None else []
    if not found or config is None:
        return []
    acct: Account = found[0]
    phases = config.phases[acct.phases]
    override = phase_override(db, account)
    since = parse_instant(override[1]).date() if override and override[1] else None
    out = []
    start = day_one(db, acct)
    for day in days:
        if start is not None and day < start:
            out.append({"date": day.isoformat(), "phase": NOT_STARTED})
            continue
        ov = (override[0], since) if override and since and since <= day else None
        phase = current_phase(phases, start=start, today=day, override=ov)
        out.append({"date": day.isoformat(), "phase": phase.name})
    return out


def _totals(accounts: list[dict[str, Any]]) -> dict[str, Any]:
    verbs: Counter[str] = Counter()
    for acct in accounts:
        verbs.update(acct["actions"]["totals"])
    return {
        "actions": dict(sorted(verbs.items())),
        "api_cost_usd": round(sum(a["api_cost_usd"] for a in accounts), 4),
        "net_followers": sum(int(a["followers"]["net"] or 0) for a in accounts),
        "follows_made": sum(a["follow_backs"]["follows_made"] for a in accounts),
        "followed_back": sum(a["follow_backs"]["followed_back"] for a in accounts),
    }
