"""A simulated month on the sandbox, through the CLI, one day at a time (SOCIALSEED_NOW):
sync, plan, approve where the sandbox's pack permits it, apply. At the end ``status`` and
``report`` show the move from warm-up to growth, follow-backs, growth and costs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.clock import iso
from socialseed.state.db import open_state

CONFIG = Path(__file__).parent / "sim"
START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # the account's start_date: warm-up day 1
DAYS = 30


@dataclass
class Sim:
    tmp: Path
    env: dict[str, str | None]
    daily: list[dict[str, object]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def run(self, when: datetime, *args: str) -> Result:
        env = {**self.env, "SOCIALSEED_NOW": iso(when)}
        result = CliRunner().invoke(app, list(args), env=env)
        if result.exit_code not in (0, 2):
            self.failures.append(
                f"{iso(when)} {' '.join(args)}: {result.exit_code} {result.stderr}"
            )
        return result


def simulate(tmp: Path) -> Sim:
    env: dict[str, str | None] = {
        "SOCIALSEED_STATE": str(tmp / "state.sqlite"),
        "SOCIALSEED_SANDBOX": str(tmp / "sandbox.sqlite"),
        "SOCIALSEED_NO_INPUT": "1",
        "SOCIALSEED_REVIEWER": "sim@example.com",
        "SOCIALSEED_CONFIG": None,
        "SOCIALSEED_DEBUG": None,
        "NO_COLOR": "1",
    }
    sim = Sim(tmp, env)
    cfg, plan = str(CONFIG), str(tmp / "plan.json")
    for day in range(DAYS):
        now = START + timedelta(days=day)
        sim.run(now, "sync", "-c", cfg, "--fail-on-drift")
        made = sim.run(now, "plan", "-c", cfg, "-o", plan, "--detailed-exitcode")
        if made.exit_code == 2:  # changes: green ones were auto-approved by the policy
            sim.run(now, "review", plan, "-c", cfg, "--approve-risk", "yellow")
            sim.run(now + timedelta(minutes=5), "apply", plan, "-c", cfg, "--yes")
        status = sim.run(now + timedelta(hours=12), "status", "-c", cfg, "--json")
        sim.daily.append(json.loads(status.stdout)[0])
    sim.run(START + timedelta(days=DAYS), "sync", "-c", cfg)
    return sim


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    yield simulate(tmp_path_factory.mktemp("sim30"))


END = START + timedelta(days=DAYS, hours=1)


def test_every_day_ran_without_errors_or_drift(sim: Sim) -> None:
    assert sim.failures == []
    db = open_state(sim.tmp / "state.sqlite")
    reasons = {str(r["reason"]) for r in db["serial_log"].rows}
    assert not any(r == "drift" for r in reasons)
    assert db["snapshots"].count == DAYS + 1


def test_status_moves_from_warmup_to_growth(sim: Sim) -> None:
    phases = [(d["phase"]["name"], d["phase"]["day"]) for d in sim.daily]  # type: ignore[index]
    assert phases[0] == ("warmup", 1) and phases[9] == ("warmup", 10)
    assert phases[10] == ("growth", 1) and phases[-1] == ("growth", 20)
    warm = sim.daily[2]["today"]["follow"]  # type: ignore[index]
    grow = sim.daily[12]["today"]["follow"]  # type: ignore[index]
    assert warm["cap"] == 4 and warm["used"] == 4 and warm["remaining"] == 0
    assert grow["cap"] == 8 and grow["used"] > 4
    final = json.loads(sim.run(END, "status", "-c", str(CONFIG), "--json").stdout)[0]
    # a 1,500-account world runs dry by day 30: no errors, the one reason is the short runway
    health, runway = final["health"], final["runway"]
    assert health["light"] == "yellow" and health["reasons"] == [runway["note"]]
    assert runway["note"].startswith("runway low: ") and runway["days"] < 3
    assert final["paused"] is None and final["locked"] is None


def test_report_shows_growth_follow_backs_approvals_and_costs(sim: Sim) -> None:
    result = sim.run(END, "report", "-c", str(CONFIG), "--since", "2026-11-01", "--format", "json")
    data = json.loads(result.stdout)
    acct = data["accounts"][0]
    phases = [p["phase"] for p in acct["phases"]]
    assert phases.count("warmup") == 10 and phases.count("growth") == 21
    followers = acct["followers"]
    assert followers["end"] > followers["start"] and followers["net"] > 10
    fb = acct["follow_backs"]
    # the sandbox's follow-back model (docs/sandbox-model.md): about 1 in 6 for this targeting
    assert fb["follows_made"] >= 80 and fb["followed_back"] >= 10
    judged = acct["experiment"]["chosen"]
    assert 0 < judged["follows"] <= fb["follows_made"] and judged["expected"] > 0
    assert acct["actions"]["totals"]["follow"] == fb["follows_made"]
    assert acct["actions"]["totals"]["like"] > 0 and acct["actions"]["totals"]["unfollow"] > 0
    approvals = acct["approvals"]
    assert approvals["auto_approved"] > 100 and approvals["approved"] > 0
    assert approvals["rejected"] == 0
    assert acct["api_cost_usd"] == 0.0 and data["ai"]["cost_usd"] == 0.0  # sandbox, heuristic
    assert acct["engagement_rate"] is not None and acct["engagement_rate"] > 0


def test_text_and_html_reports_draw_the_month(sim: Sim) -> None:
    text = sim.run(END, "report", "-c", str(CONFIG), "--since", "2026-11-01").stdout
    assert "phases    warmup 10d → growth 21d" in text
    assert "follow-backs" in text and "engagement rate = followers gained" in text
    html = sim.tmp / "report.html"
    sim.run(END, "report", "-c", str(CONFIG), "--since", "2026-11-01", "--html", str(html))
    page = html.read_text()
    assert page.count('class="pt"') == DAYS + 1
    assert page.count('class="phase"') == DAYS + 1


def test_the_log_names_approvers_and_request_ids(sim: Sim) -> None:
    entries = json.loads(sim.run(END, "log", "--since", "20d", "--json").stdout)
    runs = [e for e in entries if e["kind"] == "execution" and e["outcome"].startswith("done")]
    assert runs and all(e["request_id"].startswith("sbx-") for e in runs)
    assert {e["approved_by"] for e in runs} <= {"policy:auto_approve", "sim@example.com"}
