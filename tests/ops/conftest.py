"""Seeded state for the operations tests: a month of one account's history, built with the
real stores (plans, decisions, journal, snapshots, relationships)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from socialseed.clock import iso
from socialseed.model import Action, Decision, Outcome, Risk, Target, Verb, action_id
from socialseed.model.plan import AccountPlan, Plan
from socialseed.state import journal
from socialseed.state.accounts import ensure_account
from socialseed.state.db import open_state
from socialseed.state.decisions import POLICY_REVIEWER, record_decision
from socialseed.state.plans import record_plan
from socialseed.state.relationships import SOCIALSEED, mark_followed_back, record_follow
from socialseed.state.snapshots import record_snapshot

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
ACCOUNT = "demo-studio"


def make_action(
    verb: Verb, target: str, *, account: str = ACCOUNT, cost: float | None = None
) -> Action:
    t = Target(kind="account", id=target, handle=f"{target}.example")
    return Action(
        id=action_id(account, verb.value, t),
        account=account,
        platform="sandbox",
        verb=verb,
        target=t,
        reason="test",
        risk=Risk.GREEN,
        requires_human=False,
        cost_usd=cost,
    )


def make_plan(actions: list[Action], at: datetime) -> Plan:
    return Plan(
        actions,
        created_at=at,
        expires_at=at + timedelta(hours=24),
        config_sha256="0" * 64,
        accounts=[AccountPlan(ACCOUNT, "sandbox", "warmup", 1, 14, 0)],
    )


def run_action(
    db: Database, plan: Plan, action: Action, at: datetime, outcome: Outcome, reviewer: str
) -> None:
    record_decision(db, Decision(plan.id, action.id, "approve", reviewer, at))
    journal.record_intent(db, plan.id, action, attempt=1, now=at)
    journal.record_outcome(db, plan.id, action, outcome, attempt=1, now=at + timedelta(seconds=5))


@dataclass
class Seeded:
    db: Database
    path: Path
    plans: list[Plan]


def seed_month(db: Database, *, days: int = 30, now: datetime = NOW) -> list[Plan]:
    """``days`` days: 2 follows and 1 like a day, every third follow followed back,
    followers growing by 3 a day (a dip on one day), one rejected action, one failure."""
    ensure_account(db, ACCOUNT, "sandbox", "demo.studio")
    plans = []
    start = now - timedelta(days=days - 1)
    for day in range(days):
        at = start + timedelta(days=day) - timedelta(hours=2)
        follows = [make_action(Verb.FOLLOW, f"u{day}-{n}", cost=0.01) for n in range(2)]
        like = make_action(Verb.LIKE, f"p{day}")
        plan = make_plan([*follows, like], at)
        record_plan(db, plan)
        plans.append(plan)
        for n, action in enumerate(follows):
            reviewer = "alice@example.com" if n == 0 else POLICY_REVIEWER
            run_action(db, plan, action, at, Outcome("done", request_id=f"req-{day}-{n}"), reviewer)
            record_follow(db, ACCOUNT, action.target.id, origin=SOCIALSEED, at=at)
            if (day * 2 + n) % 3 == 0:
                mark_followed_back(db, ACCOUNT, action.target.id, at=at + timedelta(hours=1))
        record_decision(
            db, Decision(plan.id, like.id, "reject", "bob@example.com", at, "off-topic")
        )
        followers = 100 + 3 * day - (10 if day == 10 else 0)
        record_snapshot(
            db,
            ACCOUNT,
            taken_at=at + timedelta(hours=1),
            followers=followers,
            following=50 + 2 * day,
        )
    last = plans[-1]
    failing = make_action(Verb.LIKE, "p-fail")
    run_action(
        db,
        last,
        failing,
        now - timedelta(hours=1),
        Outcome("failed", "HTTP 500 from the sandbox", 500, "req-fail"),
        "alice@example.com",
    )
    return plans


@pytest.fixture
def seeded(state_path: Path) -> Seeded:
    db = open_state(state_path)
    plans = seed_month(db)
    return Seeded(db=db, path=state_path, plans=plans)


def lock_held_by_ci(db: Database, account: str, *, now: datetime = NOW) -> None:
    """An apply lock on ``account`` held by another machine ("ci" on host h), for two hours."""
    db["locks"].insert(
        {
            "account": account,
            "owner": "ci",
            "host": "h",
            "pid": 7,
            "started_at": iso(now),
            "expires_at": iso(now + timedelta(hours=2)),
        }
    )


def turned_red(db: Database, account: str, *, now: datetime = NOW) -> None:
    """An audit row saying apply turned ``account`` red an hour before ``now``."""
    db["audit"].insert(
        {
            "at": iso(now - timedelta(hours=1)),
            "account": account,
            "kind": "health_red",
            "actor": "socialseed apply",
            "detail": "{}",
        }
    )
