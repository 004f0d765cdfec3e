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
def _isolated_env(state_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own state file and no ambient secrets or settings."""
    for name in list(__import__("os").environ):
        if name.startswith("SOCIALSEED_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOCIALSEED_STATE", str(state_path))
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


@pytest.fixture
def pg_state_url(pg_server: object, pg_state_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database holding a new, fully migrated state: its URL."""
    from tests.pgserver import PgServer

    assert isinstance(pg_server, PgServer)
    with pg_server.fresh_database(template=pg_state_template) as url:
        yield url


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
