"""The interactive review in a real pseudo-terminal: real keystrokes, the state checked after each."""

from __future__ import annotations

import os
from pathlib import Path

import pexpect
import pytest

from socialseed.model.plan import Plan
from socialseed.state.db import open_state
from tests.review.factory import NOW_TEXT, action, make_plan, save

SOCIALSEED = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "socialseed"
PROMPT = "a/r/s/b/d/g/q/? > "


def decisions(state: Path) -> list[tuple[str, str, str, str]]:
    db = open_state(state)
    rows = db.table("decisions").rows_where(order_by="id")
    return [(r["action_id"], r["verdict"], r["reason"], r["reviewer"]) for r in rows]


@pytest.fixture
def plan(digest: str) -> Plan:
    return make_plan(
        [action("alice.film"), action("bob.film"), action("cy.film")], config_sha256=digest
    )


def spawn(plan_file: Path, config: Path, state: Path, home: Path) -> pexpect.spawn:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "SOCIALSEED_STATE": str(state),
        "SOCIALSEED_REVIEWER": "pty@example.com",
        "SOCIALSEED_NOW": NOW_TEXT,
        "NO_COLOR": "1",
        "TERM": "xterm",
        "COLUMNS": "110",
        "LINES": "60",
    }
    return pexpect.spawn(
        str(SOCIALSEED),
        ["review", str(plan_file), "-c", str(config)],
        env=env,
        encoding="utf-8",
        dimensions=(60, 110),
        timeout=30,
    )


def test_approve_reject_quit_and_resume_in_a_terminal(
    plan: Plan, tmp_path: Path, config_path: Path, state_path: Path
) -> None:
    plan_file = save(plan, tmp_path / "plan.json")
    first, second, third = (a.id for a in plan.actions)

    child = spawn(plan_file, config_path, state_path, tmp_path)
    child.expect_exact("Reviewing plan")
    child.expect_exact("3 pending")
    child.expect_exact(first)
    child.expect_exact(PROMPT)
    child.send("a")
    child.expect_exact(second)  # the next card appears once the approval is written
    assert decisions(state_path) == [(first, "approve", "", "pty@example.com")]

    child.expect_exact(PROMPT)
    child.send("r")
    child.expect_exact("reason (optional, Enter to skip): ")
    child.sendline("bio is all ads")
    child.expect_exact(third)
    assert decisions(state_path)[1] == (second, "reject", "bio is all ads", "pty@example.com")

    child.expect_exact(PROMPT)
    child.send("x")
    child.expect_exact("unknown key 'x': nothing recorded; press ? for help")
    child.send("q")
    child.expect_exact("Recorded 2 decision(s). 2/3 reviewed, 1 approved, 1 rejected, 1 pending.")
    child.expect_exact(f"Resume with 'socialseed review {plan.id}'.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(decisions(state_path)) == 2

    child = spawn(plan_file, config_path, state_path, tmp_path)
    child.expect_exact("1 pending")
    child.expect_exact(third)
    child.expect_exact(PROMPT)
    child.send("a")
    child.expect_exact("Recorded 1 decision(s). 3/3 reviewed, 2 approved, 1 rejected, 0 pending.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [d[:2] for d in decisions(state_path)] == [
        (first, "approve"),
        (second, "reject"),
        (third, "approve"),
    ]

    child = spawn(plan_file, config_path, state_path, tmp_path)
    child.expect_exact("nothing to review")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_c_quits_with_130_keeping_what_was_recorded(
    plan: Plan, tmp_path: Path, config_path: Path, state_path: Path
) -> None:
    plan_file = save(plan, tmp_path / "plan.json")
    child = spawn(plan_file, config_path, state_path, tmp_path)
    child.expect_exact(PROMPT)
    child.send("a")
    child.expect_exact(plan.actions[1].id)
    child.expect_exact(PROMPT)
    child.sendcontrol("c")
    child.expect_exact("Recorded 1 decision(s).")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert [d[1] for d in decisions(state_path)] == ["approve"]
