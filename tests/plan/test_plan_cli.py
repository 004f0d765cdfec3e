"""``socialseed plan`` and ``show`` through the CLI, on a fake platform."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.state.db import open_state
from tests.plan.conftest import BASE_CONFIG, write_config
from tests.plan.fakes import FakeNetwork, bot, profile

runner = CliRunner()


def _seed(network: FakeNetwork, count: int = 12) -> None:
    network.sources["hashtag:filmphotography"] = [profile(f"u{i:02d}") for i in range(count)]
    network.sources["search:35mm film"] = [
        profile("u00"),
        bot("b01"),
        profile("n01", bio="Film shooter. #nobot please"),
        profile("s01", handle="spammer.example"),
    ]


def _plan(config: Path, *args: str) -> object:
    return runner.invoke(app, ["plan", "-c", str(config), *args])


def test_plan_proposes_within_warmup_caps(fake_registry: FakeNetwork, config_path: Path) -> None:
    _seed(fake_registry)
    result = _plan(config_path, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_verb = data["summary"]["by_verb"]
    assert by_verb == {"follow": 5, "like": 6}
    (account,) = data["accounts"]
    assert account["phase"] == "warmup" and account["phase_day"] == 6
    assert account["remaining"] == {"follow": 0, "like": 0}
    handles = {a["target"]["handle"] for a in data["actions"]}
    assert "n01.example" not in handles  # opted out with #nobot
    assert "spammer.example" not in handles  # blocklisted
    assert not any(h.startswith("userb01") for h in handles)  # bot-like ranks last
    notes = " ".join(account["notes"])
    assert "opt_out" in notes and "blocklist" in notes


def test_text_output_is_a_readable_diff(fake_registry: FakeNetwork, config_path: Path) -> None:
    _seed(fake_registry)
    result = _plan(config_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Plan p_") and "11 actions (5 follow, 6 like)" in lines[0]
    assert any(line.startswith("studio (sandbox) phase warmup, day 6 of 14") for line in lines)
    assert any("+ follow" in line and "[green]" in line for line in lines)
    assert any(line.startswith("Legend:") for line in lines)
    assert "saved plan p_" in result.stderr


def test_second_plan_uses_cache_and_is_byte_identical(
    fake_registry: FakeNetwork, config_path: Path, tmp_path: Path
) -> None:
    _seed(fake_registry)
    first = _plan(config_path, "-o", str(tmp_path / "a.json"))
    calls = len(fake_registry.calls)
    second = _plan(config_path, "-o", str(tmp_path / "b.json"))
    assert first.exit_code == second.exit_code == 0
    assert len(fake_registry.calls) == calls  # no network on a re-plan within the TTL
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert "served from the cache" in second.stderr
    _plan(config_path, "--refresh")
    assert len(fake_registry.calls) > calls


def test_plan_records_plan_and_policy_approvals(
    fake_registry: FakeNetwork, config_path: Path, tmp_path: Path
) -> None:
    _seed(fake_registry)
    result = _plan(config_path, "--format", "json")
    data = json.loads(result.stdout)
    db = open_state(tmp_path / "state.sqlite")
    plan_id = db.execute("select id from plans").fetchone()[0]
    green = [a["id"] for a in data["actions"] if a["auto_approved"]]
    assert green
    rows = list(db["decisions"].rows_where("plan_id = ?", [plan_id]))
    assert sorted(r["action_id"] for r in rows) == sorted(green)
    assert {r["reviewer"] for r in rows} == {"policy:auto_approve"}
    _plan(config_path)  # the same plan again: no duplicate decisions
    assert db["decisions"].count == len(green)


def test_detailed_exitcode(fake_registry: FakeNetwork, config_path: Path) -> None:
    _seed(fake_registry)
    assert _plan(config_path, "--detailed-exitcode").exit_code == 2
    empty = _plan(config_path, "--detailed-exitcode", "--exclude-account", "studio")
    assert empty.exit_code == 0
    assert empty.stdout.startswith("No changes")


def test_detailed_exitcode_unsafe_and_error(fake_registry: FakeNetwork, tmp_path: Path) -> None:
    _seed(fake_registry)
    data = copy.deepcopy(BASE_CONFIG)
    data["policy"]["thresholds"] = {"max_actions_per_plan": 3}
    unsafe = _plan(write_config(tmp_path / "u", data), "--detailed-exitcode")
    assert unsafe.exit_code == 3
    assert "11 actions, over max_actions_per_plan 3" in unsafe.stderr
    assert "--force" in unsafe.stderr
    forced = _plan(write_config(tmp_path / "u", data), "--detailed-exitcode", "--force")
    assert forced.exit_code == 2
    missing = _plan(tmp_path / "nowhere.yaml", "--detailed-exitcode")
    assert missing.exit_code == 1
    assert "Traceback" not in missing.output


def test_unknown_account_is_a_clear_error(fake_registry: FakeNetwork, config_path: Path) -> None:
    result = _plan(config_path, "--account", "nope")
    assert result.exit_code == 1
    assert "no account 'nope'" in result.stderr and "studio" in result.stderr


def test_show_by_id_file_and_list(
    fake_registry: FakeNetwork, config_path: Path, tmp_path: Path
) -> None:
    _seed(fake_registry)
    out = tmp_path / "plan.json"
    made = _plan(config_path, "-o", str(out), "--format", "json")
    plan_id = json.loads(made.stdout)["checksum"]
    by_file = runner.invoke(app, ["show", str(out), "--format", "json"])
    assert by_file.stdout == out.read_text()
    short = "p_" + plan_id[:12]
    by_id = runner.invoke(app, ["show", short[:8]])
    assert by_id.exit_code == 0 and by_id.stdout.startswith(f"Plan {short}")
    listed = runner.invoke(app, ["show", "--list"])
    assert short in listed.stdout
    md = runner.invoke(app, ["show", short, "--format", "markdown"])
    assert "<details>" in md.stdout and "| studio |" in md.stdout
    missing = runner.invoke(app, ["show", "p_nothere"])
    assert missing.exit_code == 1 and "socialseed show --list" in missing.stderr


def test_verbose_shows_reasons(fake_registry: FakeNetwork, config_path: Path) -> None:
    _seed(fake_registry)
    result = _plan(config_path, "-v")
    assert "why: found via hashtag:filmphotography (film)" in result.stdout
    assert "filter: followers: 400 within 20..20000" in result.stdout
