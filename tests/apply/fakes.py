"""A small scripted Platform and helpers to build a plan with approvals, for apply tests."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from socialseed.apply.context import Event, Options
from socialseed.apply.executor import Applier, Report
from socialseed.clock import FakeClock
from socialseed.config.digest import config_digest
from socialseed.config.schema import Account, Config, Phase
from socialseed.model import (
    Action,
    Capabilities,
    Decision,
    Outcome,
    Page,
    PolicyPack,
    Post,
    Profile,
    RateInfo,
    Risk,
    Source,
    Target,
    Verb,
    action_id,
)
from socialseed.model.plan import AccountPlan, Plan
from socialseed.model.review import alternatives
from socialseed.platforms.base import Platform as BasePlatform
from socialseed.state import locks
from socialseed.state.db import open_state
from socialseed.state.decisions import record_decision
from socialseed.state.plans import record_plan

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CAPS = Capabilities(
    platform="sandbox",
    supports=frozenset(Verb),
    sources=frozenset(),
    pack=PolicyPack(requires_human=frozenset()),
)


class Landed(Exception):
    """Script marker: the call takes effect, then ``error`` is raised (a lost answer)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class World:
    """What is in effect on the fake network, shared by every fake account."""

    effects: set[tuple[str, str, str]] = field(default_factory=set)
    calls: list[tuple[str, str, str]] = field(default_factory=list)
    verifies: list[str] = field(default_factory=list)


class FakePlatform(BasePlatform):
    """Executes by adding to ``world``; ``script[action_id]`` lists errors to raise first."""

    name = "sandbox"

    def __init__(
        self,
        account: Account,
        world: World,
        script: dict[str, list[Exception]] | None = None,
        rate: RateInfo | None = None,
    ) -> None:
        super().__init__(account.id, account.handle, CAPS)
        self.world = world
        self.script = script if script is not None else {}
        if rate is not None:
            self.last_rate = {"write": rate}
        self.closed = False

    async def execute(self, action: Action) -> Outcome:
        key = (action.account, action.verb.value, action.target.key)
        self.world.calls.append(key)
        queue = self.script.get(action.id) or []
        if queue:
            item = queue.pop(0)
            if isinstance(item, Landed):
                self.world.effects.add(key)
                raise item.error
            raise item
        if key in self.world.effects:
            return Outcome("already")
        self.world.effects.add(key)
        return Outcome("done", http_status=200, remote_ref=f"ref-{action.id}")

    async def verify(self, action: Action) -> bool:
        self.world.verifies.append(action.id)
        return (action.account, action.verb.value, action.target.key) in self.world.effects

    async def me(self) -> Profile:
        return Profile(platform="sandbox", id=self.account_id, handle=self.handle)

    async def lookup(self, handle: str) -> Profile:
        return Profile(platform="sandbox", id=handle, handle=handle)

    async def discover(self, source: Source, cursor: str | None = None) -> Page:
        return Page([])

    async def recent_posts(self, user_id: str, limit: int = 5) -> list[Post]:
        return []

    async def aclose(self) -> None:
        self.closed = True


def config(
    accounts: Iterable[str] = ("alpha", "beta"),
    *,
    daily: dict[str, int] | None = None,
    hourly: dict[str, int] | None = None,
    **policy: object,
) -> Config:
    phase = Phase(
        name="growth",
        daily=daily if daily is not None else {"follow": 500, "like": 500, "unfollow": 500},
        hourly=hourly or {},
    )
    return Config.model_validate(
        {
            "accounts": [
                Account(
                    id=a,
                    platform="sandbox",
                    handle=f"{a}.test",
                    phases="std",
                    start_date=date(2026, 11, 1),
                ).model_dump()
                for a in accounts
            ],
            "phases": {"std": [phase.model_dump()]},
            "policy": policy,
        }
    )


def action(account: str, verb: Verb, n: int, *, risk: Risk = Risk.GREEN) -> Action:
    target = Target(kind="account", id=f"u{n}", handle=f"user{n}.test")
    if verb in (Verb.LIKE, Verb.REPOST):
        target = Target(kind="post", id=f"u{n}", handle=f"user{n}.test", post_id=f"p{n}")
    return Action(
        id=action_id(account, verb.value, target),
        account=account,
        platform="sandbox",
        verb=verb,
        target=target,
        reason="test",
        risk=risk,
        seq=n,
    )


def plan_for(
    cfg: Config,
    actions: list[Action],
    *,
    now: datetime = NOW,
    serials: dict[str, int] | None = None,
) -> Plan:
    names = sorted({a.account for a in actions})
    return Plan(
        actions,
        created_at=now,
        expires_at=now + timedelta(hours=24),
        config_sha256=config_digest(cfg),
        accounts=[
            AccountPlan(
                account=n,
                platform="sandbox",
                phase="growth",
                phase_day=1,
                phase_days=None,
                state_serial=(serials or {}).get(n, 0),
            )
            for n in names
        ],
    )


def approve(
    db: Database,
    plan: Plan,
    actions: Iterable[Action],
    *,
    now: datetime = NOW,
    ttl: timedelta = timedelta(hours=24),
    verdict: str = "approve",
) -> None:
    record_plan(db, plan)
    for a in actions:
        # a reply's approval carries its text, as review records it: the first alternative
        said = alternatives(a)[0] if a.verb is Verb.REPLY and verdict == "approve" else None
        record_decision(
            db,
            Decision(
                plan.id,
                a.id,
                verdict,
                "tester@example.com",
                now,
                expires_at=now + ttl,
                text=said,
                choice=1 if said is not None else None,
            ),
        )


def state(where: Path | str) -> Database:
    """The state in a test's folder (a SQLite file there), or at ``where`` (a file path or a
    PostgreSQL URL: the ``state_where`` fixture)."""
    if isinstance(where, Path) and where.is_dir():
        return open_state(where / "state.sqlite")
    return open_state(where)  # type: ignore[return-value]


ME = locks.Me(owner="tester (test run)", host="testhost", pid=4242)


@dataclass
class Harness:
    db: Database
    cfg: Config
    plan: Plan
    world: World = field(default_factory=World)
    clock: FakeClock = field(default_factory=lambda: FakeClock(NOW))
    scripts: dict[str, dict[str, list[Exception]]] = field(default_factory=dict)
    rates: dict[str, RateInfo] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    platforms: dict[str, FakePlatform] = field(default_factory=dict)

    def factory(self, account: Account) -> FakePlatform:
        platform = FakePlatform(
            account, self.world, self.scripts.get(account.id), self.rates.get(account.id)
        )
        self.platforms[account.id] = platform
        return platform

    async def run(
        self,
        options: Options = Options(),
        me: locks.Me = ME,
        alive: locks.PidAlive | None = None,
    ) -> Report:
        applier = Applier(
            self.db,
            self.plan,
            self.cfg,
            clock=self.clock,
            lock_clock=self.clock,  # waiting for a lock fast-forwards too, in these tests
            rng=random.Random(7),
            platform_for=self.factory,
            me=me,
            on_event=self.events.append,
            options=options,
            capabilities_for=lambda account: CAPS,
            alive=alive or (lambda pid: pid == ME.pid),
        )
        return await applier.run()

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]
