"""Days of plan -> review -> apply on the sandbox, with ``apply`` SIGKILLed at random moments.

Each simulated day: ``plan`` (saved), ``review --approve-risk green``, then ``apply`` killed
with SIGKILL after a seeded random number of started calls (plus a random few milliseconds),
resumed, killed again, ... and finally run to the end. Then the next day. At the end the
sandbox's own records (the platform's truth) are checked against the journal: every approved
action was executed exactly once, none is lost, and none was called again once done.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from socialseed.state.db import open_state
from tests.apply.killing import kill_after

CONFIG = """\
version: 1
accounts:
  - {id: k1, platform: sandbox, handle: k1.test, phases: std, targeting: [film]}
  - {id: k2, platform: sandbox, handle: k2.test, phases: std, targeting: [coffee]}
phases:
  std:
    - {name: growth, daily: {follow: 14, like: 14}, hourly: {follow: 6, like: 6}}
targeting:
  film:
    keywords: [film, analog, 35mm, photography]
    sources: [{hashtag: filmphotography}, {search: "35mm film"}, {hashtag: photography}]
    filters: {followers: {min: 5, max: 50000}}
    actions: {follow: true, like_recent: 1}
    scoring: {provider: heuristic, min_authenticity: 0.3}
  coffee:
    keywords: [coffee, espresso, barista]
    sources: [{hashtag: coffee}, {search: espresso}, {hashtag: espresso}]
    filters: {followers: {min: 5, max: 50000}}
    actions: {follow: true, like_recent: 1}
    scoring: {provider: heuristic, min_authenticity: 0.3}
sandbox:
  seed: 7
  size: 900
"""
DAYS = 3
KILLS_PER_DAY = 17  # 51 in all
FIRST_DAY = date(2026, 11, 25)
VERBS_IN_WORLD = ("follow", "like")


@dataclass
class Tally:
    kills: int = 0
    runs: int = 0
    plans: list[Path] = field(default_factory=list)


class Sim:
    """The CLI as a user runs it, on one state file and one sandbox world."""

    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path
        self.config = tmp_path / "socialseed.yaml"
        self.config.write_text(CONFIG)
        self.state = tmp_path / "state.sqlite"
        self.world = tmp_path / "world.sqlite"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALSEED_")}
        self.env = env | {
            "SOCIALSEED_STATE": str(self.state),
            "SOCIALSEED_SANDBOX": str(self.world),
            "SOCIALSEED_NO_INPUT": "1",
            "SOCIALSEED_REVIEWER": "tester@example.com",
            "NO_COLOR": "1",
        }

    def at(self, day: date) -> None:
        self.env["SOCIALSEED_NOW"] = f"{day.isoformat()}T09:00:00Z"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "socialseed", *args],
            env=self.env,
            capture_output=True,
            text=True,
            cwd=self.dir,
            timeout=120,
        )

    def start_apply(self, plan: Path) -> subprocess.Popen[str]:
        cmd = [sys.executable, "-m", "socialseed", "apply", str(plan), "-c", str(self.config)]
        return subprocess.Popen(
            [*cmd, "--yes", "--json", "--max-wait", "24h"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=self.dir,
        )


def one_day(sim: Sim, day: date, rng: random.Random, tally: Tally) -> None:
    sim.at(day)
    plan = sim.dir / f"plan-{day.isoformat()}.json"
    planned = sim.run("plan", "-c", str(sim.config), "-o", str(plan), "--detailed-exitcode")
    assert planned.returncode == 2, planned.stderr  # 2: the day has changes
    tally.plans.append(plan)
    reviewed = sim.run("review", str(plan), "-c", str(sim.config), "--approve-risk", "green")
    assert reviewed.returncode == 0, reviewed.stderr
    for _ in range(KILLS_PER_DAY):
        tally.runs += 1
        tally.kills += kill_after(
            sim.start_apply(plan), calls=rng.randint(1, 3), delay=rng.uniform(0, 0.004)
        )
    final = sim.start_apply(plan)
    out, _ = final.communicate(timeout=120)
    tally.runs += 1
    summary = json.loads(out.splitlines()[-1])
    assert final.returncode == 0, summary
    assert summary["failed"] == 0 and summary["skipped"] == 0, summary


@pytest.mark.slow
def test_apply_killed_about_50_times_over_3_days_runs_each_approved_action_exactly_once(
    tmp_path: Path,
) -> None:
    sim = Sim(tmp_path)
    sim.at(FIRST_DAY)
    assert sim.run("sandbox", "reset", "-c", str(sim.config)).returncode == 0
    rng, tally = random.Random(20261202), Tally()
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    for n in range(DAYS):
        one_day(sim, FIRST_DAY + timedelta(days=n), rng, tally)
    figures = check_world_against_journal(sim, tally)
    cpu, wall = _children_cpu() - cpu0, time.perf_counter() - wall0
    print(f"\nkill test: {figures}; wall {wall:.1f} s, CPU {cpu:.1f} s")  # shown with -s
    # 51 kills are aimed; on a loaded machine an apply can finish its calls before the signal
    # lands, so a few miss: 45 landed kills still cover every day's intents and outcomes.
    assert tally.kills >= 45, f"only {tally.kills} kills landed while work remained"


def check_world_against_journal(sim: Sim, tally: Tally) -> dict[str, int]:
    """The sandbox's records agree with the journal: once each, none lost, none redone."""
    db = open_state(sim.state)
    rows = list(db["journal"].rows_where(order_by="id"))
    approved = {
        str(r["action_id"])
        for r in db["decisions"].rows_where("verdict = 'approve'", select="action_id")
    }
    actions = {a["id"]: a for path in tally.plans for a in json.loads(path.read_text())["actions"]}
    db.conn.close()
    world = _world_writes(sim)
    repeated = {k: n for k, n in world.items() if n > 1}
    assert not repeated, f"executed twice on the platform: {repeated}"

    by_action: dict[str, list[dict[str, object]]] = {}
    for r in rows:
        by_action.setdefault(str(r["action_id"]), []).append(r)
    lost, redone, cut = [], [], 0
    for aid in approved:
        mine = by_action.get(aid, [])
        finished = [i for i, r in enumerate(mine) if _finished(r)]
        if len(finished) != 1 or mine[-1]["kind"] != "outcome":
            lost.append(aid)
            continue
        if any(r["kind"] == "intent" for r in mine[finished[0] + 1 :]):
            redone.append(aid)  # a call started again after the action was done
        cut += sum(
            1
            for r, nxt in zip(mine, [*mine[1:], None], strict=True)
            if r["kind"] == "intent" and (nxt is None or nxt["kind"] != "outcome")
        )
        key = _key(actions[aid])
        if mine[finished[0]]["status"] == "done":
            assert world.get(key) == 1, f"{aid}: journalled done, not in the sandbox"
    assert not lost, f"approved but never finished: {lost}"
    assert not redone, f"called again after done: {redone}"
    unapproved = set(world) - {_key(a) for aid, a in actions.items() if aid in approved}
    assert not unapproved, f"in the sandbox without an approval: {unapproved}"
    assert cut >= 5, f"only {cut} kills landed between an intent and its outcome"
    return {
        "kills": tally.kills,
        "apply runs": tally.runs,
        "approved actions": len(approved),
        "platform writes": sum(world.values()),
        "interrupted calls": cut,
        "duplicates": len(repeated),
        "lost": len(lost),
        "re-executed": len(redone),
    }


def _key(action: dict[str, Any]) -> tuple[str, str, str]:
    """Where the sandbox records an action: a like on the post, a follow on the account."""
    target = action["target"]
    return (action["account"], action["verb"], target.get("post_id") or target["id"])


def _finished(row: dict[str, object]) -> bool:
    return row["kind"] == "outcome" and row["status"] in ("done", "already")


def _world_writes(sim: Sim) -> Counter[tuple[str, str, str]]:
    """Every follow and like the sandbox recorded: (account id, verb, target id), with repeats."""
    import sqlite3

    conn = sqlite3.connect(sim.world)
    try:
        rows = conn.execute(
            "SELECT u.handle, e.verb, e.target FROM events e JOIN users u ON u.id = e.actor "
            f"WHERE e.verb IN ({', '.join('?' for _ in VERBS_IN_WORLD)})",
            VERBS_IN_WORLD,
        ).fetchall()
    finally:
        conn.close()
    return Counter((str(h).removesuffix(".test"), str(v), str(t)) for h, v, t in rows)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
