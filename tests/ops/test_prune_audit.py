"""``prune`` through the CLI: it deletes cached posts too, says which parts of the audit trail
go (serial_log included, with counts), records itself, and later reports never mix pruned and
kept data."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

from click.testing import Result
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.clock import iso
from socialseed.state.db import open_state
from tests.conftest import DEMO_CONFIG
from tests.ops.conftest import ACCOUNT, NOW, Seeded

ENV = {"SOCIALSEED_NOW": iso(NOW), "SOCIALSEED_REVIEWER": "ops@example.com"}
CUTOFF = "2026-12-05T12:00:00Z"  # NOW - 5d


def run(state: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--state", str(state), *args], env=ENV)


def report(state: Path, since: str) -> dict[str, Any]:
    result = run(state, "report", "--since", since, "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _posts(seeded: Seeded) -> None:
    seeded.db["candidate_posts"].insert_all(
        [
            {"account": ACCOUNT, "profile_id": "old", "data": "{}", "fetched_at": "2026-08-01"},
            {"account": ACCOUNT, "profile_id": "new", "data": "{}", "fetched_at": "2026-12-09"},
        ]
    )


def test_prune_deletes_old_cached_posts_of_third_parties(seeded: Seeded) -> None:
    _posts(seeded)
    result = run(seeded.path, "prune", "--older-than", "20d")
    assert result.exit_code == 0, result.output
    assert "candidate_posts\t1" in result.stdout
    assert "; the audit trail (journal, decisions, audit, serial_log) was kept" in result.stderr
    db = open_state(seeded.path)
    assert [r["profile_id"] for r in db["candidate_posts"].rows] == ["new"]
    (line,) = db["audit"].rows_where("kind = 'prune'")
    assert line["actor"] == "ops@example.com" and line["at"] == iso(NOW)
    detail = json.loads(line["detail"])
    assert detail["cutoff"] == "2026-11-20T12:00:00Z" and detail["include_audit"] is False
    assert detail["deleted"]["candidate_posts"] == 1


def test_include_audit_names_every_trail_table_it_deletes_with_counts(seeded: Seeded) -> None:
    seeded.db["serial_log"].insert_all(
        [
            {
                "account": ACCOUNT,
                "serial": 1,
                "plan_id": "p",
                "reason": "apply",
                "at": "2026-11-01",
            },
            {
                "account": ACCOUNT,
                "serial": 2,
                "plan_id": "p",
                "reason": "drift",
                "at": "2026-12-09",
            },
        ]
    )
    dry = run(seeded.path, "prune", "--older-than", "5d", "--include-audit", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert (
        f"would delete {_total(dry.stdout)} rows older than 5d "
        f"(before {CUTOFF}), including the audit trail: audit 0, decisions 75, journal 100, "
        "serial_log 1 (serial_log is the history of each account's state serial). Reports "
        f"would then start at {CUTOFF}" in dry.stderr
    )
    assert open_state(seeded.path)["serial_log"].count == 2
    done = run(seeded.path, "prune", "--older-than", "5d", "--include-audit", "--json")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["include_audit"] is True
    assert data["audit_deleted"] == {"audit": 0, "decisions": 75, "journal": 100, "serial_log": 1}
    assert "serial_log 1" in done.stderr and f"Reports now start at {CUTOFF}" in done.stderr
    db = open_state(seeded.path)
    assert [r["serial"] for r in db["serial_log"].rows] == [2]


def _total(stdout: str) -> int:
    return sum(int(line.split("\t")[1]) for line in stdout.splitlines())


def test_a_report_after_include_audit_counts_only_the_days_that_are_left(
    seeded: Seeded, tmp_path: Path
) -> None:
    """Counting 30 days of followers against the 5 days of actions left gave 870%, and 10
    follows done next to 60 made. Now the period starts at the cutoff and every figure is the
    one an unpruned state gives for those same days."""
    untouched = tmp_path / "untouched.sqlite"
    seeded.db.conn.execute("pragma wal_checkpoint(TRUNCATE)")
    shutil.copy(seeded.path, untouched)
    expected = report(untouched, CUTOFF)["accounts"][0]
    mixed = report(seeded.path, "30d")["accounts"][0]
    assert (
        mixed["follow_backs"]["follows_made"] == 60 and mixed["actions"]["totals"]["follow"] == 60
    )

    assert run(seeded.path, "prune", "--older-than", "5d", "--include-audit").exit_code == 0
    data = report(seeded.path, "30d")
    account = data["accounts"][0]
    assert data["since"] == CUTOFF
    assert data["notes"] == [
        f"the period starts at {CUTOFF}, not {iso(NOW - timedelta(days=30))}: the audit "
        "trail before it was deleted by 'socialseed prune --include-audit', so every figure "
        "here counts only the days since"
    ]
    for key in ("followers", "actions", "follow_backs", "approvals", "engagement_rate"):
        assert account[key] == expected[key], key
    assert account["actions"]["totals"]["follow"] == account["follow_backs"]["follows_made"] == 10
    assert account["engagement_rate"] == round(
        account["followers"]["gained"] / (10 + account["actions"]["totals"].get("like", 0)), 4
    )
    # a period inside what is left is not touched
    assert report(seeded.path, "2d")["notes"] == []


def test_every_report_format_shows_the_note(seeded: Seeded, tmp_path: Path) -> None:
    assert run(seeded.path, "prune", "--older-than", "5d", "--include-audit").exit_code == 0
    text = run(seeded.path, "report", "--since", "30d", "-c", str(DEMO_CONFIG))
    assert text.exit_code == 0, text.output
    assert f"note: the period starts at {CUTOFF}" in text.stdout
    for fmt in ("markdown", "html"):
        out = tmp_path / f"r.{fmt}"
        made = run(seeded.path, "report", "--since", "30d", "--format", fmt, "--out", str(out))
        assert made.exit_code == 0, made.output
        assert f"note: the period starts at {CUTOFF}" in out.read_text()
