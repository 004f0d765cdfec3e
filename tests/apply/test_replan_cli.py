"""The read-only state of a pull request's plan, and ``apply --replan-if-stale``, through the
CLI on the sandbox: exit codes, messages, and what is (not) left in the state."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.state.db import open_state
from tests.apply.sandbox_setup import Setup, build


def invoke(setup: Setup, *args: str, **env: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=setup.env | env)
    return result.exit_code, result.stdout, result.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def audit_rows(setup: Setup, kind: str) -> list[dict[str, object]]:
    db = open_state(setup.state_path)
    try:
        found = db["audit"].rows_where("kind = ?", [kind], order_by="id")
        return [json.loads(str(r["detail"])) for r in found]
    finally:
        db.conn.close()


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return build(tmp_path, accounts=("alpha",), follows=3)


def test_a_read_only_plan_leaves_the_shared_state_as_it_was(
    setup: Setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch_root = tmp_path / "tmp"
    scratch_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_root))
    before = digest(setup.state_path)
    out = tmp_path / "pr-plan.json"
    code, _, err = invoke(
        setup, "plan", "-c", str(setup.config_path), "--read-only-state", "-o", str(out)
    )
    assert code == 0, err
    assert f"read-only state: planned against {setup.state_path} without writing it" in err
    assert "saved plan" not in err  # not saved in the shared state
    assert digest(setup.state_path) == before
    assert list(scratch_root.iterdir()) == []  # the scratch copy is gone
    assert json.loads(out.read_text())["accounts"][0]["state_serial"] == 0


def test_a_read_only_plan_never_creates_a_missing_state(setup: Setup, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "state.sqlite"
    code, _, err = invoke(
        setup,
        "plan",
        "-c",
        str(setup.config_path),
        SOCIALSEED_STATE=str(missing),
        SOCIALSEED_STATE_READONLY="1",
    )
    assert code == 1
    assert err.startswith(
        f"Error: read-only state: the shared state file {missing} does not exist; nothing was "
        "created\n  hint: point SOCIALSEED_STATE"
    )
    assert not missing.parent.exists()


def test_recording_commands_refuse_a_read_only_state(setup: Setup) -> None:
    before = digest(setup.state_path)
    code, _, err = invoke(
        setup, "apply", str(setup.plan_path), "--yes", SOCIALSEED_STATE_READONLY="1"
    )
    assert code == 1
    assert err.startswith(
        "Error: 'socialseed apply' records in the state, but SOCIALSEED_STATE_READONLY=1 makes "
        "this run read-only (a pull request's plan job); nothing was recorded\n"
    )
    assert digest(setup.state_path) == before


def test_stale_without_the_flag_exits_5_and_with_it_drops_what_the_fresh_plan_lacks(
    setup: Setup,
) -> None:
    # the config changed since the review: the plan is stale, and the new config plans nothing
    setup.config_path.write_text(
        setup.config_path.read_text().replace("cooldown: 2h", "cooldown: 3h")
    )
    apply = ("apply", str(setup.plan_path), "-c", str(setup.config_path), "--yes")
    code, _, err = invoke(setup, *apply)
    assert code == 5
    assert "the config changed since the plan was made" in err

    code, _, err = invoke(setup, *apply, "--dry-run", "--replan-if-stale")
    assert code == 5
    assert audit_rows(setup, "replan_dropped") == []  # a dry run records nothing

    code, _, err = invoke(setup, *apply, "--replan-if-stale")
    assert code == 5
    ids = [a.id for a in setup.plan.actions]
    for action_id in ids:
        assert f"  dropped {action_id} alpha follow " in err
    assert f"Error: plan {setup.plan.id} is stale and none of its approved actions" in err
    dropped = audit_rows(setup, "replan_dropped")
    assert [d["action_id"] for d in dropped] == ids
    assert {d["plan_id"] for d in dropped} == {setup.plan.id}
    code, out, _ = invoke(setup, "log", "--json")
    assert code == 0
    logged = [e for e in json.loads(out) if e["kind"] == "replan_dropped"]
    assert [e["action_id"] for e in logged] == ids
