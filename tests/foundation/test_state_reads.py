"""state.reads: the light read-only handle of ``status``, and when it leaves the file to
``open_state`` (which migrates it, or refuses it with the reason)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from socialseed.state import schema_columns
from socialseed.state.db import open_state
from socialseed.state.integrity import expected_schema
from socialseed.state.migrations import MIGRATIONS
from socialseed.state.reads import open_reads


def _state(tmp_path: Path) -> Path:
    path = tmp_path / "state.sqlite"
    open_state(path).conn.close()
    return path


def _sql(path: Path, statement: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(statement)
    conn.commit()
    conn.close()


def test_the_column_snapshot_is_what_the_migrations_make() -> None:
    known = tuple(name for name, _ in MIGRATIONS)
    expected = {t: tuple(sorted(c)) for t, c in expected_schema(known).items()}
    hint = "stale: run `.venv/bin/python -m socialseed.state.reads` after adding a migration"
    assert known == schema_columns.MIGRATED, hint
    assert expected == schema_columns.COLUMNS, hint


def test_a_migrated_file_reads_and_refuses_writes(tmp_path: Path) -> None:
    path = _state(tmp_path)
    Database(path)["audit"].insert({"at": "2026-01-01T00:00:00Z", "account": "a", "kind": "x"})

    reads = open_reads(path)

    assert reads is not None
    assert reads.conn.execute("select account, kind from audit").fetchall() == [("a", "x")]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reads.conn.execute("delete from audit")


@pytest.mark.parametrize(
    "change",
    [
        "delete from _migrations where name = (select max(name) from _migrations)",
        "insert into _migrations values ('m999_from_a_newer_socialseed', '')",
        "alter table rejections drop column reason",
        "drop table journal",
    ],
    ids=["pending migration", "newer migration", "dropped column", "dropped table"],
)
def test_a_file_that_is_not_as_expected_is_left_to_open_state(tmp_path: Path, change: str) -> None:
    path = _state(tmp_path)
    _sql(path, change)

    assert open_reads(path) is None


def test_no_file_or_not_a_database_is_left_to_open_state(tmp_path: Path) -> None:
    assert open_reads(tmp_path / "absent.sqlite") is None
    assert not (tmp_path / "absent.sqlite").exists()
    (tmp_path / "junk.sqlite").write_bytes(b"not a database" * 100)
    assert open_reads(tmp_path / "junk.sqlite") is None
