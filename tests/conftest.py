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
