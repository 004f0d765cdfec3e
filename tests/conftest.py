"""Shared fixtures. Unit tests never touch the network or the user's real state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO_CONFIG = ROOT / "configs" / "demo"


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    """The test's own state file (what SOCIALSEED_STATE points at)."""
    return tmp_path / "state.sqlite"


@pytest.fixture(autouse=True)
def _isolated_env(
    state_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Every test gets its own state file and cache folder, and no ambient secrets or settings."""
    for name in list(__import__("os").environ):
        if name.startswith("SOCIALSEED_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOCIALSEED_STATE", str(state_path))
    monkeypatch.setenv("SOCIALSEED_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOCIALSEED_NO_INPUT", "1")
    monkeypatch.setenv("SOCIALSEED_REVIEWER", "tester@example.com")
    monkeypatch.setenv("NO_COLOR", "1")
    yield


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """One real PostgreSQL server per test process (see tests/pgserver.py)."""
    import os

    from tests import pgserver

    reason = pgserver.missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with pgserver.running_server() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: object) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test: its URL."""
    from tests.pgserver import PgServer

    assert isinstance(pg_server, PgServer)
    with pg_server.fresh_database() as url:
        yield url


@pytest.fixture(scope="session")
def pg_state_template(pg_server: object) -> str:
    """A database SocialSeed has migrated, once per test process: the template of each
    ``pg_state_url`` (copying it is far quicker than migrating again)."""
    from socialseed.state.db import open_state
    from tests.pgserver import PgServer

    assert isinstance(pg_server, PgServer)
    name = "socialseed_migrated"
    pg_server.admin(f'CREATE DATABASE "{name}"')
    open_state(pg_server.url(name)).conn.close()
    return name


@pytest.fixture(scope="session")
def _pg_shared_state(pg_server: object, pg_state_template: str) -> str:
    """One migrated database per test process, emptied after each test that used it."""
    from tests.pgserver import PgServer

    assert isinstance(pg_server, PgServer)
    pg_server.admin(f'CREATE DATABASE "socialseed_shared" TEMPLATE "{pg_state_template}"')
    return pg_server.url("socialseed_shared")


@pytest.fixture
def pg_state_url(pg_server: object, pg_state_template: str, _pg_shared_state: str) -> Iterator[str]:
    """A PostgreSQL database holding a new, fully migrated, empty state: its URL.

    Making a database per test costs about a second of the server's time on a busy machine, so
    the tests share one and it is emptied afterwards (rows deleted, identities restarted, other
    connections ended); a test that changed its schema gets a fresh copy of the template."""
    yield _pg_shared_state
    _reset_shared(pg_server, pg_state_template, _pg_shared_state)


def _reset_shared(server: object, template: str, url: str) -> None:
    import psycopg

    from socialseed.state.migrations import MIGRATIONS
    from tests.pgserver import PgServer

    assert isinstance(server, PgServer)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity "
            "where datname = current_database() and pid <> pg_backend_pid()"
        )
        tables = [
            str(r[0])
            for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")
        ]
        with psycopg.connect(server.url(template)) as reference:
            expected = [
                str(r[0])
                for r in reference.execute(
                    "select tablename from pg_tables where schemaname = 'public'"
                )
            ]
        ran = conn.execute("select count(*) from _migrations").fetchone() if tables else None
        if sorted(tables) == sorted(expected) and ran == (len(MIGRATIONS),):
            for table in tables:
                if table != "_migrations":
                    conn.execute(f'delete from "{table}"')
            for table, column in conn.execute(
                "select table_name, column_name from information_schema.columns "
                "where table_schema = 'public' and is_identity = 'YES'"
            ).fetchall():
                conn.execute(
                    f"select setval(pg_get_serial_sequence(%s, %s), coalesce((select "
                    f'max("{column}") from "{table}"), 0) + 1, false)',
                    [f'"{table}"', column],
                )
            return
    name = url.rsplit("/", 1)[1]
    server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    server.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


@pytest.fixture(params=["sqlite", "postgresql"])
def state_where(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a state test keeps its state, once per backend: a SQLite file's path, then a
    fresh, migrated database on the tests' real PostgreSQL server (its URL)."""
    if request.param == "sqlite":
        return str(tmp_path / "state.sqlite")
    return str(request.getfixturevalue("pg_state_url"))


@pytest.fixture
def state_db(state_where: str) -> Iterator[object]:
    """The state opened (and migrated) on each backend in turn; closed afterwards."""
    from socialseed.state.db import open_state

    db = open_state(state_where)
    yield db
    db.conn.close()
