"""Review speed: per-decision cost of the interactive walk (card render + freshness check +
write), bulk approval, and the pending list, on a 500-action plan in a file-backed state."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console

from socialseed.clock import FakeClock
from socialseed.config.digest import config_digest
from socialseed.config.load import load_config
from socialseed.model import Action, Profile, Risk, Score, Target, Verb, action_id
from socialseed.model.plan import AccountPlan, Plan
from socialseed.report import review_card
from socialseed.review import Card, Gate, ReviewSession, freshness_guard, platform_gates, walk
from socialseed.state.db import open_state
from socialseed.state.plans import record_plan

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "configs" / "demo"
EXE = str(Path(sys.executable).with_name("socialseed"))
SIZE = 500


def _action(i: int, account: str = "studio") -> Action:
    handle = f"user{i}.example"
    target = Target(kind="account", id=f"id{i}", handle=handle)
    profile = Profile(
        platform="sandbox",
        id=f"id{i}",
        handle=handle,
        display_name=f"User {i}",
        bio="film, darkroom and coffee " * 4,
        followers=400 + i,
        following=200,
        posts=50,
        last_active=NOW - timedelta(days=1),
    )
    return Action(
        id=action_id(account, "follow", target),
        account=account,
        platform="sandbox",
        verb=Verb.FOLLOW,
        target=target,
        reason="hashtag:film",
        risk=Risk.GREEN,
        requires_human=False,
        score=Score(0.8, 0.6, "engage", ("active",), "heuristic", "1"),
        profile=profile,
        seq=i,
    )


def _plan(account: str = "studio", digest: str = "c" * 64) -> Plan:
    return Plan(
        [_action(i, account) for i in range(SIZE)],
        created_at=NOW - timedelta(minutes=1),
        expires_at=NOW + timedelta(days=1),
        config_sha256=digest,
        accounts=[AccountPlan(account, "sandbox", "warmup", 1, None, 0)],
    )


class _Keys:
    def __init__(self, console: Console) -> None:
        self.console = console

    def show(self, card: Card) -> None:
        self.console.print(review_card.card(card))

    def details(self, card: Card) -> None: ...

    def key(self, prompt: str) -> str:
        return "a"

    def reason(self, prompt: str) -> str:
        return ""

    def say(self, text: str) -> None: ...


def _session(directory: Path, plan: Plan) -> ReviewSession:
    db = open_state(directory / "state.sqlite", now=NOW)
    record_plan(db, plan)
    return ReviewSession(
        db,
        plan,
        clock=FakeClock(NOW),
        reviewer="bench",
        approval_ttl=timedelta(hours=24),
        gate=platform_gates(None),
        check=freshness_guard(db, plan, config_sha256="c" * 64),
    )


def _cli_ms(directory: Path, plan: Plan, *args: str) -> float:
    """Wall time of one ``socialseed review`` run against a fresh state (ms)."""
    plan_file = directory / "plan.json"
    plan_file.write_text(plan.to_json(include_profiles=True))
    env = {
        **os.environ,
        "SOCIALSEED_STATE": str(directory / "cli.sqlite"),
        "SOCIALSEED_NOW": "2026-11-25T18:00:00Z",
        "SOCIALSEED_REVIEWER": "bench",
        "NO_COLOR": "1",
    }
    started = time.perf_counter()
    subprocess.run(
        [EXE, "review", str(plan_file), "-c", str(DEMO), *args],
        env=env,
        capture_output=True,
        check=False,
    )
    return (time.perf_counter() - started) * 1000


def main() -> None:
    plan = _plan()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "walk").mkdir()
        session = _session(root / "walk", plan)
        started = time.perf_counter()
        walk(session, _Keys(Console(file=io.StringIO(), width=100)))
        took = time.perf_counter() - started
        print(
            f"   interactive walk, {SIZE} approvals   {took * 1000 / SIZE:6.2f} ms per decision "
            f"(card render + staleness check + write); {took:.2f} s total"
        )

        (root / "bulk").mkdir()
        bulk = _session(root / "bulk", plan)
        bulk.gate = lambda a: Gate(requires_human=False, bulk_ok=True)
        started = time.perf_counter()
        result = bulk.approve_up_to(Risk.GREEN)
        took = time.perf_counter() - started
        print(f"   bulk approve {len(result.approved)} green (core)     {took:6.2f} s")

        started = time.perf_counter()
        Console(file=io.StringIO(), width=120).print(
            review_card.pending_table(plan.actions, platform_gates(None))
        )
        print(f"   pending list of {SIZE} rendered       {time.perf_counter() - started:6.2f} s")

        demo_plan = _plan(account="demo-studio", digest=config_digest(load_config(DEMO)))
        for label, args in (
            ("--list", ["--list"]),
            ("--approve-risk green", ["--approve-risk", "green"]),
        ):
            (root / label).mkdir()
            ms = _cli_ms(root / label, demo_plan, *args)
            print(f"   socialseed review {label:<20} {ms:6.0f} ms ({SIZE} actions, new plan file)")


if __name__ == "__main__":
    main()
