"""``status`` shows each shared platform budget: what its rolling window holds and what is left."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.clock import iso
from socialseed.config.schema import Config
from socialseed.model import Budget, Outcome, Verb
from socialseed.observe.status import shared_use, status_rows
from socialseed.state import journal
from socialseed.state.db import open_state
from tests.apply.fakes import NOW, action, config, plan_for
from tests.conftest import DEMO_CONFIG
from tests.ops.conftest import NOW as SEEDED_NOW
from tests.ops.conftest import Seeded

POINTS = Budget("write points per hour", 10, 3600, {Verb.FOLLOW: 3, Verb.LIKE: 3})
DAILY = Budget("write points per day", 100, 86400, {Verb.FOLLOW: 3, Verb.LIKE: 3})


def test_only_writes_inside_each_window_count_at_their_cost(tmp_path: Path) -> None:
    db = open_state(tmp_path / "state.sqlite")
    cfg: Config = config(("alpha",))
    done = [
        (action("alpha", Verb.FOLLOW, 1), "done", timedelta(minutes=30)),
        (action("alpha", Verb.FOLLOW, 2), "done", timedelta(minutes=20)),
        (action("alpha", Verb.LIKE, 3), "done", timedelta(hours=2)),
        (action("alpha", Verb.FOLLOW, 4), "already", timedelta(minutes=10)),  # wrote nothing
        (action("alpha", Verb.FOLLOW, 5), "failed", timedelta(minutes=5)),
        (action("alpha", Verb.FOLLOW, 6), "done", timedelta(hours=25)),  # yesterday's window
    ]
    plan = plan_for(cfg, [a for a, _, _ in done])
    for a, status, ago in done:
        journal.record_outcome(db, plan.id, a, Outcome(status), attempt=1, now=NOW - ago)

    hourly, daily = shared_use(db, "alpha", (POINTS, DAILY), NOW)
    assert (hourly.used, hourly.left) == (6, 4)
    assert (daily.used, daily.left) == (9, 91)
    assert hourly.text() == "platform budget 'write points per hour': 6 used, 4 left (rolling 1 h)"
    (row,) = status_rows(db, cfg, now=NOW, hard_caps=lambda a: (), shared=lambda a: (POINTS,))
    assert row.to_data()["platform_budgets"] == [
        {"name": "write points per hour", "limit": 10, "window_seconds": 3600, "used": 6, "left": 4}
    ]


def test_status_prints_the_sandbox_daily_write_budget(seeded: Seeded) -> None:
    env = {"SOCIALSEED_NOW": iso(SEEDED_NOW)}
    data = CliRunner().invoke(app, ["status", "-c", str(DEMO_CONFIG), "--json"], env=env)
    assert data.exit_code == 0, data.output
    studio = {r["account"]: r for r in json.loads(data.stdout)}["demo-studio"]
    (writes,) = studio["platform_budgets"]
    assert writes["name"] == "writes per day" and writes["window_seconds"] == 86400
    assert writes["used"] > 0 and writes["used"] + writes["left"] == writes["limit"]
    table = CliRunner().invoke(app, ["status", "-c", str(DEMO_CONFIG)], env=env)
    line = (
        f"demo-studio: platform budget 'writes per day': {writes['used']:,} used, "
        f"{writes['left']:,} left (rolling 24 h)"
    )
    assert line in table.stdout
