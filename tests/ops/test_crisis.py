"""A crisis on the sandbox: the platform blocks the account mid-apply. Apply's circuit breaker
pauses it; status goes red (exit 3 with --fail-on-red); after the cool-down, sync resumes the
account one phase lower, and the audit log tells the story."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.clock import iso

CONFIG = str(Path(__file__).parent / "sim")
DAY1 = datetime(2026, 11, 11, 9, 0, tzinfo=UTC)  # growth day 1 for sim-studio


def test_block_pause_red_cooldown_then_a_lower_phase(tmp_path: Path) -> None:
    env = {
        "SOCIALSEED_STATE": str(tmp_path / "state.sqlite"),
        "SOCIALSEED_SANDBOX": str(tmp_path / "sandbox.sqlite"),
    }

    def run(when: datetime, *args: str) -> Result:
        return CliRunner().invoke(app, list(args), env={**env, "SOCIALSEED_NOW": iso(when)})

    plan = str(tmp_path / "plan.json")
    assert run(DAY1, "sync", "-c", CONFIG).exit_code == 0
    assert run(DAY1, "sandbox", "faults", "--block-after", "2").exit_code == 0
    assert run(DAY1, "plan", "-c", CONFIG, "-o", plan, "--detailed-exitcode").exit_code == 2
    run(DAY1, "review", plan, "-c", CONFIG, "--approve-risk", "yellow")
    applied = run(DAY1 + timedelta(minutes=5), "apply", plan, "-c", CONFIG, "--yes")
    assert applied.exit_code == 1
    assert "stopped at the first block signal" in applied.stderr

    red = run(DAY1 + timedelta(hours=1), "status", "-c", CONFIG, "--json", "--fail-on-red")
    assert red.exit_code == 3
    row = json.loads(red.stdout)[0]
    assert row["health"]["light"] == "red" and row["phase"]["name"] == "growth"
    assert row["paused"].startswith("paused until 2026-11-13T09:0")
    assert "circuit breaker" in row["paused"]

    next_day = run(DAY1 + timedelta(days=1), "sync", "-c", CONFIG, "--json")
    assert next_day.exit_code == 0
    assert json.loads(next_day.stdout)[0]["demoted_to"] is None  # still cooling down

    run(DAY1 + timedelta(days=2), "sandbox", "faults", "--clear")
    after = DAY1 + timedelta(days=2, hours=1)
    synced = run(after, "sync", "-c", CONFIG)
    assert synced.exit_code == 0
    assert "sim-studio: cool-down over; resumed in phase warmup" in synced.stderr
    ok = run(after, "status", "-c", CONFIG, "--json", "--fail-on-red")
    assert ok.exit_code == 0
    row = json.loads(ok.stdout)[0]
    assert row["phase"] == {
        "name": "warmup",
        "day": 1,
        "days": 10,
        "overridden": True,
        "day_one": "2026-11-01",
        "day_one_from": "start_date",
    }
    assert row["today"]["follow"]["cap"] == 4
    assert row["health"]["light"] == "green" and row["paused"] is None

    made = run(after, "plan", "-c", CONFIG, "-o", plan, "--format", "json")
    assert json.loads(Path(plan).read_text())["accounts"][0]["phase"] == "warmup", made.stderr

    trail = json.loads(run(after, "log", "--json").stdout)
    story = [(e["kind"], e["actor"]) for e in trail if e["kind"] not in ("decision", "execution")]
    assert story == [
        ("health_red", "socialseed apply"),
        ("pause", "socialseed apply"),
        ("resume", "socialseed:health"),
        ("phase_demoted", "socialseed:health"),
    ]
    demoted = next(e for e in trail if e["kind"] == "phase_demoted")
    assert "from=growth" in demoted["detail"] and "to=warmup" in demoted["detail"]
    blocked = [e for e in trail if e["kind"] == "execution" and "403" in e["outcome"]]
    assert len(blocked) == 1
