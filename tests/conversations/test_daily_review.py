"""A few simulated days on the demo's config (a small sandbox), the way `make demo-30d` runs
them: each morning sync, plan, policy approves green, a person approves each proposed reply by
id, apply. Every question the sandbox asked is answered within a day, at the demo's caps."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.clock import iso
from socialseed.state.db import open_state
from tests.conftest import DEMO_CONFIG

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
DAYS = 4
REVIEWER = "reviewer@example.com"


@dataclass
class Days:
    tmp: Path
    config: str
    failures: list[str] = field(default_factory=list)

    def run(self, when: datetime, *args: str, ok: tuple[int, ...] = (0, 2)) -> str:
        env = {
            "SOCIALSEED_NOW": iso(when),
            "SOCIALSEED_STATE": str(self.tmp / "state.sqlite"),
            "SOCIALSEED_SANDBOX": str(self.tmp / "sandbox.sqlite"),
            "SOCIALSEED_REVIEWER": REVIEWER,
            "SOCIALSEED_NO_INPUT": "1",
            "SOCIALSEED_CONFIG": None,
            "NO_COLOR": "1",
        }
        result = CliRunner().invoke(app, [*args, "-c", self.config], env=env)
        if result.exit_code not in ok:
            self.failures.append(f"{iso(when)} {args[0]}: {result.exit_code} {result.stderr}")
        return result.stdout

    def morning(self, now: datetime) -> list[str]:
        """One day's cycle; returns the ids of the replies the person approved."""
        plan = str(self.tmp / "plan.json")
        self.run(now, "sync")
        self.run(now, "plan", "-o", plan, "--account", "demo-studio")
        # the bulk step leaves the replies alone (exit 1 names them): each needs a decision
        self.run(now, "review", plan, "--approve-risk", "yellow", ok=(0, 1))
        pending = json.loads(self.run(now, "review", plan, "--list", "--json"))["pending"]
        replies = [a["id"] for a in pending if a["verb"] == "reply"]
        if replies:
            self.run(now, "review", plan, "--approve", ",".join(replies))
        self.run(now + timedelta(minutes=5), "apply", plan, "--yes")
        return replies


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> tuple[Days, list[str]]:
    tmp = tmp_path_factory.mktemp("daily")
    config = tmp / "socialseed.yaml"
    config.write_text(
        (DEMO_CONFIG / "socialseed.yaml").read_text().replace("size: 5000", "size: 400")
    )
    sim = Days(tmp, str(config))
    approved: list[str] = []
    for day in range(DAYS + 1):  # the last morning answers what came in on the last day
        approved += sim.morning(START + timedelta(days=day))
    return sim, approved


def test_every_question_asked_is_answered_within_a_day(days: tuple[Days, list[str]]) -> None:
    sim, _ = days
    end = START + timedelta(days=DAYS, hours=1)
    report = json.loads(sim.run(end, "report", "--since", "2026-11-25", "--format", "json"))
    talk = next(a for a in report["accounts"] if a["account"] == "demo-studio")["conversations"]
    assert sim.failures == []
    assert talk["questions"] >= 3
    assert talk["questions_answered_within_a_day"] == talk["questions"]
    assert talk["unanswered_questions_over_a_day"] == 0
    assert 0 < talk["median_first_response_hours"] <= 24
    text = sim.run(end, "report", "--since", "2026-11-25")
    n = talk["questions"]
    assert f"{n} of {n} question(s) answered within a day, 0 unanswered over a day" in text


def test_markdown_and_html_reports_show_the_same_conversation_figures(
    days: tuple[Days, list[str]],
) -> None:
    sim, _ = days
    end = START + timedelta(days=DAYS, hours=1)
    report = json.loads(sim.run(end, "report", "--since", "2026-11-25", "--format", "json"))
    talk = next(a for a in report["accounts"] if a["account"] == "demo-studio")["conversations"]
    n, wait = talk["questions"], talk["median_first_response_hours"]
    md = sim.run(end, "report", "--since", "2026-11-25", "--format", "markdown")
    assert (
        f"Conversations: {talk['received']} received, {talk['answered']} answered, "
        f"{talk['hidden']} hidden; median first response {wait:.1f} h; "
        f"{n} of {n} question(s) answered within a day, 0 unanswered over a day"
    ) in md
    html = sim.run(end, "report", "--since", "2026-11-25", "--format", "html")
    assert "<h3>Conversations</h3>" in html
    assert f"<b>{n} / {n}</b><span>questions answered within a day</span>" in html
    assert f"<b>{wait:.1f} h</b><span>median first response</span>" in html


def test_each_reply_sent_carries_the_persons_decision(days: tuple[Days, list[str]]) -> None:
    sim, approved = days
    db = open_state(sim.tmp / "state.sqlite")
    decided = {
        str(r["action_id"]): str(r["reviewer"])
        for r in db["decisions"].rows_where("verdict = 'approve' and text is not null")
    }
    assert approved and set(approved) <= set(decided)
    assert {decided[a] for a in approved} == {REVIEWER}
    sent = {
        str(r["action_id"]) for r in db["journal"].rows_where("verb = 'reply' and status = 'done'")
    }
    assert sent and sent <= set(approved)  # nothing replied without the person's approval
