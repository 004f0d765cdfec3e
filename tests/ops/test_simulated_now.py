"""Simulated time carries on from one command to the next, and day 1 is the same everywhere.

Under ``SOCIALSEED_NOW`` an apply paces through hours at once; ``status`` afterwards must count
everything it ran. An account without ``start_date`` counts its days from its first plan, in
``status``, ``report``, and in apply's caps, not only in the planner.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.state.db import open_state
from socialseed.state.simclock import simulated_until
from tests.apply.sandbox_setup import T0, build, world_follows

CONFIG = """\
version: 1
accounts:
  - {id: fresh, platform: sandbox, handle: fresh.test, phases: std, targeting: [film]}
phases:
  std:
    - {name: warmup, days: 2, daily: {follow: 2}, hourly: {follow: 2}}
    - {name: growth, daily: {follow: 6}, hourly: {follow: 6}}
targeting:
  film:
    keywords: [film, analog, 35mm, photography]
    sources: [{hashtag: filmphotography}, {search: "35mm film"}, {hashtag: photography}]
    filters: {followers: {min: 5, max: 50000}}
    actions: {follow: true}
    scoring: {provider: heuristic, min_authenticity: 0.3}
sandbox:
  seed: 7
  size: 600
"""
DAY1 = date(2026, 11, 25)


def cli(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def at(env: dict[str, str], day: date, hour: int = 9) -> dict[str, str]:
    return env | {"SOCIALSEED_NOW": f"{day.isoformat()}T{hour:02d}:00:00Z"}


def test_status_after_a_simulated_apply_counts_every_action_it_ran(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha",), follows=6, hourly=2)  # 3 simulated hours
    config = str(s.config_path)
    applied = cli(s.env, "apply", str(s.plan_path), "-c", config, "--yes", "--max-wait", "24h")
    assert applied.exit_code == 0, applied.stderr
    reached = simulated_until(open_state(s.state_path))
    assert reached is not None and reached >= T0 + timedelta(hours=2)

    shown = cli(s.env, "status", "-c", config)  # the same SOCIALSEED_NOW as the apply
    assert shown.exit_code == 0, shown.stderr
    assert f"SocialSeed status at {reached.isoformat().replace('+00:00', 'Z')}" in shown.stdout
    assert "alpha: green: 0 failed of 6 attempts" in shown.stdout
    assert "alpha: day 25 since 2026-11-01 (start_date)" in shown.stdout
    rows = json.loads(cli(s.env, "status", "-c", config, "--json").stdout)
    assert rows[0]["health"]["attempts"] == 6
    assert rows[0]["today"]["follow"]["used"] == 6

    # a simulated command never goes back in time: an earlier SOCIALSEED_NOW resumes there
    earlier = cli(s.env | {"SOCIALSEED_NOW": "2026-11-25T08:00:00Z"}, "status", "-c", config)
    assert "alpha: green: 0 failed of 6 attempts" in earlier.stdout


def test_a_dry_run_leaves_simulated_time_where_it_was(tmp_path: Path) -> None:
    s = build(tmp_path, accounts=("alpha",), follows=6, hourly=2)
    config = str(s.config_path)
    dry = cli(s.env, "apply", str(s.plan_path), "-c", config, "--dry-run", "--max-wait", "24h")
    assert dry.exit_code == 0, dry.stderr
    assert simulated_until(open_state(s.state_path)) is None
    assert world_follows(s) == []


def test_day_one_is_the_first_plan_in_status_report_and_apply(tmp_path: Path) -> None:
    (tmp_path / "socialseed.yaml").write_text(CONFIG)
    config = str(tmp_path / "socialseed.yaml")
    env = {
        "SOCIALSEED_STATE": str(tmp_path / "state.sqlite"),
        "SOCIALSEED_SANDBOX": str(tmp_path / "world.sqlite"),
    }
    assert cli(at(env, DAY1), "sandbox", "reset", "-c", config).exit_code == 0
    before = cli(at(env, DAY1), "status", "-c", config)
    assert "fresh: not planned yet: day 1 is its first plan" in before.stdout
    first = cli(at(env, DAY1), "plan", "-c", config, "-o", str(tmp_path / "day1.json"))
    assert first.exit_code == 0, first.stderr

    day3 = at(env, DAY1 + timedelta(days=2))
    shown = cli(day3, "status", "-c", config)
    assert "fresh: day 3 since 2026-11-25 (first plan)" in shown.stdout
    rows = json.loads(cli(day3, "status", "-c", config, "--json").stdout)
    assert rows[0]["phase"]["name"] == "growth" and rows[0]["phase"]["day"] == 1
    assert rows[0]["phase"]["day_one"] == "2026-11-25"
    assert rows[0]["phase"]["day_one_from"] == "first plan"

    plan = str(tmp_path / "day3.json")
    assert cli(day3, "plan", "-c", config, "-o", plan).exit_code == 0
    assert cli(day3, "review", plan, "-c", config, "--approve-risk", "green").exit_code == 0
    applied = cli(day3, "apply", plan, "-c", config, "--yes", "--json", "--max-wait", "1h")
    summary = json.loads(applied.stdout.splitlines()[-1])
    assert applied.exit_code == 0, applied.stdout
    assert summary["done"] + summary["already"] == 6  # growth's caps, not warmup's 2 a day
    assert summary["skipped"] == 0

    report = cli(day3, "report", "-c", config, "--since", "3d", "--format", "json")
    phases = json.loads(report.stdout)["accounts"][0]["phases"]
    by_day = {p["date"]: p["phase"] for p in phases}
    assert by_day["2026-11-24"] == "not started"
    assert by_day["2026-11-25"] == "warmup" and by_day["2026-11-27"] == "growth"
