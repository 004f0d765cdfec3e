"""socialseed usage: totals per provider and model, as a table or JSON."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.model.scoring import UsageRecord
from socialseed.state.ai import SqliteScoringStore
from socialseed.state.db import open_state
from tests.scoring.fakes import NOW

runner = CliRunner()


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOCIALSEED_NOW", "2026-11-25T18:00:00Z")
    path = tmp_path / "state.sqlite"
    store = SqliteScoringStore(open_state(path))
    rows = [
        ("gpt", "gpt-4o-mini", 1, 612, 97, 0.000150, 10, "ok"),
        ("gpt", "gpt-4o-mini", 2, 598, 24, 0.000104, 10, "malformed"),
        ("claude", "claude-haiku-4-5", 3, 655, 104, 0.001175, 10, "ok"),
        ("claude", "claude-haiku-4-5", 45, 1000, 100, 0.5, 10, "ok"),
    ]
    for provider, model, days, tin, tout, cost, profiles, outcome in rows:
        store.record_usage(
            UsageRecord(
                NOW - timedelta(days=days), provider, model, tin, tout, cost, profiles, outcome
            )
        )
    return path


def test_usage_json_totals_per_provider_and_model(ledger: Path) -> None:
    result = runner.invoke(app, ["usage", "--json"])

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["since"] == "2026-10-26T18:00:00Z"
    assert data["providers"] == [
        {
            "provider": "claude",
            "model": "claude-haiku-4-5",
            "requests": 1,
            "failed": 0,
            "profiles": 10,
            "tokens_in": 655,
            "tokens_out": 104,
            "cost_usd": 0.001175,
        },
        {
            "provider": "gpt",
            "model": "gpt-4o-mini",
            "requests": 2,
            "failed": 1,
            "profiles": 10,
            "tokens_in": 1210,
            "tokens_out": 121,
            "cost_usd": 0.000254,
        },
    ]
    assert data["total"] == {
        "requests": 3,
        "failed": 1,
        "profiles": 20,
        "tokens_in": 1865,
        "tokens_out": 225,
        "cost_usd": 0.001429,
    }


def test_usage_since_all_and_since_window(ledger: Path) -> None:
    everything = json.loads(runner.invoke(app, ["usage", "--json", "--since", "all"]).stdout)
    today = json.loads(runner.invoke(app, ["usage", "--json", "--since", "36h"]).stdout)

    assert everything["since"] is None and everything["total"]["requests"] == 4
    assert [p["provider"] for p in today["providers"]] == ["gpt"]
    assert today["total"]["requests"] == 1


def test_usage_table(ledger: Path) -> None:
    result = runner.invoke(app, ["usage"])

    assert result.exit_code == 0
    out = result.stdout
    assert "Scoring usage since 2026-10-26T18:00:00Z" in out
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line.split()}
    assert lines["gpt"][1:] == ["gpt-4o-mini", "2", "1", "10", "1210", "121", "0.0003"]
    assert lines["total"][1:] == ["3", "1", "20", "1865", "225", "0.0014"]


def test_usage_with_an_empty_ledger_says_so_on_stderr(tmp_path: Path) -> None:
    result = runner.invoke(app, ["usage"])

    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no scoring requests since" in result.stderr


def test_usage_refuses_a_bad_since() -> None:
    result = runner.invoke(app, ["usage", "--since", "last week"])

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --since: 'last week' is not a duration (use a number and s, m, h, d or w: "
        "'24h')\n"
        "  hint: use a number and s, m, h, d or w (for example --since 30d), or --since all\n"
    )
