"""A sandbox world, a config, and a saved plan with approvals, for end-to-end apply tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from socialseed.clock import iso, parse_instant
from socialseed.config.load import load_config
from socialseed.model import Action, Target, Verb, action_id
from socialseed.model import Risk as RiskLevel
from socialseed.model.plan import Plan
from socialseed.platforms.sandbox import ensure_world
from socialseed.platforms.sandbox.world import World
from socialseed.state.db import open_state

from .fakes import approve, plan_for

T0_TEXT = "2026-11-25T09:00:00Z"
T0 = parse_instant(T0_TEXT)

CONFIG = """\
version: 1
accounts:
{accounts}
phases:
  std:
    - {{name: growth, daily: {{follow: 1000, like: 1000}}, hourly: {{follow: {hourly}}}}}
policy:
  cooldown: 2h
sandbox:
  seed: 42
  size: {size}
  latency_ms: {latency_ms}
  limits: {{per_window: {per_window}, window_minutes: 15, daily: 1000}}
"""


@dataclass
class Setup:
    env: dict[str, str]
    config_path: Path
    plan_path: Path
    plan: Plan
    state_path: Path
    world_path: Path

    def world(self) -> World:
        return World(self.world_path)


def build(
    tmp_path: Path,
    *,
    accounts: tuple[str, ...] = ("alpha", "beta"),
    follows: int = 6,
    latency_ms: int = 0,
    per_window: int = 50,
    hourly: int = 1000,
    now: datetime = T0,
    size: int = 200,
) -> Setup:
    lines = "\n".join(
        f"  - {{id: {a}, platform: sandbox, handle: {a}.test, phases: std, start_date: 2026-11-01}}"
        for a in accounts
    )
    config_path = tmp_path / "socialseed.yaml"
    config_path.write_text(
        CONFIG.format(
            accounts=lines, latency_ms=latency_ms, per_window=per_window, hourly=hourly, size=size
        )
    )
    cfg = load_config(config_path)
    world_path = tmp_path / "world.sqlite"
    ensure_world(world_path, cfg.sandbox, _Clock(now))
    users = World(world_path).static_users()
    picks = [
        (i, n, users[(i * follows + n) % len(users)])
        for i in range(len(accounts))
        for n in range(follows)
    ]
    actions = [_follow(accounts[i], u.id, u.handle, n) for i, n, u in picks]
    plan = plan_for(cfg, actions, now=now)
    state_path = tmp_path / "state.sqlite"
    db = open_state(state_path)
    approve(db, plan, actions, now=now, ttl=timedelta(hours=24))
    db.conn.close()
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(plan.to_json())
    env = {
        "SOCIALSEED_STATE": str(state_path),
        "SOCIALSEED_SANDBOX": str(world_path),
        "SOCIALSEED_NOW": iso(now),
        "SOCIALSEED_NO_INPUT": "1",
        "SOCIALSEED_REVIEWER": "tester@example.com",
        "NO_COLOR": "1",
    }
    return Setup(env, config_path, plan_path, plan, state_path, world_path)


def _follow(account: str, user_id: str, handle: str, n: int) -> Action:
    target = Target(kind="account", id=user_id, handle=handle)
    return Action(
        id=action_id(account, "follow", target),
        account=account,
        platform="sandbox",
        verb=Verb.FOLLOW,
        target=target,
        reason="test",
        risk=RiskLevel.GREEN,
        seq=n,
    )


class _Clock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    async def sleep(self, seconds: float) -> None:
        return None


def world_follows(setup: Setup) -> list[tuple[str, str]]:
    """Every follow write the sandbox recorded: (actor handle, target id), with repeats."""
    world = setup.world()
    rows = world.conn.execute(
        "SELECT u.handle, e.target FROM events e JOIN users u ON u.id = e.actor "
        "WHERE e.verb = 'follow' ORDER BY e.id"
    ).fetchall()
    world.close()
    return [(str(h), str(t)) for h, t in rows]
