"""The tests' own PostgreSQL server starts from the installed binaries and hands out databases."""

from __future__ import annotations

import psycopg


def test_each_test_gets_a_fresh_database_on_a_real_server(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        conn.execute("CREATE TABLE probe (id integer primary key)")
        conn.execute("INSERT INTO probe VALUES (1)")
        rows = conn.execute("SELECT id FROM probe").fetchall()
    assert version is not None and int(str(version[0]).split(".")[0]) >= 13
    assert rows == [(1,)]


def test_a_second_database_starts_empty(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    assert tables == (0,)
