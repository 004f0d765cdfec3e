"""Sticky rejections through the CLI, on the sandbox: a person's "no" outlives the plan.

Reject an action; the next day's plan leaves it out and the policy never approves it; lift it
(audited: who, when, why); the next plan proposes it again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.state.db import open_state
from tests.conftest import DEMO_CONFIG

DAY1, DAY2 = "2026-11-25T09:00:00Z", "2026-11-26T09:00:00Z"


def run(tmp_path: Path, now: str, *args: str) -> Result:
    env = {"SOCIALSEED_NOW": now, "SOCIALSEED_SANDBOX": str(tmp_path / "sandbox.sqlite")}
    return CliRunner().invoke(app, list(args), env=env)


def plan(tmp_path: Path, now: str, name: str) -> dict[str, object]:
    out = tmp_path / name
    result = run(tmp_path, now, "plan", "-c", str(DEMO_CONFIG), "-o", str(out), "--refresh")
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(out.read_text())
    return data


def ids(data: dict[str, object]) -> set[str]:
    return {str(a["id"]) for a in data["actions"]}  # type: ignore[attr-defined,index]


@pytest.fixture
def first(tmp_path: Path) -> dict[str, object]:
    assert run(tmp_path, DAY1, "sandbox", "reset", "--size", "300").exit_code == 0
    return plan(tmp_path, DAY1, "p1.json")


def test_a_rejection_sticks_until_lifted_and_the_lift_is_audited(
    tmp_path: Path, first: dict[str, object], state_path: Path
) -> None:
    actions = first["actions"]
    assert isinstance(actions, list)
    target = next(a for a in actions if a["verb"] == "follow" and a["auto_approved"])
    action_id, account, handle = target["id"], target["account"], target["target"]["handle"]
    rejected = run(
        tmp_path, DAY1, "review", str(tmp_path / "p1.json"), "-c", str(DEMO_CONFIG),
        "--reject", action_id, "--reason", "a chain, not a person",
    )  # fmt: skip
    assert rejected.exit_code == 0, rejected.stderr

    listed = run(tmp_path, DAY1, "review", "--rejected")
    assert listed.exit_code == 0
    assert listed.stdout == (
        f"{account}\n  follow @{handle}  rejected by tester@example.com on {DAY1}: "
        f'"a chain, not a person"  ({action_id})\n'
    )
    as_json = json.loads(run(tmp_path, DAY1, "review", "--rejected", "--json").stdout)
    assert [(r["action_id"], r["reviewer"], r["reason"]) for r in as_json["rejections"]] == [
        (action_id, "tester@example.com", "a chain, not a person")
    ]

    second = plan(tmp_path, DAY2, "p2.json")
    assert action_id not in ids(second)
    notes = [n for a in second["accounts"] for n in a["notes"]]  # type: ignore[attr-defined]
    assert any("socialseed review --rejected" in n and "--lift" in n for n in notes)
    db = open_state(state_path)
    by_policy = list(
        db["decisions"].rows_where("action_id = ? and verdict = 'approve'", [action_id])
    )
    assert [r["plan_id"] for r in by_policy] == [first_plan_id(db, DAY1)]  # day 1 only
    in_list = run(tmp_path, DAY2, "review", str(tmp_path / "p1.json"), "--list", "--json")
    assert [r["action_id"] for r in json.loads(in_list.stdout)["rejections"]] == [action_id]
    log = json.loads(run(tmp_path, DAY2, "log", "--json").stdout)
    said_no = [e for e in log if e["action_id"] == action_id and e["outcome"] == "reject"]
    assert [(e["actor"], e["detail"]) for e in said_no] == [
        ("tester@example.com", "a chain, not a person")
    ]

    no_reason = run(tmp_path, DAY2, "review", "--lift", account, "follow", handle)
    assert no_reason.exit_code == 1
    assert "Error: lifting a rejection needs a reason" in no_reason.stderr
    unknown = run(tmp_path, DAY2, "review", "--lift", account, "like", handle, "--reason", "x")
    assert unknown.exit_code == 1
    assert f"no standing rejection of like {handle} for account '{account}'" in unknown.stderr
    assert "socialseed review --rejected" in unknown.stderr

    lifted = run(
        tmp_path, DAY2, "review", "--lift", account, "follow", "@" + handle,
        "--reason", "it is a person after all", "--reviewer", "bo@example.com",
    )  # fmt: skip
    assert lifted.exit_code == 0, lifted.stderr
    assert f"lifted the rejection of follow @{handle} for {account}" in lifted.stderr
    audit = list(open_state(state_path)["audit"].rows_where("kind = 'rejection_lifted'"))
    assert [(r["account"], r["actor"], r["at"]) for r in audit] == [
        (account, "bo@example.com", DAY2)
    ]
    assert json.loads(audit[0]["detail"])["lift_reason"] == "it is a person after all"
    entry = json.loads(run(tmp_path, DAY2, "log", "--json", "--last", "1").stdout)[-1]
    assert (entry["kind"], entry["action_id"], entry["verb"], entry["target"]) == (
        "rejection_lifted",
        action_id,
        "follow",
        handle,
    )
    assert entry["detail"].startswith("it is a person after all (rejected by tester@example.com")
    assert run(tmp_path, DAY2, "review", "--rejected", "--json").stdout.count(action_id) == 0

    third = plan(tmp_path, DAY2, "p3.json")
    assert action_id in ids(third)


def first_plan_id(db: object, created_at: str) -> str:
    rows = list(db["plans"].rows_where("created_at = ?", [created_at]))  # type: ignore[index]
    assert len(rows) == 1
    return str(rows[0]["id"])
