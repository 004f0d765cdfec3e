"""Fixtures for the auth tests: no OS keyring, a fresh redaction registry, a local OAuth server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from socialseed import redact
from socialseed.auth.keys import KeyManager, new_key_text
from socialseed.auth.vault import Vault
from socialseed.clock import FakeClock
from socialseed.state.db import open_state
from tests.auth.oauth_server import OAuthServer

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SOCIALSEED_KEYRING", "off")
    yield
    redact.forget_all()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def db(state_path: Path) -> Database:
    return open_state(state_path, now=NOW)


@pytest.fixture
def key_text() -> str:
    return new_key_text()


@pytest.fixture
def vault(db: Database, key_text: str) -> Vault:
    return Vault(db, KeyManager({"SOCIALSEED_KEY": key_text}, None))


@pytest.fixture
def oauth_server() -> Iterator[OAuthServer]:
    server = OAuthServer()
    server.start()
    yield server
    server.stop()


def file_bytes(path: Path) -> bytes:
    """The state file's bytes, with its WAL and shared-memory files (where fresh rows sit)."""
    data = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = Path(str(path) + suffix)
        if part.exists():
            data += part.read_bytes()
    return data
