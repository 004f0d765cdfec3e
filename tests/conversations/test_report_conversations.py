"""A reply approved by a person and applied on the sandbox counts in inbox, status and report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.conftest import DEMO_CONFIG


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_an_applied_reply_answers_the_message_in_inbox_status_and_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALSEED_NOW", "2026-11-25T09:00:00Z")
    monkeypatch.setenv("SOCIALSEED_SANDBOX", str(tmp_path / "world.sqlite"))
    config = tmp_path / "socialseed.yaml"
    config.write_text(
        (DEMO_CONFIG / "socialseed.yaml").read_text().replace("size: 5000", "size: 400")
    )
    plan_file = str(tmp_path / "plan.json")
    assert run("plan", "-c", str(config), "-o", plan_file, "--account", "demo-studio")[0] == 0
    actions = json.loads(Path(plan_file).read_text())["actions"]
    reply = next(a for a in actions if a["verb"] == "reply")
    message = reply["conversation"]["message"]

    code, _, err = run("review", plan_file, "-c", str(config), "--approve", reply["id"])
    assert code == 0, err
    monkeypatch.setenv("SOCIALSEED_NOW", "2026-11-25T10:00:00Z")
    code, _, err = run("apply", plan_file, "-c", str(config), "--yes", "--only", reply["id"])
    assert code == 0, err

    code, out, _ = run("inbox", "-c", str(config), "--account", "demo-studio", "--json")
    shown = {m["message"]["id"]: m["status"] for m in json.loads(out)["accounts"][0]["messages"]}
    assert shown[message["id"]] == "answered"
    code, out, _ = run("report", "-c", str(config), "--format", "json", "--since", "30d")
    assert code == 0
    studio = next(a for a in json.loads(out)["accounts"] if a["account"] == "demo-studio")
    talk = studio["conversations"]
    assert talk["answered"] == 1 and talk["received"] >= len(shown) - 1
    assert talk["median_first_response_hours"] > 0
    code, out, _ = run("plan", "-c", str(config), "-o", plan_file, "--account", "demo-studio")
    again = json.loads(Path(plan_file).read_text())["actions"]
    assert reply["id"] not in {a["id"] for a in again}  # never two replies to one message
