"""The operations commands through the CLI, on seeded state: output, exit codes, state left."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from socialseed.cli import ops_cmd
from socialseed.cli.main import app
from socialseed.clock import iso
from socialseed.state.accounts import active_pause
from socialseed.state.db import open_state
from tests.conftest import DEMO_CONFIG
from tests.ops.conftest import NOW, Seeded, lock_held_by_ci, seed_month, turned_red
from tests.ops.fakes import FakePlatform

ENV = {"SOCIALSEED_NOW": iso(NOW)}


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=ENV)


def run_later(*args: str, days: int = 1) -> Result:
    return CliRunner().invoke(
        app, list(args), env={"SOCIALSEED_NOW": iso(NOW + timedelta(days=days))}
    )


# -- status --------------------------------------------------------------------------------------
def test_status_json_shows_phase_budget_health_pause_and_last_apply(seeded: Seeded) -> None:
    result = run("status", "-c", str(DEMO_CONFIG), "--json")
    assert result.exit_code == 0, result.output
    rows = {r["account"]: r for r in json.loads(result.stdout)}
    studio = rows["demo-studio"]
    assert studio["phase"] == {
        "name": "growth",
        "day": 7,
        "days": 60,
        "overridden": False,
        "day_one": "2026-11-20",
        "day_one_from": "start_date",
    }
    assert studio["today"]["follow"] == {"cap": 60, "used": 2, "remaining": 58}
    assert studio["health"]["light"] == "green"
    assert studio["paused"] is None and studio["locked"] is None
    assert studio["last_apply"] == "2026-12-10T11:00:05Z"
    cafe = rows["demo-cafe"]
    assert cafe["phase"]["name"] == "growth" and cafe["last_apply"] is None


def test_status_table_and_fail_on_red(seeded: Seeded) -> None:
    ok = run("status", "-c", str(DEMO_CONFIG), "--fail-on-red")
    assert ok.exit_code == 0
    assert "demo-studio" in ok.stdout and "day 7/60" in ok.stdout
    assert "follow 2/60" in ok.stdout
    assert "demo-studio: green: 1 failed of 15 attempts" in ok.stdout
    turned_red(seeded.db, "demo-studio")
    red = run("status", "-c", str(DEMO_CONFIG), "--fail-on-red")
    assert red.exit_code == 3
    assert "red: demo-studio" in red.stderr and "--fail-on-red" in red.stderr


def test_status_shows_a_pause_and_a_lock(seeded: Seeded) -> None:
    assert run("pause", "demo-studio", "--reason", "warning email").exit_code == 0
    lock_held_by_ci(seeded.db, "demo-studio")
    rows = {
        r["account"]: r for r in json.loads(run("status", "-c", str(DEMO_CONFIG), "--json").stdout)
    }
    assert rows["demo-studio"]["paused"] == "paused: warning email"
    assert rows["demo-studio"]["locked"].startswith("locked by ci (pid 7 on h")


# -- sync ----------------------------------------------------------------------------------------
@pytest.fixture
def fake_platforms(monkeypatch: pytest.MonkeyPatch) -> dict[str, FakePlatform]:
    platforms = {
        "demo-studio": FakePlatform("demo-studio", followers=200, following={"old"}),
        "demo-cafe": FakePlatform("demo-cafe", followers=50),
    }
    monkeypatch.setattr(ops_cmd, "_build_platform", lambda app_ctx, cfg: lambda a: platforms[a.id])
    return platforms


def test_sync_json_records_snapshots_and_drift(
    fake_platforms: dict[str, FakePlatform], tmp_path: Path
) -> None:
    assert run("sync", "-c", str(DEMO_CONFIG)).exit_code == 0  # the baseline
    fake_platforms["demo-studio"].following.add("m1")
    result = run_later("sync", "-c", str(DEMO_CONFIG), "--json")
    assert result.exit_code == 0, result.output
    data = {d["account"]: d for d in json.loads(result.stdout)}
    assert data["demo-studio"]["followers"] == 200
    assert data["demo-studio"]["drift"] == {"followed": ["m1"], "unfollowed": []}
    assert data["demo-studio"]["health"]["light"] == "green"
    assert "drift on demo-studio: 1 follows made outside SocialSeed" in result.stderr
    db = open_state(tmp_path / "state.sqlite")
    assert db["snapshots"].count == 4
    assert db["relationships"].get(("demo-studio", "m1"))["origin"] == "manual"


def test_sync_fail_on_drift_exits_3_and_account_filter(
    fake_platforms: dict[str, FakePlatform],
) -> None:
    assert run("sync", "-c", str(DEMO_CONFIG), "--fail-on-drift").exit_code == 0  # baseline
    fake_platforms["demo-studio"].following.add("m2")
    result = run_later("sync", "-c", str(DEMO_CONFIG), "--fail-on-drift")
    assert result.exit_code == 3
    assert "drift on demo-studio; exit 3 because of --fail-on-drift" in result.stderr
    again = run_later("sync", "-c", str(DEMO_CONFIG), "--fail-on-drift", "--account", "demo-cafe")
    assert again.exit_code == 0
    assert "demo-cafe" in again.stdout and "demo-studio" not in again.stdout


def test_sync_unknown_account_is_a_config_error(fake_platforms: dict[str, FakePlatform]) -> None:
    result = run("sync", "-c", str(DEMO_CONFIG), "--account", "nope")
    assert result.exit_code == 1
    assert (
        "--account nope: no such account in the config (accounts: demo-studio, demo-cafe)"
        in result.stderr
    )


def test_sync_auth_failure_exits_4_with_the_account_named(
    fake_platforms: dict[str, FakePlatform],
) -> None:
    fake_platforms["demo-cafe"].fail = True
    result = run("sync", "-c", str(DEMO_CONFIG))
    assert result.exit_code == 4
    assert "Error: demo-cafe: sync failed: token expired for fake" in result.stderr
    assert "demo-studio" in result.stdout


# -- report --------------------------------------------------------------------------------------
def test_report_json_numbers(seeded: Seeded) -> None:
    result = run(
        "report",
        "--since",
        "30d",
        "--format",
        "json",
        "-c",
        str(DEMO_CONFIG),
        "--account",
        "demo-studio",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    acct = data["accounts"][0]
    assert acct["followers"]["start"] == 100 and acct["followers"]["end"] == 187
    assert (acct["followers"]["gained"], acct["followers"]["lost"]) == (94, 7)
    assert acct["actions"]["totals"] == {"follow": 60} and acct["actions"]["failed"] == 1
    assert acct["follow_backs"] == {"follows_made": 60, "followed_back": 20, "rate": 0.3333}
    assert acct["approvals"] == {
        "approved": 30,
        "auto_approved": 30,
        "rejected": 30,
        "overridden": 0,
    }
    assert acct["api_cost_usd"] == 0.6
    assert acct["engagement_rate"] == round(94 / 60, 4)
    assert data["formulas"]["engagement_rate"].startswith("engagement rate = followers gained ÷")
    phases = [p["phase"] for p in acct["phases"]]
    assert len(phases) == 31
    assert phases.count("not started") == 10 and phases.count("warmup") == 14
    assert phases[-1] == "growth" and phases.count("growth") == 7


def test_report_text_has_charts_and_the_formula(seeded: Seeded) -> None:
    result = run("report", "-c", str(DEMO_CONFIG), "--account", "demo-studio")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "followers 100 → 187 (net +87, gained 94, lost 7)" in out
    assert "▁" in out and "█" in out
    assert "phases    not started 10d → warmup 14d → growth 7d" in out
    assert "follow-backs 20 of 60 (33.3%)" in out
    assert "engagement rate = followers gained" in out


def test_report_markdown_and_html_to_files(seeded: Seeded, tmp_path: Path) -> None:
    md = tmp_path / "r.md"
    result = run("report", "--format", "markdown", "--out", str(md), "-c", str(DEMO_CONFIG))
    assert result.exit_code == 0 and result.stdout == ""
    assert f"wrote the markdown report to {md}" in result.stderr
    text = md.read_text()
    assert "| demo-studio | sandbox | green | 187 | +87 | 94 | 7 | 33.3% (20/60)" in text
    html = tmp_path / "r.html"
    assert run("report", "--html", str(html), "-c", str(DEMO_CONFIG)).exit_code == 0
    page = html.read_text()
    assert page.count('class="pt"') == 30  # one dot per day with a snapshot
    assert page.count('class="bar"') == 30
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page and "<script" not in page
    assert 'name="viewport"' in page


def test_report_bad_format_and_bad_since(seeded: Seeded) -> None:
    bad = run("report", "--format", "pdf")
    assert bad.exit_code == 1 and "--format pdf: not a report format" in bad.stderr
    since = run("report", "--since", "lots")
    assert since.exit_code == 1 and "--since lots" in since.stderr and "30d" in since.stderr


def test_report_without_config_uses_state_accounts(
    seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = json.loads(run("report", "--format", "json").stdout)
    assert [a["account"] for a in data["accounts"]] == ["demo-studio"]
    assert data["accounts"][0]["phases"] == []


# -- log -----------------------------------------------------------------------------------------
def test_log_json_merges_decisions_executions_and_pauses(seeded: Seeded) -> None:
    run("pause", "--all", "--reason", "crisis")
    result = run("log", "--since", "2d", "--json")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    kinds = {e["kind"] for e in entries}
    assert kinds == {"decision", "execution", "pause"}
    fail = next(e for e in entries if e["request_id"] == "req-fail")
    assert fail["outcome"] == "failed (HTTP 500)"
    assert fail["approved_by"] == "alice@example.com"
    assert fail["target"] == "p-fail.example"
    pause_line = entries[-1]
    assert (pause_line["kind"], pause_line["account"], pause_line["actor"]) == (
        "pause",
        "*",
        "tester@example.com",
    )
    assert "reason=crisis" in pause_line["detail"]
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)


def test_log_csv_and_account_filter(seeded: Seeded) -> None:
    result = run("log", "--account", "demo-studio", "--since", "2026-12-10", "--csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(r["account"] == "demo-studio" for r in rows)
    assert {r["kind"] for r in rows} == {"decision", "execution"}
    assert sum(1 for r in rows if r["outcome"] == "reject") == 1
    assert run("log", "--account", "other", "--json").stdout.strip() == "[]"


def test_log_last_keeps_the_newest_entries(seeded: Seeded) -> None:
    every = json.loads(run("log", "--json").stdout)
    assert len(every) > 3
    last = json.loads(run("log", "--json", "--last", "3").stdout)
    assert last == every[-3:]
    bad = run("log", "--last", "0")
    assert bad.exit_code == 1 and "Traceback" not in bad.stderr


def test_log_table(seeded: Seeded) -> None:
    result = run("log", "--since", "1d")
    assert result.exit_code == 0
    assert "audit trail" in result.stdout and "req-fail" in result.stdout


# -- pause / resume ------------------------------------------------------------------------------
def test_pause_and_resume_one_account(tmp_path: Path) -> None:
    db = open_state(tmp_path / "state.sqlite")
    seed_month(db, days=2)
    result = run("pause", "demo-studio", "--reason", "platform warning")
    assert result.exit_code == 0
    assert "paused demo-studio: platform warning" in result.stderr
    assert "socialseed resume demo-studio" in result.stderr
    db = open_state(tmp_path / "state.sqlite")
    found = active_pause(db, "demo-studio", NOW + timedelta(days=365))
    assert found is not None and found.reason == "platform warning"
    assert run("resume", "demo-studio").exit_code == 0
    db = open_state(tmp_path / "state.sqlite")
    assert active_pause(db, "demo-studio", NOW) is None
    kinds = [(r["kind"], r["actor"]) for r in db["audit"].rows_where(order_by="id")]
    assert kinds == [("pause", "tester@example.com"), ("resume", "tester@example.com")]


def test_a_timed_pause_lifts_by_itself(seeded: Seeded, tmp_path: Path) -> None:
    result = run("pause", "demo-studio", "--reason", "cooling off", "--for", "2d")
    assert result.exit_code == 0
    assert "until 2026-12-12T12:00:00Z or 'socialseed resume demo-studio'" in result.stderr
    db = open_state(tmp_path / "state.sqlite")
    assert active_pause(db, "demo-studio", NOW + timedelta(days=1)) is not None
    assert active_pause(db, "demo-studio", NOW + timedelta(days=2, seconds=1)) is None
    bad = run("pause", "demo-studio", "--reason", "x", "--for", "soon")
    assert bad.exit_code == 1 and "--for" in bad.stderr and "Traceback" not in bad.stderr


def test_pause_all_and_resume_all_lift_every_pause(seeded: Seeded, tmp_path: Path) -> None:
    assert run("pause", "demo-studio", "--reason", "one").exit_code == 0
    assert run("pause", "--all", "--reason", "everything").exit_code == 0
    db = open_state(tmp_path / "state.sqlite")
    assert active_pause(db, "demo-cafe", NOW) is not None
    assert run("resume", "--all").exit_code == 0
    db = open_state(tmp_path / "state.sqlite")
    assert (
        active_pause(db, "demo-studio", NOW) is None and active_pause(db, "demo-cafe", NOW) is None
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pause", "demo-studio"], "pause needs --reason"),
        (["pause", "--reason", "x"], "pause: name one account or pass --all"),
        (["pause", "demo-studio", "--all", "--reason", "x"], "not both, not neither"),
        (["pause", "nobody", "--reason", "x"], "pause: no account 'nobody' (known: demo-studio)"),
        (["resume", "nobody"], "resume: no account 'nobody'"),
    ],
)
def test_pause_mistakes_are_explained(seeded: Seeded, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "hint:" in result.stderr


# -- prune ---------------------------------------------------------------------------------------
def _seed_third_party(db, old: str, new: str) -> None:  # type: ignore[no-untyped-def]
    db["candidates"].insert_all(
        [
            {
                "account": "demo-studio",
                "source": "s",
                "profile_id": "old",
                "data": "{}",
                "fetched_at": old,
            },
            {
                "account": "demo-studio",
                "source": "s",
                "profile_id": "new",
                "data": "{}",
                "fetched_at": new,
            },
        ]
    )
    db["scores"].insert_all([{"key": "k1", "created_at": old}, {"key": "k2", "created_at": new}])


def test_prune_dry_run_counts_and_keeps_everything(seeded: Seeded) -> None:
    _seed_third_party(seeded.db, "2026-08-01T00:00:00Z", "2026-12-01T00:00:00Z")
    result = run("prune", "--older-than", "20d", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dry_run"] and data["cutoff"] == "2026-11-20T12:00:00Z"
    assert data["deleted"]["candidates"] == 1 and data["deleted"]["scores"] == 1
    assert data["deleted"]["plans"] == 10
    assert data["deleted"]["actions"] == 0  # every seeded action has a decision: the trail keeps it
    assert "would delete" in result.stderr
    assert seeded.db["candidates"].count == 2 and seeded.db["plans"].count == 30


def test_prune_deletes_old_third_party_data_and_keeps_the_trail(
    seeded: Seeded, tmp_path: Path
) -> None:
    _seed_third_party(seeded.db, "2026-08-01T00:00:00Z", "2026-12-01T00:00:00Z")
    seeded.db["actions"].insert(
        {
            "plan_id": seeded.plans[0].id,
            "action_id": "a_undecided",
            "account": "demo-studio",
            "verb": "like",
            "risk": "green",
            "data": "{}",
        }
    )
    journal_rows, decisions = seeded.db["journal"].count, seeded.db["decisions"].count
    result = run("prune", "--older-than", "20d")
    assert result.exit_code == 0, result.output
    assert "candidates\t1" in result.stdout and "actions\t1" in result.stdout
    assert "deleted 13 rows older than 20d; the audit trail" in result.stderr
    db = open_state(tmp_path / "state.sqlite")
    assert [r["profile_id"] for r in db["candidates"].rows] == ["new"]
    assert db["plans"].count == 20
    assert db["journal"].count == journal_rows and db["decisions"].count == decisions
    assert db["actions"].count_where("action_id = 'a_undecided'") == 0
    log = json.loads(run("log", "--json").stdout)  # old decisions still name their target
    first = next(e for e in log if e["kind"] == "decision")
    assert first["verb"] == "follow" and first["target"].endswith(".example")


def test_prune_include_audit_and_the_config_default(seeded: Seeded, tmp_path: Path) -> None:
    config = tmp_path / "cfg.yaml"
    text = (DEMO_CONFIG / "socialseed.yaml").read_text()
    config.write_text(text + "\nretention: {third_party: 5d}\n")
    result = run("prune", "-c", str(config), "--include-audit", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["cutoff"] == "2026-12-05T12:00:00Z"
    assert (
        data["deleted"]["plans"] == 25 and data["deleted"]["journal"] == 100
    )  # intent and outcome rows
    db = open_state(tmp_path / "state.sqlite")
    assert db["decisions"].count == 5 * 3 + 1
    assert db["actions"].count == 5 * 3


def test_prune_bad_duration(seeded: Seeded) -> None:
    result = run("prune", "--older-than", "ninety")
    assert result.exit_code == 1
    assert "--older-than ninety" in result.stderr and "hint:" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("log", "--since", "7"),
        ("report", "--since", "7"),
        ("pause", "demo-studio", "--reason", "x", "--for", "7"),
        ("prune", "--older-than", "7", "--dry-run"),
        ("usage", "--since", "7"),
    ],
)
def test_a_duration_without_a_unit_says_to_add_one(seeded: Seeded, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 1
    option = next(a for a in args if a in {"--since", "--for", "--older-than"})
    assert f"Error: {option}" in result.stderr
    assert "'7' has no unit: write 7s, 7m, 7h or 7d (only 0 may be written without one)" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
