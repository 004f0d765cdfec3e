"""Kill -9 a real `socialseed apply` at random moments, resume each time: every approved action
ends up executed exactly once in the sandbox world, and the journal agrees.

The sandbox runs on the real clock here, with a per-request latency, so that the kills land
while calls are in flight (after the intent was committed, before or after the write).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from socialseed.state.db import open_state
from tests.apply.killing import kill_after

from .sandbox_setup import Setup, build

KILLS = 20
ACCOUNTS = ("a1", "a2", "a3")


def start(setup: Setup, env: dict[str, str]) -> subprocess.Popen[str]:
    cmd = [
        sys.executable,
        "-m",
        "socialseed",
        "apply",
        str(setup.plan_path),
        "-c",
        str(setup.config_path),
        "--yes",
        "--json",
    ]
    return subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=setup.plan_path.parent,
    )


@pytest.mark.slow
def test_kill_9_at_random_moments_never_loses_or_repeats_an_action(tmp_path: Path) -> None:
    now = datetime.now(UTC).replace(microsecond=0)  # the real clock: latency takes real time
    s = build(
        tmp_path, accounts=ACCOUNTS, follows=80, latency_ms=20, per_window=1000, size=300, now=now
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALSEED_")}
    env |= {k: v for k, v in s.env.items() if k != "SOCIALSEED_NOW"}
    rng = random.Random(20261125)
    killed = 0
    for _ in range(KILLS):
        proc = start(s, env)
        killed += kill_after(proc, calls=rng.randint(1, 8), delay=rng.uniform(0, 0.03))
    assert killed == KILLS  # every kill landed while work remained

    final = start(s, env)
    out, _ = final.communicate(timeout=120)
    summary = json.loads(out.splitlines()[-1])
    assert final.returncode == 0, summary
    assert summary["failed"] == 0 and summary["skipped"] == 0

    _assert_world_and_journal_agree(s)


def _assert_world_and_journal_agree(s: Setup) -> None:
    db = open_state(s.state_path)
    rows = list(db["journal"].rows_where(order_by="id"))
    world = s.world()
    managed = {a: world.ensure_managed(f"{a}.test").id for a in ACCOUNTS}
    events = Counter(
        (str(actor), str(target))
        for actor, target in world.conn.execute(
            "SELECT actor, target FROM events WHERE verb = 'follow'"
        )
    )
    planned = {(managed[a.account], a.target.id): a for a in s.plan.actions}
    assert set(events) <= set(planned), "the world holds a follow nobody approved"
    assert max(events.values()) == 1, "a follow was executed twice"
    for key, a in planned.items():
        mine = [r for r in rows if r["action_id"] == a.id]
        finished = [
            r for r in mine if r["kind"] == "outcome" and r["status"] in ("done", "already")
        ]
        assert len(finished) == 1, f"{a.id}: {len(finished)} finished outcomes"
        assert mine[-1]["kind"] == "outcome", f"{a.id}: an intent was left unresolved"
        assert world.has("edges", src=key[0], dst=key[1]), f"{a.id} is not in effect"
        if events[key]:
            assert finished[0]["status"] == "done", f"{a.id}: written but journalled as already"
    # the kills landed mid-call: intents whose outcome never came, each reconciled later
    cut = 0
    for a in s.plan.actions:
        mine = [r for r in rows if r["action_id"] == a.id]
        cut += sum(
            1
            for r, nxt in zip(mine, [*mine[1:], None], strict=True)
            if r["kind"] == "intent" and (nxt is None or nxt["kind"] != "outcome")
        )
    assert cut >= 5, f"only {cut} kills landed between an intent and its outcome"
    world.close()
