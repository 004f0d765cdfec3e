"""The whole job (plan, review, apply on the sandbox) on a PostgreSQL state, side by side with
the same job on a SQLite file: the same plan, the same outcomes, the same rows."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
from typer.testing import CliRunner

from socialseed.cli.main import app
from tests.conftest import DEMO_CONFIG

NOW = "2026-11-25T09:00:00Z"
COMPARED = ("plans", "actions", "decisions", "journal", "relationships", "accounts", "audit")


def _config(folder: Path) -> Path:
    text = (DEMO_CONFIG / "socialseed.yaml").read_text()
    path = folder / "socialseed.yaml"
    path.write_text(text.replace("size: 5000", "size: 300"))
    return path


def _job(folder: Path, state: str) -> dict[str, str]:
    """validate → sandbox reset → plan → review (green) → apply → status, as a user runs them."""
    folder.mkdir()
    config = str(_config(folder))
    env = {
        "SOCIALSEED_STATE": state,
        "SOCIALSEED_SANDBOX": str(folder / "world.sqlite"),
        "SOCIALSEED_NOW": NOW,
    }
    plan = str(folder / "plan.json")
    out: dict[str, str] = {}
    for name, args, expected in (
        ("reset", ["sandbox", "reset", "-c", config], 0),
        ("plan", ["plan", "-c", config, "-o", plan, "--detailed-exitcode"], 2),
        ("review", ["review", plan, "-c", config, "--approve-risk", "green"], 0),
        ("apply", ["apply", plan, "-c", config, "--yes", "--max-wait", "24h"], 0),
        ("status", ["status", "-c", config], 0),
    ):
        result = CliRunner().invoke(app, args, env=env)
        assert result.exit_code == expected, (name, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        out[name] = (result.stdout + result.stderr).replace(str(folder), "<dir>")
    return out


def _pg_rows(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"select count(*) from {table}").fetchone()
    assert row is not None
    return int(row[0])


def test_plan_review_apply_on_postgresql_match_sqlite(tmp_path: Path, pg_url: str) -> None:
    on_sqlite = _job(tmp_path / "sqlite", str(tmp_path / "sqlite.state"))
    on_postgres = _job(tmp_path / "pg", pg_url)
    for step in ("plan", "apply"):
        assert on_postgres[step] == on_sqlite[step], step
    applied = re.search(r"Applied p_\w+: (\d+) done", on_postgres["apply"])
    assert applied is not None and int(applied.group(1)) > 20
    import sqlite3

    lite = sqlite3.connect(tmp_path / "sqlite.state")
    for table in COMPARED:
        expected = lite.execute(f"select count(*) from {table}").fetchone()[0]
        assert _pg_rows(pg_url, table) == expected, table
    with psycopg.connect(pg_url) as conn:
        kinds = conn.execute(
            "select kind, count(*) from journal group by kind order by kind"
        ).fetchall()
    done = int(applied.group(1))
    assert kinds == [("intent", done), ("outcome", done)]  # journalled before and after each call
