"""The state store: migrations on open, refusal of corrupt or newer files, never overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from socialseed.errors import StateError
from socialseed.state.db import applied, open_state
from socialseed.state.migrations import MIGRATIONS


def test_fresh_database_runs_every_migration_once(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    db = open_state(path)
    assert applied(db) == sorted(name for name, _ in MIGRATIONS)
    assert {"journal", "decisions", "plans", "relationships", "locks"} <= set(db.table_names())
    db.conn.close()
    again = open_state(path)
    assert applied(again) == sorted(name for name, _ in MIGRATIONS)
    assert again.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_oldest_schema_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    first_name, first = MIGRATIONS[0]
    db = Database(path)
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    first(db)
    db["_migrations"].insert({"name": first_name, "applied_at": ""})
    db.conn.close()
    upgraded = open_state(path)
    assert applied(upgraded) == sorted(name for name, _ in MIGRATIONS)


def test_corrupt_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "bad.sqlite"
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    with pytest.raises(StateError) as err:
        open_state(path)
    assert f"state file {path} is not a SQLite database" in str(err.value)
    assert "left untouched" in str(err.value)
    assert err.value.exit_code == 6
    assert path.read_bytes() == garbage


def test_newer_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    db = open_state(path)
    db["_migrations"].insert({"name": "m999_from_the_future", "applied_at": ""})
    db.conn.close()
    with pytest.raises(StateError) as err:
        open_state(path)
    assert "newer SocialSeed" in str(err.value)
    assert "m999_from_the_future" in str(err.value)


def test_cli_reports_corrupt_state_without_traceback(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from socialseed.cli.main import app

    path = tmp_path / "bad.sqlite"
    path.write_bytes(b"x" * 4096)
    result = CliRunner().invoke(app, ["--state", str(path), "pause", "--all", "--reason", "test"])
    if "No such command" in result.stderr:
        pytest.skip("pause command not built yet")
    assert result.exit_code == 6
    assert "Traceback" not in result.stderr
    assert "is not a SQLite database" in result.stderr
