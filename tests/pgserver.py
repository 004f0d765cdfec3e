"""A real PostgreSQL server for the tests, started from the installed binaries.

One server per test process (pytest-xdist worker), in a temporary data directory, listening
only on a Unix socket and a free loopback port, with ``trust`` authentication for the local
user. PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` system
user (``runuser``). Each test gets its own database (``fresh_database``), dropped afterwards.

Where the binaries are missing the PostgreSQL tests skip with the reason, except in CI
(``CI=true``), where ``make test`` installs them first and a missing server fails the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
SYSTEM_USER = "postgres"


def find_bin(name: str) -> Path | None:
    """The newest installed PostgreSQL's ``name`` (initdb, pg_ctl), or one on PATH."""
    for folder in BIN_DIRS:
        if (folder / name).is_file():
            return folder / name
    found = shutil.which(name)
    return Path(found) if found else None


def missing_reason() -> str | None:
    """Why no server can be started here, or None."""
    for name in ("initdb", "pg_ctl"):
        if find_bin(name) is None:
            return f"PostgreSQL's {name} is not installed (make test installs it: scripts/apt-install.sh)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: PostgreSQL cannot be started"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class PgServer:
    """A running server: ``url(dbname)`` gives a connection URL for one of its databases."""

    host: str
    port: int
    user: str

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        """Run one statement in the maintenance database (autocommit)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)

    @contextmanager
    def fresh_database(self, prefix: str = "t", template: str | None = None) -> Iterator[str]:
        """A new database for one test (empty, or a copy of ``template``); its URL. Dropped
        (forcibly) afterwards."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{template}"' if template else ""
        self.admin(f'CREATE DATABASE "{name}"{copy}')
        try:
            yield self.url(name)
        finally:
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SYSTEM_USER, "--", *argv]
    return argv


@contextmanager
def running_server() -> Iterator[PgServer]:
    """Start a throwaway server; stop it and remove its files on exit."""
    reason = missing_reason()
    if reason:
        raise RuntimeError(reason)
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    assert initdb and pg_ctl
    data = Path(tempfile.mkdtemp(prefix="socialseed-pg-"))
    sockets = data / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(data, SYSTEM_USER)
        shutil.chown(sockets, SYSTEM_USER)
    user = SYSTEM_USER if os.geteuid() == 0 else _login()
    pgdata = data / "data"
    port = _free_port()
    log = data / "server.log"
    try:
        subprocess.run(
            _as_server_user(
                [
                    str(initdb),
                    "-D",
                    str(pgdata),
                    "-A",
                    "trust",
                    "-U",
                    user,
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            _as_server_user(
                [str(pg_ctl), "-D", str(pgdata), "-o", options, "-l", str(log), "-w", "start"]
            ),
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as exc:
        text = log.read_text() if log.exists() else ""
        shutil.rmtree(data, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr!r} {text[-2000:]}") from exc
    try:
        yield PgServer(host="127.0.0.1", port=port, user=user)
    finally:
        subprocess.run(
            _as_server_user([str(pg_ctl), "-D", str(pgdata), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)


def _login() -> str:
    import getpass

    return getpass.getuser()
