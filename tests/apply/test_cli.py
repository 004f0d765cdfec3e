"""`socialseed apply` and `force-unlock` through the CLI, against the sandbox."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.platforms.sandbox.faults import Faults, set_faults
from socialseed.state.accounts import active_pause
from socialseed.state.db import open_state

from .sandbox_setup import T0, Setup, build, world_follows


def run(setup: Setup, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=setup.env)
    return result.exit_code, result.stdout, result.stderr


def apply(setup: Setup, *args: str) -> tuple[int, str, str]:
    return run(setup, "apply", str(setup.plan_path), "-c", str(setup.config_path), *args)


def journal(setup: Setup) -> list[dict[str, object]]:
    return list(open_state(setup.state_path)["journal"].rows_where(order_by="id"))


def test_without_a_terminal_it_needs_yes(tmp_path: Path) -> None:
    s = build(tmp_path)
    code, _out, err = apply(s)
    assert code == 1
    assert "needs a confirmation, but there is no terminal" in err
    assert "pass --yes to go ahead, or --dry-run" in err
    assert world_follows(s) == [] and journal(s) == []


def test_yes_runs_every_approved_action_and_prints_the_table(tmp_path: Path) -> None:
    s = build(tmp_path)
    code, out, err = apply(s, "--yes")
    assert code == 0, err
    for a in s.plan.actions:
        assert a.id in out
    assert f"Applied {s.plan.id}: " in err and "0 failed, 0 skipped" in err
    done = [r for r in journal(s) if r["kind"] == "outcome"]
    assert len(done) == 12 and {r["status"] for r in done} <= {"done", "already"}
    assert len(world_follows(s)) == sum(1 for r in done if r["status"] == "done")
    db = open_state(s.state_path)
    assert db["locks"].count == 0
    assert {r["plan_id"] for r in db["serial_log"].rows} == {s.plan.id}
    # again: nothing is repeated
    code, out, err = apply(s, "--yes")
    assert code == 0
    assert "(12 by an earlier run)" in err
    # nothing left to change: no confirmation needed, even without a terminal
    code, _out, err = apply(s)
    assert code == 0 and "(12 by an earlier run)" in err
    assert len(world_follows(s)) == sum(1 for r in done if r["status"] == "done")


def test_json_streams_one_event_per_line(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha",), follows=3)
    code, out, _err = apply(s, "--yes", "--json")
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds.count("action_started") == 3
    assert kinds[-1] == "summary"
    summary = events[-1]
    assert summary["exit_code"] == 0 and summary["plan_id"] == s.plan.id
    assert summary["done"] + summary["already"] == 3
    assert all(e["account"] == "alpha" for e in events[:-1])


def test_dry_run_shows_order_and_waits_and_changes_nothing(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha",), follows=3, hourly=2)
    code, out, err = apply(s, "--dry-run")
    assert code == 0, err
    lines = [line for line in out.splitlines() if "a_" in line]
    assert [line.split()[2] for line in lines] == [a.id for a in s.plan.actions]
    assert "2026-11-25T10:00:00Z" in lines[2] and "60 min" in lines[2]
    assert "hourly follow cap (2) reached" in lines[2]
    assert "nothing was changed" in err
    assert journal(s) == [] and world_follows(s) == []


def test_a_changed_config_makes_the_plan_stale(tmp_path: Path) -> None:
    s = build(tmp_path)
    s.config_path.write_text(s.config_path.read_text().replace("cooldown: 2h", "cooldown: 3h"))
    code, _out, err = apply(s, "--yes")
    assert code == 5
    assert f"plan {s.plan.id} is stale: the config changed since the plan was made" in err
    assert "make a new plan with 'socialseed plan" in err
    assert "Traceback" not in err
    assert world_follows(s) == []


def test_rate_limits_are_paced_without_a_single_429(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha", "beta"), follows=8, per_window=3)
    code, _out, err = apply(s, "--yes")
    assert code == 0, err
    outcomes = [r for r in journal(s) if r["kind"] == "outcome"]
    assert [r for r in outcomes if r["http_status"] == 429] == []
    assert {r["status"] for r in outcomes} <= {"done", "already"}
    assert "waiting" in err


def test_max_wait_skips_what_would_wait_too_long(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha",), follows=5, per_window=2)
    code, out, _err = apply(s, "--yes", "--max-wait", "10m")
    assert code == 0
    assert "would wait past 2026-11-25T09:10:00Z" in out
    assert "it stays approved for a later run" in out


def test_max_wait_zero_needs_no_unit_and_runs_only_what_needs_no_wait(tmp_path: Path) -> None:
    (tmp_path / "bare").mkdir()
    (tmp_path / "unit").mkdir()
    bare = build(tmp_path / "bare", accounts=("alpha",), follows=5, per_window=2)
    code, out, err = apply(bare, "--yes", "--max-wait", "0")
    assert code == 0, err
    with_unit = build(tmp_path / "unit", accounts=("alpha",), follows=5, per_window=2)
    code_s, out_s, _err = apply(with_unit, "--yes", "--max-wait", "0s")
    assert code_s == 0
    assert out == out_s and "it stays approved for a later run" in out
    assert len(world_follows(bare)) == len(world_follows(with_unit)) == 2


def test_max_wait_without_a_unit_says_to_add_one(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha",), follows=2)
    code, out, err = apply(s, "--yes", "--max-wait", "30")
    assert code == 1 and out == ""
    assert err == (
        "Error: --max-wait: '30' has no unit: write 30s, 30m, 30h or 30d (only 0 may be "
        "written without one)\n  hint: for example --max-wait 30m\n"
    )
    assert journal(s) == [] and world_follows(s) == []


def test_a_block_mid_run_stops_and_pauses_the_account(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha",), follows=6)
    set_faults(s.world_path, Faults(block_after=2), now=T0)
    code, _out, err = apply(s, "--yes")
    assert code == 1
    assert "alpha: stopped at the first block signal and paused until 2026-11-25T11:00:00Z" in err
    db = open_state(s.state_path)
    assert db["accounts"].get("alpha")["health"] == "red"
    assert active_pause(db, "alpha", T0) is not None
    statuses = [r["status"] for r in journal(s) if r["kind"] == "outcome"]
    assert statuses.count("failed") == 1 and len(world_follows(s)) == 2
    # the kill switch now holds: a second apply runs nothing
    code, _out, err = apply(s, "--yes")
    assert code == 1 and "alpha: paused until 2026-11-25T11:00:00Z" in err
    assert len(world_follows(s)) == 2


def test_lost_answers_are_reconciled_not_repeated(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha", "beta"), follows=6)
    set_faults(s.world_path, Faults(lost_reply_rate=0.5, error_rate=0.2), now=T0)
    code, _out, err = apply(s, "--yes")
    assert code == 0, err
    follows = world_follows(s)
    assert len(follows) == len(set(follows))  # nothing twice
    rows = journal(s)
    for a in s.plan.actions:
        finished = [
            r for r in rows if r["action_id"] == a.id and r["status"] in ("done", "already")
        ]
        assert len(finished) == 1
    # every done follow keeps the request id the world recorded, confirmed ones included
    world = s.world()
    recorded = {
        str(r): str(t) for t, r in world.conn.execute("SELECT target, request_id FROM events")
    }
    world.close()
    done = [r for r in rows if r["kind"] == "outcome" and r["status"] == "done"]
    confirmed = [r for r in done if "confirmed by the platform" in str(r["error"] or "")]
    assert confirmed, "the faults made no lost answer: the test shows nothing"
    for row in done:
        assert row["request_id"] in recorded, row
    rels = {r["target_id"]: r for r in open_state(s.state_path)["relationships"].rows}
    for row in confirmed:
        target = json.loads(str(row["target"]))["id"]
        assert rels[target]["request_id"] == row["request_id"]
        assert recorded[str(row["request_id"])] == target


def test_force_unlock_removes_a_lock_and_audits_it(tmp_path: Path) -> None:
    s = build(tmp_path)
    db = open_state(s.state_path)
    db["locks"].insert(
        {
            "account": "alpha",
            "owner": "ci",
            "host": "elsewhere",
            "pid": 1,
            "started_at": "2026-11-25T08:00:00Z",
            "expires_at": "2026-11-25T10:00:00Z",
        }
    )
    code, _out, err = apply(s, "--yes")
    assert code == 1
    assert "alpha: another apply holds the lock: ci (pid 1 on elsewhere" in err
    assert "socialseed force-unlock alpha" in err
    code, _out, err = run(s, "force-unlock", "alpha")
    assert code == 0 and "Removed the apply lock of alpha, held by ci" in err
    audit = list(open_state(s.state_path)["audit"].rows_where("kind = 'force_unlock'"))
    assert audit[0]["actor"] == "tester@example.com"
    code, _out, err = run(s, "force-unlock", "alpha")
    assert code == 0 and "alpha was not locked" in err


HOLDER = """
import os, sys
from datetime import timedelta
from socialseed.clock import parse_instant
from socialseed.state.db import open_state
from socialseed.state import locks
db = open_state(sys.argv[1])
me = locks.Me(owner="other apply", host=sys.argv[2], pid=os.getpid())
now = parse_instant("2026-11-25T09:00:00Z")
assert locks.try_acquire(db, "alpha", me, now=now, ttl=timedelta(hours=2)) is None
print("locked", flush=True)
sys.stdin.readline()
"""


def test_two_processes_contend_for_an_account(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha",), follows=2)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(s.state_path), socket.gethostname()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        code, _out, err = apply(s, "--yes", "--lock-timeout", "2")
        assert code == 1
        assert f"other apply (pid {holder.pid} on {socket.gethostname()}" in err
        assert "after waiting 2 s" in err
        assert world_follows(s) == []
    finally:
        holder.kill()
        holder.wait()
    # the holder is gone: its lock is stale on this host and is taken over
    code, _out, err = apply(s, "--yes")
    assert code == 0, err
    audit = list(open_state(s.state_path)["audit"].rows_where("kind = 'lock_taken_over'"))
    assert len(audit) == 1
