"""``state migrate`` and ``state copy``: a team moves its state from SQLite to PostgreSQL (and
back) without losing a row."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import psycopg
from typer.testing import CliRunner

from socialseed.cli.main import app
from socialseed.state.migrations import MIGRATIONS
from tests.foundation.test_state_postgres_cli import _job


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _sqlite_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    found = conn.execute("select name, sql from sqlite_master where type = 'table' order by name")
    keyed = {str(name): "WITHOUT ROWID" in str(sql).upper() for name, sql in found}
    tables = {  # a table kept in key order (WITHOUT ROWID) has no rowid: its rows in key order
        n: conn.execute(
            f'select * from "{n}" order by 1, 2'
            if by_key
            else f'select rowid, * from "{n}" order by rowid'
        ).fetchall()
        for n, by_key in keyed.items()
    }
    conn.close()
    return tables


def test_migrate_runs_the_pending_migrations_and_prints_them(pg_url: str, tmp_path: Path) -> None:
    code, out, err = run("state", "migrate", "--state", pg_url)
    assert code == 0, err
    assert out.split() == [name for name, _ in MIGRATIONS]
    shown = pg_url
    assert f"ran {len(MIGRATIONS)} migration(s) on {shown}" in err
    code, out, err = run("--state", pg_url, "state", "migrate")
    assert (code, out) == (0, "")
    assert f"nothing to migrate: {shown} has every migration of this SocialSeed" in err
    lite = tmp_path / "s.sqlite"
    code, out, err = run("state", "migrate", "--state", str(lite))
    assert code == 0, err
    assert len(out.split()) == len(MIGRATIONS) and lite.is_file()


def test_copy_sqlite_to_postgresql_and_back_keeps_every_row(pg_url: str, tmp_path: Path) -> None:
    original = tmp_path / "team.sqlite"
    _job(tmp_path / "job", str(original))  # a real state: plans, decisions, journal, candidates
    before = _sqlite_tables(original)
    assert len(before["journal"]) > 20 and len(before["candidates"]) > 50

    code, out, err = run("state", "copy", str(original), pg_url)
    assert code == 0, err
    printed = dict(line.split("\t") for line in out.splitlines())
    for table, rows in before.items():
        if table != "_migrations":
            assert printed[table] == str(len(rows)), table
    assert "every table's rows counted the same on both sides" in err
    columns = "select rowid, id, plan_id, action_id, kind, status from journal order by rowid"
    with psycopg.connect(pg_url) as conn:
        journal = conn.execute(columns).fetchall()
    lite = sqlite3.connect(original)
    assert journal == lite.execute(columns).fetchall()
    lite.close()

    back = tmp_path / "back.sqlite"
    code, out, err = run("state", "copy", pg_url, str(back))
    assert code == 0, err
    after = _sqlite_tables(back)
    for table, rows in before.items():
        if table != "_migrations":
            assert after[table] == rows, table  # row for row, rowid for rowid
    assert {r[1] for r in after["_migrations"]} == {r[1] for r in before["_migrations"]}

    # the copy on PostgreSQL is a working state: the next journal row follows the copied ones
    code, _, err = run("--state", pg_url, "pause", "--all", "--reason", "moved to PostgreSQL")
    assert code == 0, err


def test_copy_refuses_a_destination_with_rows_unless_told(pg_url: str, tmp_path: Path) -> None:
    source = tmp_path / "a.sqlite"
    assert run("--state", str(source), "pause", "--all", "--reason", "one")[0] == 0
    assert run("--state", pg_url, "pause", "--all", "--reason", "two")[0] == 0
    code, out, err = run("state", "copy", str(source), pg_url)
    assert code == 1 and out == ""
    assert f"Error: the destination {pg_url} is not empty (table " in err
    assert "nothing was copied" in err and "pass --replace" in err
    code, out, err = run("state", "copy", str(source), pg_url, "--replace")
    assert code == 0, err
    with psycopg.connect(pg_url) as conn:
        reasons = conn.execute("select pause_reason from accounts").fetchall()
    assert reasons == [("one",)]


def test_copy_of_a_password_url_never_prints_the_password(tmp_path: Path) -> None:
    source = tmp_path / "a.sqlite"
    assert run("--state", str(source), "pause", "--all", "--reason", "one")[0] == 0
    code, out, err = run("state", "copy", str(source), "postgresql://ops:hunter2@127.0.0.1:1/x")
    assert code == 1
    assert "postgresql://ops:***@127.0.0.1:1/x cannot be reached" in err
    assert "hunter2" not in out + err


def test_check_on_postgresql_checks_the_schema_and_backups_say_whose_they_are(
    pg_state_url: str,
) -> None:
    code, _, err = run("--state", pg_state_url, "state", "check")
    assert code == 0, err
    assert f"ok: {pg_state_url}: its schema is complete ({len(MIGRATIONS)} migrations)" in err
    assert "backups of a PostgreSQL state are the database's own (pg_dump" in err
    for args in (("state", "backup"), ("state", "backups"), ("state", "reset", "--yes")):
        code, _, err = run("--state", pg_state_url, *args)
        assert code == 1, args
        assert (
            f"this needs a SQLite state file, and the state is in PostgreSQL ({pg_state_url})"
            in err
        )
        assert "backups and integrity checks are the database's own (pg_dump" in err
        assert "Traceback" not in err
