"""Two applies on the same accounts: the second waits for the lock in real time, even when its
own time is simulated, and a loser tells the lock message once per account, not per action.

The first apply runs on the real clock against a sandbox with real latency, so it holds both
accounts' locks for seconds; the second runs under ``SOCIALSEED_NOW`` (simulated time).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.clock import iso

from .sandbox_setup import Setup, build, world_follows

LOCK_MESSAGE = "another apply holds the lock"


def setup(tmp_path: Path) -> Setup:
    now = datetime.now(UTC).replace(microsecond=0)  # the first apply runs on the real clock
    return build(tmp_path, accounts=("alpha", "beta"), follows=20, latency_ms=300, now=now)


def start_first(s: Setup) -> subprocess.Popen[str]:
    """A real-time apply, returned once both accounts have started (their locks are held)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALSEED_")}
    env |= {k: v for k, v in s.env.items() if k != "SOCIALSEED_NOW"}
    cmd = [sys.executable, "-m", "socialseed", "apply", str(s.plan_path), "-c", str(s.config_path)]
    proc = subprocess.Popen(
        [*cmd, "--yes", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        cwd=s.plan_path.parent,
    )
    assert proc.stdout is not None
    started: set[str] = set()
    while started != {"alpha", "beta"}:
        event = json.loads(proc.stdout.readline())
        if event["event"] == "action_started":
            started.add(event["account"])
    return proc


def second(s: Setup, *args: str) -> tuple[int, str, str]:
    """An apply under simulated time, in this process."""
    cmd = ["apply", str(s.plan_path), "-c", str(s.config_path), "--yes", *args]
    result = CliRunner().invoke(app, cmd, env=s.env | {"SOCIALSEED_NOW": iso(datetime.now(UTC))})
    return result.exit_code, result.stdout, result.stderr


def finish(proc: subprocess.Popen[str]) -> dict[str, object]:
    out, _ = proc.communicate(timeout=120)
    summary: dict[str, object] = json.loads(out.splitlines()[-1])
    assert proc.returncode == 0, summary
    return summary


def test_the_losing_apply_names_the_lock_once_per_account(tmp_path: Path) -> None:
    s = setup(tmp_path)
    first = start_first(s)
    try:
        code, out, err = second(s, "--lock-timeout", "1")
    finally:
        summary = finish(first)
    assert code == 1, err
    lines = [line for line in err.splitlines() if LOCK_MESSAGE in line]
    assert len(lines) == 2, err  # one per account, not one per action (40)
    assert lines[0].startswith("Error: alpha: another apply holds the lock after waiting 1 s")
    assert lines[1].startswith("Error: beta: another apply holds the lock after waiting 1 s")
    assert f"(pid {first.pid} on " in lines[0]
    assert err.count("socialseed force-unlock") == 2
    assert err.splitlines()[-1].endswith("0 done, 0 already in effect, 0 failed, 40 skipped.")
    assert out == ""  # no table of 40 rows repeating the message
    assert summary["done"] == len(world_follows(s))  # only the first apply wrote
    assert summary["already"] == 40 - len(world_follows(s))


def test_lock_timeout_waits_in_real_time_under_simulated_time(tmp_path: Path) -> None:
    s = setup(tmp_path)
    first = start_first(s)
    try:
        code, _out, err = second(s, "--lock-timeout", "120")
    finally:
        summary = finish(first)
    assert code == 0, err  # it waited for the first apply to finish, then found all done
    assert LOCK_MESSAGE not in err
    assert "(40 by an earlier run)" in err
    assert len(world_follows(s)) == summary["done"]
