"""One account that cannot authenticate does not stop the plan for the others (exit 7)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.state.db import open_state
from tests.conftest import DEMO_CONFIG

NOW = "2026-11-25T09:00:00Z"


def run(tmp_path: Path, *args: str) -> Result:
    env = {"SOCIALSEED_NOW": NOW, "SOCIALSEED_SANDBOX": str(tmp_path / "sandbox.sqlite")}
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """The demo's sandbox accounts plus a Bluesky account whose app password is not set."""
    data = yaml.safe_load((DEMO_CONFIG / "socialseed.yaml").read_text())
    first = data["accounts"][0]
    data["accounts"].append(
        {
            "id": "studio-bsky",
            "platform": "bluesky",
            "handle": "studio.example.com",
            "service": "http://127.0.0.1:9",  # never reached: there is no credential to send
            "credentials": "env/STUDIO_BSKY_APP_PASSWORD",
            "phases": first["phases"],
            "targeting": first["targeting"],
        }
    )
    path = tmp_path / "cfg" / "socialseed.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert run(tmp_path, "sandbox", "reset", "--size", "300").exit_code == 0
    return path


def test_the_other_accounts_are_planned_saved_and_the_failure_named(
    tmp_path: Path, config: Path, state_path: Path
) -> None:
    out = tmp_path / "plan.json"
    result = run(tmp_path, "plan", "-c", str(config), "-o", str(out), "--detailed-exitcode")
    assert result.exit_code == 7
    assert result.stderr.endswith(
        "Error: 1 account(s) could not authenticate and were not planned; the plan covers "
        "the other 2:\n"
        "  studio-bsky: no credentials are connected for account 'studio-bsky'\n"
        "    fix: run 'socialseed auth login studio-bsky', or set SOCIALSEED_STUDIO_BSKY_TOKEN "
        "(CI)\n"
    )
    saved = json.loads(out.read_text())
    assert [a["account"] for a in saved["accounts"]] == ["demo-cafe", "demo-studio"]
    assert {a["account"] for a in saved["actions"]} == {"demo-cafe", "demo-studio"}
    assert [n for n in saved["notes"] if ": runway low: " not in n] == [
        "account studio-bsky was not planned: no credentials are connected for account "
        "'studio-bsky'"
    ]
    rows = list(open_state(state_path)["plans"].rows)
    assert [r["id"] for r in rows] == ["p_" + saved["checksum"][:12]]
    markdown = run(tmp_path, "show", str(out), "--format", "markdown")
    assert "account studio-bsky was not planned" in markdown.stdout


def test_when_no_account_can_authenticate_it_is_the_auth_error(
    tmp_path: Path, config: Path
) -> None:
    result = run(tmp_path, "plan", "-c", str(config), "--account", "studio-bsky")
    assert result.exit_code == 4
    assert result.stderr == (
        "Error: no credentials are connected for account 'studio-bsky'\n"
        "  hint: run 'socialseed auth login studio-bsky', or set SOCIALSEED_STUDIO_BSKY_TOKEN "
        "(CI)\n"
    )
