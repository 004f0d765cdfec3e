"""The demo config on the built-in sandbox, end to end through the CLI."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.conftest import DEMO_CONFIG

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("socialseed.platforms.sandbox") is None,
    reason="the sandbox platform (socialseed.platforms.sandbox) is not built yet",
)
runner = CliRunner()
CAPS = {"demo-studio": {"follow": 15, "like": 40}, "demo-cafe": {"follow": 30, "like": 80}}


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("SOCIALSEED_NOW", "2026-11-25T09:00:00Z")
    monkeypatch.setenv("SOCIALSEED_SANDBOX", str(tmp_path / "sandbox.sqlite"))
    return tmp_path


def test_demo_plan_is_capped_safe_readable_and_deterministic(demo_env: Path) -> None:
    first = runner.invoke(
        app,
        ["plan", "-c", str(DEMO_CONFIG), "-o", str(demo_env / "a.json"), "--include-profiles"],
    )
    assert first.exit_code == 0, first.output
    second = runner.invoke(
        app,
        ["plan", "-c", str(DEMO_CONFIG), "-o", str(demo_env / "b.json"), "--include-profiles"],
    )
    assert second.exit_code == 0, second.output
    assert (demo_env / "a.json").read_bytes() == (demo_env / "b.json").read_bytes()
    assert "served from the cache" in second.stderr

    data = json.loads((demo_env / "a.json").read_text())
    counts = Counter((a["account"], a["verb"]) for a in data["actions"])
    for account, caps in CAPS.items():
        for verb, cap in caps.items():
            assert 0 < counts[(account, verb)] <= cap, (account, verb)
    phases = {a["account"]: (a["phase"], a["phase_day"]) for a in data["accounts"]}
    assert phases == {"demo-studio": ("warmup", 6), "demo-cafe": ("growth", 35)}

    for action in [a for a in data["actions"] if "conversation" not in a]:  # found by discovery
        bio = action["profile"]["bio"].lower()
        assert "#nobot" not in bio and "#noautomation" not in bio
        if action["risk"] == "red":
            assert any("bot-like" in r or "avoid" in r for r in action["risk_reasons"])
        else:
            assert action["score"]["authenticity"] >= 0.5
    notes = " ".join(n for a in data["accounts"] for n in a["notes"])
    assert "candidate(s): opt_out" in notes  # #nobot honoured, with the reason
    assert "candidate(s): ratio" in notes  # mass-following bots dropped, with the reason

    lines = first.stdout.splitlines()
    assert lines[0].startswith("Plan p_") and "for 2 account(s)" in lines[0]
    assert any(line.startswith("demo-studio (sandbox) phase warmup, day 6 of 14") for line in lines)
    assert any(line.startswith("  today: follow 15 proposed, 0 left") for line in lines)
